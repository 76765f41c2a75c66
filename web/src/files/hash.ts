/**
 * SHA-256 of files, streamed: hash-wasm's hasher, several times faster than libsodium's here, and
 * its state can be saved and restored, so a reception that resumes after a reload need not read
 * back what it stored to finish the hash.
 */
import { type IHasher, createSHA256 } from 'hash-wasm';
import { ownBufferReader } from './chunk-reader';

export type Sha256 = IHasher;

/** A fresh hasher; from `saved` (an earlier `save()`) when given and still readable. */
export async function sha256Hasher(saved?: Uint8Array): Promise<Sha256> {
  const hasher = await createSHA256();
  hasher.init();
  if (saved) hasher.load(saved);
  return hasher;
}

/** How much of a file one own-buffer read asks for. */
const READ_BYTES = 1024 * 1024;

/** Feeds `blob` to `hasher` through its stream (far faster than slice by slice, and as light on memory). */
export async function hashBlob(hasher: Sha256, blob: Blob): Promise<void> {
  const own = ownBufferReader(blob);
  if (own) {
    // One buffer, lent to the stream for each read and given back full.
    let buffer = new ArrayBuffer(READ_BYTES);
    for (;;) {
      const { done, value } = await own.read(new Uint8Array(buffer));
      if (done || !value) return;
      hasher.update(value);
      buffer = value.buffer as ArrayBuffer;
    }
  }
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    hasher.update(value);
  }
}

/** SHA-256 (hex) of a sequence of blobs taken as one stream. */
export async function sha256OfBlobs(blobs: Iterable<Blob> | AsyncIterable<Blob>): Promise<string> {
  const hasher = await sha256Hasher();
  for await (const blob of blobs) await hashBlob(hasher, blob);
  return hasher.digest('hex');
}
