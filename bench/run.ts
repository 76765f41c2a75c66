/**
 * `npm run bench`: Parley's speed and memory targets, measured on loopback.
 *  1. Relay: small sealed messages through the full server (auth, validation, authorization,
 *     rate limits, reliable delivery) against a bare `ws` forwarder in the same run.
 *     Targets: full ≥ 0.9 × bare throughput, p99 < 2 ms at 5,000 and 10,000 msg/s (bench/relay-report.ts).
 *  2. Idle connections: ≥ 19,000 authenticated idle connections in one server process at
 *     ≤ 10 KB each.
 *  3. Browser: in two headless Chromium contexts, login → first message delivered (target
 *     < 100 ms) and login → path 'direct' (target < 1 s), medians over the runs.
 *  4. Files: 100 MiB through the app's UI over the direct path and the relay, against a bare data
 *     channel and a bare ws forwarder between the same tabs (targets ≥ 0.8 and ≥ 0.6 of them), and
 *     the receiving tab's peak memory (target < 200 MB).
 *  5. Hostile load: while an attacker floods a server with its default configuration (receipts,
 *     contact requests, registrations, idle and unauthenticated connections, big frames, signals,
 *     uploads, a full queue), a bystander's ping p99 (target < 50 ms) and ordinary users' relay
 *     throughput (target ≥ 0.8 × the baseline measured just before, on the same server).
 *  6. History (BENCH_ONLY=history): a conversation of 10,000 messages opens with its first messages drawn
 *     in < 150 ms and a JS heap no more than a few MB over one of 100; a fling to the top and back.
 *  7. Search (`BENCH_ONLY=search`): in headless Chromium, a search across 10,000 messages on the
 *     device, from the query settling to its results on screen (target < 100 ms, median).
 *  8. MLS (`BENCH_ONLY=mls`, bench/mls-bench.ts): key package, add one member and its processing at
 *     N = 10 and 100, join, remove, encrypt/decrypt, through shared/groups in Node (medians, sizes).
 *  9. Group fan-out (`BENCH_ONLY=group`, bench/group-bench.ts): a group of 100 on one server and on two
 *     nodes; send → last member p50/p99, server CPU per delivery beside 1:1 (target ≤ 1.2×), saturation;
 *     then membership changes through one server at BENCH_GROUP_CHANGE_SIZES [10,100,1000]
 *     (bench/group-changes.ts: remove and add one, sizes, times, bytes sent, commits in parts).
 * Prints readable lines, then one JSON line with every figure. Every child process is stopped
 * at the end, on error, on Ctrl-C, and by a watchdog if something hangs.
 *
 * Environment overrides (defaults in brackets): BENCH_ONLY=relay|idle|browser|files|hostile|history|store|search|cluster|mls|group|login, BENCH_PAIRS [500],
 * BENCH_WINDOW [64], BENCH_RATE [5000,10000], BENCH_BEFORE=<checkout> (its server measured beside this one),
 * BENCH_LOOP_PROBE=1 (the servers' event-loop delay and GC pauses per window), BENCH_ROUNDS [3], BENCH_SECONDS [5],
 * BENCH_IDLE_CONNECTIONS [19500], BENCH_BROWSER_RUNS [20], BENCH_BROWSER_HISTORY [0] (messages in
 * the conversation before the browser runs), BENCH_CPU_PROF=<dir> (profile the relay server),
 * BENCH_FILES_MIB [100], BENCH_FILES_ROUNDS [3], BENCH_FILES_PROF=<dir> (CPU profiles of both tabs, one
 * transfer per path after the measured ones, unminified build), BENCH_HOSTILE_QUICK=1 (2 s floods, fewer
 * connections and accounts), BENCH_HOSTILE_SECONDS [8], BENCH_HOSTILE_FLOODS [all, comma-separated],
 * BENCH_HOSTILE_IDLE [5000], BENCH_HOSTILE_IDLE_SPREAD [12000], BENCH_HOSTILE_UNAUTH [2000], BENCH_HOSTILE_ACCOUNTS [2000],
 * BENCH_HOSTILE_MSG_RATE [300], BENCH_HOSTILE_FILE_MBPS [32], BENCH_HOSTILE_PROF=<dir> (CPU profiles of the servers),
 * BENCH_HISTORY_MESSAGES [10000], BENCH_HISTORY_RUNS [5], BENCH_MLS_SIZES [10,100,1000], BENCH_MLS_RUNS [7],
 * BENCH_LOGIN_CONTACTS [1000], BENCH_LOGIN_QUEUES [10000,1000],
 * BENCH_LOGIN_ROUNDS [3], BENCH_GROUP_MEMBERS [100], BENCH_GROUP_RATE [10], BENCH_GROUP_SECONDS [5], BENCH_GROUP_WINDOW [32].
 */
import { benchCluster } from './cluster-bench';
import os from 'node:os';
import { type BrowserOptions, type BrowserResult, type Spread, benchBrowser } from './browser-bench';
import { stopAll } from './children';
import { type FilesOptions, type FilesResult, benchFiles } from './files-bench';
import { filesSummary, reportFiles } from './files-report';
import { type HostileOptions, type HostileResult, benchHostile } from './hostile-bench';
import { hostileSummary, reportHostile } from './hostile-report';
import { runStoreBench } from './store-bench';
import { type IdleOptions, type IdleResult, benchIdle } from './idle-bench';
import { type LoginOptions, type LoginResult, benchLogin, loginSummary, reportLogin } from './login-bench';
import { type HistoryOptions, type HistoryResult, benchHistory } from './history-bench';
import { type RelayOptions, type RelayResult, benchRelay } from './relay-bench';
import { relaySummary, reportRelay } from './relay-report';
import { type SearchOptions, type SearchResult, benchSearch } from './search-bench';
import { fmt, table } from './stats';
import { MiB, browserOptions, filesOptions, groupChangeSizes, groupOptions, historyOptions, hostileOptions, idleOptions, loginOptions, mlsOptions, relayOptions, searchOptions } from './options';
import { type MlsOptions, type MlsResult, benchMls, mlsSummary, reportMls } from './mls-bench';
import { type GroupFigures, benchGroup, reportGroup } from './group-bench';
import { type ChangeFigures, benchGroupChanges, reportGroupChanges } from './group-changes';

const TARGET_CONNECTIONS = 19_000;
const TARGET_BYTES_PER_CONNECTION = 10_000;
const TARGET_FIRST_MESSAGE_MS = 100;
const TARGET_DIRECT_MS = 1000;
// Opening a conversation of 10,000 messages: first messages drawn within this, and a JS heap no
// more than this over the same tab with a conversation of 100 open.
const TARGET_HISTORY_OPEN_MS = 150;
const TARGET_HISTORY_HEAP_BYTES = 4 * 2 ** 20;
// Every benchmark together takes about 13 minutes; this only catches a hang.
const WATCHDOG_MS = 30 * 60_000;

// ---- search ----
const TARGET_SEARCH_MS = 100;

function reportSearch(r: SearchResult): void {
  log('');
  log(`Search across ${fmt(r.options.messages)} messages in ${r.options.conversations} conversations, ${r.options.rounds} runs of each query after a warm-up:`);
  log(`  query settled → results on screen: median ${fmt(r.toResults.median, 1)} ms, p90 ${fmt(r.toResults.p90, 1)}, max ${fmt(r.toResults.max, 1)}`);
  log(`  of which the search itself: median ${fmt(r.search.median, 1)} ms`);
  log(`  the page's first search (reads the whole store, fills the in-memory index): ${fmt(r.firstSearchMs, 1)} ms`);
  log(`  < ${TARGET_SEARCH_MS} ms: ${verdict(r.toResults.median < TARGET_SEARCH_MS)} (median)`);
}

const log = (line: string): void => console.log(line);
const verdict = (ok: boolean): string => (ok ? 'MET' : 'MISSED');

function reportIdle(r: IdleResult): void {
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

function reportBrowser(r: BrowserResult): void {
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

function reportHistory(r: HistoryResult): void {
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

const roundSpread = (s: Spread): Spread => ({ median: round(s.median), p90: round(s.p90), min: round(s.min), max: round(s.max) });
const round = (v: number): number => Math.round(v * 10) / 10;

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const wanted = (name: string) => !only || only === name;
  log(`parley bench: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  let relay: RelayResult | undefined;
  let idle: IdleResult | undefined;
  let browser: BrowserResult | undefined;
  let files: FilesResult | undefined;
  let hostile: HostileResult | undefined;
  let history: HistoryResult | undefined;
  if (wanted('relay')) {
    log('');
    log('Relay benchmark');
    relay = await benchRelay(relayOptions, log);
  }
  if (wanted('idle')) {
    log('');
    log(`Idle connections benchmark (${fmt(idleOptions.connections)} connections)`);
    idle = await benchIdle(idleOptions, log);
  }
  if (wanted('browser')) {
    log('');
    log(`Browser benchmark (${browserOptions.runs} runs; builds web/dist first)`);
    browser = await benchBrowser(browserOptions, log);
  }
  if (wanted('files')) {
    log('');
    log(`File transfer benchmark (${filesOptions.bytes / MiB} MiB, ${filesOptions.rounds} rounds after a warm-up; builds web/dist first)`);
    files = await benchFiles(filesOptions, log);
  }
  if (wanted('hostile')) {
    log('');
    log(`Hostile load benchmark (${hostileOptions.floods.length} floods of ${hostileOptions.durationMs / 1000} s, each beside a baseline as long)`);
    hostile = await benchHostile(hostileOptions, log);
  }
  if (wanted('history')) {
    log('');
    log(`History benchmark (a conversation of ${fmt(historyOptions.big)} messages; builds web/dist first)`);
    history = await benchHistory(historyOptions, log);
  }
  let search: SearchResult | undefined;
  if (wanted('search')) {
    log('');
    log(`Search benchmark (${fmt(searchOptions.messages)} messages; builds web/dist first)`);
    search = await benchSearch(searchOptions, log);
  }
  if (wanted('cluster')) {
    log('');
    log(`Cluster benchmark (two nodes on one Redis, senders on node 1 and receivers on node 2, beside the single process; ${relayOptions.pairs} pairs)`);
    await benchCluster(relayOptions, log);
  }
  let mls: MlsResult | undefined;
  if (wanted('mls')) {
    log('');
    log(`MLS benchmark (groups of ${mlsOptions.sizes.join(', ')}; ${mlsOptions.runs} runs each)`);
    mls = await benchMls(mlsOptions, log);
  }
  let group: GroupFigures[] | undefined;
  if (wanted('group')) {
    log('');
    log(`Group fan-out benchmark (a group of ${groupOptions.members}, one server and two nodes on Redis)`);
    group = await benchGroup(groupOptions, log);
  }
  let changes: ChangeFigures[] | undefined;
  if (wanted('group')) {
    log('');
    log(`Group membership changes (groups of ${groupChangeSizes.join(', ')}, one server)`);
    changes = await benchGroupChanges(groupChangeSizes, log);
  }
  let login: LoginResult | undefined;
  if (wanted('login')) {
    log('');
    log(`Login benchmark (${fmt(loginOptions.contacts)} contacts, queues of ${loginOptions.queues.map((q) => fmt(q)).join(' and ')})`);
    login = await benchLogin(loginOptions, log);
  }
  let store: { on: number; off: number } | undefined;
  if (wanted('store')) {
    log('');
    log('Store benchmark (the offline queue with secure_delete on and off, side by side)');
    store = await runStoreBench();
    log(`  secure_delete off ${store.off.toFixed(0)} msg/s, on ${store.on.toFixed(0)} msg/s (${((store.on / store.off) * 100).toFixed(0)}% of off)`);
  }
  if (relay) reportRelay(relay, log);
  if (idle) reportIdle(idle);
  if (browser) reportBrowser(browser);
  if (files) reportFiles(files, log);
  if (hostile) reportHostile(hostile, log);
  if (history) reportHistory(history);
  if (search) reportSearch(search);
  if (mls) reportMls(mls, log);
  if (group) reportGroup(group, groupOptions, log);
  if (changes) reportGroupChanges(changes, log);
  if (login) reportLogin(login, log);
  const summary = {
    relay: relay && relaySummary(relay),
    idle: idle && {
      connections: idle.held,
      bytesPerConnection: Math.round(idle.bytesPerConnection),
      bytesPerConnectionNoGc: Math.round(idle.bytesPerConnectionNoGc),
      heapBytesPerConnection: Math.round(idle.heapBytesPerConnection),
      registrationsPerSec: Math.round(idle.registrationsPerSec),
      registerSeconds: Number(idle.registerSeconds.toFixed(1)),
      registerServerCpu: Number(idle.registerServerCpu.toFixed(2)),
      failures: idle.failures,
    },
    browser: browser && {
      runs: browser.runs.length,
      historyAtFirstRun: browser.options.history + browser.options.warmup,
      firstMessageMs: roundSpread(browser.firstMessage),
      firstMessageTargetMs: TARGET_FIRST_MESSAGE_MS,
      firstMessageMet: browser.firstMessage.median < TARGET_FIRST_MESSAGE_MS,
      directMs: roundSpread(browser.direct),
      directTargetMs: TARGET_DIRECT_MS,
      directMet: browser.direct.median < TARGET_DIRECT_MS,
      sentOnRelay: browser.sentOnRelay,
      deliveredBeforeDirect: browser.deliveredBeforeDirect,
      phaseMediansMs: Object.fromEntries(Object.entries(browser.phases).map(([k, v]) => [k, round(v)])),
      failures: browser.failures,
    },
    files: files && filesSummary(files),
    hostile: hostile && hostileSummary(hostile),
    history: history && {
      messages: history.options.big,
      openMs: roundSpread(history.openBig),
      openSmallMs: roundSpread(history.openSmall),
      openTargetMs: TARGET_HISTORY_OPEN_MS,
      openMet: history.openBig.median < TARGET_HISTORY_OPEN_MS,
      heapBytes: Math.round(history.heapBig),
      heapSmallBytes: Math.round(history.heapSmall),
      heapBeforeBytes: Math.round(history.heapBefore),
      heapMet: history.heapBig - history.heapSmall <= TARGET_HISTORY_HEAP_BYTES,
      toTopMs: Math.round(history.toTopMs),
      pagesToTop: history.pagesToTop,
      renderedMax: history.renderedMax,
      heapAtTopBytes: Math.round(history.heapAtTop),
      backMs: round(history.backMs),
      heapBackBytes: Math.round(history.heapBack),
    },
    search: search && {
      messages: search.options.messages,
      toResultsMs: roundSpread(search.toResults),
      searchMs: roundSpread(search.search),
      firstSearchMs: round(search.firstSearchMs),
      targetMs: TARGET_SEARCH_MS,
      met: search.toResults.median < TARGET_SEARCH_MS,
      perQuery: Object.fromEntries(Object.entries(search.perQuery).map(([q, v]) => [q, { medianMs: round(v.toResults.median), hits: v.hits }])),
    },
    mls: mls && mlsSummary(mls),
    group,
    groupChanges: changes,
    login: login && loginSummary(login).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)]))),
    store: store && { secureDeleteOnMsgsPerSec: Math.round(store.on), secureDeleteOffMsgsPerSec: Math.round(store.off) },
  };
  log('');
  log(JSON.stringify(summary));
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 1000} s; stopping`);
  void stopAll().finally(() => process.exit(2));
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void stopAll().finally(() => process.exit(130)));
}

try {
  await main();
} catch (err) {
  console.error('bench failed:', err);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await stopAll();
}
