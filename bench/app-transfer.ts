/**
 * One file sent through the real Parley UI: the sender attaches a file on disk to the open
 * conversation ("Attach file"), the receiver's tab shows its progress and then, once the SHA-256 of
 * what it stored matches the sealed offer, a "Download <name>" link. Both tabs note, on their own
 * clock, when each of those things first shows on screen; the times are epoch milliseconds
 * (performance.timeOrigin + now()), so the two tabs' times compare.
 *
 * The watchers poll the DOM every 20 ms instead of observing it: a MutationObserver on the open
 * shadow roots would have to be installed before the app loads, and at 20 ms a poll costs the tab
 * next to nothing while its error (≤ 20 ms) is lost in transfers that take seconds.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ParleyUser } from '../e2e/support/parley-user';

/** Epoch ms; absent when never seen. */
export interface TransferTimes {
  /** The sender's file input fired `change` (the file is attached). */
  attached: number;
  /** The sender's own entry for the file showed: it has hashed the file and sends the offer. */
  senderShown?: number;
  /** The receiver's entry (and progress bar) showed: the sealed offer arrived, it asks for chunks. */
  offered?: number;
  /** The receiver's bar first moved: the first batch of chunks is written to its OPFS file and the progress saved. */
  firstChunk?: number;
  /**
   * The receiver shows 'Checking integrity…': all chunks are stored; it closes the file and compares
   * the SHA-256 it computed as they came with the offer's: tens of ms, which a 20 ms poll may miss;
   * then the link's time stands in (a verify phase of 0).
   */
  verifying?: number;
  /** The receiver's "Download <name>" link showed. */
  link: number;
}

interface WatchOptions {
  name: string;
  side: 'sender' | 'receiver';
  timeoutMs: number;
}

interface WatchResult {
  times: Partial<TransferTimes>;
  error?: string;
}

declare global {
  interface Window {
    __filesBench?: Promise<WatchResult>;
  }
}

const MiB = 1024 * 1024;

/** Writes `bytes` random bytes to `dir/name`; a fresh file, so the sender's hash reads it anew. */
export function writeRandomFile(dir: string, name: string, bytes: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  try {
    for (let left = bytes; left > 0; left -= MiB) fs.writeSync(fd, crypto.randomBytes(Math.min(MiB, left)));
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/**
 * Starts watching this tab for the file's milestones; `window.__filesBench` resolves once the last
 * one the side waits for shows (the sender: its own entry; the receiver: the download link).
 */
function watch({ name, side, timeoutMs }: WatchOptions): void {
  const now = () => performance.timeOrigin + performance.now();
  const deepAll = (selector: string): Element[] => {
    const found: Element[] = [];
    const visit = (root: Document | ShadowRoot) => {
      found.push(...root.querySelectorAll(selector));
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    visit(document);
    return found;
  };
  const times: Partial<TransferTimes> = {};
  // Found once, the entry stays (unless re-rendered): later polls look only inside it, so polling costs the tab little.
  let item: Element | undefined;
  if (side === 'sender') {
    const input = deepAll('input[type="file"]')[0];
    // Capturing, so it runs before the app's own listener starts hashing.
    input?.addEventListener('change', () => (times.attached ??= now()), { capture: true, once: true });
  }
  window.__filesBench = new Promise<WatchResult>((resolve) => {
    const started = now();
    const timer = setInterval(() => {
      if (!item?.isConnected) item = deepAll('parley-file-item').find((el) => el.shadowRoot?.querySelector('.name')?.textContent === name);
      const root = item?.shadowRoot;
      if (root) {
        const bar = root.querySelector('progress');
        if (side === 'sender') times.senderShown ??= now();
        if (bar) times.offered ??= now();
        // The bar moves only per whole percent; the hint leaves 'Waiting…' as soon as a first chunk is stored.
        const moving = Number(bar?.getAttribute('aria-valuenow')) > 0 || !root.textContent?.includes('Waiting for the other side');
        if (bar && moving) times.firstChunk ??= now();
        if (bar && root.textContent?.includes('Checking integrity')) times.verifying ??= now();
        if (root.querySelector(`a[download]`)?.textContent?.trim() === `Download ${name}`) times.link ??= now();
      }
      const finished = side === 'sender' ? times.senderShown !== undefined : times.link !== undefined;
      if (finished || now() - started > timeoutMs) {
        clearInterval(timer);
        resolve(finished ? { times } : { times, error: `${side}: ${name} not finished within ${timeoutMs} ms` });
      }
    }, 20);
  });
}

/** Sends the file at `file` from `sender` to `receiver` (both in their conversation) and times it. */
export async function sendThroughApp(sender: ParleyUser, receiver: ParleyUser, file: string, timeoutMs: number): Promise<TransferTimes> {
  const name = path.basename(file);
  const watching = (side: WatchOptions['side']): WatchOptions => ({ name, side, timeoutMs });
  await receiver.page.evaluate(watch, watching('receiver'));
  await sender.page.evaluate(watch, watching('sender'));
  const beforeAttach = await sender.page.evaluate(() => performance.timeOrigin + performance.now());
  await sender.attach(file);
  const rx = await receiver.page.evaluate(() => window.__filesBench!);
  const tx = await sender.page.evaluate(() => window.__filesBench!);
  if (rx.error) throw new Error(rx.error);
  if (tx.error) throw new Error(tx.error);
  const { offered, firstChunk, verifying, link } = rx.times;
  // The capture listener cannot miss `change` (Playwright dispatches it), but should the app ever
  // re-render the input between watch() and attach(), the time just before attaching stands in.
  return { attached: tx.times.attached ?? beforeAttach, senderShown: tx.times.senderShown, offered, firstChunk, verifying, link: link! };
}
