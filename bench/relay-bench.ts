/**
 * Relay benchmark: the Parley server against a bare `ws` forwarder, measured in the same run
 * with the same client code, in alternating rounds (bare, full, bare, full, ...) so that noise
 * from other work on a shared machine falls on both alike. Medians are reported. Latency is
 * measured at each of `rates`. With `beforeRoot` (BENCH_BEFORE=<checkout>) a third subject,
 * 'before', runs the Parley server of that checkout in the same rounds: a change is measured
 * against what it replaces side by side. With `loopProbe` (BENCH_LOOP_PROBE=1) the Parley servers
 * print their event-loop delay and GC pauses after each window (bench/loop-probe.ts).
 */
import type { RpcClient } from './ipc';
import { type Listening, readCpuSeconds, readMachineBusySeconds, startBareForwarder, startClient, startParleyServer, stopChild } from './children';
import type { MarkResult, SetupArgs, StartArgs, StopResult } from './load-client';
import { fmt, median, sleep } from './stats';

export interface RelayOptions {
  /** Sender→receiver connection pairs per target; keeps each connection under the server's rate limit. */
  pairs: number;
  /** Messages in flight per pair in the throughput runs. */
  window: number;
  /** Total messages per second in the latency runs, one set of runs per rate. */
  rates: number[];
  envChars: number;
  warmupMs: number;
  durationMs: number;
  rounds: number;
  /** Another checkout whose server is measured too, as 'before'. */
  beforeRoot?: string;
  /** Preload bench/loop-probe.ts into the Parley servers. */
  loopProbe?: boolean;
}

/** What is measured: the bare forwarder, this checkout's server, and optionally another checkout's. */
export type Subject = 'bare' | 'full' | 'before';

export interface LatencyFigures {
  p50: number;
  p99: number;
}

export interface RunFigures {
  target: Subject;
  /** The open-loop rate (latency runs). */
  rate?: number;
  /** Messages received by receivers per second. */
  perSec: number;
  /** CPU cores used by the server and the client process during the window. */
  serverCpu: number;
  clientCpu: number;
  /** CPU cores everything else on the machine used meanwhile: other work skews a run. */
  otherCpu: number;
  p50?: number;
  p99?: number;
  max?: number;
  samples?: number;
  undelivered: number;
  errors: Record<string, number>;
}

export interface RelayResult {
  options: RelayOptions;
  setupMs: Partial<Record<Subject, number>>;
  throughput: RunFigures[];
  latency: RunFigures[];
  summary: {
    bareMsgsPerSec: number;
    fullMsgsPerSec: number;
    ratio: number;
    /** Server CPU time per relayed message at saturation, µs: the cost ratio, less sensitive to other load. */
    bareServerUs: number;
    fullServerUs: number;
    /** The first rate's figures (kept for earlier readers of the JSON line). */
    bareLatency: LatencyFigures;
    fullLatency: LatencyFigures;
    /** Per rate, per subject. */
    latencyByRate: { rate: number; bare: LatencyFigures; full: LatencyFigures; before?: LatencyFigures }[];
    /** The 'before' checkout's figures, when measured. */
    before?: { msgsPerSec: number; ratio: number; serverUs: number };
  };
}

interface Measured {
  target: Subject;
  server: Listening;
  client: RpcClient;
  loopProbe: boolean;
}

/** A server that died mid-run would otherwise surface as a puzzling /proc error. */
function assertRunning(s: Measured): void {
  const { exitCode, signalCode } = s.server.child;
  if (exitCode !== null || signalCode !== null) throw new Error(`the ${s.target} server exited (${exitCode ?? signalCode}) during the benchmark`);
}

/** One measured window: start the load, let it warm up, mark, measure, mark, stop and drain. */
async function measure(s: Measured, start: StartArgs, o: RelayOptions): Promise<RunFigures> {
  assertRunning(s);
  await s.client.call('start', start);
  await sleep(o.warmupMs);
  const m0 = await s.client.call<MarkResult>('mark');
  const c0 = readCpuSeconds(s.server.pid);
  const b0 = readMachineBusySeconds();
  await sleep(o.durationMs);
  const m1 = await s.client.call<MarkResult>('mark');
  const c1 = readCpuSeconds(s.server.pid);
  const b1 = readMachineBusySeconds();
  assertRunning(s);
  if (s.loopProbe) s.server.child.kill('SIGUSR2');
  const stop = await s.client.call<StopResult>('stop', {}, 20_000);
  const secs = (m1.t - m0.t) / 1000;
  const serverCpu = (c1 - c0) / secs;
  const clientCpu = (m1.cpu - m0.cpu) / secs;
  return {
    target: s.target,
    ...(start.mode === 'latency' ? { rate: start.rate } : {}),
    perSec: (m1.received - m0.received) / secs,
    serverCpu,
    clientCpu,
    otherCpu: Math.max(0, (b1 - b0) / secs - serverCpu - clientCpu),
    ...(m1.latency ? { p50: m1.latency.p50, p99: m1.latency.p99, max: m1.latency.max, samples: m1.latency.count } : {}),
    undelivered: stop.undelivered,
    errors: stop.errors,
  };
}

function describe(r: RunFigures, kind: 'throughput' | 'latency'): string {
  const head = `${r.target.padEnd(6)} ${fmt(r.perSec).padStart(8)} msg/s`;
  const lat = kind === 'latency' ? `  p50 ${fmt(r.p50!, 2)} ms  p99 ${fmt(r.p99!, 2)} ms  max ${fmt(r.max!, 1)} ms` : '';
  const cpu = `  cpu: server ${fmt(r.serverCpu * 100)}% client ${fmt(r.clientCpu * 100)}% other ${fmt(r.otherCpu * 100)}%`;
  const bad = Object.keys(r.errors).length || r.undelivered ? `  !! ${JSON.stringify(r.errors)} undelivered ${r.undelivered}` : '';
  return `  ${head}${lat}${cpu}${bad}`;
}

export async function benchRelay(o: RelayOptions, log: (line: string) => void): Promise<RelayResult> {
  const [full, bare, before] = await Promise.all([
    startParleyServer({ label: 'parley server (relay)', loopProbe: o.loopProbe }),
    startBareForwarder(),
    o.beforeRoot ? startParleyServer({ label: 'parley server (before)', loopProbe: o.loopProbe, root: o.beforeRoot }) : undefined,
  ]);
  const subjects: Measured[] = [];
  const setupMs: Partial<Record<Subject, number>> = {};
  try {
    const servers: [Subject, Listening][] = [['bare', bare], ...(before ? [['before', before] as [Subject, Listening]] : []), ['full', full]];
    for (const [target, server] of servers) {
      const client = await startClient('bench/load-client.ts', `load client (${target})`);
      const args: SetupArgs = { target: target === 'bare' ? 'bare' : 'full', port: server.port, pairs: o.pairs, envChars: o.envChars };
      const { setupMs: ms } = await client.call<{ setupMs: number }>('setup', args, 120_000);
      setupMs[target] = ms;
      subjects.push({ target, server, client, loopProbe: !!o.loopProbe && target !== 'bare' });
    }
    const setupText = Object.entries(setupMs).map(([t, ms]) => `${t} ${fmt(ms)} ms`).join(', ');
    log(`  set up ${o.pairs} pairs per target (${o.pairs * 2} connections each): ${setupText} (parley: register + contacts)`);

    const throughput: RunFigures[] = [];
    log(`throughput, closed loop, ${o.window} in flight per pair, ${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s:`);
    for (let round = 0; round < o.rounds; round++) {
      for (const s of subjects) {
        const r = await measure(s, { mode: 'throughput', window: o.window }, o);
        throughput.push(r);
        log(describe(r, 'throughput'));
      }
    }
    const latency: RunFigures[] = [];
    for (const rate of o.rates) {
      log(`latency, open loop at ${fmt(rate)} msg/s total, ${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s:`);
      for (let round = 0; round < o.rounds; round++) {
        for (const s of subjects) {
          const r = await measure(s, { mode: 'latency', rate }, o);
          latency.push(r);
          log(describe(r, 'latency'));
        }
      }
    }
    return { options: o, setupMs, throughput, latency, summary: summarize(o, throughput, latency, !!before) };
  } finally {
    await Promise.all([...subjects.map((s) => stopChild(s.client.child)), stopChild(full.child), stopChild(bare.child), before && stopChild(before.child)]);
  }
}

function summarize(o: RelayOptions, throughput: RunFigures[], latency: RunFigures[], withBefore: boolean): RelayResult['summary'] {
  const perSec = (t: Subject): number => median(throughput.filter((r) => r.target === t).map((r) => r.perSec));
  const serverUs = (t: Subject): number => median(throughput.filter((r) => r.target === t).map((r) => (r.serverCpu / r.perSec) * 1e6));
  const lat = (t: Subject, rate: number): LatencyFigures => {
    const runs = latency.filter((r) => r.target === t && r.rate === rate);
    return { p50: median(runs.map((r) => r.p50!)), p99: median(runs.map((r) => r.p99!)) };
  };
  const latencyByRate = o.rates.map((rate) => ({ rate, bare: lat('bare', rate), full: lat('full', rate), ...(withBefore ? { before: lat('before', rate) } : {}) }));
  const bareMsgsPerSec = perSec('bare');
  const fullMsgsPerSec = perSec('full');
  return {
    bareMsgsPerSec,
    fullMsgsPerSec,
    ratio: fullMsgsPerSec / bareMsgsPerSec,
    bareServerUs: serverUs('bare'),
    fullServerUs: serverUs('full'),
    bareLatency: latencyByRate[0]!.bare,
    fullLatency: latencyByRate[0]!.full,
    latencyByRate,
    ...(withBefore ? { before: { msgsPerSec: perSec('before'), ratio: perSec('before') / bareMsgsPerSec, serverUs: serverUs('before') } } : {}),
  };
}
