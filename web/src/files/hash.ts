import type { Sodium } from '../../../shared/sodium';

/** Reads at most this much of a file at once, so hashing a large file never holds it in memory. */
const SLICE_BYTES = 1024 * 1024;

/** SHA-256 (hex) of a sequence of blobs taken as one stream, read slice by slice (libsodium's streaming hash). */
export async function sha256OfBlobs(s: Sodium, blobs: Iterable<Blob> | AsyncIterable<Blob>): Promise<string> {
  const state = s.crypto_hash_sha256_init();
  for await (const blob of blobs) {
    for (let offset = 0; offset < blob.size; offset += SLICE_BYTES) {
      s.crypto_hash_sha256_update(state, new Uint8Array(await blob.slice(offset, offset + SLICE_BYTES).arrayBuffer()));
    }
  }
  return s.to_hex(s.crypto_hash_sha256_final(state));
}
