/**
 * Idle-connection client, run as its own process (several of them: each process may hold at
 * most ~20,000 open files here) and driven by bench/run.ts over IPC. It registers accounts,
 * each on its own connection through the full challenge flow, and then just keeps the
 * connections open (ws answers the server's heartbeat pings by itself).
 */
import type { WebSocket } from 'ws';
import { loadSodium } from '../shared/sodium';
import { serveRpc } from './ipc';
import { mapLimit, register } from './parley-client';

export interface OpenArgs {
  port: number;
  count: number;
  /** Username prefix, unique per process and phase. */
  prefix: string;
  /** Registrations in flight at once from this process. */
  concurrency: number;
}
export interface OpenResult {
  opened: number;
  failures: number;
  firstError: string | undefined;
  ms: number;
}
export interface IdleStatus {
  opened: number;
  open: number;
  closed: number;
}

const sockets: WebSocket[] = [];
let closed = 0;

serveRpc({
  ready: () => true,
  open: async (args: OpenArgs): Promise<OpenResult> => {
    const sodium = await loadSodium();
    const started = performance.now();
    let failures = 0;
    let firstError: string | undefined;
    await mapLimit(
      Array.from({ length: args.count }, (_, i) => i),
      args.concurrency,
      async (i) => {
        try {
          const account = await register(sodium, args.port, `${args.prefix}${i}`);
          account.inbox.detach();
          account.ws.on('close', () => closed++);
          sockets.push(account.ws);
        } catch (err) {
          failures++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      },
    );
    return { opened: args.count - failures, failures, firstError, ms: performance.now() - started };
  },
  status: (): IdleStatus => ({
    opened: sockets.length,
    open: sockets.filter((ws) => ws.readyState === ws.OPEN).length,
    closed,
  }),
  close: () => {
    for (const ws of sockets) ws.terminate();
    return true;
  },
});
