/**
 * The receiving side's other raw limit: how fast the receiving tab's IndexedDB takes file data
 * when nothing else runs. The app stores every 64 KiB chunk as its own Blob, in its own readwrite
 * transaction together with the transfer's record, one transaction after the other (it
 * acknowledges only what is committed). The same pattern is measured here in a scratch database of
 * the same profile, beside one alternative (1 MiB Blobs, 16 chunks' worth per transaction), so the
 * report shows what storage alone allows and what the per-record cost is.
 */
import type { Page } from '@playwright/test';
import { median } from './stats';

export interface StoragePattern {
  label: string;
  /** Bytes per stored Blob. */
  recordBytes: number;
}

export const STORAGE_PATTERNS: StoragePattern[] = [
  { label: '64 KiB Blob per transaction (the app)', recordBytes: 64 * 1024 },
  { label: '1 MiB Blob per transaction', recordBytes: 1024 * 1024 },
];

export interface StorageResult {
  label: string;
  recordBytes: number;
  /** MB/s (10^6 bytes/s), median of the repetitions. */
  mbPerSec: number;
  /** Mean wall time of one transaction, ms, median of the repetitions. */
  txMs: number;
}

/** Writes `bytes` in each pattern `reps` times into a scratch database in `page`'s profile. */
export async function probeStorage(page: Page, bytes: number, reps: number): Promise<StorageResult[]> {
  const results: StorageResult[] = [];
  for (const pattern of STORAGE_PATTERNS) {
    const runs: Array<{ mbPerSec: number; txMs: number }> = [];
    for (let i = 0; i < reps; i++) {
      runs.push(
        await page.evaluate(
          async ({ bytes, recordBytes }) => {
            const name = 'parley-bench-storage-probe';
            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const open = indexedDB.open(name, 1);
              open.onupgradeneeded = () => {
                open.result.createObjectStore('chunks');
                open.result.createObjectStore('transfers');
              };
              open.onsuccess = () => resolve(open.result);
              open.onerror = () => reject(open.error);
            });
            const data = new Uint8Array(recordBytes);
            for (let o = 0; o < data.length; o += 65_536) crypto.getRandomValues(data.subarray(o, o + 65_536));
            const count = Math.ceil(bytes / recordBytes);
            const started = performance.now();
            for (let index = 0; index < count; index++) {
              // As the app: a fresh Blob, and the transfer's record beside it, committed before the next.
              const tx = db.transaction(['chunks', 'transfers'], 'readwrite');
              tx.objectStore('chunks').put(new Blob([data]), index);
              tx.objectStore('transfers').put({ next: index + 1, state: 'active' }, 'probe');
              await new Promise<void>((resolve, reject) => {
                tx.oncomplete = () => resolve();
                tx.onerror = () => reject(tx.error);
              });
            }
            const ms = performance.now() - started;
            db.close();
            await new Promise((resolve) => {
              const del = indexedDB.deleteDatabase(name);
              del.onsuccess = del.onerror = del.onblocked = resolve;
            });
            return { mbPerSec: (count * recordBytes) / 1e6 / (ms / 1000), txMs: ms / count };
          },
          { bytes, recordBytes: pattern.recordBytes },
        ),
      );
    }
    results.push({ ...pattern, mbPerSec: median(runs.map((r) => r.mbPerSec)), txMs: median(runs.map((r) => r.txMs)) });
  }
  return results;
}
