/**
 * Hostile load: for each flood, a fresh Parley server with its default configuration (hostile-server.ts), ordinary
 * users on it (hostile-users.ts: a bystander's pings, messages and file chunks relayed between two
 * pairs of online contacts, a newcomer logging in), measured first with no attacker (the baseline),
 * then while the attacker (hostile-attacker.ts) runs the flood at full speed: the same figures, side
 * by side in the same run, with what the server did and what it cost it (RSS, CPU, disk, sockets).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countSockets, readCpuSeconds, readMachineBusySeconds, readRssBytes, startClient, stopChild } from './children';
import { FLOODS, type FloodName } from './hostile-flood-list';
import type { AttackReport, FloodOptions } from './hostile-floods';
import { loopback } from './hostile-net';
import { type DefaultServer, startDefaultServer } from './hostile-server';
import type { UsersSetup, WindowFigures } from './hostile-users';
import type { RpcClient } from './ipc';
import { fmt, sleep } from './stats';

export interface HostileOptions {
  floods: FloodName[];
  /** Each flood's length, and the baseline's. */
  durationMs: number;
  warmupMs: number;
  users: Omit<UsersSetup, 'port'>;
  flood: FloodOptions;
  /** The attacker's CPU niceness (0–19): it must not win the shared cores only by being on the same machine. */
  attackerNice: number;
}

export interface ServerFigures {
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  /** CPU cores the server used in the baseline and while attacked. */
  cpuBaseline: number;
  cpuAttacked: number;
  socketsPeak: number;
  /** CPU cores everything else on the machine used (not the server, the users, the attacker): a busy machine skews a window. */
  otherCpuBaseline: number;
  otherCpuAttacked: number;
  diskBeforeMiB: number;
  diskAfterMiB: number;
}

export interface FloodResult {
  name: FloodName;
  title: string;
  setupNote?: string;
  baseline?: WindowFigures;
  attacked?: WindowFigures;
  attack?: AttackReport;
  server?: ServerFigures;
  attackerCpu?: number;
  /** The attacked window: the flood and what follows it (a victim's login). */
  attackSeconds?: number;
  error?: string;
}

export interface HostileResult {
  options: HostileOptions;
  floods: FloodResult[];
}

const MiB = 2 ** 20;
const RSS_EVERY_MS = 100;
const SOCKETS_EVERY_MS = 500;

/** The server's RSS and socket count, sampled while it is attacked: the peak is what matters. */
class Sampler {
  rssPeak = 0;
  socketsPeak = 0;
  readonly #timers: NodeJS.Timeout[] = [];
  constructor(readonly pid: number) {}
  start(): void {
    const guard = (f: () => void) => () => {
      try {
        f();
      } catch {
        // the server is gone: its exit is reported
      }
    };
    this.#timers.push(
      setInterval(guard(() => (this.rssPeak = Math.max(this.rssPeak, readRssBytes(this.pid)))), RSS_EVERY_MS),
      setInterval(guard(() => (this.socketsPeak = Math.max(this.socketsPeak, countSockets(this.pid)))), SOCKETS_EVERY_MS),
    );
  }
  stop(): void {
    for (const t of this.#timers) clearInterval(t);
  }
}

/** Bytes of every file under `dir`: the server's database, its WAL and stored files. */
function dirBytes(dir: string): number {
  let total = 0;
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    try {
      const st = fs.statSync(path.join(dir, name));
      if (st.isFile()) total += st.size;
    } catch {
      // removed while we looked
    }
  }
  return total;
}

function exitOf(server: DefaultServer): string | undefined {
  const { exitCode, signalCode } = server.child;
  return exitCode !== null || signalCode !== null ? `exited (${exitCode ?? signalCode})` : undefined;
}

interface Parties {
  server: DefaultServer;
  users: RpcClient;
  attacker: RpcClient;
}

/** CPU seconds so far: the server's, the attacker's, ours (server, users, attacker) and the whole machine's. */
function cpuMark(p: Parties): { server: number; attacker: number; ours: number; busy: number } {
  const server = readCpuSeconds(p.server.pid);
  const attacker = readCpuSeconds(p.attacker.child.pid!);
  return { server, attacker, ours: server + attacker + readCpuSeconds(p.users.child.pid!), busy: readMachineBusySeconds() };
}

/** Sets the flood up, measures the baseline window, runs the flood and measures the attacked window. */
async function measure(o: HostileOptions, p: Parties, name: FloodName, index: number, result: FloodResult): Promise<void> {
  const { server, users, attacker } = p;
  await users.call('setup', { port: server.port, ...o.users } satisfies UsersSetup, 60_000);
  const args = { port: server.port, flood: name, address: loopback(2, index), options: o.flood };
  result.setupNote = (await attacker.call<string | undefined>('setup', args, 300_000)) ?? undefined;
  await users.call('start');
  await sleep(o.warmupMs);
  await users.call('window');
  const m0 = cpuMark(p);
  await sleep(o.durationMs);
  const baseline = (result.baseline = await users.call<WindowFigures>('window'));
  const m1 = cpuMark(p);
  const rssBefore = readRssBytes(server.pid);
  const diskBefore = dirBytes(server.dataDir);
  const sampler = new Sampler(server.pid);
  sampler.start();
  const started = performance.now();
  try {
    result.attack = await attacker.call<AttackReport>('run', { durationMs: o.durationMs }, o.durationMs + 2 * o.flood.victimDeadlineMs + 60_000);
    result.attacked = await users.call<WindowFigures>('window');
  } finally {
    sampler.stop();
  }
  const secs = (result.attackSeconds = (performance.now() - started) / 1000);
  const exited = exitOf(server);
  if (exited) throw new Error(`the server ${exited} during the flood`);
  const m2 = cpuMark(p);
  result.attackerCpu = (m2.attacker - m1.attacker) / secs;
  result.server = {
    rssBeforeMiB: rssBefore / MiB,
    rssPeakMiB: Math.max(sampler.rssPeak, rssBefore) / MiB,
    rssAfterMiB: readRssBytes(server.pid) / MiB,
    cpuBaseline: (m1.server - m0.server) / baseline.seconds,
    cpuAttacked: (m2.server - m1.server) / secs,
    socketsPeak: sampler.socketsPeak,
    otherCpuBaseline: Math.max(0, (m1.busy - m0.busy - (m1.ours - m0.ours)) / baseline.seconds),
    otherCpuAttacked: Math.max(0, (m2.busy - m1.busy - (m2.ours - m1.ours)) / secs),
    diskBeforeMiB: diskBefore / MiB,
    diskAfterMiB: dirBytes(server.dataDir) / MiB,
  };
}

/** One flood: a fresh server and fresh client processes, whatever happened to the previous flood. */
async function runFlood(o: HostileOptions, name: FloodName, index: number, log: (line: string) => void): Promise<FloodResult> {
  const result: FloodResult = { name, title: FLOODS[name].title };
  let server: DefaultServer | undefined;
  // With the command that ends each client's part of the flood: it closes every socket it holds.
  const clients: [RpcClient, string][] = [];
  try {
    server = await startDefaultServer(`hostile-${name}`);
    const users = await startClient('bench/hostile-users.ts', 'ordinary users');
    clients.push([users, 'stop']);
    const attacker = await startClient('bench/hostile-attacker.ts', `attacker (${name})`);
    clients.push([attacker, 'close']);
    os.setPriority(attacker.child.pid!, o.attackerNice);
    await measure(o, { server, users, attacker }, name, index, result);
  } catch (err) {
    const tail = server && exitOf(server) ? ` (the server's log ends: ${server.logTail().slice(-300)})` : '';
    result.error = `${err instanceof Error ? err.message : String(err)}${tail}`;
  } finally {
    await Promise.all(clients.map(([c, end]) => c.call(end, {}, 15_000).catch(() => undefined)));
    await Promise.all([...clients.map(([c]) => stopChild(c.child)), server?.stop()]);
  }
  log(progressLine(result));
  return result;
}

function progressLine(r: FloodResult): string {
  if (r.error || !r.baseline || !r.attacked) return `  ${r.title}: FAILED: ${r.error ?? 'no figures'}`;
  const b = r.baseline;
  const a = r.attacked;
  return (
    `  ${r.title}: ping p99 ${fmt(b.ping.p99, 1)} → ${fmt(a.ping.p99, 1)} ms, msgs/s ${fmt(b.msgsPerSec)} → ${fmt(a.msgsPerSec)}, ` +
    `file MB/s ${fmt(b.fileMBps, 1)} → ${fmt(a.fileMBps, 1)} (attacked window ${fmt(r.attackSeconds!, 1)} s)`
  );
}

export async function benchHostile(o: HostileOptions, log: (line: string) => void): Promise<HostileResult> {
  const floods: FloodResult[] = [];
  for (const [i, name] of o.floods.entries()) floods.push(await runFlood(o, name, i, log));
  return { options: o, floods };
}
