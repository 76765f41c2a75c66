/**
 * Files travel as sealed chunks. Each file has its own random key, sent to the recipient inside
 * an ordinary sealed envelope (the file offer); each chunk is sealed with libsodium's
 * crypto_aead_xchacha20poly1305_ietf under that key with a fresh random nonce, and with the file
 * id, the chunk's index and the chunk count as associated data. A chunk moved to another index or
 * another file, cut short, or altered fails to open; a missing one leaves a gap the receiver sees.
 *
 * On the wire a chunk is binary: `fileId (16 bytes) ‖ index (u32 BE) ‖ nonce (24) ‖ ciphertext`.
 * Over the relay the server prefixes the peer's name (see relay-frames.ts).
 */
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

function associatedData(fileId: Uint8Array, index: number, count: number): Uint8Array {
  const ad = new Uint8Array(14 + FILE_ID_BYTES + 8);
  ad.set(new TextEncoder().encode('parley-file-v1'));
  ad.set(fileId, 14);
  const view = new DataView(ad.buffer);
  view.setUint32(14 + FILE_ID_BYTES, index);
  view.setUint32(18 + FILE_ID_BYTES, count);
  return ad;
}

export function sealChunk(s: Sodium, key: Uint8Array, fileId: Uint8Array, index: number, count: number, plain: Uint8Array): Uint8Array {
  const nonce = s.randombytes_buf(NONCE_BYTES);
  const sealed = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, associatedData(fileId, index, count), null, nonce, key);
  const out = new Uint8Array(HEADER_BYTES + NONCE_BYTES + sealed.length);
  out.set(fileId);
  new DataView(out.buffer).setUint32(FILE_ID_BYTES, index);
  out.set(nonce, HEADER_BYTES);
  out.set(sealed, HEADER_BYTES + NONCE_BYTES);
  return out;
}

/** The routing part of a sealed chunk, readable without the key. */
export function chunkHeader(bytes: Uint8Array): { fileId: Uint8Array; index: number } | undefined {
  if (bytes.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES || bytes.length > MAX_SEALED_CHUNK_BYTES) return undefined;
  return { fileId: bytes.subarray(0, FILE_ID_BYTES), index: new DataView(bytes.buffer, bytes.byteOffset).getUint32(FILE_ID_BYTES) };
}

/** Opens chunk `bytes` as chunk `index` of `count` of `fileId`; undefined if it is not exactly that. */
export function openChunk(s: Sodium, key: Uint8Array, fileId: Uint8Array, count: number, bytes: Uint8Array): { index: number; plain: Uint8Array } | undefined {
  const header = chunkHeader(bytes);
  if (!header || header.index >= count || !s.memcmp(header.fileId, fileId)) return undefined;
  try {
    const plain = s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      bytes.subarray(HEADER_BYTES + NONCE_BYTES),
      associatedData(fileId, header.index, count),
      bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES),
      key,
    );
    return { index: header.index, plain };
  } catch {
    return undefined;
  }
}
