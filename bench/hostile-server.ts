/**
 * The server under hostile load: `signaling/main.ts` with its DEFAULT configuration, which is the
 * point (the other benches and the tests raise the per-address limits, as their clients all come
 * from 127.0.0.1; here the defaults must hold). Only the port, the data directory and a quieter log
 * level are set; the log goes to a file beside the data directory, so it is not counted as data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');
const READY = /PARLEY_LISTENING (\d+)/;
const START_TIMEOUT_MS = 30_000;
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface DefaultServer {
  child: ChildProcess;
  pid: number;
  port: number;
  dataDir: string;
  /** The end of the server's log, for a report of why it failed. */
  logTail(): string;
  /** SIGTERM, SIGKILL if it lingers; removes its directory. */
  stop(): Promise<void>;
}

/** With BENCH_HOSTILE_PROF=<dir>: a V8 CPU profile of the server, written to <dir>/<profileAs>/ when it stops. */
export async function startDefaultServer(profileAs?: string): Promise<DefaultServer> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-hostile-'));
  const dataDir = path.join(base, 'data');
  const logPath = path.join(base, 'server.log');
  const logFd = fs.openSync(logPath, 'a');
  const profDir = process.env.BENCH_HOSTILE_PROF;
  // A directory per server: tsx's loader thread writes a profile of its own beside the main thread's.
  const prof = profDir && profileAs ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profDir, profileAs)}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'signaling/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const logTail = (): string => (fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8').slice(-2000) : '');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(base, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const port = READY.exec(logTail())?.[1];
    if (port) return { child, pid: child.pid!, port: Number(port), dataDir, logTail, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`the server did not start:\n${tail}`);
    }
    await sleep(20);
  }
}
