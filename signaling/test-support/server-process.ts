/**
 * Runs the real Parley server (`signaling/main.ts`) as a child process for integration tests and
 * benchmarks: port 0, a private data directory, and the log (stdout and stderr) in a file.
 *
 * The child is `node --import tsx signaling/main.ts`, not `npx tsx`, so `pid` is the server
 * itself: a SIGKILL kills the server, and the RSS read from /proc is the server's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const READY = /^PARLEY_LISTENING (\d+)$/m;

/** Children still running; killed if the test process exits without cleaning up. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Tests, e2e tests and benchmarks open many connections and accounts from 127.0.0.1, which the
 * per-address limits (signaling/connection/) would refuse: they are raised unless a test sets them,
 * as the tests of those limits do. Every other limit keeps its default.
 */
export const LOOPBACK_LIMITS: Readonly<Record<string, string>> = {
  REGISTRATIONS_PER_HOUR_PER_ADDRESS: '1000000',
  MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  MAX_UNAUTHENTICATED_PER_ADDRESS: '1000000',
};

export interface ServerProcessOptions {
  /** Environment overrides, e.g. `{ RATE_FRAMES_PER_SEC: '5' }`. PORT, HOST and DATA_DIR are set here. */
  env?: Record<string, string>;
  /** Reuse a data directory (it is then not deleted by `dispose`). Default: a fresh temporary one. */
  dataDir?: string;
  /** How long to wait for `PARLEY_LISTENING`. */
  startTimeoutMs?: number;
}

export class ServerProcess {
  readonly dataDir: string;
  /** stdout and stderr of every run, appended. */
  readonly logPath: string;
  readonly #ownsDataDir: boolean;
  readonly #env: Record<string, string>;
  readonly #startTimeoutMs: number;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #port = 0;

  private constructor(options: ServerProcessOptions) {
    this.#ownsDataDir = options.dataDir === undefined;
    this.dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'parley-server-'));
    fs.mkdirSync(this.dataDir, { recursive: true });
    this.logPath = path.join(this.dataDir, 'server.log');
    this.#env = { LOG_LEVEL: 'info', ...LOOPBACK_LIMITS, ...options.env };
    this.#startTimeoutMs = options.startTimeoutMs ?? 20_000;
  }

  /** Starts a server and resolves once it listens. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const server = new ServerProcess(options);
    try {
      await server.#spawn();
    } catch (err) {
      await server.dispose();
      throw err;
    }
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get pid(): number {
    const pid = this.#child?.pid;
    if (pid === undefined || !this.running) throw new Error('the server is not running');
    return pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The exit code of the last run (null while running, or when it was killed by a signal). */
  get exitCode(): number | null {
    return this.#child?.exitCode ?? null;
  }

  /** The origin a browser page served by this server would send. */
  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.#port}/ws`;
  }

  /** Sends `signal` (default SIGKILL: a crash) and resolves when the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.#child!.kill(signal);
    await this.#exited;
  }

  /**
   * Kills the server (SIGKILL unless told otherwise) and starts it again on the same data directory
   * and the same port, so browsers reconnect to the origin they loaded.
   */
  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.kill(signal);
    await this.#spawn();
  }

  /** Resident set size of the server process in bytes, from /proc/<pid>/status. */
  rss(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    if (!kb) throw new Error('no VmRSS in /proc status');
    return Number(kb[1]) * 1024;
  }

  /** Everything the server has logged so far. */
  log(): string {
    return fs.existsSync(this.logPath) ? fs.readFileSync(this.logPath, 'utf8') : '';
  }

  /** Kills the server and removes its data directory if this object created it. */
  async dispose(): Promise<void> {
    await this.kill('SIGKILL');
    if (this.#ownsDataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  async #spawn(): Promise<void> {
    const logFd = fs.openSync(this.logPath, 'a');
    const logStart = fs.fstatSync(logFd).size;
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, ...this.#env, PORT: String(this.#port), HOST: '127.0.0.1', DATA_DIR: this.dataDir },
        // The child writes its log straight into the file: nothing is lost if this process is busy.
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      fs.closeSync(logFd);
    }
    this.#child = child;
    live.add(child);
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        live.delete(child);
        resolve();
      });
      child.once('error', () => {
        live.delete(child);
        resolve();
      });
    });
    this.#port = await this.#waitForPort(logStart);
  }

  async #waitForPort(logStart: number): Promise<number> {
    const deadline = Date.now() + this.#startTimeoutMs;
    for (;;) {
      const text = this.#logSince(logStart);
      const match = READY.exec(text);
      if (match) return Number(match[1]);
      if (!this.running) throw new Error(`the server exited before listening:\n${text.slice(-2000)}`);
      if (Date.now() > deadline) {
        await this.kill('SIGKILL');
        throw new Error(`the server did not listen within ${this.#startTimeoutMs} ms:\n${text.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  #logSince(offset: number): string {
    const fd = fs.openSync(this.logPath, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  }
}
