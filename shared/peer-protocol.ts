/**
 * The browser-to-browser half of the protocol: what rides inside a server `signal` frame's
 * opaque `data`, and the frames on the direct WebRTC data channel. The server never decodes
 * these; browsers decode everything they receive through these schemas.
 */
import { z } from 'zod';
import { FileId, IdBatch, MessageId, SealedEnvelope, Signature, TransientEnvelope } from './protocol';
import { type Sodium, fromB64, toB64 } from './sodium';

/** simple-peer's signal objects, as far as Parley passes them on. */
const RtcSignal = z.union([
  z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(12_000) }),
  z.object({
    type: z.literal('candidate'),
    candidate: z.object({
      candidate: z.string().max(1_000),
      sdpMLineIndex: z.number().int().nullable().optional(),
      sdpMid: z.string().max(64).nullable().optional(),
      usernameFragment: z.string().max(256).nullable().optional(),
    }),
  }),
  z.object({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
]);
export type RtcSignal = z.infer<typeof RtcSignal>;

const ChunkIndex = z.number().int().nonnegative().max(2 ** 32 - 1);

/**
 * Control of one file transfer, on whichever path the link uses (a `file` signal over the relay,
 * a `file` frame on the channel). The receiver drives it: `want` asks for chunks from an index
 * (a start, a resume after a reload, or a gap), `ack` reports how many leading chunks it has stored.
 */
export const FileControl = z.discriminatedUnion('op', [
  z.object({ op: z.literal('want'), fileId: FileId, from: ChunkIndex }),
  z.object({ op: z.literal('ack'), fileId: FileId, next: ChunkIndex }),
  /** Either side stops the transfer. */
  z.object({ op: z.literal('cancel'), fileId: FileId }),
  /** The receiver verified the whole file (`ok`) or found its SHA-256 wrong. */
  z.object({ op: z.literal('done'), fileId: FileId, ok: z.boolean() }),
]);
export type FileControl = z.infer<typeof FileControl>;

/** Identifies one connection attempt, so signals from an abandoned attempt are ignored. */
const AttemptId = z.string().min(1).max(64);

export const SignalPayload = z.discriminatedUnion('kind', [
  /** WebRTC negotiation for attempt `sid`. */
  z.object({ kind: z.literal('rtc'), sid: AttemptId, signal: RtcSignal }),
  /** The sender is in relay-only mode: do not try to connect directly. */
  z.object({ kind: z.literal('decline') }),
  /** The sender (the answering side) would now accept a direct connection: offer one. */
  z.object({ kind: z.literal('ready') }),
  /** File transfer control while the link is on the relay. */
  z.object({ kind: z.literal('file'), ctl: FileControl }),
]);
export type SignalPayload = z.infer<typeof SignalPayload>;

export const ChannelFrame = z.discriminatedUnion('t', [
  /**
   * The binding of this DTLS session to the sender's identity: its own certificate fingerprint and
   * the one it sees for the other side, signed with its identity key (see SECURITY.md).
   */
  z.object({ t: z.literal('hello'), fp: z.string().max(200), peerFp: z.string().max(200), sig: Signature }),
  /** A sealed envelope, exactly as it would travel through the relay. */
  z.object({ t: z.literal('env'), id: MessageId, env: SealedEnvelope }),
  /** The receiver stored these envelopes (or had them already). */
  z.object({ t: z.literal('ack'), ids: IdBatch }),
  /**
   * The receiver refused these envelopes: they did not open (tampered, sealed to another key, or
   * not for this conversation). Like `ack` the sender forgets them, but shows them not delivered.
   */
  z.object({ t: z.literal('refuse'), ids: IdBatch }),
  /** File transfer control while the link is direct (chunks themselves are binary messages). */
  z.object({ t: z.literal('file'), ctl: FileControl }),
  /** A sealed transient signal (typing), as the server's `transient` frame carries it: never answered. */
  z.object({ t: z.literal('transient'), id: MessageId, env: TransientEnvelope }),
]);
export type ChannelFrame = z.infer<typeof ChannelFrame>;

function parse<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a signal payload; undefined for anything malformed. Never throws. */
export const decodeSignal = (text: string): SignalPayload | undefined => parse(SignalPayload, text);
/** Decodes a data channel frame; undefined for anything malformed. Never throws. */
export const decodeChannelFrame = (text: string): ChannelFrame | undefined => parse(ChannelFrame, text);

/** The DTLS certificate fingerprint an SDP announces (`a=fingerprint:sha-256 AB:CD:…`), normalised. */
export function sdpFingerprint(sdp: string): string | undefined {
  const m = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  return m ? `${m[1]!.toLowerCase()} ${m[2]!.toUpperCase()}` : undefined;
}

const bindingMessage = (from: string, to: string, fp: string, peerFp: string): Uint8Array =>
  new TextEncoder().encode(`parley-dtls-binding-v1\n${from}\n${to}\n${fp}\n${peerFp}`);

/** `from` vouches, with its identity key, that its DTLS fingerprint is `fp` and it sees `to` as `peerFp`. */
export function signBinding(s: Sodium, secretKey: Uint8Array, from: string, to: string, fp: string, peerFp: string): string {
  return toB64(s, s.crypto_sign_detached(bindingMessage(from, to, fp, peerFp), secretKey));
}

/**
 * Checks the other side's hello: signed by its pinned identity key, and naming exactly the two
 * fingerprints this side negotiated. A signaling server that swapped fingerprints fails here.
 */
export function verifyBinding(
  s: Sodium,
  hello: Extract<ChannelFrame, { t: 'hello' }>,
  expect: { from: string; to: string; fromKey: Uint8Array; fromFp: string; toFp: string },
): boolean {
  if (hello.fp !== expect.fromFp || hello.peerFp !== expect.toFp) return false;
  try {
    return s.crypto_sign_verify_detached(fromB64(s, hello.sig), bindingMessage(expect.from, expect.to, hello.fp, hello.peerFp), expect.fromKey);
  } catch {
    return false;
  }
}
