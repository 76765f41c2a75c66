/**
 * The history benchmark (`BENCH_ONLY=history`): bob opens a conversation of 10,000 messages and
 * one of 100 in a headless Chromium against the real server, each time in a fresh tab of his
 * profile (the messages written into its IndexedDB as the app stores them, e2e/support/
 * seed-history.ts). Measured in the tab: click on the contact → the first messages drawn (the
 * animation frame after they are in the DOM; target < 150 ms), and the tab's JS heap after a
 * forced GC once it settled, against the same tab before the click and against the conversation
 * of 100 (target: no more than a few MB over it). Then, in the long one, a fling to the very top
 * (the view set to the top each frame until the first message is drawn, every page read on the
 * way) and "Jump to latest" back, with the heap after each.
 */
import { type Browser, type CDPSession, type Page, expect } from '@playwright/test';
import { ParleyUser } from '../e2e/support/parley-user';
import { allowNamedFunctions, seedConversation } from '../e2e/support/seed-history';
import type { ServerProcess } from '../signaling/test-support/server-process';
import { withAppBrowser } from './app-browser';
import { type Spread, spread } from './browser-bench';
import { median, sleep } from './stats';

export interface HistoryOptions {
  /** Messages in the long conversation. */
  big: number;
  /** Messages in the short one it is compared with. */
  small: number;
  /** Opens of each, alternating. */
  runs: number;
}

export interface HistoryResult {
  options: HistoryOptions;
  /** Click → first messages drawn, ms. */
  openBig: Spread;
  openSmall: Spread;
  /** The tab's JS heap after GC with the conversation open (medians, bytes), and before the click. */
  heapBig: number;
  heapSmall: number;
  heapBefore: number;
  /** Messages drawn right after opening the long one. */
  renderedAtOpen: number;
  /** The fling to the top of the long one: time, pages read, most messages drawn at once, heap at the top. */
  toTopMs: number;
  pagesToTop: number;
  renderedMax: number;
  heapAtTop: number;
  /** "Jump to latest" from the top: time to the latest message drawn, and the heap after. */
  backMs: number;
  heapBack: number;
}

async function openUser(browser: Browser, server: ServerProcess, name: string): Promise<ParleyUser> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.origin);
  return new ParleyUser(name, context, page, server);
}

async function heap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
}

/** A fresh tab of bob's profile, signed in, with the contact list drawn. */
async function freshTab(bob: ParleyUser, server: ServerProcess): Promise<{ page: Page; cdp: CDPSession }> {
  await bob.page.close();
  bob.page = await bob.context.newPage();
  await bob.page.goto(server.origin);
  await expect(bob.page.getByText('Signed in as bob')).toBeVisible();
  const cdp = await bob.context.newCDPSession(bob.page);
  await cdp.send('Performance.enable');
  await allowNamedFunctions(bob.page);
  await sleep(300);
  return { page: bob.page, cdp };
}

/** In the page: clicks `peer`'s contact button; resolves with the ms until the frame after its first messages are in the log. */
function clickAndTime(page: Page, peer: string): Promise<{ ms: number; rendered: number }> {
  return page.evaluate(async (peer) => {
    const deepAll = (selector: string): Element[] => {
      const found: Element[] = [];
      const visit = (root: Document | ShadowRoot) => {
        found.push(...root.querySelectorAll(selector));
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
      };
      visit(document);
      return found;
    };
    const button = deepAll('button').find((b) => new RegExp(`^\\s*${peer}\\b`).test(b.textContent ?? '')) as HTMLButtonElement;
    const start = performance.now();
    button.click();
    for (;;) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const log = deepAll('parley-message-log')[0]?.shadowRoot;
      const rows = log?.querySelectorAll('li[data-key]').length ?? 0;
      if (rows > 0) return { ms: performance.now() - start, rendered: rows };
      if (performance.now() - start > 10_000) throw new Error('no message drawn within 10 s');
    }
  }, peer);
}

/** In the page: sets the log's view to the top every frame until message `seed-0` is drawn; then "Jump to latest" until `lastId` is. */
function flingAndBack(page: Page, lastId: string, phase: 'top' | 'back'): Promise<{ ms: number; pages: number; renderedMax: number }> {
  return page.evaluate(
    async ({ lastId, phase }) => {
      const deepAll = (selector: string): Element[] => {
        const found: Element[] = [];
        const visit = (root: Document | ShadowRoot) => {
          found.push(...root.querySelectorAll(selector));
          for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
        };
        visit(document);
        return found;
      };
      const log = deepAll('parley-message-log')[0]!.shadowRoot!;
      const scroller = log.querySelector('.scroller') as HTMLElement;
      const start = performance.now();
      let pages = 0;
      let renderedMax = 0;
      let first = log.querySelector('li[data-key]')?.getAttribute('data-key');
      if (phase === 'back') (log.querySelector('button.jump') as HTMLButtonElement).click();
      const done = () => log.querySelector(phase === 'top' ? '[data-key$=":seed-0"]' : `[data-key$=":${lastId}"]`);
      while (!done()) {
        if (phase === 'top') scroller.scrollTop = 0;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = log.querySelector('li[data-key]')?.getAttribute('data-key');
        if (now !== first) pages++;
        first = now;
        renderedMax = Math.max(renderedMax, log.querySelectorAll('li[data-key]').length);
        if (performance.now() - start > 120_000) throw new Error(`${phase}: not there within 120 s`);
      }
      return { ms: performance.now() - start, pages, renderedMax };
    },
    { lastId, phase },
  );
}

export async function benchHistory(o: HistoryOptions, log: (line: string) => void): Promise<HistoryResult> {
  return withAppBrowser(async (server, browser) => {
    const bob = await openUser(browser, server, 'bob');
    await bob.signUp();
    for (const name of ['alice', 'carol']) {
      const other = await openUser(browser, server, name);
      await other.signUp();
      await bob.befriend(other);
      await other.context.close(); // offline from here: only bob's tab runs
    }
    await seedConversation(bob.page, { peer: 'alice', count: o.big, today: 200 });
    await seedConversation(bob.page, { peer: 'carol', count: o.small, today: 40 });
    const big: Array<{ ms: number; heap: number; before: number; rendered: number }> = [];
    const small: typeof big = [];
    for (let run = 0; run < o.runs; run++) {
      for (const [peer, into] of run % 2 ? ([['carol', small], ['alice', big]] as const) : ([['alice', big], ['carol', small]] as const)) {
        const { page, cdp } = await freshTab(bob, server);
        const before = await heap(cdp);
        const { ms, rendered } = await clickAndTime(page, peer);
        await sleep(500);
        const after = await heap(cdp);
        into.push({ ms, heap: after, before, rendered });
        log(`  run ${run + 1} ${peer === 'alice' ? `${o.big}` : `${o.small}`} messages: first drawn ${ms.toFixed(1)} ms (${rendered} drawn), heap ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB`);
        await cdp.detach().catch(() => undefined);
      }
    }
    // The fling, in a fresh tab with the long one open.
    const { page, cdp } = await freshTab(bob, server);
    await clickAndTime(page, 'alice');
    await sleep(300);
    const top = await flingAndBack(page, `seed-${o.big - 1}`, 'top');
    const heapAtTop = await heap(cdp);
    const back = await flingAndBack(page, `seed-${o.big - 1}`, 'back');
    await sleep(300);
    const heapBack = await heap(cdp);
    log(`  to the top: ${top.ms.toFixed(0)} ms, ${top.pages} pages, at most ${top.renderedMax} drawn; back ${back.ms.toFixed(1)} ms`);
    return {
      options: o,
      openBig: spread(big.map((r) => r.ms)),
      openSmall: spread(small.map((r) => r.ms)),
      heapBig: median(big.map((r) => r.heap)),
      heapSmall: median(small.map((r) => r.heap)),
      heapBefore: median([...big, ...small].map((r) => r.before)),
      renderedAtOpen: median(big.map((r) => r.rendered)),
      toTopMs: top.ms,
      pagesToTop: top.pages,
      renderedMax: top.renderedMax,
      heapAtTop,
      backMs: back.ms,
      heapBack,
    };
  });
}
