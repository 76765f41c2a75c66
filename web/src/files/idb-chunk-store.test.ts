// The IndexedDB chunk store (where OPFS is refused): the ChunkStore contract on fake-indexeddb,
// and a whole reception through it.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../../shared/file-chunks';
import { IdbChunkStore, chooseChunkStore } from './idb-chunk-store';
import { MemoryChunkStore } from './memory-chunk-store';
import { someBytes } from './test-bytes';

let store: IdbChunkStore;
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  store = new IdbChunkStore();
});

const text = async (blob: Blob | undefined) => new Uint8Array(await blob!.arrayBuffer());
const made = new Map<string, Uint8Array<ArrayBuffer>>();
/** The same `n` bytes for the same `key` (a fresh copy each time: a write takes its buffers). */
const bytes = (n: number, key: number) => {
  const id = `${n}:${key}`;
  if (!made.has(id)) made.set(id, someBytes(n));
  return made.get(id)!.slice();
};

describe('IdbChunkStore', () => {
  it('keeps what is written, in order, and gives it back as one file; an empty file exists once opened', async () => {
    const [a, b, c] = [bytes(1000, 1), bytes(CHUNK_BYTES, 2), bytes(10, 3)];
    expect(await store.open('f', 0)).toBe(0);
    expect(await store.file('f')).toEqual(new Blob([]));
    await store.write('f', 0, [a.slice(), b.slice()]);
    await store.write('f', 1000 + CHUNK_BYTES, [c.slice()], true);
    await store.close('f');
    expect(await text(await store.file('f'))).toEqual(new Uint8Array([...a, ...b, ...c]));
    expect(await store.file('nothing')).toBeUndefined();
    expect(await store.names()).toEqual(['f']);
  });

  it('open() cuts the file to what the progress says (inside a write, too) and says what it holds; a write from a point replaces what was past it', async () => {
    const [a, b] = [bytes(100, 4), bytes(100, 5)];
    await store.open('f', 0);
    await store.write('f', 0, [a.slice()]);
    await store.write('f', 100, [b.slice()]);
    expect(await store.open('f', 150)).toBe(150);
    expect(await text(await store.file('f'))).toEqual(new Uint8Array([...a, ...b.subarray(0, 50)]));
    expect(await store.open('f', 1000)).toBe(150); // shorter than the progress says: what it holds
    await store.write('f', 120, [bytes(30, 6)]);
    expect(await text(await store.file('f'))).toEqual(new Uint8Array([...a, ...b.subarray(0, 20), ...bytes(30, 6)]));
  });

  it('open() stops at a hole: nothing past it counts', async () => {
    await store.open('f', 0);
    await store.write('f', 0, [bytes(100, 7)]);
    await store.write('f', 200, [bytes(100, 8)]); // 100–199 never written
    expect(await store.open('f', 300)).toBe(100);
    expect((await store.file('f'))?.size).toBe(100);
  });

  it('remove() forgets a file and nothing else', async () => {
    for (const name of ['f', 'g']) {
      await store.open(name, 0);
      await store.write(name, 0, [bytes(10, 9)]);
    }
    await store.remove('f');
    await store.remove('never');
    expect(await store.file('f')).toBeUndefined();
    expect(await store.names()).toEqual(['g']);
  });
});

describe('IdbChunkStore between tabs', () => {
  /** Just enough of the Web Locks API (`ifAvailable` requests) to stand for the browser's, shared by the "tabs". */
  function withLocks(): () => void {
    const held = new Set<string>();
    const locks = {
      request(name: string, _options: { ifAvailable: true }, callback: (lock: object | null) => Promise<void> | undefined) {
        if (held.has(name)) return Promise.resolve(callback(null));
        held.add(name);
        return Promise.resolve(callback({ name })).finally(() => held.delete(name));
      },
    };
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
    return () => Reflect.deleteProperty(globalThis, 'navigator');
  }

  it('a file one tab writes cannot be opened, cut or removed by another until it is closed; a hole makes no file', async () => {
    const restore = withLocks();
    try {
      const [writer, other] = [new IdbChunkStore(), new IdbChunkStore()];
      await writer.open('f', 0);
      await writer.write('f', 0, [bytes(100, 10)]);
      const locked = { name: 'NoModificationAllowedError' };
      await expect(other.open('f', 50)).rejects.toMatchObject(locked);
      await expect(other.remove('f')).rejects.toMatchObject(locked);
      await writer.write('f', 100, [bytes(100, 11)]);
      await writer.close('f');
      expect(await other.open('f', 150)).toBe(150); // now it may
      await other.close('f');
      await other.remove('f');
      expect(await other.file('f')).toBeUndefined();

      await writer.open('g', 0);
      await writer.write('g', 0, [bytes(10, 12)]);
      await writer.write('g', 20, [bytes(10, 13)]); // 10–19 never written
      expect(await writer.file('g')).toBeUndefined();
    } finally {
      restore();
    }
  });
});

describe('chooseChunkStore', () => {
  it('takes IndexedDB where the origin private file system is refused', async () => {
    const opfs = new MemoryChunkStore(); // stands in for OpfsChunkStore
    const withStorage = (getDirectory: () => Promise<unknown>) =>
      Object.defineProperty(globalThis, 'navigator', { value: { storage: { getDirectory } }, configurable: true });
    try {
      withStorage(() => Promise.reject(new DOMException('private window', 'SecurityError')));
      expect(await chooseChunkStore(() => opfs)).toBeInstanceOf(IdbChunkStore);
      withStorage(() => Promise.resolve({}));
      expect(await chooseChunkStore(() => opfs)).toBe(opfs);
    } finally {
      Reflect.deleteProperty(globalThis, 'navigator');
    }
  });
});
