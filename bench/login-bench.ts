/**
 * Login after a long absence (BENCH_ONLY=login): a user with `contacts` contacts and a queue of
 * each size in `queues` (10,000 and 1,000 by default) logs in to the real server (default limits,
 * but the queue quota raised to hold the queue) and takes the whole queue, acknowledging as the
 * app does (login-client.ts). Sizes alternate round by round so the machine's noise falls on
 * both. Measured: login → welcome, → last message received, → last acknowledged; the server's
 * memory while it hands the queue over, over the same server's after a forced GC just before the
 * login: the heap it retains (after forced GCs when a quarter, half and three quarters of the
 * queue has arrived: a pause of a few ms each, on the clock), the heap with its garbage and RSS
 * (sampled every SAMPLE_MS: these follow V8's young generation, which grows with a long
 * allocation run whatever is kept), and the heap after a GC once everything is acknowledged.
 * Target: the memory it needs does not grow with the queue's length (the queue is handed over
 * in pages within a window of unacknowledged bytes, never read whole).
 */
import fs from 'node:fs';
import { loadSodium } from '../shared/sodium';
import { readRssBytes, startParleyServer, stopChild } from './children';
import { RpcClient } from './ipc';
import { type LoginTimes, loginAndDrain } from './login-client';
import { seedLogin } from './login-seed';
import { fmt, median } from './stats';

export interface LoginOptions {
  contacts: number;
  /** Queue lengths measured, side by side. */
  queues: number[];
  envChars: number;
  rounds: number;
}

export interface LoginRun extends LoginTimes {
  messages: number;
  /** The most heap live after the forced GCs during the drain, over the one before the login, bytes. */
  retainedOver: number;
  /** Peak heapUsed and RSS during the login over their values after a GC just before it, bytes. */
  heapPeakOver: number;
  rssPeakOver: number;
  /** heapUsed after a GC once everything was acknowledged, over the one before the login. */
  heapAfterOver: number;
  baseHeap: number;
  baseRss: number;
}

export interface LoginResult {
  options: LoginOptions;
  runs: LoginRun[];
}

const SAMPLE_MS = 20;
const DRAIN_TIMEOUT_MS = 120_000;
const MiB = 2 ** 20;

async function measureOne(o: LoginOptions, messages: number): Promise<LoginRun> {
  const sodium = await loadSodium();
  const quota = Math.max(...o.queues);
  const seed = await seedLogin(sodium, { contacts: o.contacts, messages, envChars: o.envChars, quota });
  const server = await startParleyServer({ probe: true, label: 'parley server (login)', env: { DATA_DIR: seed.dataDir, OFFLINE_QUOTA_MESSAGES: String(quota) } });
  const probe = new RpcClient(server.child, 'server probe');
  try {
    await probe.call('ready');
    const base = await probe.call<NodeJS.MemoryUsage>('gc');
    const baseRss = readRssBytes(server.pid);
    let heapPeak = base.heapUsed;
    let rssPeak = baseRss;
    let retained = base.heapUsed;
    let sampling = true;
    // Quarter, half and three quarters of the queue received: a forced GC says what is still held.
    const marks = [0.25, 0.5, 0.75].map((f) => Math.round(f * messages));
    let gcs: Promise<void> = Promise.resolve();
    const onProgress = (received: number): void => {
      if (received !== marks[0]) return;
      marks.shift();
      gcs = gcs.then(async () => {
        retained = Math.max(retained, (await probe.call<NodeJS.MemoryUsage>('gc')).heapUsed);
      });
    };
    const sampler = (async () => {
      while (sampling) {
        const m = await probe.call<NodeJS.MemoryUsage>('memory');
        heapPeak = Math.max(heapPeak, m.heapUsed);
        rssPeak = Math.max(rssPeak, readRssBytes(server.pid));
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
    })();
    const times = await loginAndDrain(sodium, server.port, seed, DRAIN_TIMEOUT_MS, onProgress);
    sampling = false;
    await Promise.all([sampler, gcs]);
    const after = await probe.call<NodeJS.MemoryUsage>('gc');
    return {
      ...times,
      messages,
      retainedOver: retained - base.heapUsed,
      heapPeakOver: heapPeak - base.heapUsed,
      rssPeakOver: rssPeak - baseRss,
      heapAfterOver: after.heapUsed - base.heapUsed,
      baseHeap: base.heapUsed,
      baseRss,
    };
  } finally {
    await stopChild(server.child);
    fs.rmSync(seed.dataDir, { recursive: true, force: true });
  }
}

function describe(r: LoginRun): string {
  const bad = Object.keys(r.errors).length ? `  !! ${JSON.stringify(r.errors)}` : '';
  return (
    `  ${fmt(r.messages).padStart(6)} queued: welcome ${fmt(r.welcomeMs, 1)} ms (${fmt(r.contactsInWelcome)} contacts), ` +
    `all received ${fmt(r.deliveredMs)} ms, all acked ${fmt(r.ackedMs)} ms (${fmt(r.ackFrames)} ack frames); ` +
    `server heap retained +${fmt(r.retainedOver / MiB, 1)} MiB, with garbage peak +${fmt(r.heapPeakOver / MiB, 1)} MiB, RSS peak +${fmt(r.rssPeakOver / MiB, 1)} MiB, heap after GC +${fmt(r.heapAfterOver / MiB, 1)} MiB${bad}`
  );
}

export async function benchLogin(o: LoginOptions, log: (line: string) => void): Promise<LoginResult> {
  const runs: LoginRun[] = [];
  for (let round = 0; round < o.rounds; round++) {
    for (const messages of o.queues) {
      const r = await measureOne(o, messages);
      runs.push(r);
      log(describe(r));
    }
  }
  return { options: o, runs };
}

/** Medians per queue length, for the report and the JSON summary. */
export function loginSummary(result: LoginResult) {
  return result.options.queues.map((messages) => {
    const runs = result.runs.filter((r) => r.messages === messages);
    const m = (f: (r: LoginRun) => number) => median(runs.map(f));
    return {
      messages,
      welcomeMs: m((r) => r.welcomeMs),
      deliveredMs: m((r) => r.deliveredMs),
      ackedMs: m((r) => r.ackedMs),
      ackFrames: m((r) => r.ackFrames),
      retainedOverBytes: m((r) => r.retainedOver),
      heapPeakOverBytes: m((r) => r.heapPeakOver),
      rssPeakOverBytes: m((r) => r.rssPeakOver),
      heapAfterOverBytes: m((r) => r.heapAfterOver),
    };
  });
}

export function reportLogin(result: LoginResult, log: (line: string) => void): void {
  const rows = loginSummary(result);
  log('');
  log(`Login after an absence: ${fmt(result.options.contacts)} contacts, ${result.options.envChars}-char envelopes, medians of ${result.options.rounds} alternating runs:`);
  log('  queued  welcome ms  all received ms  all acked ms  ack frames  heap retained MiB  heap peak MiB  RSS peak MiB  heap after GC MiB');
  for (const r of rows) {
    log(
      `  ${fmt(r.messages).padStart(6)}  ${fmt(r.welcomeMs, 1).padStart(10)}  ${fmt(r.deliveredMs).padStart(15)}  ${fmt(r.ackedMs).padStart(12)}  ${fmt(r.ackFrames).padStart(10)}` +
        `  ${('+' + fmt(r.retainedOverBytes / MiB, 1)).padStart(17)}  ${('+' + fmt(r.heapPeakOverBytes / MiB, 1)).padStart(13)}  ${('+' + fmt(r.rssPeakOverBytes / MiB, 1)).padStart(12)}  ${('+' + fmt(r.heapAfterOverBytes / MiB, 1)).padStart(17)}`,
    );
  }
  const [big, small] = [rows.reduce((a, b) => (b.messages > a.messages ? b : a)), rows.reduce((a, b) => (b.messages < a.messages ? b : a))];
  if (big !== small) {
    const grow = (big.retainedOverBytes - small.retainedOverBytes) / MiB;
    log(`  heap retained during the hand-over, ${fmt(big.messages)} queued against ${fmt(small.messages)}: ${grow >= 0 ? '+' : ''}${fmt(grow, 1)} MiB for ${fmt(big.messages / small.messages, 0)}× the queue (target: no growth with the queue's length)`);
  }
}
