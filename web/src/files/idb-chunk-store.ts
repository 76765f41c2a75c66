/**
 * Where a reception keeps its bytes when the origin private file system is not there (a private
 * window of some browsers refuses it): IndexedDB, in a database of its own, one record per write
 * (a Blob of that write's parts, keyed by file and byte offset). Slower than OPFS (each write
 * crosses to the browser process), the same contract; the finished file is a Blob of the records,
 * backed by the database, not held in memory.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { ChunkStore } from './chunk-store';

/** A write's bytes; `at` -1 marks that the file exists (an empty file has no other record). */
interface Part {
  name: string;
  at: number;
  data: Blob;
}

interface PartsDB extends DBSchema {
  parts: { key: [string, number]; value: Part };
}

export const PARTS_DB = 'parley-transfer-parts';

const EXISTS = -1;
const allOf = (name: string) => IDBKeyRange.bound([name, EXISTS], [name, Infinity]);
const from = (name: string, at: number) => IDBKeyRange.bound([name, at], [name, Infinity]);

export class IdbChunkStore implements ChunkStore {
  #db: Promise<IDBPDatabase<PartsDB>> | undefined;
  /** Releases of the Web Locks this tab holds, by file (see #lock). */
  readonly #held = new Map<string, () => void>();

  async open(name: string, keepBytes: number): Promise<number> {
    await this.#lock(name);
    const tx = (await this.#open()).transaction('parts', 'readwrite');
    const parts = await tx.store.getAll(allOf(name));
    // What is there without a hole, cut to `keepBytes` (records come in offset order).
    let size = 0;
    for (const p of parts) {
      if (p.at === EXISTS) continue;
      if (p.at !== size || size >= keepBytes) {
        void tx.store.delete([name, p.at]);
        continue;
      }
      const end = Math.min(keepBytes, size + p.data.size);
      if (end < size + p.data.size) void tx.store.put({ name, at: p.at, data: p.data.slice(0, end - size) });
      size = end;
    }
    void tx.store.put({ name, at: EXISTS, data: new Blob([]) });
    await tx.done;
    return size;
  }

  /** `flush` needs nothing here: a write is durable once its transaction resolves. */
  async write(name: string, at: number, parts: Uint8Array[], _flush?: boolean): Promise<void> {
    // The Blob takes its copy now (the contract hands the buffers over anyway, as OpfsChunkStore takes them).
    const data = new Blob(parts as BlobPart[]);
    await this.#lock(name);
    const tx = (await this.#open()).transaction('parts', 'readwrite');
    // Written again from `at`: what was past it is not the file any more, and the write before it ends there.
    await tx.store.delete(from(name, at));
    const before = at > 0 ? await tx.store.openCursor(IDBKeyRange.bound([name, 0], [name, at], false, true), 'prev') : null;
    const last = before?.value;
    if (last && last.at + last.data.size > at) await tx.store.put({ ...last, data: last.data.slice(0, at - last.at) });
    await Promise.all([tx.store.put({ name, at, data }), tx.store.put({ name, at: EXISTS, data: new Blob([]) }), tx.done]);
  }

  async close(name: string): Promise<void> {
    // Every write is committed when it resolves: only the lock is held.
    this.#unlock(name);
  }

  async remove(name: string): Promise<void> {
    await this.#lock(name); // not while another tab writes it
    try {
      await (await this.#open()).delete('parts', allOf(name));
    } finally {
      this.#unlock(name);
    }
  }

  async file(name: string): Promise<Blob | undefined> {
    const parts = await (await this.#open()).getAll('parts', allOf(name));
    if (parts.length === 0) return undefined;
    const data: Blob[] = [];
    let size = 0;
    for (const p of parts) {
      if (p.at === EXISTS) continue;
      if (p.at !== size) return undefined; // a hole: this is not the file any more
      data.push(p.data);
      size += p.data.size;
    }
    return new Blob(data);
  }

  async names(): Promise<string[]> {
    const keys = await (await this.#open()).getAllKeys('parts');
    return [...new Set(keys.map(([name]) => name))];
  }

  /**
   * One tab writes a file at a time, as OPFS's sync access handles make it there: a Web Lock per
   * file, held from the first open() or write() until close() or remove(). Held by another tab, it
   * fails as OPFS fails (NoModificationAllowedError), so isLocked() and its callers treat it alike.
   */
  async #lock(name: string): Promise<void> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (this.#held.has(name) || !locks) return;
    await new Promise<void>((resolve, reject) => {
      void locks.request(`${PARTS_DB}/${name}`, { ifAvailable: true }, (lock) => {
        if (!lock) {
          reject(new DOMException(`${name} is being written in another tab`, 'NoModificationAllowedError'));
          return undefined;
        }
        return new Promise<void>((release) => {
          this.#held.set(name, release);
          resolve();
        });
      });
    });
  }

  #unlock(name: string): void {
    this.#held.get(name)?.();
    this.#held.delete(name);
  }

  #open(): Promise<IDBPDatabase<PartsDB>> {
    this.#db ??= openDB<PartsDB>(PARTS_DB, 1, {
      upgrade(db) {
        db.createObjectStore('parts', { keyPath: ['name', 'at'] });
      },
    });
    return this.#db;
  }
}

/**
 * The store for this browser: OPFS where the page may use it, IndexedDB where it is refused (the
 * check is the one call that fails there; a browser with OPFS but no sync access handles in
 * workers, Safari before 15.2, is not told apart and fails its receptions with a storage error).
 */
export async function chooseChunkStore(opfs: () => ChunkStore): Promise<ChunkStore> {
  try {
    await navigator.storage.getDirectory();
    return opfs();
  } catch {
    return new IdbChunkStore();
  }
}
