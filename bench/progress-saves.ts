/**
 * The receiver's progress saves, seen from inside its tab. After each batch of chunks is written
 * to its OPFS file, the app saves the transfer's record (progress and SHA-256 state) in a readwrite
 * IndexedDB transaction on the 'transfers' store alone (web/src/files/incoming.ts), and only then
 * writes the next batch; chunks arriving meanwhile wait, and acknowledgements hold back once more
 * than 4 MiB do. So how long the saves take, and how much of the chunks phase one was open, says
 * whether they pace the transfer. State changes (→ verifying, → done) save the same record in the
 * same way, which is why only the chunks phase is looked at.
 *
 * The app is not changed: IDBDatabase.prototype.transaction is wrapped, once, and each save's
 * start and end (epoch ms, comparable with app-transfer.ts's milestones) are logged in the tab.
 */
import type { Page } from '@playwright/test';

/** The receiver's progress saves within one window of time. */
export interface ProgressSaves {
  /** Saves that started in the window. */
  count: number;
  /** Sum of those saves' time from creation to `complete`, ms. */
  totalMs: number;
  /** Time in the window at least one save was open, ms. */
  busyMs: number;
}

declare global {
  interface Window {
    /** Flat [start, end, start, end…] of finished saves, epoch ms. */
    __filesSaves?: number[];
  }
}

export async function installSaveProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    if (window.__filesSaves) return;
    const log: number[] = (window.__filesSaves = []);
    const now = () => performance.timeOrigin + performance.now();
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const tx = transaction.apply(this, args);
      // The scope as the app asked for it: exactly 'transfers', read-write.
      const stores = typeof args[0] === 'string' ? [args[0]] : [...args[0]];
      if (args[1] === 'readwrite' && stores.length === 1 && stores[0] === 'transfers') {
        const started = now();
        const finished = () => log.push(started, now());
        tx.addEventListener('complete', finished);
        tx.addEventListener('abort', finished);
      }
      return tx;
    } as typeof transaction;
  });
}

/** Returns the saves logged since the last call (as [start, end] pairs) and forgets them, so the log stays small. */
export async function takeSaves(page: Page): Promise<Array<[number, number]>> {
  const flat = await page.evaluate(() => window.__filesSaves!.splice(0));
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}

/** The saves that started in [from, to], and the time in it that at least one save (any) was open. */
export function savesWithin(saves: Array<[number, number]>, from: number, to: number): ProgressSaves {
  let count = 0;
  let totalMs = 0;
  for (const [start, end] of saves) {
    if (start < from || start > to) continue;
    count++;
    totalMs += end - start;
  }
  // Union of the intervals clipped to the window (saves do not overlap in the app, but nothing here relies on it).
  let busyMs = 0;
  let reached = from;
  for (const [start, end] of [...saves].sort((a, b) => a[0] - b[0])) {
    const a = Math.max(start, reached);
    const b = Math.min(end, to);
    if (b > a) busyMs += b - a;
    reached = Math.max(reached, Math.min(end, to));
  }
  return { count, totalMs, busyMs };
}
