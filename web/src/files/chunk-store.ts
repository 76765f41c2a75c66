/**
 * Where a reception keeps its bytes: one file per transfer in the origin private file system
 * (OPFS), written by a dedicated worker through a FileSystemSyncAccessHandle. A write there is a
 * plain file write inside the tab's own process; a Blob or an IndexedDB value instead crosses to
 * the browser process on every chunk, and that, not the network, paced receptions. The finished
 * file is read back as a disk-backed File, never held in memory.
 */
import type { StoreReply, StoreRequest } from './chunk-store-protocol';
import { STORE_DIR } from './chunk-store-protocol';

/** What a reception needs of storage (a memory double stands in for it in unit tests). */
export interface ChunkStore {
  /** Opens (creating) file `name` for writing and cuts it to at most `keepBytes`; resolves with its size then. */
  open(name: string, keepBytes: number): Promise<number>;
  /**
   * Writes `parts` one after another from byte `at` (then, with `flush`, makes sure the disk has
   * them). Each part's whole buffer is handed over (detached): a part is a view into the message it
   * arrived in, and nothing else may be kept in that buffer.
   */
  write(name: string, at: number, parts: Uint8Array[], flush?: boolean): Promise<void>;
  /** Flushes and closes the file, so it can be read. */
  close(name: string): Promise<void>;
  /** Deletes the file (closing it first); no error when it does not exist. */
  remove(name: string): Promise<void>;
  /** The closed file's content, or undefined when there is none. */
  file(name: string): Promise<Blob | undefined>;
  /** The names of every file the store holds. */
  names(): Promise<string[]>;
}

/** Thrown when the worker could not do what was asked (out of space, the file is locked by another tab…). */
export class ChunkStoreError extends Error {
  constructor(
    readonly op: StoreRequest['op'],
    readonly reason: string,
  ) {
    super(`chunk store ${op}: ${reason}`);
  }

  /** The file is held by another tab of this profile (only one may write it at a time). */
  get locked(): boolean {
    return this.reason.startsWith('NoModificationAllowedError');
  }
}

/** The error says the file is held by another tab (from the worker, or a store that throws DOMExceptions itself). */
export function isLocked(err: unknown): boolean {
  return (err instanceof ChunkStoreError && err.locked) || (err instanceof DOMException && err.name === 'NoModificationAllowedError');
}

type Pending = { resolve: (reply: StoreReply & { ok: true }) => void; reject: (err: Error) => void; op: StoreRequest['op'] };

export class OpfsChunkStore implements ChunkStore {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  async open(name: string, keepBytes: number): Promise<number> {
    const reply = await this.#ask({ op: 'open', id: 0, name, keepBytes });
    return reply.size ?? 0;
  }

  async write(name: string, at: number, parts: Uint8Array[], flush = false): Promise<void> {
    // Hand the bytes over instead of copying them (a copy is a fresh array per chunk: see heap-aead.ts).
    const buffers = [...new Set(parts.map((p) => p.buffer as ArrayBuffer))];
    await this.#ask({ op: 'write', id: 0, name, at, parts, flush }, buffers);
  }

  async close(name: string): Promise<void> {
    await this.#ask({ op: 'close', id: 0, name });
  }

  async remove(name: string): Promise<void> {
    await this.#ask({ op: 'remove', id: 0, name });
  }

  async file(name: string): Promise<Blob | undefined> {
    try {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(STORE_DIR);
      return await (await dir.getFileHandle(name)).getFile();
    } catch (err) {
      if (err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError')) return undefined;
      throw err;
    }
  }

  async names(): Promise<string[]> {
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(STORE_DIR);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'NotFoundError') return [];
      throw err;
    }
    const names: string[] = [];
    // TypeScript's DOM library leaves out the directory's async iteration.
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names;
  }

  #ask(request: StoreRequest, transfer: Transferable[] = []): Promise<StoreReply & { ok: true }> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, op: request.op });
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  #start(): Worker {
    const worker = new Worker(new URL('./chunk-store-worker.ts', import.meta.url), { type: 'module', name: 'parley-chunk-store' });
    worker.onmessage = (ev: MessageEvent<StoreReply>) => {
      const reply = ev.data;
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply);
      else pending.reject(new ChunkStoreError(pending.op, reply.error));
    };
    worker.onerror = (ev) => {
      // The worker itself failed (it could not load): everything asked of it fails, and the next ask
      // starts a new one (this one is ended, so it holds no file a new one would need).
      ev.preventDefault();
      worker.terminate();
      this.#worker = undefined;
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id);
        pending.reject(new ChunkStoreError(pending.op, ev.message || 'the storage worker failed'));
      }
    };
    return worker;
  }
}
