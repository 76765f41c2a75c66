/**
 * libsodium's crypto_aead_xchacha20poly1305_ietf on buffers that stay in its WebAssembly heap, for
 * file chunks. The wrapper's own functions return a freshly allocated array per call; in Chromium
 * here a fresh 64 KiB array costs 0.3–0.4 ms (new pages), more than the cipher itself, and a
 * 100 MiB file is 1,600 chunks each way. This calls the same two libsodium functions the wrapper
 * calls, with the same arguments, on one scratch area per libsodium instance, and copies results
 * into buffers the caller owns and reuses. Same construction, same bytes (heap-aead.test.ts
 * compares them with the wrapper's).
 *
 * Where the wrapper's module is not reachable (`sodium.libsodium`, an export the wrapper makes but
 * does not type), the wrapper's functions are used and their result copied: slower, same bytes.
 */
import type { Sodium } from './sodium';

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;

/**
 * The emscripten module under libsodium-wrappers. 64-bit lengths are passed as two 32-bit halves
 * (low, high), as the wrapper does; `HEAPU8` is replaced when the heap grows, so it is read anew
 * at every use.
 */
interface RawSodium {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _crypto_aead_xchacha20poly1305_ietf_encrypt(
    c: number, clenP: number, m: number, mlenLo: number, mlenHi: number, ad: number, adlenLo: number, adlenHi: number, nsec: number, npub: number, k: number,
  ): number;
  _crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: number, mlenP: number, nsec: number, c: number, clenLo: number, clenHi: number, ad: number, adlenLo: number, adlenHi: number, npub: number, k: number,
  ): number;
}

function rawModule(s: Sodium): RawSodium | undefined {
  const raw = (s as unknown as { libsodium?: Partial<RawSodium> }).libsodium;
  const ok =
    raw?.HEAPU8 instanceof Uint8Array &&
    typeof raw._malloc === 'function' &&
    typeof raw._crypto_aead_xchacha20poly1305_ietf_encrypt === 'function' &&
    typeof raw._crypto_aead_xchacha20poly1305_ietf_decrypt === 'function';
  return ok ? (raw as RawSodium) : undefined;
}

/** Seals and opens messages of up to `capacity` bytes without allocating per call. */
export interface HeapAead {
  readonly capacity: number;
  /** Writes `plain`'s ciphertext and tag (plain.length + 16 bytes) to `out`. */
  seal(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plain: Uint8Array, out: Uint8Array): void;
  /** Writes the plaintext (sealed.length − 16 bytes) to `out`, which may be `sealed` itself or overlap it from its start; false if it does not open. */
  open(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, sealed: Uint8Array, out: Uint8Array): boolean;
}

/** The scratch area lives as long as the libsodium instance: one per instance, made on first use. */
const instances = new WeakMap<Sodium, Map<number, HeapAead>>();

/** A HeapAead for messages up to `capacity` bytes on `s`. */
export function heapAead(s: Sodium, capacity: number): HeapAead {
  let byCapacity = instances.get(s);
  if (!byCapacity) instances.set(s, (byCapacity = new Map()));
  let aead = byCapacity.get(capacity);
  if (!aead) {
    const raw = rawModule(s);
    aead = raw ? new ScratchAead(raw, capacity) : new WrapperAead(s, capacity);
    byCapacity.set(capacity, aead);
  }
  return aead;
}

const MAX_AD_BYTES = 256;

class ScratchAead implements HeapAead {
  readonly #key: number;
  readonly #nonce: number;
  readonly #ad: number;
  readonly #in: number;
  readonly #out: number;

  constructor(
    private readonly raw: RawSodium,
    readonly capacity: number,
  ) {
    // One allocation for the life of the page: key ‖ nonce ‖ ad ‖ in ‖ out.
    const base = raw._malloc(AEAD_KEY_BYTES + AEAD_NONCE_BYTES + MAX_AD_BYTES + 2 * (capacity + AEAD_TAG_BYTES));
    if (!base) throw new Error('libsodium: out of memory');
    this.#key = base;
    this.#nonce = this.#key + AEAD_KEY_BYTES;
    this.#ad = this.#nonce + AEAD_NONCE_BYTES;
    this.#in = this.#ad + MAX_AD_BYTES;
    this.#out = this.#in + capacity + AEAD_TAG_BYTES;
  }

  seal(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plain: Uint8Array, out: Uint8Array): void {
    if (plain.length > this.capacity) throw new RangeError(`a message of ${plain.length} bytes is over ${this.capacity}`);
    const sealedLength = plain.length + AEAD_TAG_BYTES;
    if (out.length < sealedLength) throw new RangeError('the output is too short for the sealed message');
    this.#load(key, nonce, ad);
    this.raw.HEAPU8.set(plain, this.#in);
    const r = this.raw._crypto_aead_xchacha20poly1305_ietf_encrypt(this.#out, 0, this.#in, plain.length, 0, this.#ad, ad.length, 0, 0, this.#nonce, this.#key);
    this.#forgetKey();
    if (r !== 0) throw new Error('libsodium: encryption failed');
    out.set(this.raw.HEAPU8.subarray(this.#out, this.#out + sealedLength));
  }

  open(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, sealed: Uint8Array, out: Uint8Array): boolean {
    if (sealed.length < AEAD_TAG_BYTES || sealed.length > this.capacity + AEAD_TAG_BYTES) return false;
    const plainLength = sealed.length - AEAD_TAG_BYTES;
    if (out.length < plainLength) throw new RangeError('the output is too short for the opened message');
    this.#load(key, nonce, ad);
    this.raw.HEAPU8.set(sealed, this.#in);
    const r = this.raw._crypto_aead_xchacha20poly1305_ietf_decrypt(this.#out, 0, 0, this.#in, sealed.length, 0, this.#ad, ad.length, 0, this.#nonce, this.#key);
    this.#forgetKey();
    if (r !== 0) return false;
    out.set(this.raw.HEAPU8.subarray(this.#out, this.#out + plainLength));
    return true;
  }

  #load(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array): void {
    if (key.length !== AEAD_KEY_BYTES || nonce.length !== AEAD_NONCE_BYTES || ad.length > MAX_AD_BYTES) throw new RangeError('bad key, nonce or associated data length');
    const heap = this.raw.HEAPU8;
    heap.set(key, this.#key);
    heap.set(nonce, this.#nonce);
    heap.set(ad, this.#ad);
  }

  /** The key does not stay in the shared scratch area between calls. */
  #forgetKey(): void {
    this.raw.HEAPU8.fill(0, this.#key, this.#key + AEAD_KEY_BYTES);
  }
}

/** The same through the wrapper's functions (one fresh array per call, copied into `out`). */
class WrapperAead implements HeapAead {
  constructor(
    private readonly s: Sodium,
    readonly capacity: number,
  ) {}

  seal(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plain: Uint8Array, out: Uint8Array): void {
    if (plain.length > this.capacity) throw new RangeError(`a message of ${plain.length} bytes is over ${this.capacity}`);
    out.set(this.s.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, null, nonce, key));
  }

  open(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, sealed: Uint8Array, out: Uint8Array): boolean {
    if (sealed.length < AEAD_TAG_BYTES || sealed.length > this.capacity + AEAD_TAG_BYTES) return false;
    try {
      out.set(this.s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, ad, nonce, key));
      return true;
    } catch {
      return false;
    }
  }
}
