/**
 * Safety number: 60 digits both people see identically, derived from both identity keys.
 * BLAKE2b-512 (crypto_generichash) over a domain tag and the two Ed25519 public keys in
 * byte order, so the order of the two people does not matter. Twelve 5-byte slices of the
 * digest, each reduced mod 100000, give twelve 5-digit groups (the same shape as Signal's).
 */
import type { Sodium } from './sodium';

const TAG = new TextEncoder().encode('parley-safety-number-v1');

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Returns twelve groups of five digits. */
export function safetyNumber(s: Sodium, keyA: Uint8Array, keyB: Uint8Array): string[] {
  const [first, second] = compareBytes(keyA, keyB) <= 0 ? [keyA, keyB] : [keyB, keyA];
  const input = new Uint8Array(TAG.length + first.length + second.length);
  input.set(TAG);
  input.set(first, TAG.length);
  input.set(second, TAG.length + first.length);
  const digest = s.crypto_generichash(64, input, null);
  const groups: string[] = [];
  for (let g = 0; g < 12; g++) {
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + digest[g * 5 + i]!;
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups;
}
