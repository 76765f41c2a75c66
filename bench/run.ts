/**
 * `npm run bench`: Parley's speed and memory targets, measured on loopback.
 *  1. Relay: small sealed messages through the full server (auth, validation, authorization,
 *     rate limits, reliable delivery) against a bare `ws` forwarder in the same run.
 *     Target: full ≥ 0.8 × bare throughput.
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
 * Prints readable lines, then one JSON line with every figure. Every child process is stopped
 * at the end, on error, on Ctrl-C, and by a watchdog if something hangs.
 *
 * Environment overrides (defaults in brackets): BENCH_ONLY=relay|idle|browser|files|hostile|store|cluster, BENCH_PAIRS [500],
 * BENCH_WINDOW [64], BENCH_RATE [5000], BENCH_ROUNDS [3], BENCH_SECONDS [5],
 * BENCH_IDLE_CONNECTIONS [19500], BENCH_BROWSER_RUNS [20], BENCH_BROWSER_HISTORY [0] (messages in
 * the conversation before the browser runs), BENCH_CPU_PROF=<dir> (profile the relay server),
 * BENCH_FILES_MIB [100], BENCH_FILES_ROUNDS [3], BENCH_FILES_PROF=<dir> (CPU profiles of both tabs, one
 * transfer per path after the measured ones, unminified build), BENCH_HOSTILE_QUICK=1 (2 s floods, fewer
 * connections and accounts), BENCH_HOSTILE_SECONDS [8], BENCH_HOSTILE_FLOODS [all, comma-separated],
 * BENCH_HOSTILE_IDLE [5000], BENCH_HOSTILE_IDLE_SPREAD [12000], BENCH_HOSTILE_UNAUTH [2000], BENCH_HOSTILE_ACCOUNTS [2000],
 * BENCH_HOSTILE_MSG_RATE [300], BENCH_HOSTILE_FILE_MBPS [32], BENCH_HOSTILE_PROF=<dir> (CPU profiles of the servers).
 */
import { benchCluster } from './cluster-bench';
import os from 'node:os';
import { type BrowserOptions, type BrowserResult, type Spread, benchBrowser } from './browser-bench';
import { stopAll } from './children';
import { type FilesOptions, type FilesResult, benchFiles } from './files-bench';
import { filesSummary, reportFiles } from './files-report';
import { type HostileOptions, type HostileResult, benchHostile } from './hostile-bench';
import { FLOOD_ORDER, type FloodName } from './hostile-flood-list';
import { hostileSummary, reportHostile } from './hostile-report';
import { runStoreBench } from './store-bench';
import { type IdleOptions, type IdleResult, benchIdle } from './idle-bench';
import { type RelayOptions, type RelayResult, benchRelay } from './relay-bench';
import { fmt, table } from './stats';

const TARGET_RATIO = 0.8;
const TARGET_CONNECTIONS = 19_000;
const TARGET_BYTES_PER_CONNECTION = 10_000;
const TARGET_FIRST_MESSAGE_MS = 100;
const TARGET_DIRECT_MS = 1000;
// Every benchmark together takes about 13 minutes; this only catches a hang.
const WATCHDOG_MS = 30 * 60_000;

const num = (name: string, def: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? def : Number(v);
};

const relayOptions: RelayOptions = {
  pairs: num('BENCH_PAIRS', 500),
  window: num('BENCH_WINDOW', 64),
  rate: num('BENCH_RATE', 5000),
  envChars: 150,
  warmupMs: 1000,
  durationMs: num('BENCH_SECONDS', 5) * 1000,
  rounds: num('BENCH_ROUNDS', 3),
};
const idleOptions: IdleOptions = {
  // The process limit is 20,000 open files; the server needs a few dozen for itself.
  connections: num('BENCH_IDLE_CONNECTIONS', 19_500),
  warmup: 100,
  perProcess: 7000,
  concurrency: 64,
  holdMs: 3000,
};
const browserOptions: BrowserOptions = {
  runs: Math.max(10, num('BENCH_BROWSER_RUNS', 20)),
  warmup: 1,
  // Past the app's 10 s connect timeout and first retry: a run that slow has failed.
  runTimeoutMs: 15_000,
  history: num('BENCH_BROWSER_HISTORY', 0),
};

const MiB = 1024 * 1024;
const filesOptions: FilesOptions = {
  bytes: num('BENCH_FILES_MIB', 100) * MiB,
  rounds: Math.max(3, num('BENCH_FILES_ROUNDS', 3)),
  warmupBytes: 4 * MiB,
  opfsProbeBytes: 8 * MiB,
  // A 100 MiB transfer at a few MB/s still finishes well inside this.
  runTimeoutMs: 120_000,
  // The app's own figures (web/src/files/outgoing.ts, net/connection.ts), so the bare runs
  // differ from the app only in what the app does besides moving bytes.
  raw: { messageBytes: 64 * 1024, highWater: MiB, lowWater: 256 * 1024, pollMs: 5 },
  profileDir: process.env.BENCH_FILES_PROF || undefined,
};

const quick = process.env.BENCH_HOSTILE_QUICK === '1';
const hostileFloods = (process.env.BENCH_HOSTILE_FLOODS || FLOOD_ORDER.join(',')).split(',').map((f) => f.trim());
const unknownFlood = hostileFloods.find((f) => !FLOOD_ORDER.includes(f as FloodName));
if (unknownFlood) throw new Error(`BENCH_HOSTILE_FLOODS: no flood "${unknownFlood}" (floods: ${FLOOD_ORDER.join(', ')})`);
const hostileOptions: HostileOptions = {
  floods: hostileFloods as FloodName[],
  durationMs: num('BENCH_HOSTILE_SECONDS', quick ? 2 : 8) * 1000,
  warmupMs: 1000,
  // Under every per-connection limit (500 frames/s, 64 MiB/s of relayed chunks): without an attacker they get it all.
  users: { msgRate: num('BENCH_HOSTILE_MSG_RATE', 300), fileBytesPerSec: num('BENCH_HOSTILE_FILE_MBPS', 32) * 1e6 },
  flood: {
    spreadAccounts: num('BENCH_HOSTILE_ACCOUNTS', quick ? 300 : 2000),
    spreadDeadlineMs: 60_000,
    // Past the 10 s login deadline the server is to enforce for sockets that never log in.
    holdMs: quick ? 2000 : 12_000,
    // Well under the ~20,000 open files one process may hold here (the attacker's and the server's).
    idleConnections: num('BENCH_HOSTILE_IDLE', quick ? 1000 : 5000),
    idleSpreadConnections: num('BENCH_HOSTILE_IDLE_SPREAD', quick ? 1000 : 12_000),
    unauthConnections: num('BENCH_HOSTILE_UNAUTH', quick ? 500 : 2000),
    bigFrameConnections: 4,
    victimDeadlineMs: 30_000,
  },
  attackerNice: 10,
};

const log = (line: string): void => console.log(line);
const verdict = (ok: boolean): string => (ok ? 'MET' : 'MISSED');

function reportRelay(r: RelayResult): void {
  const s = r.summary;
  const o = r.options;
  log('');
  log(`Relay, ${o.pairs} sender→receiver pairs per target, ${o.envChars}-char sealed envelope, medians of ${o.rounds} alternating runs:`);
  log(
    table([
      ['', 'msgs/s', 'server µs/msg', 'p50 ms', 'p99 ms'],
      ['bare ws forwarder (forwards frames only)', fmt(s.bareMsgsPerSec), fmt(s.bareServerUs, 1), fmt(s.bareLatency.p50, 2), fmt(s.bareLatency.p99, 2)],
      ['parley server (full reliable delivery)', fmt(s.fullMsgsPerSec), fmt(s.fullServerUs, 1), fmt(s.fullLatency.p50, 2), fmt(s.fullLatency.p99, 2)],
    ]),
  );
  log(`  throughput = messages received per second at saturation; server µs/msg = its CPU time per message there;`);
  log(`  latency = send → receive at ${fmt(o.rate)} msg/s total.`);
  log(`  parley/bare throughput ratio: ${fmt(s.ratio, 3)} (target ≥ ${TARGET_RATIO}: ${verdict(s.ratio >= TARGET_RATIO)})`);
  log('  Parley runs the complete exchange per message: send → deliver → batched ack → delivered → batched receipt_ack,');
  log('  with authentication, schema validation, contact authorization and rate limiting; the bare forwarder only forwards.');
  const troubled = [...r.throughput, ...r.latency].filter((x) => x.undelivered || Object.keys(x.errors).length);
  if (troubled.length) log(`  WARNING: ${troubled.length} run(s) saw errors or undelivered messages (see the lines marked !! above)`);
}

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
  if (wanted('cluster')) {
    log('');
    log(`Cluster benchmark (two nodes on one Redis, senders on node 1 and receivers on node 2, beside the single process; ${relayOptions.pairs} pairs)`);
    await benchCluster(relayOptions, log);
  }
  let store: { on: number; off: number } | undefined;
  if (wanted('store')) {
    log('');
    log('Store benchmark (the offline queue with secure_delete on and off, side by side)');
    store = await runStoreBench();
    log(`  secure_delete off ${store.off.toFixed(0)} msg/s, on ${store.on.toFixed(0)} msg/s (${((store.on / store.off) * 100).toFixed(0)}% of off)`);
  }
  if (relay) reportRelay(relay);
  if (idle) reportIdle(idle);
  if (browser) reportBrowser(browser);
  if (files) reportFiles(files, log);
  if (hostile) reportHostile(hostile, log);
  const summary = {
    relay: relay && {
      bareMsgsPerSec: Math.round(relay.summary.bareMsgsPerSec),
      fullMsgsPerSec: Math.round(relay.summary.fullMsgsPerSec),
      ratio: Number(relay.summary.ratio.toFixed(3)),
      ratioTarget: TARGET_RATIO,
      bareServerUsPerMsg: Number(relay.summary.bareServerUs.toFixed(2)),
      fullServerUsPerMsg: Number(relay.summary.fullServerUs.toFixed(2)),
      latencyRate: relay.options.rate,
      bareLatencyMs: relay.summary.bareLatency,
      fullLatencyMs: relay.summary.fullLatency,
      runs: { throughput: relay.throughput, latency: relay.latency },
      options: relay.options,
    },
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
