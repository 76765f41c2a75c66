/**
 * Sealed envelopes: what one browser sends another, on every path (relay, offline store, and
 * later the direct channel). The server sees only the base64url string.
 *
 * Construction (see SECURITY.md): libsodium `crypto_box_easy` (X25519 + XSalsa20-Poly1305)
 * from the sender's Curve25519 secret key to the recipient's Curve25519 public key, both derived
 * from the Ed25519 identity keys, with a fresh random 24-byte nonce. The plaintext carries the
 * header (from, to, id) so the outer routing fields cannot be swapped without detection, and
 * the receiver rejects an id it has already seen (replay).
 */
import { z } from 'zod';
import { isDisplayName } from './display-name';
import { LIMITS } from './limits';
import { isReactionEmoji } from './reaction-emoji';
import { FileId, MessageId, Username, b64 } from './protocol';
import { type Sodium, fromB64, toB64 } from './sodium';

/**
 * A disappearing message's timer, in seconds (text, reply, file offer): the recipient deletes it
 * that long after reading it, the sender that long after sending it (web/src/conversations/
 * disappearing.ts). Absent: it stays.
 */
export const expiresIn = z.number().int().min(1).max(LIMITS.maxSendTtlSeconds).optional();

/** The timers a conversation's "Disappearing messages" can be set to, in seconds (0: off). */
export const DISAPPEARING_TIMERS = [0, 3600, 86_400, 604_800] as const;

/**
 * The sender set the conversation's disappearing-message timer to `seconds` (0: off): both sides
 * show it, and apply it to what they send; of two settings the later by the sender's clock wins.
 */
export const Disappearing = z.object({
  kind: z.literal('disappearing'),
  seconds: z.union(DISAPPEARING_TIMERS.map((s) => z.literal(s))),
});
export type Disappearing = z.infer<typeof Disappearing>;

/**
 * A file offer: everything the recipient needs to fetch, open and verify the file's chunks
 * (see file-chunks.ts). The key travels only inside this sealed envelope.
 */
export const FileOffer = z.object({
  kind: z.literal('file'),
  /** 16 random bytes, hex. */
  fileId: FileId,
  name: z.string().min(1).max(255),
  size: z.number().int().nonnegative().max(2 ** 40),
  type: z.string().max(127),
  /** SHA-256 of the whole file, hex: checked before the file is offered to the user. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The file's XChaCha20-Poly1305 key, base64url. */
  key: b64(32),
  /**
   * The sender (its contact was offline) is also leaving the sealed chunks with the server: fetch
   * them from there first, and from the sender if the server does not have them (yet).
   */
  stored: z.boolean().optional(),
  expiresIn,
});
export type FileOffer = z.infer<typeof FileOffer>;

/** The longest reaction: one emoji, however many code points it is built of (flags, skin tones, families). */
export const MAX_REACTION_CHARS = 32;

/**
 * A reaction to message `target` of the same conversation (either author's): the sender's one
 * reaction to it becomes `emoji`, or is taken back with `remove`.
 */
export const Reaction = z.object({
  kind: z.literal('reaction'),
  target: MessageId,
  /** Exactly one emoji (shared/reaction-emoji.ts): never words, controls or several. */
  emoji: z.string().min(1).max(MAX_REACTION_CHARS).refine(isReactionEmoji, 'not one emoji'),
  remove: z.boolean().optional(),
});
export type Reaction = z.infer<typeof Reaction>;

/** The sender deletes their own message `target` for everyone: its content is gone on both sides. */
export const Delete = z.object({ kind: z.literal('delete'), target: MessageId });
export type Delete = z.infer<typeof Delete>;

/**
 * The latest time a JavaScript Date can hold (ms since the epoch). A `ts` past it would make
 * every date format of the log throw (RangeError), so an envelope carrying one does not open.
 */
export const MAX_TIMESTAMP_MS = 8.64e15;

/**
 * On a text (or a reply) the sender scheduled: when it was meant to arrive (ms since the epoch).
 * The server held it sealed until then (shared/protocol-schedule.ts); display only.
 */
const ScheduledFor = z.number().int().min(0).max(MAX_TIMESTAMP_MS).optional();

// ---- presence: read receipts, typing, display names ----

/**
 * The sender has seen messages `ids` (sent by the recipient) in a visible tab. A batch of at most
 * LIMITS.maxReadIds; more read at once go as several. It may arrive before a message it names.
 */
export const Read = z.object({ kind: z.literal('read'), ids: z.array(MessageId).min(1).max(LIMITS.maxReadIds) });
export type Read = z.infer<typeof Read>;

/** The sender is typing (`on`) or stopped. Sealed, but sent only in `transient` frames: never stored or queued. */
export const Typing = z.object({ kind: z.literal('typing'), on: z.boolean() });
export type Typing = z.infer<typeof Typing>;

/** The sender's display name (shared/display-name.ts: one spelling, 1–64 characters); the server never sees it. */
export const Profile = z.object({ kind: z.literal('profile'), displayName: z.string().max(256).refine(isDisplayName, 'not a display name') });
export type Profile = z.infer<typeof Profile>;

// ---- message actions: reply and edit ----------------------------------------------------

/** The longest quote a reply carries of the message it answers, in UTF-16 code units. */
export const MAX_QUOTE_CHARS = 200;

/**
 * A text message answering message `quote.id` of the same conversation. The quote (who wrote it,
 * the start of its text) is what the sender saw, carried so that a recipient who no longer has
 * the original still sees what it answers; a recipient who has it shows its own copy instead.
 */
export const Reply = z.object({
  kind: z.literal('reply'),
  text: z.string().min(1).max(LIMITS.maxTextChars),
  quote: z.object({ id: MessageId, author: Username, text: z.string().max(MAX_QUOTE_CHARS) }),
  scheduledFor: ScheduledFor,
  expiresIn,
});
export type Reply = z.infer<typeof Reply>;

/** The sender's own text message `target` now reads `text`; of two edits the later by the sender's clock wins. */
export const Edit = z.object({ kind: z.literal('edit'), target: MessageId, text: z.string().min(1).max(LIMITS.maxTextChars) });
export type Edit = z.infer<typeof Edit>;

/**
 * What a sealed message can hold: content (text, a file offer, a reply) or a change to another
 * message (reaction, delete, edit). Later kinds (read, typing, profile) join this union, each with
 * its module in web/src/conversations/bodies/.
 */
export const Body = z.discriminatedUnion('kind', [
  // Bounded here, not only by the sender's composer: a hostile client chooses what it seals (review H1).
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(LIMITS.maxTextChars), scheduledFor: ScheduledFor, expiresIn }),
  FileOffer,
  Reaction,
  Delete,
  Reply,
  Edit,
  Read,
  Typing,
  Profile,
  Disappearing,
]);
export type Body = z.infer<typeof Body>;

/** The kinds this version knows; a body of any other kind opens as `unsupported`. */
export const BODY_KINDS: ReadonlySet<string> = new Set(Body.options.map((o) => o.shape.kind.value));

const Plain = z.object({
  v: z.literal(1),
  from: z.string(),
  to: z.string(),
  id: z.string(),
  /** Sender's clock when sealed, ms since epoch (display only; the receiver may show its own instead). */
  ts: z.number().int().min(0).max(MAX_TIMESTAMP_MS),
  /** Checked against Body below: a kind this version does not know is not a fault of the sender. */
  body: z.looseObject({ kind: z.string().min(1).max(64) }),
});

export interface EnvelopeHeader {
  from: string;
  to: string;
  id: string;
}

/**
 * What an envelope whose body kind this version does not know opens to (a newer client sent it).
 * Never sealed: `unsupported` is a name on this side only, with the kind that was sent.
 */
export interface UnsupportedBody {
  kind: 'unsupported';
  sentKind: string;
}

/** An opened envelope: authentic (it opened and its header matched), with a body this version knows or not. */
export interface Opened {
  ts: number;
  body: Body | UnsupportedBody;
}

export type OpenResult = { ok: true; value: Opened } | { ok: false; reason: 'tampered' | 'mismatch' | 'replay' };

/** Tells whether a message id from a sender was already accepted (the replay/dedupe record). */
export interface SeenIds {
  has(from: string, id: string): boolean | Promise<boolean>;
}

/** Seal `body` from the holder of `senderSecretKey` (Ed25519) to `recipientPublicKey` (Ed25519). */
export function sealEnvelope(
  s: Sodium,
  header: EnvelopeHeader,
  body: Body,
  senderSecretKey: Uint8Array,
  recipientPublicKey: Uint8Array,
  now = Date.now(),
): string {
  const plain = JSON.stringify({ v: 1, ...header, ts: now, body });
  const nonce = s.randombytes_buf(s.crypto_box_NONCEBYTES);
  const boxed = s.crypto_box_easy(
    s.from_string(plain),
    nonce,
    s.crypto_sign_ed25519_pk_to_curve25519(recipientPublicKey),
    s.crypto_sign_ed25519_sk_to_curve25519(senderSecretKey),
  );
  const out = new Uint8Array(nonce.length + boxed.length);
  out.set(nonce);
  out.set(boxed, nonce.length);
  return toB64(s, out);
}

/**
 * Open an envelope claimed to come from `header.from`. Fails closed: a wrong key, a flipped bit,
 * a header that does not match the sealed one, or an id already in `seen` is rejected.
 */
export async function openEnvelope(
  s: Sodium,
  env: string,
  header: EnvelopeHeader,
  senderPublicKey: Uint8Array,
  recipientSecretKey: Uint8Array,
  seen: SeenIds,
): Promise<OpenResult> {
  let plain: unknown;
  try {
    const bytes = fromB64(s, env);
    const nonce = bytes.subarray(0, s.crypto_box_NONCEBYTES);
    const opened = s.crypto_box_open_easy(
      bytes.subarray(s.crypto_box_NONCEBYTES),
      nonce,
      s.crypto_sign_ed25519_pk_to_curve25519(senderPublicKey),
      s.crypto_sign_ed25519_sk_to_curve25519(recipientSecretKey),
    );
    plain = JSON.parse(s.to_string(opened));
  } catch {
    return { ok: false, reason: 'tampered' };
  }
  const parsed = Plain.safeParse(plain);
  if (!parsed.success) return { ok: false, reason: 'tampered' };
  const p = parsed.data;
  if (p.from !== header.from || p.to !== header.to || p.id !== header.id) return { ok: false, reason: 'mismatch' };
  if (await seen.has(p.from, p.id)) return { ok: false, reason: 'replay' };
  // A known kind with a missing or invalid field is a fault (tampered); an unknown kind is a newer
  // client's (see PROTOCOL.md, "Inside an envelope").
  if (!BODY_KINDS.has(p.body.kind)) return { ok: true, value: { ts: p.ts, body: { kind: 'unsupported', sentKind: p.body.kind } } };
  const body = Body.safeParse(p.body);
  if (!body.success) return { ok: false, reason: 'tampered' };
  return { ok: true, value: { ts: p.ts, body: body.data } };
}
