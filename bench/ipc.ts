/**
 * A tiny request/response layer over Node's child-process IPC channel. The orchestrator
 * (bench/run.ts) drives each load or idle client with commands and waits for the answer, so
 * it alone decides when a measurement window opens and closes.
 */
import type { ChildProcess } from 'node:child_process';

interface Request {
  rpc: number;
  cmd: string;
  args: unknown;
}
interface Reply {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type RpcHandlers = Record<string, (args: never) => unknown | Promise<unknown>>;

/** Child side: answer the parent's commands. The channel is the child's only control input. */
export function serveRpc(handlers: RpcHandlers): void {
  if (!process.send) throw new Error('this script runs as a child of bench/run.ts (it needs an IPC channel)');
  process.on('message', (raw: Request) => {
    const reply = (r: Omit<Reply, 'rpc'>): void => void process.send!({ rpc: raw.rpc, ...r });
    const handler = handlers[raw.cmd] as ((args: unknown) => unknown) | undefined;
    if (!handler) return reply({ ok: false, error: `unknown command ${raw.cmd}` });
    Promise.resolve()
      .then(() => handler(raw.args))
      .then(
        (result) => reply({ ok: true, result }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  });
  // When the orchestrator dies, the channel closes: do not outlive it.
  process.on('disconnect', () => process.exit(0));
}

/** Parent side: one client of a child's RPC. */
export class RpcClient {
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.on('message', (raw: Reply) => {
      const w = this.#waiting.get(raw.rpc);
      if (!w) return;
      this.#waiting.delete(raw.rpc);
      if (raw.ok) w.resolve(raw.result);
      else w.reject(new Error(`${label}: ${raw.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const w of this.#waiting.values()) w.reject(new Error(`${label} exited (${code ?? signal}) during a command`));
      this.#waiting.clear();
    });
  }

  /** Sends `cmd` and waits for its answer, at most `timeoutMs`. */
  call<T>(cmd: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    const rpc = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(rpc);
        reject(new Error(`${this.label}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(rpc, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ rpc, cmd, args } satisfies Request);
    });
  }
}
