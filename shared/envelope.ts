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
import { FileId, b64 } from './protocol';
import { type Sodium, fromB64, toB64 } from './sodium';

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
});
export type FileOffer = z.infer<typeof FileOffer>;

/** What a sealed message can hold. Later kinds (replies, recalls) join this union. */
export const Body = z.discriminatedUnion('kind', [z.object({ kind: z.literal('text'), text: z.string().min(1) }), FileOffer]);
export type Body = z.infer<typeof Body>;

const Plain = z.object({
  v: z.literal(1),
  from: z.string(),
  to: z.string(),
  id: z.string(),
  /** Sender's clock when sealed, ms since epoch (display only). */
  ts: z.number(),
  body: Body,
});

export interface EnvelopeHeader {
  from: string;
  to: string;
  id: string;
}

export interface Opened {
  ts: number;
  body: Body;
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
  return { ok: true, value: { ts: p.ts, body: p.body } };
}
