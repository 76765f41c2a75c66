/**
 * Stored file chunks as files under the directory every node shares (`FILES_DIR`): one directory
 * per stored file, one file per chunk named `<index>.<token>`. A chunk is written to a temporary
 * name, fsynced, renamed, and its directory fsynced, before Redis is told it exists, so a chunk
 * Redis names is on disk. A chunk sent again gets a new token: the old bytes stay until Redis has
 * switched to the new ones, and a refused put leaves the stored file as it was.
 * Names are hex-encoded so no username or file id can reach outside its directory.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { StoredFileRef } from '../file-store';

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

export class ChunkDir {
  constructor(readonly root: string) {}

  /** Creates the root (owner only: who sent files to whom is worth keeping private). */
  async open(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o700 });
  }

  dirOf(ref: StoredFileRef): string {
    return path.join(this.root, hex(ref.recipient), `${hex(ref.sender)}.${hex(ref.fileId)}`);
  }

  /** Writes chunks durably; returns each one's token, in order. */
  async write(ref: StoredFileRef, chunks: { index: number; data: Uint8Array }[]): Promise<string[]> {
    const dir = this.dirOf(ref);
    const made = await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const written = await Promise.allSettled(chunks.map((c) => this.#writeOne(dir, c.index, c.data)));
    const failed = written.find((w) => w.status === 'rejected');
    if (failed) {
      // Nothing names these yet: a put that fails (a full disk) leaves nothing behind.
      const ok = written.flatMap((w, i) => (w.status === 'fulfilled' ? [{ index: chunks[i]!.index, token: w.value }] : []));
      await this.unlink(ref, ok);
      await this.prune(ref);
      throw failed.reason;
    }
    const tokens = written.map((w) => (w as PromiseFulfilledResult<string>).value);
    await fsyncDir(dir);
    // A new directory is durable once its parents record it too.
    if (made !== undefined) {
      await fsyncDir(path.dirname(dir));
      await fsyncDir(this.root);
    }
    return tokens;
  }

  async #writeOne(dir: string, index: number, data: Uint8Array): Promise<string> {
    const token = randomBytes(8).toString('hex');
    const final = path.join(dir, `${index}.${token}`);
    const temp = `${final}.tmp`;
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    } finally {
      await handle.close();
    }
    await fs.rename(temp, final);
    return token;
  }

  /** A chunk's bytes, or undefined when its file is gone (removed meanwhile). */
  async read(ref: StoredFileRef, index: number, token: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(path.join(this.dirOf(ref), `${index}.${token}`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Deletes chunk files Redis no longer names (replaced, or written for a refused put). */
  async unlink(ref: StoredFileRef, files: { index: number; token: string }[]): Promise<void> {
    const dir = this.dirOf(ref);
    await Promise.all(files.map((f) => fs.rm(path.join(dir, `${f.index}.${f.token}`), { force: true })));
  }

  /** Deletes a stored file's directory if nothing is left in it (a refused first put made it). */
  async prune(ref: StoredFileRef): Promise<void> {
    await fs.rmdir(this.dirOf(ref)).catch(() => undefined);
  }

  /** Deletes a stored file's directory, whatever is in it. */
  async remove(ref: StoredFileRef): Promise<void> {
    await fs.rm(this.dirOf(ref), { recursive: true, force: true });
  }

  /** Free bytes on the volume that holds the files. */
  async free(): Promise<number> {
    const s = await fs.statfs(this.root);
    return s.bavail * s.bsize;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
