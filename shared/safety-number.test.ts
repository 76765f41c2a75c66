import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from './identity';
import { safetyNumber } from './safety-number';
import { type Sodium, loadSodium } from './sodium';

let s: Sodium;
beforeAll(async () => {
  s = await loadSodium();
});

const key = () => generateKeyPair(s).publicKey;
const seeded = (byte: number) => s.crypto_sign_seed_keypair(new Uint8Array(32).fill(byte)).publicKey;

describe('safetyNumber', () => {
  it('is twelve groups of five digits: 60 digits', () => {
    const groups = safetyNumber(s, key(), key());
    expect(groups).toHaveLength(12);
    for (const g of groups) expect(g).toMatch(/^\d{5}$/);
    expect(groups.join('')).toMatch(/^\d{60}$/);
  });

  it('is the same on both sides', () => {
    const a = key();
    const b = key();
    expect(safetyNumber(s, a, b)).toEqual(safetyNumber(s, b, a));
  });

  it('is deterministic', () => {
    const a = key();
    const b = key();
    expect(safetyNumber(s, a, b)).toEqual(safetyNumber(s, Uint8Array.from(a), Uint8Array.from(b)));
  });

  it('differs when either key differs', () => {
    const a = key();
    const b = key();
    const base = safetyNumber(s, a, b).join('');
    expect(safetyNumber(s, a, key()).join('')).not.toBe(base);
    expect(safetyNumber(s, key(), b).join('')).not.toBe(base);
    const flipped = Uint8Array.from(b);
    flipped[31] = flipped[31]! ^ 1;
    expect(safetyNumber(s, a, flipped).join('')).not.toBe(base);
  });

  it('is stable across versions (two peers on different releases must agree)', () => {
    // Pinned: changing the construction makes every verified contact look compromised.
    expect(safetyNumber(s, seeded(1), seeded(2)).join(' ')).toBe(PINNED);
  });

  it('matches an independent derivation of the documented construction', () => {
    // BLAKE2b-512 over tag ‖ lower key ‖ higher key; twelve 5-byte big-endian slices mod 100000.
    const a = key();
    const b = key();
    const [lo, hi] = Buffer.compare(Buffer.from(a), Buffer.from(b)) <= 0 ? [a, b] : [b, a];
    const digest = createHash('blake2b512').update('parley-safety-number-v1').update(lo).update(hi).digest();
    const expected = Array.from({ length: 12 }, (_, g) => String(digest.readUIntBE(g * 5, 5) % 100000).padStart(5, '0'));
    expect(safetyNumber(s, a, b)).toEqual(expected);
  });
});

const PINNED = '54152 36073 58029 79003 41350 84422 52710 65039 18638 29731 94401 78747';
