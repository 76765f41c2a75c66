/**
 * Samples one tab's memory while a transfer runs: its JS heap (CDP Performance.getMetrics, as
 * DevTools' performance monitor shows it), its renderer's resident set, and its Chromium's main
 * process resident set (Blob data and IndexedDB's work live there, not in the tab; the receiver's
 * OPFS writes happen in its own worker, inside the renderer).
 */
import type { CDPSession, Page } from '@playwright/test';
import { type BrowserProcesses, privateRssOf, pssOf, rssOf } from './proc-tree';
import { sleep } from './stats';

export interface MemoryPeaks {
  /** Bytes. */
  jsHeapUsed: number;
  jsHeapTotal: number;
  rendererRss: number;
  /** The renderer's own pages (RssAnon), without Chromium's shared code. */
  rendererPrivate: number;
  /** The renderer's own pages and its share of the shared ones (PSS). */
  rendererPss: number;
  browserRss: number;
  samples: number;
  /** The first sample: what the tab held before the transfer. */
  start: { jsHeapUsed: number; rendererPrivate: number; browserRss: number };
}

export class TabMemorySampler {
  #running = false;
  #loop: Promise<void> = Promise.resolve();
  #peaks: MemoryPeaks = emptyPeaks();

  private constructor(
    private readonly cdp: CDPSession,
    private readonly processes: BrowserProcesses,
    private readonly intervalMs: number,
  ) {}

  static async open(page: Page, processes: BrowserProcesses, intervalMs = 100): Promise<TabMemorySampler> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    return new TabMemorySampler(cdp, processes, intervalMs);
  }

  start(): void {
    this.#peaks = emptyPeaks();
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops sampling and returns the peaks since `start`. */
  async stop(): Promise<MemoryPeaks> {
    this.#running = false;
    await this.#loop;
    return this.#peaks;
  }

  async close(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.cdp.detach().catch(() => undefined);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const started = performance.now();
      await this.#sample();
      // Every intervalMs from the start of the last sample: a busy renderer answers late, and
      // waiting a full interval after a late answer would sample too rarely.
      await sleep(Math.max(0, this.intervalMs - (performance.now() - started)));
    }
  }

  async #sample(): Promise<void> {
    const p = this.#peaks;
    const first = p.samples === 0;
    // /proc first: it answers even when the tab's main thread is too busy to answer CDP.
    const rendererPrivate = privateRssOf(this.processes.renderer);
    const browserRss = rssOf(this.processes.browser);
    p.rendererRss = Math.max(p.rendererRss, rssOf(this.processes.renderer));
    p.rendererPrivate = Math.max(p.rendererPrivate, rendererPrivate);
    p.rendererPss = Math.max(p.rendererPss, pssOf(this.processes.renderer));
    p.browserRss = Math.max(p.browserRss, browserRss);
    try {
      const { metrics } = await this.cdp.send('Performance.getMetrics');
      const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      p.jsHeapUsed = Math.max(p.jsHeapUsed, metric('JSHeapUsedSize'));
      p.jsHeapTotal = Math.max(p.jsHeapTotal, metric('JSHeapTotalSize'));
      if (first) p.start = { jsHeapUsed: metric('JSHeapUsedSize'), rendererPrivate, browserRss };
      p.samples++;
    } catch {
      // the tab is going away: the peaks so far stand
    }
  }
}

export function emptyPeaks(): MemoryPeaks {
  return { jsHeapUsed: 0, jsHeapTotal: 0, rendererRss: 0, rendererPrivate: 0, rendererPss: 0, browserRss: 0, samples: 0, start: { jsHeapUsed: 0, rendererPrivate: 0, browserRss: 0 } };
}

/** The larger of each field. */
export function maxPeaks(a: MemoryPeaks, b: MemoryPeaks): MemoryPeaks {
  return {
    jsHeapUsed: Math.max(a.jsHeapUsed, b.jsHeapUsed),
    jsHeapTotal: Math.max(a.jsHeapTotal, b.jsHeapTotal),
    rendererRss: Math.max(a.rendererRss, b.rendererRss),
    rendererPrivate: Math.max(a.rendererPrivate, b.rendererPrivate),
    rendererPss: Math.max(a.rendererPss, b.rendererPss),
    browserRss: Math.max(a.browserRss, b.browserRss),
    samples: a.samples + b.samples,
    // Before the earliest of the two transfers: the first with samples.
    start: a.samples ? a.start : b.start,
  };
}
