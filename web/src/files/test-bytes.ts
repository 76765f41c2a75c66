/** Test-only: distinct pseudo-random bytes, fast (xorshift32; libsodium's randombytes_buf is slow for large buffers here). */
let seed = 1;

export function someBytes(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed++ * 0x9e3779b9 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
