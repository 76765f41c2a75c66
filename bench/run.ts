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
 * 10. Scheduled messages (`BENCH_ONLY=schedule`, bench/schedule-bench.ts): 10,000 held, all due at one
 *     instant, their senders offline: delivered within that minute, none early, memory not following them.
 * Prints readable lines, then one JSON line with every figure. Every child process is stopped
 * at the end, on error, on Ctrl-C, and by a watchdog if something hangs.
 *
 * Environment overrides (defaults in brackets): BENCH_ONLY=relay|idle|browser|files|hostile|history|store|search|cluster|mls|group|login|schedule, BENCH_PAIRS [500],
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
 * BENCH_LOGIN_ROUNDS [3], BENCH_GROUP_MEMBERS [100], BENCH_GROUP_RATE [10], BENCH_GROUP_SECONDS [5], BENCH_GROUP_WINDOW [32],
 * BENCH_SCHEDULE_SENDERS [100], BENCH_SCHEDULE_PER_SENDER [100], BENCH_SCHEDULE_LEAD_MS [20000].
 */
import { benchCluster } from './cluster-bench';
import os from 'node:os';
import { type BrowserResult, benchBrowser } from './browser-bench';
import { stopAll } from './children';
import { type FilesResult, benchFiles } from './files-bench';
import { filesSummary, reportFiles } from './files-report';
import { type HostileResult, benchHostile } from './hostile-bench';
import { hostileSummary, reportHostile } from './hostile-report';
import { runStoreBench } from './store-bench';
import { type IdleResult, benchIdle } from './idle-bench';
import { type LoginResult, benchLogin, loginSummary, reportLogin } from './login-bench';
import { type HistoryResult, benchHistory } from './history-bench';
import { type RelayResult, benchRelay } from './relay-bench';
import { relaySummary, reportRelay } from './relay-report';
import { type SearchResult, benchSearch } from './search-bench';
import { fmt } from './stats';
import { MiB, browserOptions, filesOptions, groupChangeSizes, groupOptions, historyOptions, hostileOptions, idleOptions, loginOptions, mlsOptions, relayOptions, scheduleOptions, searchOptions } from './options';
import { type ScheduleResult, benchSchedule, reportSchedule } from './schedule-bench';
import * as R from './reports';
import { type MlsResult, benchMls, mlsSummary, reportMls } from './mls-bench';
import { type GroupFigures, benchGroup, reportGroup } from './group-bench';
import { type ChangeFigures, benchGroupChanges, reportGroupChanges } from './group-changes';

const log = (line: string): void => console.log(line);
// Every benchmark together takes about 14 minutes; this only catches a hang.
const WATCHDOG_MS = 30 * 60_000;

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
  let schedule: ScheduleResult | undefined;
  if (wanted('schedule')) {
    log('');
    log(`Scheduled messages benchmark (${fmt(scheduleOptions.senders * scheduleOptions.perSender)} held, all due at one instant)`);
    schedule = await benchSchedule(scheduleOptions, log);
  }
  let store: { on: number; off: number } | undefined;
  if (wanted('store')) {
    log('');
    log('Store benchmark (the offline queue with secure_delete on and off, side by side)');
    store = await runStoreBench();
    log(`  secure_delete off ${store.off.toFixed(0)} msg/s, on ${store.on.toFixed(0)} msg/s (${((store.on / store.off) * 100).toFixed(0)}% of off)`);
  }
  if (relay) reportRelay(relay, log);
  if (idle) R.reportIdle(idle);
  if (browser) R.reportBrowser(browser);
  if (files) reportFiles(files, log);
  if (hostile) reportHostile(hostile, log);
  if (history) R.reportHistory(history);
  if (search) R.reportSearch(search);
  if (mls) reportMls(mls, log);
  if (group) reportGroup(group, groupOptions, log);
  if (changes) reportGroupChanges(changes, log);
  if (login) reportLogin(login, log);
  if (schedule) reportSchedule(schedule, log);
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
      firstMessageMs: R.roundSpread(browser.firstMessage),
      firstMessageTargetMs: R.TARGET_FIRST_MESSAGE_MS,
      firstMessageMet: browser.firstMessage.median < R.TARGET_FIRST_MESSAGE_MS,
      directMs: R.roundSpread(browser.direct),
      directTargetMs: R.TARGET_DIRECT_MS,
      directMet: browser.direct.median < R.TARGET_DIRECT_MS,
      sentOnRelay: browser.sentOnRelay,
      deliveredBeforeDirect: browser.deliveredBeforeDirect,
      phaseMediansMs: Object.fromEntries(Object.entries(browser.phases).map(([k, v]) => [k, R.round(v)])),
      failures: browser.failures,
    },
    files: files && filesSummary(files),
    hostile: hostile && hostileSummary(hostile),
    history: history && {
      messages: history.options.big,
      openMs: R.roundSpread(history.openBig),
      openSmallMs: R.roundSpread(history.openSmall),
      openTargetMs: R.TARGET_HISTORY_OPEN_MS,
      openMet: history.openBig.median < R.TARGET_HISTORY_OPEN_MS,
      heapBytes: Math.round(history.heapBig),
      heapSmallBytes: Math.round(history.heapSmall),
      heapBeforeBytes: Math.round(history.heapBefore),
      heapMet: history.heapBig - history.heapSmall <= R.TARGET_HISTORY_HEAP_BYTES,
      toTopMs: Math.round(history.toTopMs),
      pagesToTop: history.pagesToTop,
      renderedMax: history.renderedMax,
      heapAtTopBytes: Math.round(history.heapAtTop),
      backMs: R.round(history.backMs),
      heapBackBytes: Math.round(history.heapBack),
    },
    search: search && {
      messages: search.options.messages,
      toResultsMs: R.roundSpread(search.toResults),
      searchMs: R.roundSpread(search.search),
      firstSearchMs: R.round(search.firstSearchMs),
      targetMs: R.TARGET_SEARCH_MS,
      met: search.toResults.median < R.TARGET_SEARCH_MS,
      perQuery: Object.fromEntries(Object.entries(search.perQuery).map(([q, v]) => [q, { medianMs: R.round(v.toResults.median), hits: v.hits }])),
    },
    mls: mls && mlsSummary(mls),
    group,
    groupChanges: changes,
    login: login && loginSummary(login).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)]))),
    schedule: schedule && {
      held: schedule.held,
      holdsPerSec: Math.round(schedule.held / schedule.holdSeconds),
      delivered: schedule.delivered,
      early: schedule.early,
      latenessMs: schedule.lateness,
      heldHeapOverBytes: schedule.heldHeapOver,
      heapPeakOverBytes: schedule.heapPeakOver,
      rssPeakOverBytes: schedule.rssPeakOver,
    },
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
