/**
 * The search benchmark: how soon the results of a search across 10,000 messages are on screen,
 * in headless Chromium with the real app against the real server. alice signs up through the UI;
 * her IndexedDB then gets 10,000 messages in 10 conversations (written straight into the store, as
 * years of use would leave them), and the page reloads. Each run types a query into "Search"
 * (Playwright's fill: one input event) and the app itself measures, with the User Timing measure
 * `parley:search`, from the moment the query settled (the debounce of SEARCH_DEBOUNCE_MS is not in
 * it: it is a pause for typing, not work) to the results rendered; `found` is the part spent in the
 * search itself (conversations/search.ts, reading the messages store). Queries: one rare word (1
 * hit), a common one (more hits than the 50 shown), 中文 (about 1 in 20 messages), and one found
 * nowhere (every message read, nothing to show). The first search of the page reads the whole
 * store (conversations/search-index.ts keeps the text in memory after it) and is reported apart.
 */
import { expect } from '@playwright/test';
import { ParleyUser } from '../e2e/support/parley-user';
import type { ServerProcess } from '../signaling/test-support/server-process';
import { withAppBrowser } from './app-browser';
import { type Spread, spread } from './browser-bench';

export interface SearchOptions {
  messages: number;
  conversations: number;
  /** Runs of every query, after one warm-up round. */
  rounds: number;
}

export interface SearchResult {
  options: SearchOptions;
  /** Query settled → results on screen, every query. */
  toResults: Spread;
  /** Of which the search itself. */
  search: Spread;
  /** The very first search of the page: it reads the whole store (and fills the in-memory index). */
  firstSearchMs: number;
  perQuery: Record<string, { toResults: Spread; hits: number }>;
}

export const SEARCH_QUERIES = ['harbour', 'meeting', '明天', 'zzyzx'] as const;

/** Writes `n` messages over `convs` conversations into the page's database (runs in the page). */
function fillHistory({ n, convs }: { n: number; convs: number }): Promise<void> {
  const words = ['meeting', 'lunch', 'tomorrow', 'project', 'coffee', 'train', 'weekend', 'photo', 'later', 'thanks', 'call', 'report'];
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('parley');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('messages', 'readwrite');
      const store = tx.objectStore('messages');
      const start = Date.now() - n * 60_000;
      for (let i = 0; i < n; i++) {
        const peer = `friend${i % convs}`;
        const ts = start + i * 60_000;
        let text = Array.from({ length: 6 + (i % 10) }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ');
        if (i % 20 === 3) text += ' 我们明天见面吧';
        if (i === Math.floor(n / 3)) text += ' at the old harbour';
        store.put({ conv: `dm:${peer}`, peer, dir: i % 2 ? 'in' : 'out', id: `bench-${i}`, seq: ts * 1000, ts, text, state: 'delivered' });
      }
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

interface Measured {
  duration: number;
  hits: number;
  found: number;
}

async function oneSearch(alice: ParleyUser, query: string): Promise<Measured> {
  const box = alice.page.getByRole('searchbox', { name: 'Search' });
  await box.fill('');
  const before = await alice.page.evaluate(() => performance.getEntriesByName('parley:search').length);
  await box.fill(query);
  await alice.page.waitForFunction((n) => performance.getEntriesByName('parley:search').length > n, before);
  return alice.page.evaluate(() => {
    const m = performance.getEntriesByName('parley:search').at(-1) as PerformanceMeasure;
    const detail = m.detail as { hits: number; found: number };
    return { duration: m.duration, hits: detail.hits, found: detail.found };
  });
}

export async function benchSearch(o: SearchOptions, log: (line: string) => void): Promise<SearchResult> {
  return withAppBrowser(async (server, browser) => {
    const context = await browser.newContext();
    const alice = new ParleyUser('alice', context, await context.newPage(), server);
    await alice.page.goto(server.origin);
    await alice.signUp();
    await alice.page.evaluate(fillHistory, { n: o.messages, convs: o.conversations });
    await alice.page.reload();
    await expect(alice.page.getByText('Signed in as alice')).toBeVisible();

    const all: Measured[] = [];
    let first: Measured | undefined;
    const per = new Map<string, Measured[]>(SEARCH_QUERIES.map((q) => [q, []]));
    for (let round = 0; round <= o.rounds; round++) {
      for (const query of SEARCH_QUERIES) {
        const m = await oneSearch(alice, query);
        first ??= m;
        if (round === 0) continue; // warm-up: code caches, the database's first reads
        all.push(m);
        per.get(query)!.push(m);
      }
    }
    const perQuery = Object.fromEntries(
      [...per].map(([q, ms]) => [q, { toResults: spread(ms.map((m) => m.duration)), hits: ms[0]?.hits ?? 0 }]),
    );
    for (const [q, r] of Object.entries(perQuery)) log(`  "${q}": ${r.hits} results shown, ${r.toResults.median.toFixed(1)} ms median (p90 ${r.toResults.p90.toFixed(1)})`);
    return { options: o, toResults: spread(all.map((m) => m.duration)), search: spread(all.map((m) => m.found)), firstSearchMs: first!.duration, perQuery };
  });
}
