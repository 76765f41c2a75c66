/**
 * Cluster benchmark (BENCH_ONLY=cluster): relay throughput and latency through two nodes on one
 * Redis (senders on node 1, receivers on node 2, so every message crosses nodes) beside the single
 * process on SQLite, with the relay benchmark's load client and options, in the same run; Redis
 * with `appendfsync always` and with `everysec` (the cost of durability on every acknowledged
 * message), and with BENCH_BEFORE=<checkout> that checkout's cluster beside this one. Reports server
 * CPU and Redis commands per message on each node and on Redis.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { RedisProcess } from '../signaling/test-support/redis-process';
import { type Listening, readCpuSeconds, startClient, startParleyServer, stopChild } from './children';
import type { RpcClient } from './ipc';
import type { MarkResult, StartArgs, StopResult } from './load-client';
import type { RelayOptions } from './relay-bench';
import { fmt, median, sleep } from './stats';

type Variant = 'single' | 'always' | 'everysec' | 'before';

interface Subject {
  variant: Variant;
  client: RpcClient;
  /** Processes whose CPU is counted, by label. */
  pids: Record<string, number>;
  /** Redis command counts so far, by command (cluster subjects only). */
  commands?: () => Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface ClusterFigures {
  variant: Variant;
  perSec: number;
  /** Server CPU per message, µs, by process (node1, node2, redis; or server). */
  cpuUs: Record<string, number>;
  p50?: number;
  p99?: number;
  /** Redis commands per message, by command (those a script ran counted too), and `<command> µs`: Redis time in it per message. */
  callsPerMessage?: Record<string, number>;
  errors: Record<string, number>;
  undelivered: number;
}

async function single(o: RelayOptions): Promise<Subject> {
  const server = await startParleyServer({ label: 'parley server (single)' });
  const client = await startClient('bench/load-client.ts', 'load client (single)');
  await client.call('setup', { target: 'full', port: server.port, pairs: o.pairs, envChars: o.envChars }, 180_000);
  return { variant: 'single', client, pids: { server: server.pid }, stop: async () => void (await Promise.all([stopChild(client.child), stopChild(server.child)])) };
}

/** Two nodes on one Redis; `root`: the nodes of another checkout (BENCH_BEFORE), on `appendfsync always`. */
async function cluster(o: RelayOptions, appendfsync: 'always' | 'everysec', root?: string): Promise<Subject> {
  const redis = await RedisProcess.start({ appendfsync });
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-files-'));
  const nodes: Listening[] = [];
  for (const id of ['n1', 'n2']) {
    nodes.push(await startParleyServer({ label: `parley node ${id}`, root, env: { REDIS_URL: redis.url, FILES_DIR: filesDir, NODE_ID: id } }));
  }
  const client = await startClient('bench/load-client.ts', `load client (${appendfsync})`);
  await client.call('setup', { target: 'full', port: nodes[0]!.port, receiverPort: nodes[1]!.port, pairs: o.pairs, envChars: o.envChars }, 180_000);
  const stats = createClient({ url: redis.url });
  await stats.connect();
  return {
    variant: root ? 'before' : appendfsync,
    client,
    pids: { node1: nodes[0]!.pid, node2: nodes[1]!.pid, redis: redis.pid! },
    commands: async () => commandCounts(await stats.sendCommand<string>(['INFO', 'commandstats'])),
    stop: async () => {
      stats.destroy();
      await Promise.all([stopChild(client.child), ...nodes.map((n) => stopChild(n.child))]);
      await redis.dispose();
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

/**
 * `cmdstat_evalsha:calls=12,usec=340,…` lines of INFO commandstats → {evalsha: 12, 'evalsha µs': 340}
 * (a script's µs include the commands it ran, which are also counted on their own).
 */
function commandCounts(info: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/gm)) {
    out[m[1]!] = Number(m[2]);
    out[`${m[1]!} µs`] = Number(m[3]);
  }
  return out;
}

async function measure(s: Subject, start: StartArgs, o: RelayOptions): Promise<ClusterFigures> {
  await s.client.call('start', start);
  await sleep(o.warmupMs);
  const m0 = await s.client.call<MarkResult>('mark');
  const c0 = Object.fromEntries(Object.entries(s.pids).map(([k, pid]) => [k, readCpuSeconds(pid)]));
  const k0 = await s.commands?.();
  await sleep(o.durationMs);
  const m1 = await s.client.call<MarkResult>('mark');
  const c1 = Object.fromEntries(Object.entries(s.pids).map(([k, pid]) => [k, readCpuSeconds(pid)]));
  const k1 = await s.commands?.();
  const stop = await s.client.call<StopResult>('stop', {}, 30_000);
  const messages = Math.max(1, m1.received - m0.received);
  const cpuUs = Object.fromEntries(Object.keys(s.pids).map((k) => [k, ((c1[k]! - c0[k]!) / messages) * 1e6]));
  const calls = k0 && k1 ? Object.fromEntries(Object.keys(k1).map((k) => [k, (k1[k]! - (k0[k] ?? 0)) / messages]).filter(([, n]) => (n as number) >= 0.005)) : undefined;
  return {
    variant: s.variant,
    perSec: (m1.received - m0.received) / ((m1.t - m0.t) / 1000),
    cpuUs,
    ...(calls ? { callsPerMessage: calls } : {}),
    ...(m1.latency ? { p50: m1.latency.p50, p99: m1.latency.p99 } : {}),
    errors: stop.errors,
    undelivered: stop.undelivered,
  };
}

function describe(r: ClusterFigures): string {
  const lat = r.p99 !== undefined ? `  p50 ${fmt(r.p50!, 2)} ms  p99 ${fmt(r.p99, 2)} ms` : '';
  const cpu = Object.entries(r.cpuUs).map(([k, us]) => `${k} ${fmt(us, 1)} µs`).join(', ');
  const bad = Object.keys(r.errors).length || r.undelivered ? `  !! ${JSON.stringify(r.errors)} undelivered ${r.undelivered}` : '';
  const counts = Object.entries(r.callsPerMessage ?? {}).filter(([k]) => !k.endsWith(' µs'));
  const calls = r.callsPerMessage ? counts.reduce((a, [, n]) => a + n, 0) : undefined;
  const usOf = (k: string) => r.callsPerMessage![`${k} µs`];
  const redis = calls !== undefined ? `  redis calls/msg ${fmt(calls, 2)} (${counts.map(([k, n]) => `${k} ${fmt(n, 2)}${usOf(k) !== undefined ? ` ${fmt(usOf(k)!, 1)} µs` : ''}`).join(', ')})` : '';
  return `  ${r.variant.padEnd(8)} ${fmt(r.perSec).padStart(8)} msg/s${lat}  cpu/msg: ${cpu}${redis}${bad}`;
}

export async function benchCluster(o: RelayOptions, log: (line: string) => void): Promise<ClusterFigures[]> {
  const all: ClusterFigures[] = [];
  // BENCH_CLUSTER=always (comma-separated) measures only those subjects, e.g. to profile one.
  const only = (process.env.BENCH_CLUSTER || 'single,always,everysec,before').split(',');
  const makers: Record<Variant, (() => Promise<Subject>) | undefined> = {
    single: () => single(o),
    always: () => cluster(o, 'always'),
    everysec: () => cluster(o, 'everysec'),
    // BENCH_BEFORE=<checkout>: that checkout's cluster (appendfsync always) beside this one, in the same run.
    before: o.beforeRoot ? () => cluster(o, 'always', o.beforeRoot) : undefined,
  };
  // One subject at a time: two nodes, Redis and a load client already fill this machine's cores.
  for (const [variant, make] of Object.entries(makers)) {
    if (!make || !only.includes(variant)) continue;
    const s = await make();
    try {
      for (let round = 0; round < o.rounds; round++) {
        const t = await measure(s, { mode: 'throughput', window: o.window }, o);
        log(`${describe(t)}  (throughput, ${o.window} in flight per pair)`);
        all.push(t);
        for (const rate of o.rates.filter((r) => r > 0)) {
          const l = await measure(s, { mode: 'latency', rate }, o);
          log(`${describe(l)}  (latency at ${fmt(rate)} msg/s)`);
          all.push(l);
        }
      }
    } finally {
      await s.stop();
    }
  }
  const med = (v: Variant, latency: boolean, f: (r: ClusterFigures) => number) =>
    median(all.filter((r) => r.variant === v && (r.p99 !== undefined) === latency).map(f));
  const base = med('single', false, (r) => r.perSec);
  for (const v of ['always', 'everysec', ...(o.beforeRoot ? ['before'] : [])] as Variant[]) {
    log(`  ${v}: ${fmt(med(v, false, (r) => r.perSec))} msg/s = ${fmt(med(v, false, (r) => r.perSec) / base, 2)}× the single process; p99 ${fmt(med(v, true, (r) => r.p99!), 2)} ms (single ${fmt(med('single', true, (r) => r.p99!), 2)} ms)`);
  }
  return all;
}
