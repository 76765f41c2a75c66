/**
 * Child processes of the benchmark: the servers under test and the client processes. Each runs
 * in its own process so the server being measured never shares an event loop (or a CPU
 * account) with the load that drives it. Every child is registered here and killed when the
 * benchmark ends, however it ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RpcClient } from './ipc';
import { LOOPBACK_LIMITS } from '../signaling/test-support/server-process';

const ROOT = path.resolve(import.meta.dirname, '..');
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export interface Listening {
  child: ChildProcess;
  pid: number;
  port: number;
}

/** `node --import tsx <script>` with our arguments; stdout is piped so we can read the port line. */
function spawnTsx(
  script: string,
  opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; preload?: string; ipc?: boolean; root?: string },
): ChildProcess {
  const preload = opts.preload ? ['--import', opts.preload] : [];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', ...preload, script], {
    cwd: opts.root ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit', ...(opts.ipc ? (['ipc'] as const) : [])],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Resolves with the port once the child prints `<marker> <port>`; rejects if it dies first. */
function waitForPort(child: ChildProcess, marker: string, label: string, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${label} did not start within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => reject(new Error(`${label} exited with ${code} before listening`));
    child.once('exit', onExit);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = new RegExp(`${marker} (\\d+)`).exec(buffered);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        buffered = '';
        resolve(Number(match[1]));
      }
      if (buffered.length > 65_536) buffered = buffered.slice(-1024);
    });
  });
}

/**
 * The real Parley server (`signaling/main.ts`) with default limits (but the per-address ones and
 * the total, below), a fresh data directory and quiet logs. `probe` preloads bench/server-probe.ts
 * so the bench can ask it to collect garbage. `loopProbe` preloads bench/loop-probe.ts (event-loop
 * delay and GC pauses, printed on SIGUSR2); `root` runs the server of another checkout (an earlier
 * commit, to compare before and after in one run).
 */
export async function startParleyServer(opts: { probe?: boolean; label?: string; loopProbe?: boolean; root?: string; env?: Record<string, string> } = {}): Promise<Listening & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  tempDirs.add(dataDir);
  const nodeArgs = opts.probe ? ['--expose-gc'] : [];
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the server when it exits (for `--cpu-prof` analysis).
  if (process.env.BENCH_CPU_PROF) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  if (process.env.BENCH_SERVER_NODE_ARGS) nodeArgs.push(...process.env.BENCH_SERVER_NODE_ARGS.split(' '));
  // BENCH_CPU_PROF_US=<µs>: a finer sampling interval than V8's default 1 ms (a 2 ms stall is then visible).
  if (process.env.BENCH_CPU_PROF && process.env.BENCH_CPU_PROF_US) nodeArgs.push(`--cpu-prof-interval=${process.env.BENCH_CPU_PROF_US}`);
  const child = spawnTsx('signaling/main.ts', {
    // The idle bench holds ~19,500 connections from loopback: per-address limits off, and the total
    // raised to what the ~20,000 file descriptors a process may hold here allow (with room for the rest).
    env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...LOOPBACK_LIMITS, MAX_CONNECTIONS: '19700', CONNECTION_HEADROOM: '100', ...opts.env },
    nodeArgs,
    preload: opts.probe ? './bench/server-probe.ts' : opts.loopProbe ? path.join(ROOT, 'bench/loop-probe.ts') : undefined,
    ipc: opts.probe,
    root: opts.root,
  });
  const port = await waitForPort(child, 'PARLEY_LISTENING', opts.label ?? 'parley server');
  return { child, pid: child.pid!, port, dataDir };
}

/** The baseline: a bare `ws` server that forwards each frame to the paired socket. */
export async function startBareForwarder(): Promise<Listening> {
  const child = spawnTsx('bench/bare-forwarder.ts', {});
  const port = await waitForPort(child, 'BARE_LISTENING', 'bare forwarder');
  return { child, pid: child.pid!, port };
}

/** A client process (load or idle) driven over IPC. */
export async function startClient(script: string, label: string): Promise<RpcClient> {
  const child = spawnTsx(script, { ipc: true });
  const rpc = new RpcClient(child, label);
  await rpc.call('ready', {}, 30_000);
  return rpc;
}

/** Stops one child: SIGTERM (the Parley server shuts down cleanly), then SIGKILL if it lingers. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running and removes temporary data directories. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
  removeTempDirs();
}

function removeTempDirs(): void {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Last resort on exit: no child may outlive the benchmark. Synchronous, as 'exit' requires. */
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  removeTempDirs();
});

// ---- /proc readings -----------------------------------------------------------------------

/** Resident set size of `pid` in bytes (VmRSS). */
export function readRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) * 1024;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU time (user + system) `pid` has used, in seconds. */
export function readCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Open file descriptors of `pid` that are sockets. */
export function countSockets(pid: number): number {
  let n = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // the descriptor closed while we looked
    }
  }
  return n;
}

/** CPU time the whole machine spent busy (all cores, all processes), in seconds: shows contention. */
export function readMachineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}
