/**
 * The readable reports of the benchmarks whose figures bench/run.ts gathers itself (the others
 * report from their own modules), and the targets they are held to.
 */
import type { BrowserResult, Spread } from './browser-bench';
import type { HistoryResult } from './history-bench';
import type { IdleResult } from './idle-bench';
import type { SearchResult } from './search-bench';
import { fmt, table } from './stats';

const log = (line: string): void => console.log(line);

export const TARGET_CONNECTIONS = 19_000;
export const TARGET_BYTES_PER_CONNECTION = 10_000;
export const TARGET_FIRST_MESSAGE_MS = 100;
export const TARGET_DIRECT_MS = 1000;
// Opening a conversation of 10,000 messages: first messages drawn within this, and a JS heap no
// more than this over the same tab with a conversation of 100 open.
export const TARGET_HISTORY_OPEN_MS = 150;
export const TARGET_HISTORY_HEAP_BYTES = 4 * 2 ** 20;

// ---- search ----
export const TARGET_SEARCH_MS = 100;

export function reportSearch(r: SearchResult): void {
  log('');
  log(`Search across ${fmt(r.options.messages)} messages in ${r.options.conversations} conversations, ${r.options.rounds} runs of each query after a warm-up:`);
  log(`  query settled → results on screen: median ${fmt(r.toResults.median, 1)} ms, p90 ${fmt(r.toResults.p90, 1)}, max ${fmt(r.toResults.max, 1)}`);
  log(`  of which the search itself: median ${fmt(r.search.median, 1)} ms`);
  log(`  the page's first search (reads the whole store, fills the in-memory index): ${fmt(r.firstSearchMs, 1)} ms`);
  log(`  < ${TARGET_SEARCH_MS} ms: ${verdict(r.toResults.median < TARGET_SEARCH_MS)} (median)`);
}

export const verdict = (ok: boolean): string => (ok ? 'MET' : 'MISSED');

export function reportIdle(r: IdleResult): void {
  log('');
  log(`Idle authenticated connections in one server process:`);
  log(
    table([
      ['connections held', fmt(r.held)],
      ['server sockets open', fmt(r.serverSockets)],
      ['registration (one SQLite commit each)', `${fmt(r.registerSeconds, 1)} s, ${fmt(r.registrationsPerSec)}/s, server CPU ${fmt(r.registerServerCpu * 100)}%`],
      ['server RSS before / after', `${fmt(r.rssBefore / 2 ** 20, 1)} / ${fmt(r.rssAfter / 2 ** 20, 1)} MiB`],
      ['bytes per connection (ΔRSS / N, after GC)', fmt(r.bytesPerConnection)],
      ['bytes per connection (ΔRSS / N, no forced GC)', fmt(r.bytesPerConnectionNoGc)],
      ['JS heap per connection (after GC)', fmt(r.heapBytesPerConnection)],
    ]),
  );
  log(`  ≥ ${fmt(TARGET_CONNECTIONS)} connections: ${verdict(r.held >= TARGET_CONNECTIONS)}; ≤ ${fmt(TARGET_BYTES_PER_CONNECTION)} bytes each: ${verdict(r.bytesPerConnection <= TARGET_BYTES_PER_CONNECTION)}`);
  if (r.failures) log(`  WARNING: ${r.failures} registrations failed: ${r.firstError}`);
}

export function reportBrowser(r: BrowserResult): void {
  const p = r.phases;
  const row = (label: string, s: Spread) => [label, fmt(s.median, 1), fmt(s.p90, 1), fmt(s.min, 1), fmt(s.max, 1)];
  const steps = (pairs: [string, number][]) => pairs.map(([label, v]) => `${label} ${fmt(v, 1)}`).join(', ');
  log('');
  log(`Browser, two headless Chromium contexts and the real server on loopback: alice comes back (a new tab logs in`);
  const o = r.options;
  const earlier = `${o.history + o.warmup}–${o.history + o.warmup + o.runs - 1}`;
  log(`with the identity in IndexedDB) while bob stays online; their conversation already holds ${earlier} messages;`);
  log(`${r.runs.length} runs after ${o.warmup} warm-up:`);
  log(
    table([
      ['ms after login', 'median', 'p90', 'min', 'max'],
      row("first message reads 'delivered'", r.firstMessage),
      row("path reads 'direct'", r.direct),
    ]),
  );
  log(`  login = the welcome frame arrives (User Timing mark 'parley:online'); every time is taken in alice's tab.`);
  log(`  First message, sent as soon as the UI allows (contact listed → conversation open → Send); medians after login:`);
  log(`    ${steps([['composer on screen', p.composerReady], ['relay frame out', p.relaySent], ['receipt in (bob stored and acked)', p.receiptArrived], ["'delivered' shown", p.delivered]])}`);
  log(`  Direct path (alice offers), medians after login:`);
  log(`    ${steps([['RTCPeerConnection', p.created], ['offer set', p.offer], ['first ICE candidate', p.firstCandidate], ['answer applied', p.answer]])},`);
  log(`    ${steps([['ICE connected', p.iceConnected], ['DTLS connected', p.connected], ['channel open', p.channelOpen], ["'direct' (identity hellos verified)", p.direct]])}`);
  log(`  Relay first: the first message went out on the relay in ${r.sentOnRelay}/${r.runs.length} runs; it read 'delivered' before the path read 'direct' in ${r.deliveredBeforeDirect}/${r.runs.length}.`);
  log(
    `  first message < ${TARGET_FIRST_MESSAGE_MS} ms: ${verdict(r.firstMessage.median < TARGET_FIRST_MESSAGE_MS)}; ` +
      `direct < ${fmt(TARGET_DIRECT_MS)} ms: ${verdict(r.direct.median < TARGET_DIRECT_MS)} (medians)`,
  );
  if (r.failures) log(`  WARNING: ${r.failures} run(s) failed: ${r.firstError}`);
}

export function reportHistory(r: HistoryResult): void {
  const mib = (b: number) => `${fmt(b / 2 ** 20, 1)} MiB`;
  const row = (label: string, s: Spread) => [label, fmt(s.median, 1), fmt(s.p90, 1), fmt(s.min, 1), fmt(s.max, 1)];
  const o = r.options;
  log('');
  log(`History, a conversation of ${fmt(o.big)} messages against one of ${o.small}, each opened in a fresh tab (${o.runs} runs each, alternating):`);
  log(table([['click → first messages drawn, ms', 'median', 'p90', 'min', 'max'], row(`${fmt(o.big)} messages`, r.openBig), row(`${o.small} messages`, r.openSmall)]));
  const extra = r.heapBig - r.heapSmall;
  log(`  JS heap after GC, medians: before the click ${mib(r.heapBefore)}; ${o.small} open ${mib(r.heapSmall)}; ${fmt(o.big)} open ${mib(r.heapBig)} (${extra >= 0 ? '+' : ''}${mib(extra)}; ${fmt(r.renderedAtOpen)} drawn)`);
  log(`  fling to the top: ${fmt(r.toTopMs)} ms, ${fmt(r.pagesToTop)} pages read, at most ${fmt(r.renderedMax)} messages drawn at once, heap there ${mib(r.heapAtTop)}`);
  log(`  "Jump to latest" from the top: ${fmt(r.backMs, 1)} ms, heap after ${mib(r.heapBack)}`);
  log(
    `  first drawn < ${TARGET_HISTORY_OPEN_MS} ms: ${verdict(r.openBig.median < TARGET_HISTORY_OPEN_MS)}; ` +
      `heap ≤ ${o.small}-message one + ${mib(TARGET_HISTORY_HEAP_BYTES)}: ${verdict(extra <= TARGET_HISTORY_HEAP_BYTES)} (medians)`,
  );
}

export const roundSpread = (s: Spread): Spread => ({ median: round(s.median), p90: round(s.p90), min: round(s.min), max: round(s.max) });
export const round = (v: number): number => Math.round(v * 10) / 10;

