/**
 * Relay benchmark: the Parley server against a bare `ws` forwarder, measured in the same run
 * with the same client code, in alternating rounds (bare, full, bare, full, ...) so that noise
 * from other work on a shared machine falls on both alike. Medians are reported.
 */
import type { RpcClient } from './ipc';
import { type Listening, readCpuSeconds, readMachineBusySeconds, startBareForwarder, startClient, startParleyServer, stopChild } from './children';
import type { MarkResult, SetupArgs, StartArgs, StopResult, Target } from './load-client';
import { fmt, median, sleep } from './stats';

export interface RelayOptions {
  /** Sender→receiver connection pairs per target; keeps each connection under the server's rate limit. */
  pairs: number;
  /** Messages in flight per pair in the throughput runs. */
  window: number;
  /** Total messages per second in the latency runs. */
  rate: number;
  envChars: number;
  warmupMs: number;
  durationMs: number;
  rounds: number;
}

export interface RunFigures {
  target: Target;
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
  setupMs: Record<Target, number>;
  throughput: RunFigures[];
  latency: RunFigures[];
  summary: {
    bareMsgsPerSec: number;
    fullMsgsPerSec: number;
    ratio: number;
    /** Server CPU time per relayed message at saturation, µs: the cost ratio, less sensitive to other load. */
    bareServerUs: number;
    fullServerUs: number;
    bareLatency: { p50: number; p99: number };
    fullLatency: { p50: number; p99: number };
  };
}

interface Subject {
  target: Target;
  server: Listening;
  client: RpcClient;
}

/** A server that died mid-run would otherwise surface as a puzzling /proc error. */
function assertRunning(s: Subject): void {
  const { exitCode, signalCode } = s.server.child;
  if (exitCode !== null || signalCode !== null) throw new Error(`the ${s.target} server exited (${exitCode ?? signalCode}) during the benchmark`);
}

/** One measured window: start the load, let it warm up, mark, measure, mark, stop and drain. */
async function measure(s: Subject, start: StartArgs, o: RelayOptions): Promise<RunFigures> {
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
  const stop = await s.client.call<StopResult>('stop', {}, 20_000);
  const secs = (m1.t - m0.t) / 1000;
  const serverCpu = (c1 - c0) / secs;
  const clientCpu = (m1.cpu - m0.cpu) / secs;
  return {
    target: s.target,
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
  const head = `${r.target.padEnd(4)} ${fmt(r.perSec).padStart(8)} msg/s`;
  const lat = kind === 'latency' ? `  p50 ${fmt(r.p50!, 2)} ms  p99 ${fmt(r.p99!, 2)} ms  max ${fmt(r.max!, 1)} ms` : '';
  const cpu = `  cpu: server ${fmt(r.serverCpu * 100)}% client ${fmt(r.clientCpu * 100)}% other ${fmt(r.otherCpu * 100)}%`;
  const bad = Object.keys(r.errors).length || r.undelivered ? `  !! ${JSON.stringify(r.errors)} undelivered ${r.undelivered}` : '';
  return `  ${head}${lat}${cpu}${bad}`;
}

export async function benchRelay(o: RelayOptions, log: (line: string) => void): Promise<RelayResult> {
  const [full, bare] = await Promise.all([startParleyServer({ label: 'parley server (relay)' }), startBareForwarder()]);
  const subjects: Subject[] = [];
  const setupMs = {} as Record<Target, number>;
  try {
    for (const [target, server] of [
      ['bare', bare],
      ['full', full],
    ] as const) {
      const client = await startClient('bench/load-client.ts', `load client (${target})`);
      const args: SetupArgs = { target, port: server.port, pairs: o.pairs, envChars: o.envChars };
      const { setupMs: ms } = await client.call<{ setupMs: number }>('setup', args, 120_000);
      setupMs[target] = ms;
      subjects.push({ target, server, client });
    }
    log(`  set up ${o.pairs} pairs per target (${o.pairs * 2} connections each): bare ${fmt(setupMs.bare)} ms, parley ${fmt(setupMs.full)} ms (register + contacts)`);

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
    log(`latency, open loop at ${fmt(o.rate)} msg/s total, ${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s:`);
    for (let round = 0; round < o.rounds; round++) {
      for (const s of subjects) {
        const r = await measure(s, { mode: 'latency', rate: o.rate }, o);
        latency.push(r);
        log(describe(r, 'latency'));
      }
    }
    const med = (rs: RunFigures[], t: Target, k: 'perSec' | 'p50' | 'p99'): number => median(rs.filter((r) => r.target === t).map((r) => r[k]!));
    const serverUs = (t: Target): number => median(throughput.filter((r) => r.target === t).map((r) => (r.serverCpu / r.perSec) * 1e6));
    const bareMsgsPerSec = med(throughput, 'bare', 'perSec');
    const fullMsgsPerSec = med(throughput, 'full', 'perSec');
    return {
      options: o,
      setupMs,
      throughput,
      latency,
      summary: {
        bareMsgsPerSec,
        fullMsgsPerSec,
        ratio: fullMsgsPerSec / bareMsgsPerSec,
        bareServerUs: serverUs('bare'),
        fullServerUs: serverUs('full'),
        bareLatency: { p50: med(latency, 'bare', 'p50'), p99: med(latency, 'bare', 'p99') },
        fullLatency: { p50: med(latency, 'full', 'p50'), p99: med(latency, 'full', 'p99') },
      },
    };
  } finally {
    await Promise.all([...subjects.map((s) => stopChild(s.client.child)), stopChild(full.child), stopChild(bare.child)]);
  }
}
