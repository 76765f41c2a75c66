/**
 * Files travel as sealed chunks. Each file has its own random key, sent to the recipient inside
 * an ordinary sealed envelope (the file offer); each chunk is sealed with libsodium's
 * crypto_aead_xchacha20poly1305_ietf (through heap-aead.ts) under that key with a fresh random
 * nonce, and with the file id, the chunk's index and the chunk count as associated data. A chunk moved to another index or
 * another file, cut short, or altered fails to open; a missing one leaves a gap the receiver sees.
 *
 * On the wire a chunk is binary: `fileId (16 bytes) ‖ index (u32 BE) ‖ nonce (24) ‖ ciphertext`.
 * Over the relay the server prefixes the peer's name (see relay-frames.ts).
 */
import { heapAead } from './heap-aead';
import type { Sodium } from './sodium';

/** Plaintext bytes per chunk: a data channel message must stay well under 256 KiB here. */
export const CHUNK_BYTES = 64 * 1024;
export const FILE_ID_BYTES = 16;
const HEADER_BYTES = FILE_ID_BYTES + 4;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
/** The largest sealed chunk on the wire. */
export const MAX_SEALED_CHUNK_BYTES = HEADER_BYTES + NONCE_BYTES + CHUNK_BYTES + TAG_BYTES;

export const chunkCount = (size: number): number => Math.max(1, Math.ceil(size / CHUNK_BYTES));

/** The plaintext length chunk `index` of a file of `size` bytes must have. */
export const chunkLength = (size: number, index: number): number => Math.max(0, Math.min(CHUNK_BYTES, size - index * CHUNK_BYTES));

const AD_LABEL = new TextEncoder().encode('parley-file-v1');

function associatedData(fileId: Uint8Array, index: number, count: number): Uint8Array {
  const ad = new Uint8Array(AD_LABEL.length + FILE_ID_BYTES + 8);
  ad.set(AD_LABEL);
  ad.set(fileId, AD_LABEL.length);
  const view = new DataView(ad.buffer);
  view.setUint32(AD_LABEL.length + FILE_ID_BYTES, index);
  view.setUint32(AD_LABEL.length + FILE_ID_BYTES + 4, count);
  return ad;
}

/** The sealed size of a chunk of `plainBytes`. */
export const sealedChunkBytes = (plainBytes: number): number => HEADER_BYTES + NONCE_BYTES + plainBytes + TAG_BYTES;

/**
 * Seals chunk `index` into `out` (at least sealedChunkBytes(plain.length) long) and returns the
 * part of `out` it filled. A sender reuses one buffer for every chunk (each send copies the bytes
 * out): no fresh array per chunk (see heap-aead.ts for why that matters).
 */
export function sealChunkInto(s: Sodium, key: Uint8Array, fileId: Uint8Array, index: number, count: number, plain: Uint8Array, out: Uint8Array): Uint8Array {
  const sealed = out.subarray(0, sealedChunkBytes(plain.length));
  sealed.set(fileId);
  new DataView(sealed.buffer, sealed.byteOffset).setUint32(FILE_ID_BYTES, index);
  const nonce = sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  nonce.set(s.randombytes_buf(NONCE_BYTES));
  heapAead(s, CHUNK_BYTES).seal(key, nonce, associatedData(fileId, index, count), plain, sealed.subarray(HEADER_BYTES + NONCE_BYTES));
  return sealed;
}

/** Seals chunk `index` into a new array. */
export function sealChunk(s: Sodium, key: Uint8Array, fileId: Uint8Array, index: number, count: number, plain: Uint8Array): Uint8Array {
  return sealChunkInto(s, key, fileId, index, count, plain, new Uint8Array(sealedChunkBytes(plain.length)));
}

/** The routing part of a sealed chunk, readable without the key. */
export function chunkHeader(bytes: Uint8Array): { fileId: Uint8Array; index: number } | undefined {
  if (bytes.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES || bytes.length > MAX_SEALED_CHUNK_BYTES) return undefined;
  return { fileId: bytes.subarray(0, FILE_ID_BYTES), index: new DataView(bytes.buffer, bytes.byteOffset).getUint32(FILE_ID_BYTES) };
}

/**
 * Opens `bytes` as chunk `index` of `count` of `fileId`, in place: the plaintext, returned as a
 * view into `bytes`, overwrites the ciphertext (a receiver keeps no second copy of each chunk).
 * Undefined, and `bytes` unchanged, if it is not exactly such a chunk.
 */
export function openChunkInPlace(s: Sodium, key: Uint8Array, fileId: Uint8Array, count: number, bytes: Uint8Array): { index: number; plain: Uint8Array } | undefined {
  const header = chunkHeader(bytes);
  if (!header || header.index >= count || !s.memcmp(header.fileId, fileId)) return undefined;
  const sealed = bytes.subarray(HEADER_BYTES + NONCE_BYTES);
  const plain = sealed.subarray(0, sealed.length - TAG_BYTES);
  const nonce = bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  if (!heapAead(s, CHUNK_BYTES).open(key, nonce, associatedData(fileId, header.index, count), sealed, plain)) return undefined;
  return { index: header.index, plain };
}

/** Opens chunk `bytes` as chunk `index` of `count` of `fileId` into a new array; undefined if it is not exactly that. */
export function openChunk(s: Sodium, key: Uint8Array, fileId: Uint8Array, count: number, bytes: Uint8Array): { index: number; plain: Uint8Array } | undefined {
  return openChunkInPlace(s, key, fileId, count, bytes.slice());
}
