/**
 * The Parley wire protocol: every frame type, spelled once.
 *
 * Frames are JSON text over one WebSocket. Each frame has a `t` (type). Both the
 * server and the browser decode every incoming frame through {@link decodeClientFrame}
 * or {@link decodeServerFrame}; they never cast. PROTOCOL.md documents the same frames
 * in prose for people writing another client.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { GROUP_ERROR_CODES, GroupClientFrames, GroupServerFrames } from './protocol-groups';
import { AnnouncementClientFrames, AnnouncementServerFrames } from './protocol-announcements';
import { SCHEDULE_ERROR_CODES, ScheduleClientFrames, ScheduleServerFrames } from './protocol-schedule';

import { ChunkCount, ChunkIndex, ClaimedUsername, FileId, IdBatch, MessageId, PublicKey, SealedEnvelope, SignalData, Signature, TransientEnvelope, Username, b64, IceServer } from './protocol-primitives';
export { b64, Username, PublicKey, Signature, MessageId, IdBatch, SignalData, FileId, SealedEnvelope, TransientEnvelope, IceServer } from './protocol-primitives';

// ---- client → server -------------------------------------------------------------------

/**
 * The protocol this code speaks, sent in `register` and `login` (`v`; absent means 1, the frames
 * before versioning). A server accepts only its own version: the web app is served by the server
 * it talks to, so a client of another version is a tab loaded before an upgrade, which reloading
 * mends, and a different client learns at once what is wrong (`unsupported_version`, close 4003)
 * instead of failing later on a frame it does not know.
 */
export const PROTOCOL_VERSION = 2;
const ProtocolVersion = z.number().int().min(1).max(1_000_000).optional();

export const ClientFrame = z.discriminatedUnion('t', [
  /** Create an account: proves possession of `identityKey` by signing the connection's challenge. */
  z.object({ t: z.literal('register'), username: ClaimedUsername, identityKey: PublicKey, sig: Signature, v: ProtocolVersion }),
  /** Log in to an existing account by signing the connection's challenge. */
  z.object({ t: z.literal('login'), username: ClaimedUsername, sig: Signature, v: ProtocolVersion }),
  z.object({ t: z.literal('contact_request'), to: ClaimedUsername }),
  z.object({ t: z.literal('contact_respond'), from: Username, accept: z.boolean() }),
  /** Both stop being contacts; the other side is told nothing (PROTOCOL.md says what it sees). Answered with `contact_removed`. */
  z.object({ t: z.literal('remove_contact'), username: Username }),
  /**
   * Nothing from `username` reaches this user any more (messages, signals, files, requests,
   * presence), and this user appears offline to them. Kept by the server; answered with `blocked`.
   */
  z.object({ t: z.literal('block'), username: Username }),
  /** Ends a block from now on: nothing sent during it is delivered. Answered with `unblocked`. */
  z.object({ t: z.literal('unblock'), username: Username }),
  /**
   * Send a sealed message to a contact. The server sets the sender itself. `ttl` (seconds): a
   * disappearing message's timer; a queued copy is dropped that long after the server took it
   * (never later than the queue's own TTL).
   */
  z.object({ t: z.literal('send'), to: Username, id: MessageId, env: SealedEnvelope, ttl: z.number().int().min(1).max(LIMITS.maxSendTtlSeconds).optional() }),
  /** The recipient's device has stored messages `ids` from `from`: the server may forget them. */
  z.object({ t: z.literal('ack'), from: Username, ids: IdBatch }),
  /**
   * The recipient's device refused messages `ids` from `from` (they did not open: tampered, sealed
   * to another key, or not for this conversation). Like `ack` the server forgets them, but the
   * sender is told `refused`, never `delivered`, so it can tell a message thrown away from one read.
   */
  z.object({ t: z.literal('refuse'), from: Username, ids: IdBatch }),
  /** The sender's device has recorded the delivery receipts (or refusals) for `ids` sent to `by`. */
  z.object({ t: z.literal('receipt_ack'), by: Username, ids: IdBatch }),
  /** Application-level heartbeat: browsers cannot see WebSocket pings, so they ask. */
  z.object({ t: z.literal('ping') }),
  /**
   * WebRTC signaling for the direct path (offer, answer, ICE candidates), forwarded to an online
   * contact. `data` is opaque to the server (see shared/peer-protocol.ts for what browsers put in it).
   */
  z.object({ t: z.literal('signal'), to: Username, data: SignalData }),
  /**
   * Files for a contact who is offline: the sender has uploaded the `count` sealed chunks of
   * `fileId` (binary frames with the store flag, see relay-frames.ts); the server answers
   * `file_stored` once all of them are durably stored, or an error naming the file.
   */
  z.object({ t: z.literal('file_commit'), to: Username, fileId: FileId, count: ChunkCount }),
  /** The recipient asks for the stored chunks of `fileId` from `from`, starting at chunk `next`. */
  z.object({ t: z.literal('file_fetch'), from: Username, fileId: FileId, next: ChunkIndex }),
  /** Either side is done with a stored file (verified, cancelled or failed): the server deletes it. */
  z.object({ t: z.literal('file_release'), peer: Username, fileId: FileId }),
  // ---- message actions
  /**
   * The sender deleted its message `id` to `to` for everyone: if it still waits in `to`'s offline
   * queue the server drops it there (the sealed delete follows as a message of its own). No answer.
   */
  z.object({ t: z.literal('unsend'), to: Username, id: MessageId }),
  // ---- presence ----
  /**
   * A sealed signal that is worth nothing later (typing): forwarded to `to` only if they are an
   * online contact who did not block the sender, otherwise dropped. Never stored, queued, retried
   * or answered; rate limited per connection (TRANSIENT_PER_SEC, past it dropped silently).
   */
  z.object({ t: z.literal('transient'), to: Username, id: MessageId, env: TransientEnvelope }),
  // ---- groups (issue 12): shared/protocol-groups.ts
  ...GroupClientFrames,
  // ---- operator announcements (issue 13): shared/protocol-announcements.ts
  ...AnnouncementClientFrames,
  // scheduled messages (issue 13): shared/protocol-schedule.ts
  ...ScheduleClientFrames,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['t'];

// ---- server → client -------------------------------------------------------------------

export const ContactInfo = z.object({ username: Username, identityKey: PublicKey, online: z.boolean() });
export type ContactInfo = z.infer<typeof ContactInfo>;

export const ErrorCode = z.enum([
  'bad_frame', // not JSON, or not a valid frame
  'unknown_type', // JSON with a `t` the server does not know
  'too_large', // frame above the size limit (the socket is closed)
  'rate_limited', // too many frames per second; the frame was dropped
  'auth_required', // the frame needs a logged-in connection
  'already_authenticated',
  'bad_username', // not 3–32 of a–z 0–9 _ -
  'username_taken',
  'unknown_user',
  'bad_signature', // the challenge signature did not verify (or the challenge was already used)
  'not_contact', // the target is not an accepted contact
  'no_request', // responding to a request that does not exist
  'queue_full', // the recipient's offline queue is full; the message was not stored
  'slow_consumer', // this socket's send buffer overflowed (the socket is closed)
  'peer_offline', // a signal or file chunk for a contact who is not online; it was dropped
  'recipient_busy', // a file chunk was dropped because the recipient is not keeping up; send it again later
  'relay_limit', // a file chunk over the relay's byte rate was dropped; slow down and send it again
  'file_too_large', // a file went past the relay's per-file (or the offline store's) size limit
  'file_not_found', // no stored file with that id (never committed, released, or expired)
  'file_incomplete', // a file_commit before every chunk of the file was stored
  'server_full', // the server's disk budget for stored messages and files is spent; nothing was stored
  'requests_full', // the recipient has too many pending contact requests; try again later
  'request_cooldown', // the recipient declined a request from you recently; you may not ask again yet
  'registration_limited', // too many accounts registered from this address recently
  'username_reserved', // the name is kept back (admin, support, parley…): it could pass for the service or its staff
  'unsupported_version', // register/login spoke another protocol version (`v`) than the server's; the socket is closed (4003)
  'internal', // a server fault; nothing internal leaks
  // Cluster mode (signaling/routing/redis/):
  'unavailable', // the server's shared store (Redis) is out of reach for a moment; nothing was stored: send it again later
  // Blocking, in every mode (the policy's refusal, signaling/policy.ts):
  'blocked', // you blocked that user: unblock them before reaching them (send, signal, files, requests)
  // Groups (issue 12): shared/protocol-groups.ts
  ...GROUP_ERROR_CODES,
  ...SCHEDULE_ERROR_CODES,
  // Hardening (review 2026-12-02):
  'blocks_full', // you block as many users as one account may (BLOCKS_MAX): unblock someone first
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ServerFrame = z.discriminatedUnion('t', [
  /** Sent once on connect: sign it to register or log in. */
  z.object({ t: z.literal('challenge'), nonce: b64(32) }),
  /** Logged in: the account's state right now. */
  z.object({
    t: z.literal('welcome'),
    username: Username,
    identityKey: PublicKey,
    contacts: z.array(ContactInfo),
    incoming: z.array(Username),
    outgoing: z.array(Username),
    /** STUN/TURN servers for the direct path; empty means host candidates only (no outside server). */
    iceServers: z.array(IceServer),
    /** The largest file (plaintext bytes) the server keeps for a contact who is offline. */
    offlineFileMaxBytes: z.number().int().nonnegative(),
    /** Users this one has blocked, so a new browser shows them. */
    blocks: z.array(Username),
  }),
  /** Every chunk of `fileId` for `to` is durably stored; it is delivered when they fetch it. */
  z.object({ t: z.literal('file_stored'), to: Username, fileId: FileId }),
  z.object({ t: z.literal('error'), code: ErrorCode, message: z.string(), ref: z.string().optional() }),
  z.object({ t: z.literal('request_received'), from: Username }),
  z.object({ t: z.literal('request_sent'), to: Username }),
  z.object({ t: z.literal('request_declined'), username: Username }),
  z.object({ t: z.literal('contact_added'), contact: ContactInfo }),
  /** Your `remove_contact` took effect: `username` is no longer a contact. */
  z.object({ t: z.literal('contact_removed'), username: Username }),
  /** Your `block` took effect (sent again for a block already in place). */
  z.object({ t: z.literal('blocked'), username: Username }),
  /** Your `unblock` took effect. */
  z.object({ t: z.literal('unblocked'), username: Username }),
  z.object({ t: z.literal('presence'), username: Username, online: z.boolean() }),
  /** A sealed message from a contact; acknowledge with `ack` once stored. */
  z.object({ t: z.literal('deliver'), from: Username, id: MessageId, env: SealedEnvelope, ts: z.number() }),
  /** The server durably stored message `id` for an offline recipient. */
  z.object({ t: z.literal('stored'), id: MessageId }),
  /** `by`'s device acknowledged messages `ids`; answer with `receipt_ack`. */
  z.object({ t: z.literal('delivered'), by: Username, ids: IdBatch }),
  /** `by`'s device refused messages `ids` (they did not open there); answer with `receipt_ack`. */
  z.object({ t: z.literal('refused'), by: Username, ids: IdBatch }),
  z.object({ t: z.literal('pong') }),
  /** A contact's WebRTC signaling for the direct path. */
  z.object({ t: z.literal('signal'), from: Username, data: SignalData }),
  // ---- TURN refresh (issue 11) ----
  /** Fresh ICE servers (new short-lived TURN credentials) before the welcome's expire: use them for new connections. */
  z.object({ t: z.literal('ice_servers'), iceServers: z.array(IceServer) }),
  // ---- presence ----
  /** A contact's sealed transient signal (typing); never stored, never to be acknowledged. */
  z.object({ t: z.literal('transient'), from: Username, id: MessageId, env: TransientEnvelope }),
  // ---- groups (issue 12): shared/protocol-groups.ts
  ...GroupServerFrames,
  // ---- operator announcements (issue 13): shared/protocol-announcements.ts
  ...AnnouncementServerFrames,
  ...ScheduleServerFrames,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameOf<T extends ServerFrame['t']> = Extract<ServerFrame, { t: T }>;
export type ClientFrameOf<T extends ClientFrame['t']> = Extract<ClientFrame, { t: T }>;

// ---- decoding --------------------------------------------------------------------------

export type Decoded<T> = { ok: true; frame: T } | { ok: false; code: 'bad_frame' | 'unknown_type'; message: string };

const clientTypes = new Set<string>(ClientFrame.options.map((o) => o.shape.t.value));
const serverTypes = new Set<string>(ServerFrame.options.map((o) => o.shape.t.value));

function decodeWith<T>(schema: z.ZodType<T>, known: Set<string>, text: string): Decoded<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_frame', message: 'frame is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'bad_frame', message: 'frame is not a JSON object' };
  }
  const t = (raw as { t?: unknown }).t;
  if (typeof t !== 'string' || !known.has(t)) {
    return { ok: false, code: 'unknown_type', message: `unknown frame type ${JSON.stringify(t)?.slice(0, 40)}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, code: 'bad_frame', message: `invalid ${t}: ${issue?.path.join('.') || 'frame'} ${issue?.message ?? ''}`.trim() };
  }
  return { ok: true, frame: parsed.data };
}

/** Decode a frame a client sent. Never throws. */
export const decodeClientFrame = (text: string): Decoded<ClientFrame> => decodeWith(ClientFrame, clientTypes, text);
/** Decode a frame the server sent. Never throws. */
export const decodeServerFrame = (text: string): Decoded<ServerFrame> => decodeWith(ServerFrame, serverTypes, text);

/** Encode a frame. Kept here so both sides spell frames through the types above. */
export const encodeFrame = (frame: ClientFrame | ServerFrame): string =>
  frame.t === 'deliver' ? encodeDeliver(frame) : JSON.stringify(frame);

/** Text that needs no escaping inside a JSON string; usernames, message ids and envelopes are made of it. */
const JSON_PLAIN = /^[A-Za-z0-9_-]*$/;

/**
 * `deliver` is the relay's most frequent frame, and JSON.stringify's escaping scan of its envelope
 * was a large part of relaying a small message. Its fields need no escaping (checked here: the
 * charset test costs less than the scan), so the text is assembled directly; it is the same JSON.
 */
function encodeDeliver(f: ServerFrameOf<'deliver'>): string {
  if (!Number.isFinite(f.ts) || !JSON_PLAIN.test(f.from) || !JSON_PLAIN.test(f.id) || !JSON_PLAIN.test(f.env)) return JSON.stringify(f);
  return `{"t":"deliver","from":"${f.from}","id":"${f.id}","env":"${f.env}","ts":${f.ts}}`;
}

/** The bytes a client signs to answer a challenge: domain-separated and bound to the username. */
export const authMessage = (nonce: string, username: string): Uint8Array =>
  new TextEncoder().encode(`parley-auth-v1\n${nonce}\n${username}`);

/** WebSocket close codes Parley uses (4000–4999 is the application range). */
export const CloseCode = {
  policy: 1008, // origin refused, hostile input
  tooLarge: 1009,
  slowConsumer: 4008,
  heartbeat: 4000,
  /** The same account logged in on another connection; do not reconnect automatically. */
  replaced: 4001,
  /** The connection did not log in within the server's login deadline; reconnect to try again. */
  loginTimeout: 4002,
  /** The client speaks another protocol version (see PROTOCOL_VERSION); reconnecting will not help, reloading the app may. */
  incompatible: 4003,
  shutdown: 1001,
} as const;

/** The path of the WebSocket endpoint on the server. */
export const WS_PATH = '/ws';
