/**
 * The storage worker: owns a FileSystemSyncAccessHandle per reception being written (only a
 * dedicated worker may hold one) and does what the page asks, one request at a time, in order.
 */
import { STORE_DIR, type StoreReply, type StoreRequest } from './chunk-store-protocol';

/** The parts of FileSystemSyncAccessHandle used here (TypeScript's DOM library leaves it out). */
interface SyncAccessHandle {
  write(buffer: ArrayBufferView, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
type SyncFileHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };

const scope = self as unknown as { onmessage: ((ev: MessageEvent<StoreRequest>) => void) | null; postMessage(reply: StoreReply): void };
const handles = new Map<string, SyncAccessHandle>();
let folder: Promise<FileSystemDirectoryHandle> | undefined;
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (ev) => {
  const request = ev.data;
  queue = queue.then(async () => {
    try {
      scope.postMessage({ id: request.id, ok: true, ...(await run(request)) });
    } catch (err) {
      scope.postMessage({ id: request.id, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  });
};

async function run(request: StoreRequest): Promise<{ size?: number }> {
  switch (request.op) {
    case 'open': {
      const handle = await open(request.name);
      const size = Math.min(handle.getSize(), request.keepBytes);
      handle.truncate(size);
      return { size };
    }
    case 'write': {
      const handle = await open(request.name);
      let at = request.at;
      for (const part of request.parts) {
        const written = handle.write(part, { at });
        if (written !== part.byteLength) throw new Error(`wrote ${written} of ${part.byteLength} bytes (out of space?)`);
        at += written;
      }
      if (request.flush) handle.flush();
      return {};
    }
    case 'close':
      closeHandle(request.name);
      return {};
    case 'remove':
      closeHandle(request.name);
      try {
        await (await dir()).removeEntry(request.name);
      } catch (err) {
        if (!(err instanceof DOMException && err.name === 'NotFoundError')) throw err;
      }
      return {};
  }
}

function dir(): Promise<FileSystemDirectoryHandle> {
  folder ??= navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(STORE_DIR, { create: true }));
  // A failure is not kept: the next request asks again.
  folder.catch(() => (folder = undefined));
  return folder;
}

async function open(name: string): Promise<SyncAccessHandle> {
  let handle = handles.get(name);
  if (!handle) {
    const file = (await (await dir()).getFileHandle(name, { create: true })) as SyncFileHandle;
    handle = await withRetries(() => file.createSyncAccessHandle());
    handles.set(name, handle);
  }
  return handle;
}

function closeHandle(name: string): void {
  const handle = handles.get(name);
  if (!handle) return;
  handles.delete(name);
  try {
    handle.flush();
  } finally {
    handle.close(); // even when the flush failed: a handle left open would lock the file until the worker ends
  }
}

/**
 * A file another page still holds (a tab just reloaded whose worker is going away) is asked for
 * again for about a second before the lock error goes back to the page.
 */
async function withRetries<T>(attempt: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= tries || !(err instanceof DOMException && err.name === 'NoModificationAllowedError')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
