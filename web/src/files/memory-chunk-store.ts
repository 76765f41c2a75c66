/**
 * Test double: a ChunkStore in memory that behaves as the OPFS one does (chunk-store.ts and its
 * worker). Each answer comes a turn of the event loop later, as the worker's would, and requests
 * take effect in the order they were made. `write` opens (creating) a file that is not open, writes
 * past the end grow it (zero-filled), and it takes the parts' whole buffers over (detached), as
 * OpfsChunkStore does.
 * `file` refuses a file still open for writing, as OPFS refuses to read one with a sync access
 * handle on it. Used by tests only.
 */
import type { ChunkStore } from './chunk-store';

export type StoreCall =
  | { op: 'open'; name: string; keepBytes: number }
  | { op: 'write'; name: string; at: number; lengths: number[] }
  | { op: 'close' | 'remove' | 'file'; name: string }
  | { op: 'names' };

interface MemoryFile {
  data: Uint8Array;
  size: number;
  open: boolean;
}

/** The worker's round trip: resolves on a later turn (setImmediate, left real by the fake timers the tests use). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class MemoryChunkStore implements ChunkStore {
  readonly #files = new Map<string, MemoryFile>();
  /** Every request, in the order made. */
  readonly calls: StoreCall[] = [];

  async open(name: string, keepBytes: number): Promise<number> {
    this.calls.push({ op: 'open', name, keepBytes });
    await turn();
    const file = this.#openFile(name);
    file.size = Math.min(file.size, keepBytes);
    file.data.fill(0, file.size); // past the end stays zero, so a later write past it leaves a zero-filled hole
    return file.size;
  }

  async write(name: string, at: number, parts: Uint8Array[]): Promise<void> {
    this.calls.push({ op: 'write', name, at, lengths: parts.map((p) => p.length) });
    // Taken at once, as postMessage takes (transfers) their buffers.
    const taken = structuredClone(parts, { transfer: [...new Set(parts.map((p) => p.buffer as ArrayBuffer))] });
    await turn();
    const file = this.#openFile(name);
    let offset = at;
    for (const part of taken) {
      this.#reserve(file, offset + part.length);
      file.data.set(part, offset);
      offset += part.length;
      file.size = Math.max(file.size, offset);
    }
  }

  async close(name: string): Promise<void> {
    this.calls.push({ op: 'close', name });
    await turn();
    const file = this.#files.get(name);
    if (file) file.open = false;
  }

  async remove(name: string): Promise<void> {
    this.calls.push({ op: 'remove', name });
    await turn();
    this.#files.delete(name);
  }

  async file(name: string): Promise<Blob | undefined> {
    this.calls.push({ op: 'file', name });
    await turn();
    const file = this.#files.get(name);
    if (!file) return undefined;
    if (file.open) throw new DOMException(`${name} is open for writing`, 'NoModificationAllowedError');
    return new Blob([file.data.slice(0, file.size)]);
  }

  async names(): Promise<string[]> {
    this.calls.push({ op: 'names' });
    await turn();
    return [...this.#files.keys()];
  }

  // For the tests' eyes and hands (no turn, no record in `calls`).

  has(name: string): boolean {
    return this.#files.has(name);
  }

  isOpen(name: string): boolean {
    return this.#files.get(name)?.open ?? false;
  }

  /** A copy of the file's content now, or undefined when there is no such file. */
  bytes(name: string): Uint8Array | undefined {
    const file = this.#files.get(name);
    return file?.data.slice(0, file.size);
  }

  /** Puts a closed file with content `bytes` (replacing any of that name). */
  seed(name: string, bytes: Uint8Array): void {
    const data = bytes.slice();
    this.#files.set(name, { data, size: data.length, open: false });
  }

  /** The tab went away: the worker and its open handles with it (the files stay, as written). */
  restart(): void {
    for (const file of this.#files.values()) file.open = false;
  }

  /** The writes made to `name`, in order. */
  writes(name: string): Array<StoreCall & { op: 'write' }> {
    return this.calls.filter((c): c is StoreCall & { op: 'write' } => c.op === 'write' && c.name === name);
  }

  /** How many times `name` was read back. */
  reads(name: string): number {
    return this.calls.filter((c) => c.op === 'file' && c.name === name).length;
  }

  #openFile(name: string): MemoryFile {
    let file = this.#files.get(name);
    if (!file) this.#files.set(name, (file = { data: new Uint8Array(0), size: 0, open: true }));
    file.open = true;
    return file;
  }

  #reserve(file: MemoryFile, size: number): void {
    if (size <= file.data.length) return;
    const grown = new Uint8Array(Math.max(size, 2 * file.data.length));
    grown.set(file.data.subarray(0, file.size));
    file.data = grown;
  }
}
