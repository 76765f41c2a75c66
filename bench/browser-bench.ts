/**
 * The browser benchmark: how soon after logging in a person's first message is delivered, and how
 * soon the link to their contact goes direct, in two headless Chromium contexts against the real
 * server on loopback. alice and bob become contacts once, through the UI; then, each run, alice
 * comes back (a new tab in her profile: the identity is in IndexedDB, so the app logs in by itself)
 * while bob stays online. Every time is taken inside alice's tab (see browser-page.ts).
 *
 * alice's name sorts first, so she offers (the glare rule): this is the case of the person who
 * just logged in starting the direct attempt.
 */
import { type Browser, type Page, expect } from '@playwright/test';
import { ParleyUser } from '../e2e/support/parley-user';
import type { ServerProcess } from '../signaling/test-support/server-process';
import { withAppBrowser } from './app-browser';
import { type BenchTabOptions, type RtcMilestones, type TabTimes, benchTab } from './browser-page';
import { median, percentile, sleep } from './stats';


export interface BrowserOptions {
  runs: number;
  /** Runs before the measured ones (first page load, code caches): not counted. */
  warmup: number;
  /** How long one run may take before it counts as failed. */
  runTimeoutMs: number;
  /**
   * Messages alice sends bob before the runs. Each run adds one more; the conversation is
   * rendered on the message's path, so its length shows in the figures.
   */
  history: number;
}

export interface Spread {
  median: number;
  p90: number;
  min: number;
  max: number;
}

/** One run: TabTimes in ms after login. */
export type BrowserRun = Omit<TabTimes, 'online'>;

/** Medians over the runs, ms after login, of each step on the way. */
export type Phases = Record<Exclude<keyof BrowserRun, 'rtc'> | keyof RtcMilestones, number>;

export interface BrowserResult {
  options: BrowserOptions;
  /** Login → the first message reads 'delivered'. */
  firstMessage: Spread;
  /** Login → the path reads 'direct'. */
  direct: Spread;
  phases: Phases;
  /** Runs whose first message went out on the relay, before the path read 'direct'. */
  sentOnRelay: number;
  /** Runs whose first message read 'delivered' before the path read 'direct'. */
  deliveredBeforeDirect: number;
  runs: BrowserRun[];
  failures: number;
  firstError?: string;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: median(sorted), p90: percentile(sorted, 90), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}

/**
 * The page script for one run. tsx compiles this file with esbuild's keepNames, which wraps named
 * functions in calls to a module helper `__name`; the serialized function needs it in the page too.
 */
function tabScript(options: BenchTabOptions): string {
  return `{ const __name = (f) => f; (${benchTab.toString()})(${JSON.stringify(options)}); }`;
}

async function openUser(browser: Browser, server: ServerProcess, name: string): Promise<ParleyUser> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.origin);
  return new ParleyUser(name, context, page, server);
}

/** alice leaves, bob sees it, alice comes back in a new tab and sends at once; resolves with the tab's times. */
async function oneRun(alice: ParleyUser, bob: ParleyUser, server: ServerProcess, text: string, o: BrowserOptions): Promise<TabTimes> {
  await alice.page.close();
  // Every run starts from the same state: bob knows alice is gone and is back on the relay.
  await expect(bob.contactButton('alice')).toContainText('offline');
  await expect(bob.connectionPath()).toHaveText('relay');
  const page: Page = await alice.context.newPage();
  alice.page = page;
  await page.addInitScript({ content: tabScript({ peer: 'bob', text, timeoutMs: o.runTimeoutMs }) });
  await page.goto(server.origin);
  const result = await page.evaluate(() => window.__parleyBench!);
  if ('error' in result) throw new Error(result.error);
  // What the page measured, the UI shows on both sides; wait for bob's side to be direct too.
  await expect(alice.message(text)).toContainText('delivered');
  await expect(bob.message(text)).toBeVisible();
  await expect(bob.connectionPath()).toHaveText('direct');
  return result;
}

/** Times relative to login. */
function relative(t: TabTimes): BrowserRun {
  const since = <T extends object>(times: T): T =>
    Object.fromEntries(Object.entries(times).map(([k, v]) => [k, typeof v === 'number' ? v - t.online : v])) as T;
  const { online: _, rtc, ...rest } = t;
  return { ...since(rest), rtc: since(rtc) };
}

function phases(runs: BrowserRun[]): Phases {
  const med = (pick: (r: BrowserRun) => number | undefined) => median(runs.map(pick).filter((v): v is number => v !== undefined));
  const keys = ['composerReady', 'submitted', 'relaySent', 'receiptArrived', 'delivered', 'direct'] as const;
  const rtcKeys = ['created', 'offer', 'firstCandidate', 'answer', 'iceConnected', 'connected', 'channelOpen'] as const;
  return Object.fromEntries([...keys.map((k) => [k, med((r) => r[k])]), ...rtcKeys.map((k) => [k, med((r) => r.rtc[k])])]) as Phases;
}

const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));

export async function benchBrowser(o: BrowserOptions, log: (line: string) => void): Promise<BrowserResult> {
  return withAppBrowser(async (server, browser) => {
    const alice = await openUser(browser, server, 'alice');
    const bob = await openUser(browser, server, 'bob');
    await alice.signUp();
    await bob.signUp();
    await alice.befriend(bob);
    await bob.openChat('alice');
    await expect(bob.connectionPath()).toHaveText('direct', { timeout: 20_000 });
    if (o.history > 0) {
      await alice.openChat('bob');
      for (let k = 0; k < o.history; k++) await alice.send(`earlier message ${k}`);
      await expect(alice.message(`earlier message ${o.history - 1}`)).toContainText('delivered');
    }

    const runs: BrowserRun[] = [];
    let failures = 0;
    let firstError: string | undefined;
    for (let i = 0; i < o.warmup + o.runs; i++) {
      const counted = i >= o.warmup;
      const label = counted ? `run ${i - o.warmup + 1}` : `warm-up ${i + 1}`;
      try {
        const run = relative(await oneRun(alice, bob, server, `first message ${i}`, o));
        if (counted) runs.push(run);
        log(
          `  ${label}: delivered ${ms(run.delivered)} ms` +
            ` (relay frame out ${ms(run.relaySent)}, receipt in ${ms(run.receiptArrived)}),` +
            ` direct ${ms(run.direct)} ms (offer ${ms(run.rtc.offer)}, answer ${ms(run.rtc.answer)}, ICE ${ms(run.rtc.iceConnected)}, channel ${ms(run.rtc.channelOpen)})`,
        );
      } catch (err) {
        failures++;
        firstError ??= (err as Error).message.split('\n')[0];
        log(`  !! ${label} failed: ${(err as Error).message.split('\n')[0]}`);
      }
      await sleep(100);
    }
    if (runs.length === 0) throw new Error(`every browser run failed: ${firstError}`);
    return {
      options: o,
      firstMessage: spread(runs.map((r) => r.delivered)),
      direct: spread(runs.map((r) => r.direct)),
      phases: phases(runs),
      sentOnRelay: runs.filter((r) => r.relaySent !== undefined && r.relaySent < r.direct).length,
      deliveredBeforeDirect: runs.filter((r) => r.delivered < r.direct).length,
      runs,
      failures,
      firstError,
    };
  });
}
