/**
 * A server program from Debian's packages (redis-server, turnserver) run by a test: on a free
 * loopback port, logging to a file in its own temp dir, killed at the end of the test (and when
 * the test process exits). Neither program takes port 0, so a free port is found first and the
 * start is retried on the rare clash with another test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ServiceSpec {
  /** The program, e.g. `redis-server`. */
  command: string;
  /** Its arguments for a port and a working directory. */
  args(port: number, dir: string): string[];
  /** The log line that says it serves. */
  ready: RegExp;
  /** A log line that says the port was taken (then another port is tried). */
  portTaken: RegExp;
  /** How its log reaches the file: on stdout/stderr, or written by the program itself to `log`. */
  logsTo?: 'stdio' | 'file';
}

/** A free TCP (and, for `udp`, UDP) port on 127.0.0.1, as far as the kernel says now. */
export async function freePort(udp = false): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer().once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (!udp || (await udpFree(port))) return port;
  }
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

export class ChildService {
  readonly dir: string;
  readonly logPath: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #port = 0;

  protected constructor(
    private readonly spec: ServiceSpec,
    prefix: string,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.logPath = path.join(this.dir, 'service.log');
  }

  get port(): number {
    return this.#port;
  }

  /** The process id while it runs (for CPU readings). */
  get pid(): number | undefined {
    return this.running ? this.#child!.pid : undefined;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts on a new free port (tries a few on a clash). */
  protected async startFresh(udp = false, timeoutMs = 15_000): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const port = await freePort(udp);
      const outcome = await this.#spawn(port, timeoutMs);
      if (outcome === 'ready') return;
      if (attempt >= 4) throw new Error(`${this.spec.command} found no free port:\n${this.log().slice(-2000)}`);
    }
  }

  /** Kills it (SIGKILL by default: a crash) and resolves once it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.#child!.kill(signal);
    await this.#exited;
  }

  /** Kills it and starts it again on the same port and directory (its data, if any, kept). */
  async restart(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 15_000): Promise<void> {
    await this.kill(signal);
    if ((await this.#spawn(this.#port, timeoutMs)) !== 'ready') throw new Error(`${this.spec.command} could not take port ${this.#port} again`);
  }

  log(): string {
    return fs.existsSync(this.logPath) ? fs.readFileSync(this.logPath, 'utf8') : '';
  }

  async dispose(): Promise<void> {
    await this.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async #spawn(port: number, timeoutMs: number): Promise<'ready' | 'port_taken'> {
    const start = fs.existsSync(this.logPath) ? fs.statSync(this.logPath).size : 0;
    const logFd = fs.openSync(this.logPath, 'a');
    let child: ChildProcess;
    try {
      const stdio = this.spec.logsTo === 'file' ? 'ignore' : logFd;
      child = spawn(this.spec.command, this.spec.args(port, this.dir), { cwd: this.dir, stdio: ['ignore', stdio, stdio] });
    } finally {
      fs.closeSync(logFd);
    }
    this.#child = child;
    live.add(child);
    this.#exited = new Promise<void>((resolve) => {
      const gone = () => {
        live.delete(child);
        resolve();
      };
      child.once('exit', gone);
      child.once('error', gone);
    });
    this.#port = port;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.log().slice(start);
      if (this.spec.ready.test(text)) return 'ready';
      if (this.spec.portTaken.test(text)) {
        await this.kill();
        return 'port_taken';
      }
      if (!this.running || Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.spec.command} did not start:\n${text.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
