import { beforeAll, describe, expect, it } from 'vitest';
import { AEAD_TAG_BYTES, heapAead } from './heap-aead';
import { type Sodium, loadSodium } from './sodium';

let s: Sodium;
beforeAll(async () => {
  s = await loadSodium();
});

describe('libsodium AEAD on its own heap', () => {
  it('seals exactly what the wrapper seals, and opens what the wrapper sealed (on its heap, and through the wrapper where its module is not reachable)', () => {
    const withoutModule = { ...s, libsodium: undefined } as unknown as Sodium;
    const aeads = [heapAead(s, 70_000), heapAead(withoutModule, 70_000)];
    expect(aeads[0]!.constructor).not.toBe(aeads[1]!.constructor);
    for (const aead of aeads) {
      for (const size of [0, 1, 15, 16, 1000, 65_536, 70_000]) {
        const key = s.randombytes_buf(32);
        const nonce = s.randombytes_buf(24);
        const ad = s.randombytes_buf(size % 40);
        const plain = s.randombytes_buf(size);
        const out = new Uint8Array(size + AEAD_TAG_BYTES);
        aead.seal(key, nonce, ad, plain, out);
        expect(s.memcmp(out, s.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, null, nonce, key))).toBe(true);
        const opened = new Uint8Array(size);
        expect(aead.open(key, nonce, ad, out, opened)).toBe(true);
        expect(s.memcmp(opened, plain)).toBe(true);
      }
    }
  });

  it('opens in place, and refuses a changed message, nonce, associated data or key', () => {
    const aead = heapAead(s, 1024);
    const [key, nonce, ad, plain] = [s.randombytes_buf(32), s.randombytes_buf(24), s.randombytes_buf(10), s.randombytes_buf(500)];
    const sealed = new Uint8Array(500 + AEAD_TAG_BYTES);
    aead.seal(key, nonce, ad, plain, sealed);
    const flip = (bytes: Uint8Array, i: number) => {
      const copy = bytes.slice();
      copy[i]! ^= 1;
      return copy;
    };
    const scratch = new Uint8Array(500);
    expect(aead.open(key, nonce, ad, flip(sealed, 3), scratch)).toBe(false);
    expect(aead.open(key, nonce, ad, flip(sealed, sealed.length - 1), scratch)).toBe(false);
    expect(aead.open(key, flip(nonce, 0), ad, sealed, scratch)).toBe(false);
    expect(aead.open(key, nonce, flip(ad, 9), sealed, scratch)).toBe(false);
    expect(aead.open(flip(key, 31), nonce, ad, sealed, scratch)).toBe(false);
    expect(aead.open(key, nonce, ad, sealed.subarray(0, 10), scratch)).toBe(false);
    const inPlace = sealed.slice();
    expect(aead.open(key, nonce, ad, inPlace, inPlace.subarray(0, 500))).toBe(true);
    expect(s.memcmp(inPlace.subarray(0, 500), plain)).toBe(true);
  });

  it('refuses a message over its capacity', () => {
    const aead = heapAead(s, 100);
    const [key, nonce] = [s.randombytes_buf(32), s.randombytes_buf(24)];
    expect(() => aead.seal(key, nonce, new Uint8Array(0), new Uint8Array(101), new Uint8Array(200))).toThrow(RangeError);
    expect(aead.open(key, nonce, new Uint8Array(0), new Uint8Array(101 + AEAD_TAG_BYTES), new Uint8Array(200))).toBe(false);
  });

  it('keeps working after the heap grows (the wrapper replaces its view of the heap)', () => {
    const aead = heapAead(s, 4096);
    const [key, nonce, plain] = [s.randombytes_buf(32), s.randombytes_buf(24), s.randombytes_buf(4096)];
    // A large wrapper call grows libsodium's heap.
    s.crypto_generichash(32, new Uint8Array(64 * 1024 * 1024), null);
    const out = new Uint8Array(4096 + AEAD_TAG_BYTES);
    aead.seal(key, nonce, new Uint8Array(0), plain, out);
    expect(s.memcmp(out, s.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, new Uint8Array(0), null, nonce, key))).toBe(true);
  });
});
