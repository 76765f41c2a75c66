/**
 * The wire protocol's building blocks (ids, keys, envelopes, names), shared by every frame
 * schema: protocol.ts and its spliced-in families import them from here, so each is spelled once.
 * Like them, this file must not import protocol.ts.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { USERNAME_PATTERN } from './username';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * True when the last character of a base64url text of `bytes` bytes leaves its unused low bits
 * zero. Decoders disagree on the other form (libsodium in the browser throws where Node accepts),
 * so a hostile key that passed the server could break every contact's client: only one spelling
 * of each value is accepted.
 */
function canonicalTail(text: string, bytes: number): boolean {
  const unusedBits = text.length * 6 - bytes * 8;
  const last = B64URL.indexOf(text.at(-1) ?? '');
  return last >= 0 && (last & ((1 << unusedBits) - 1)) === 0;
}

/** base64url (no padding, canonical) of exactly `bytes` bytes. */
export const b64 = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/)
    .refine((text) => canonicalTail(text, bytes), 'not canonical base64url (the unused bits of the last character must be zero)');

export const Username = z.string().regex(USERNAME_PATTERN);
/** A name typed by a person: checked by the server so a bad one gets `bad_username`, not `bad_frame`. */
export const ClaimedUsername = z.string().min(1).max(64);
/** Ed25519 public key, 32 bytes, base64url. */
export const PublicKey = b64(32);
/** Ed25519 signature, 64 bytes, base64url. */
export const Signature = b64(64);
/** Client-chosen message id (a UUID in the Parley client; any short opaque token is allowed). */
export const MessageId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);
/** Acknowledgements travel in batches so a busy conversation costs one ack frame, not one per message. */
export const IdBatch = z.array(MessageId).min(1).max(LIMITS.maxAckBatch);
/** The body of a `signal` frame: opaque to the server, bounded. */
export const SignalData = z.string().min(1).max(LIMITS.maxSignalChars);

/** A STUN or TURN server for RTCPeerConnection, as configured on the server. */
export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string()).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** A file's random id (16 bytes, hex): the first bytes of each of its sealed chunks. */
export const FileId = z.string().regex(/^[0-9a-f]{32}$/);
export const ChunkCount = z.number().int().min(1).max(2 ** 32 - 1);
export const ChunkIndex = z.number().int().nonnegative().max(2 ** 32 - 1);

/** A sealed envelope: opaque to the server (see SECURITY.md). */
export const SealedEnvelope = z.string().min(1).max(LIMITS.maxEnvelopeChars).regex(/^[A-Za-z0-9_-]+$/);
/** The sealed envelope of a `transient` frame: the same construction, far smaller. */
export const TransientEnvelope = z.string().min(1).max(LIMITS.maxTransientChars).regex(/^[A-Za-z0-9_-]+$/);
