/**
 * Passphrase-protected identity backup.
 *
 * Construction: key = crypto_pwhash (Argon2id v1.3, INTERACTIVE limits, random 16-byte salt)
 * of the passphrase; the identity JSON is sealed with crypto_secretbox_easy
 * (XSalsa20-Poly1305) under that key and a random nonce. Parameters travel in the file so
 * they can be raised later without breaking old backups.
 */
import { z } from 'zod';
import type { Identity } from './identity';
import { type Sodium, fromB64, toB64 } from './sodium';
import { normalizeDisplayName } from './display-name';
import { Username } from './protocol';

const BackupFile = z.object({
  format: z.literal('parley-identity-backup'),
  v: z.literal(1),
  kdf: z.literal('argon2id13'),
  opslimit: z.number().int().positive().max(16),
  memlimit: z.number().int().positive().max(1024 * 1024 * 1024),
  salt: z.string(),
  nonce: z.string(),
  ciphertext: z.string(),
});

/** Far above any display name (64 code points), so only a crafted file is refused by it. */
const MAX_NAME_UNITS = 1024;
const Secret = z.object({ username: Username, publicKey: z.string(), secretKey: z.string(), displayName: z.string().max(MAX_NAME_UNITS).optional() });

/** An identity as a backup carries it: with the user's display name when they set one (inside the sealed part). */
export type BackedUpIdentity = Identity & { displayName?: string };

export class BackupError extends Error {
  constructor(readonly code: 'not_a_backup' | 'wrong_passphrase') {
    super(code === 'not_a_backup' ? 'This file is not a Parley identity backup.' : 'Wrong passphrase, or the file is damaged.');
  }
}

export function exportIdentity(s: Sodium, identity: BackedUpIdentity, passphrase: string): string {
  const salt = s.randombytes_buf(s.crypto_pwhash_SALTBYTES);
  const opslimit = s.crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const memlimit = s.crypto_pwhash_MEMLIMIT_INTERACTIVE;
  const key = s.crypto_pwhash(s.crypto_secretbox_KEYBYTES, passphrase, salt, opslimit, memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
  const nonce = s.randombytes_buf(s.crypto_secretbox_NONCEBYTES);
  const secret = JSON.stringify({
    username: identity.username,
    publicKey: toB64(s, identity.publicKey),
    secretKey: toB64(s, identity.secretKey),
    ...(identity.displayName ? { displayName: identity.displayName } : {}),
  });
  const ciphertext = s.crypto_secretbox_easy(s.from_string(secret), nonce, key);
  return JSON.stringify({
    format: 'parley-identity-backup',
    v: 1,
    kdf: 'argon2id13',
    opslimit,
    memlimit,
    salt: toB64(s, salt),
    nonce: toB64(s, nonce),
    ciphertext: toB64(s, ciphertext),
  });
}

/** Throws {@link BackupError} on a foreign file or a wrong passphrase. */
export function importIdentity(s: Sodium, fileText: string, passphrase: string): BackedUpIdentity {
  let file: z.infer<typeof BackupFile>;
  try {
    file = BackupFile.parse(JSON.parse(fileText));
  } catch {
    throw new BackupError('not_a_backup');
  }
  try {
    const key = s.crypto_pwhash(
      s.crypto_secretbox_KEYBYTES,
      passphrase,
      fromB64(s, file.salt),
      file.opslimit,
      file.memlimit,
      s.crypto_pwhash_ALG_ARGON2ID13,
    );
    const plain = s.crypto_secretbox_open_easy(fromB64(s, file.ciphertext), fromB64(s, file.nonce), key);
    const secret = Secret.parse(JSON.parse(s.to_string(plain)));
    const publicKey = fromB64(s, secret.publicKey);
    const secretKey = fromB64(s, secret.secretKey);
    // The public half is embedded in libsodium's secret key; refuse a file where they disagree.
    if (secretKey.length !== 64 || publicKey.length !== 32 || !s.memcmp(secretKey.subarray(32), publicKey)) throw new Error('key mismatch');
    // A name that is not one (an older or foreign file) is left out rather than refusing the backup.
    const displayName = secret.displayName === undefined ? undefined : normalizeDisplayName(secret.displayName);
    return { username: secret.username, publicKey, secretKey, ...(displayName ? { displayName } : {}) };
  } catch {
    throw new BackupError('wrong_passphrase');
  }
}
