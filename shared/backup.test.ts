import { beforeAll, describe, expect, it } from 'vitest';
import { BackupError, exportIdentity, importIdentity } from './backup';
import { type Identity, generateKeyPair } from './identity';
import { type Sodium, fromB64, loadSodium, toB64 } from './sodium';

let s: Sodium;
let alice: Identity;
let file: string;
const PASS = 'correct horse battery staple';

beforeAll(async () => {
  s = await loadSodium();
  alice = { username: 'alice', ...generateKeyPair(s) };
  file = exportIdentity(s, alice, PASS);
});

function importFails(text: string, passphrase: string): BackupError['code'] {
  try {
    importIdentity(s, text, passphrase);
  } catch (err) {
    expect(err).toBeInstanceOf(BackupError);
    return (err as BackupError).code;
  }
  throw new Error('import unexpectedly succeeded');
}

/** A well-formed backup of arbitrary secret JSON, sealed under PASS, to probe the import's checks. */
function craft(secret: unknown): string {
  const parsed = JSON.parse(file);
  const salt = fromB64(s, parsed.salt);
  const key = s.crypto_pwhash(s.crypto_secretbox_KEYBYTES, PASS, salt, parsed.opslimit, parsed.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
  const nonce = s.randombytes_buf(s.crypto_secretbox_NONCEBYTES);
  const ciphertext = s.crypto_secretbox_easy(s.from_string(JSON.stringify(secret)), nonce, key);
  return JSON.stringify({ ...parsed, nonce: toB64(s, nonce), ciphertext: toB64(s, ciphertext) });
}

describe('identity backup', () => {
  it('round-trips the identity with the right passphrase', () => {
    const restored = importIdentity(s, file, PASS);
    expect(restored.username).toBe('alice');
    expect(Buffer.from(restored.publicKey).equals(Buffer.from(alice.publicKey))).toBe(true);
    expect(Buffer.from(restored.secretKey).equals(Buffer.from(alice.secretKey))).toBe(true);
  });

  it('carries the display name inside the sealed part, and leaves out one that is not a display name', () => {
    const named = exportIdentity(s, { ...alice, displayName: '张伟' }, PASS);
    expect(named).not.toContain('张伟');
    expect(importIdentity(s, named, PASS).displayName).toBe('张伟');
    expect(importIdentity(s, file, PASS).displayName).toBeUndefined();
    const secret = { username: 'alice', publicKey: toB64(s, alice.publicKey), secretKey: toB64(s, alice.secretKey) };
    expect(importIdentity(s, craft({ ...secret, displayName: 'bad\u202Ename' }), PASS).displayName).toBeUndefined();
    expect(importFails(craft({ ...secret, displayName: 'x'.repeat(5000) }), PASS)).toBe('wrong_passphrase');
  });

  it('keeps the secret key out of the file', () => {
    expect(file).not.toContain(toB64(s, alice.secretKey));
    expect(file).not.toContain(toB64(s, alice.secretKey.subarray(0, 32)));
    const parsed = JSON.parse(file);
    expect(parsed).toMatchObject({ format: 'parley-identity-backup', v: 1, kdf: 'argon2id13' });
  });

  it('salts every export', () => {
    const again = JSON.parse(exportIdentity(s, alice, PASS));
    expect(again.salt).not.toBe(JSON.parse(file).salt);
    expect(again.ciphertext).not.toBe(JSON.parse(file).ciphertext);
  });

  it('refuses a wrong passphrase', () => {
    expect(importFails(file, 'Correct horse battery staple')).toBe('wrong_passphrase');
    expect(importFails(file, '')).toBe('wrong_passphrase');
  });

  it('refuses a damaged ciphertext as wrong_passphrase', () => {
    const parsed = JSON.parse(file);
    const ct = fromB64(s, parsed.ciphertext);
    ct[5] = ct[5]! ^ 0x80;
    expect(importFails(JSON.stringify({ ...parsed, ciphertext: toB64(s, ct) }), PASS)).toBe('wrong_passphrase');
  });

  it('refuses a backup whose public key does not match its secret key', () => {
    const other = generateKeyPair(s);
    const secret = { username: 'alice', publicKey: toB64(s, other.publicKey), secretKey: toB64(s, alice.secretKey) };
    expect(importFails(craft(secret), PASS)).toBe('wrong_passphrase');
    // The same construction with matching keys imports, so the refusal above is the key check.
    expect(importIdentity(s, craft({ ...secret, publicKey: toB64(s, alice.publicKey) }), PASS).username).toBe('alice');
  });

  it('refuses a backup holding an invalid username', () => {
    const secret = { username: 'Not Valid', publicKey: toB64(s, alice.publicKey), secretKey: toB64(s, alice.secretKey) };
    expect(importFails(craft(secret), PASS)).toBe('wrong_passphrase');
  });

  it.each([
    ['not JSON', 'hello'],
    ['empty', ''],
    ['JSON null', 'null'],
    ['an array', '[]'],
    ['another format', '{"format":"something-else","v":1}'],
  ])('refuses %s as not_a_backup', (_what, text) => {
    expect(importFails(text, PASS)).toBe('not_a_backup');
  });

  it.each([
    ['a future version', { v: 2 }],
    ['another KDF', { kdf: 'scrypt' }],
    ['an absurd memory limit (a denial of service)', { memlimit: 64 * 1024 * 1024 * 1024 }],
    ['an absurd ops limit', { opslimit: 1_000_000 }],
    ['a missing ciphertext', { ciphertext: undefined }],
  ])('refuses a backup with %s as not_a_backup', (_what, change) => {
    expect(importFails(JSON.stringify({ ...JSON.parse(file), ...change }), PASS)).toBe('not_a_backup');
  });
});
