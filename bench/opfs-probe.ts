/**
 * The receiving side's storage limit alone: how fast the receiver's profile takes file data into
 * the origin private file system the way the app writes it (web/src/files/chunk-store-worker.ts):
 * a dedicated worker holding a FileSystemSyncAccessHandle, 64 KiB writes one after the other at
 * increasing offsets, then a flush. Not measured: the app's hand-over of each batch to its worker
 * and the progress save after it (progress-saves.ts counts those during the real transfers).
 *
 * Where it runs: a sync access handle exists only in a dedicated worker, and the probe's worker
 * has to be made from inline source (a Blob URL). The app's Content-Security-Policy
 * (signaling/static.ts: script-src 'self', no worker-src) forbids blob: workers, and the server
 * sends that policy with every response, its 404s and the app's fallback page included, except
 * `/healthz` (plain text, no headers of its own). So the probe opens a page of the receiver's own
 * browser context on `/healthz`: the same origin, hence the same OPFS on the same disk as the app,
 * with no policy to get around. (The bench's contexts also set Playwright's bypassCSP, for the bare
 * WebSocket; the probe does not depend on it.)
 */
import type { Page } from '@playwright/test';
import { allowSerializedFunctions } from './raw-links';
import { fmt, median } from './stats';

export interface OpfsProbeResult {
  /** Bytes written per repetition, and per write. */
  bytes: number;
  writeBytes: number;
  reps: number;
  /** MB/s (10^6 bytes/s) over the writes and the flush, median of the repetitions. */
  mbPerSec: number;
  /** Mean time of one write, µs, median of the repetitions. */
  writeUs: number;
  /** The final flush, ms, median of the repetitions. */
  flushMs: number;
  /** Why the probe could not run; the figures are then NaN. */
  error?: string;
}

interface OneRun {
  writes: number;
  writeMs: number;
  flushMs: number;
}

/** Runs in the worker. Plain JavaScript in a string: it must reach the worker exactly as written, untouched by tsx. */
const WORKER_SOURCE = `
onmessage = async (ev) => {
  const { bytes, writeBytes, name } = ev.data;
  let root, handle, result;
  try {
    root = await navigator.storage.getDirectory();
    handle = await (await root.getFileHandle(name, { create: true })).createSyncAccessHandle();
    handle.truncate(0);
    const data = new Uint8Array(writeBytes);
    for (let o = 0; o < data.length; o += 65536) crypto.getRandomValues(data.subarray(o, o + 65536));
    const writes = Math.ceil(bytes / writeBytes);
    const t0 = performance.now();
    for (let i = 0; i < writes; i++) {
      const n = handle.write(data, { at: i * writeBytes });
      if (n !== writeBytes) throw new Error('wrote ' + n + ' of ' + writeBytes + ' bytes');
    }
    const t1 = performance.now();
    handle.flush();
    result = { writes, writeMs: t1 - t0, flushMs: performance.now() - t1 };
  } catch (err) {
    result = { error: String(err) };
  }
  // Cleaned up before answering: the page ends the worker as soon as the answer arrives.
  try { handle?.close(); } catch {}
  try { await root?.removeEntry(name); } catch {}
  postMessage(result);
};`;

/** Writes `bytes` in `writeBytes` writes `reps` times into the OPFS of `receiver`'s origin, from a page of its context. */
export async function probeOpfs(receiver: Page, bytes: number, reps: number, writeBytes = 64 * 1024): Promise<OpfsProbeResult> {
  const page = await receiver.context().newPage();
  const runs: OneRun[] = [];
  try {
    await page.goto(new URL('/healthz', receiver.url()).href);
    await allowSerializedFunctions(page);
    for (let i = 0; i < reps; i++) {
      runs.push(
        await page.evaluate(
          ({ source, bytes, writeBytes }) => {
            const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
            const worker = new Worker(url);
            return new Promise<OneRun>((resolve, reject) => {
              worker.onmessage = (ev: MessageEvent<OneRun & { error?: string }>) => (ev.data.error ? reject(new Error(ev.data.error)) : resolve(ev.data));
              worker.onerror = (ev) => reject(new Error(ev.message || 'the probe worker failed to start'));
              worker.postMessage({ bytes, writeBytes, name: 'parley-bench-opfs-probe' });
            }).finally(() => {
              worker.terminate();
              URL.revokeObjectURL(url);
            });
          },
          { source: WORKER_SOURCE, bytes, writeBytes },
        ),
      );
    }
  } catch (err) {
    const error = (err as Error).message.split('\n')[0]!;
    return { bytes, writeBytes, reps, mbPerSec: Number.NaN, writeUs: Number.NaN, flushMs: Number.NaN, error };
  } finally {
    await page.close().catch(() => undefined);
  }
  return {
    bytes,
    writeBytes,
    reps,
    mbPerSec: median(runs.map((r) => (r.writes * writeBytes) / 1e6 / ((r.writeMs + r.flushMs) / 1000))),
    writeUs: median(runs.map((r) => (r.writeMs * 1000) / r.writes)),
    flushMs: median(runs.map((r) => r.flushMs)),
  };
}

/** The probe's figures in one line: the rate, and what one write and the flush cost. */
export function describeOpfs(p: OpfsProbeResult): string {
  if (p.error) return `failed: ${p.error}`;
  return (
    `${fmt(p.bytes / 2 ** 20)} MiB in ${fmt(p.writeBytes / 1024)} KiB writes through a FileSystemSyncAccessHandle, then a flush: ` +
    `${fmt(p.mbPerSec, 1)} MB/s, ${fmt(p.writeUs)} µs per write, flush ${fmt(p.flushMs, 1)} ms (medians of ${p.reps})`
  );
}
