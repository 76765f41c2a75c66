import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, chunkCount } from '../../../shared/file-chunks';
import { ChunkReader } from './chunk-reader';

/** A file whose every byte says where it is (mod 251). */
function fileOf(size: number) {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = i % 251;
  return { data, blob: new Blob([data]) };
}

/** Same bytes (toEqual walks 64 KiB arrays element by element, which is slow). */
const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.compare(a, b)).toBe(0);
const chunkOf = (data: Uint8Array, i: number) => data.subarray(i * CHUNK_BYTES, Math.min(data.length, (i + 1) * CHUNK_BYTES));

/** A Blob whose stream is not a byte stream (as in browsers without own-buffer readers), in uneven pieces. */
class PlainStreamBlob extends Blob {
  constructor(private readonly data: Uint8Array<ArrayBuffer>) {
    super([data]);
  }
  override slice(start = 0): Blob {
    return new PlainStreamBlob(this.data.subarray(start));
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const data = this.data;
    let at = 0;
    return new ReadableStream({
      pull(controller) {
        if (at >= data.length) return controller.close();
        const piece = data.slice(at, at + 10_000 + (at % 50_000));
        at += piece.length;
        controller.enqueue(piece);
      },
    });
  }
}

describe('ChunkReader', () => {
  it('gives every chunk of a file in order with its exact bytes, the last one short', async () => {
    const size = 40 * CHUNK_BYTES + 123;
    const { data, blob } = fileOf(size);
    const reader = new ChunkReader(blob);
    for (let i = 0; i < chunkCount(size); i++) same(await reader.chunk(i), chunkOf(data, i));
  });

  it('goes back to an earlier chunk (a resend) and on from there, and skips forward', async () => {
    const { data, blob } = fileOf(20 * CHUNK_BYTES);
    const reader = new ChunkReader(blob);
    for (const i of [0, 1, 2, 17, 3, 4, 9, 10, 19, 0]) same(await reader.chunk(i), chunkOf(data, i));
  });

  it('reads again after close()', async () => {
    const { data, blob } = fileOf(3 * CHUNK_BYTES);
    const reader = new ChunkReader(blob);
    same(await reader.chunk(0), chunkOf(data, 0));
    reader.close();
    same(await reader.chunk(1), chunkOf(data, 1));
  });

  it('an empty file has one empty chunk', async () => {
    expect(await new ChunkReader(new Blob([])).chunk(0)).toEqual(new Uint8Array(0));
  });

  it('reads through the default reader where the stream is not a byte stream (and where the browser has no own-buffer reader at all)', async () => {
    const { data } = fileOf(12 * CHUNK_BYTES + 5);
    const blob = new PlainStreamBlob(data);
    expect(() => blob.stream().getReader({ mode: 'byob' })).toThrow();
    const reader = new ChunkReader(blob);
    for (const i of [0, 1, 2, 7, 8, 3, 12]) same(await reader.chunk(i), chunkOf(data, i));
    const global = globalThis as { ReadableStreamBYOBReader?: unknown };
    const byob = global.ReadableStreamBYOBReader;
    delete global.ReadableStreamBYOBReader; // as in Safari before 26.4
    try {
      const again = new ChunkReader(new PlainStreamBlob(data));
      for (const i of [0, 1, 5, 2]) same(await again.chunk(i), chunkOf(data, i));
    } finally {
      global.ReadableStreamBYOBReader = byob;
    }
  });
});
