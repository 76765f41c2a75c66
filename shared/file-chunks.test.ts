import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHUNK_BYTES,
  MAX_SEALED_CHUNK_BYTES,
  chunkCount,
  chunkHeader,
  chunkLength,
  openChunk,
  openChunkInPlace,
  sealChunk,
  sealChunkInto,
} from './file-chunks';
import { type Sodium, loadSodium } from './sodium';

let s: Sodium;
let key: Uint8Array;
let fileId: Uint8Array;
beforeAll(async () => {
  s = await loadSodium();
  key = s.randombytes_buf(32);
  fileId = s.randombytes_buf(16);
});

describe('file chunk sealing', () => {
  it('round-trips every chunk of a file', () => {
    const file = s.randombytes_buf(CHUNK_BYTES * 2 + 123);
    const count = chunkCount(file.length);
    expect(count).toBe(3);
    for (let i = 0; i < count; i++) {
      const plain = file.subarray(i * CHUNK_BYTES, i * CHUNK_BYTES + chunkLength(file.length, i));
      const sealed = sealChunk(s, key, fileId, i, count, plain);
      expect(sealed.length).toBeLessThanOrEqual(MAX_SEALED_CHUNK_BYTES);
      expect(chunkHeader(sealed)?.index).toBe(i);
      const opened = openChunk(s, key, fileId, count, sealed);
      expect(opened?.index).toBe(i);
      expect(s.memcmp(opened!.plain, plain)).toBe(true);
    }
    expect(chunkLength(file.length, 2)).toBe(123);
  });

  it('detects a chunk moved to another index (reordered)', () => {
    const sealed = sealChunk(s, key, fileId, 1, 3, new Uint8Array(10));
    new DataView(sealed.buffer).setUint32(16, 2); // claim it is chunk 2
    expect(openChunk(s, key, fileId, 3, sealed)).toBeUndefined();
  });

  it('detects a chunk from another file, a changed count (dropped tail), or a wrong key', () => {
    const sealed = sealChunk(s, key, fileId, 0, 3, new Uint8Array(10));
    expect(openChunk(s, key, s.randombytes_buf(16), 3, sealed)).toBeUndefined();
    expect(openChunk(s, key, fileId, 2, sealed)).toBeUndefined();
    expect(openChunk(s, s.randombytes_buf(32), fileId, 3, sealed)).toBeUndefined();
  });

  it('detects a tampered or truncated chunk, and an index past the end', () => {
    const sealed = sealChunk(s, key, fileId, 0, 1, new Uint8Array(100).fill(7));
    const flipped = sealed.slice();
    flipped[flipped.length - 20]! ^= 1;
    expect(openChunk(s, key, fileId, 1, flipped)).toBeUndefined();
    expect(openChunk(s, key, fileId, 1, sealed.subarray(0, sealed.length - 1))).toBeUndefined();
    expect(openChunk(s, key, fileId, 1, sealed.subarray(0, 30))).toBeUndefined();
    const past = sealChunk(s, key, fileId, 5, 1, new Uint8Array(1));
    expect(openChunk(s, key, fileId, 1, past)).toBeUndefined();
  });

  it('seals into one reused buffer and opens in place, leaving a chunk that does not open untouched', () => {
    const wire = new Uint8Array(MAX_SEALED_CHUNK_BYTES);
    const plains = [s.randombytes_buf(CHUNK_BYTES), s.randombytes_buf(77)];
    // What leaves the buffer is copied (as a send copies it) before the next chunk is sealed into it.
    const sent = plains.map((plain, i) => sealChunkInto(s, key, fileId, i, 2, plain, wire).slice());
    expect(sent[1]!.length).toBe(sealChunk(s, key, fileId, 1, 2, plains[1]!).length);
    const foreign = sent[0]!.slice();
    expect(openChunkInPlace(s, key, fileId, 3, foreign)).toBeUndefined(); // another count: not this file's chunk
    expect(foreign).toEqual(sent[0]);
    for (const [i, bytes] of sent.entries()) {
      const opened = openChunkInPlace(s, key, fileId, 2, bytes);
      expect(opened?.index).toBe(i);
      expect(opened!.plain.buffer).toBe(bytes.buffer); // no copy: the plaintext took the ciphertext's place
      expect(s.memcmp(opened!.plain, plains[i]!)).toBe(true);
    }
  });
});
