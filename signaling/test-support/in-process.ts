/**
 * A real server in the test's own process, on a real SQLite store seen through a wrapper that can
 * slow down or fail chosen store methods: how a test makes handlers wait (as on a store a network
 * away) and checks what may happen meanwhile. Clients still talk to it over real sockets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config';
import { type ParleyServer, createParleyServer } from '../server';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import type { Store } from '../store/store';
import { LOOPBACK_LIMITS } from './server-process';

/** `part.method`, e.g. `queue.enqueue`. */
type MethodName = string;

export interface InProcessServer {
  readonly port: number;
  readonly server: ParleyServer;
  /** Milliseconds (or a function giving them) each call of a method waits before it runs. */
  readonly delays: Map<MethodName, number | (() => number)>;
  /** How many of the next calls of a method fail (reject) instead of running. */
  readonly faults: Map<MethodName, number>;
  /** Lines the server logged at error level. */
  readonly errors: unknown[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function wrapPart<T extends object>(name: string, part: T, delays: InProcessServer['delays'], faults: InProcessServer['faults']): T {
  return new Proxy(part, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const method = `${name}.${String(key)}`;
      return async (...args: unknown[]) => {
        const delay = delays.get(method);
        if (delay !== undefined) await sleep(typeof delay === 'function' ? delay() : delay);
        const left = faults.get(method) ?? 0;
        if (left > 0) {
          faults.set(method, left - 1);
          throw new Error(`injected fault in ${method}`);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export async function startInProcess(env: Record<string, string> = {}): Promise<InProcessServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-inproc-'));
  const config = loadConfig({ ...LOOPBACK_LIMITS, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, WEB_DIR: dir, ...env });
  const limits = config.limits;
  const real = new SqliteStore({ dataDir: dir, quotaMessages: limits.offlineQuotaMessages, quotaBytes: limits.offlineQuotaBytes, ttlMs: limits.offlineTtlMs });
  const delays: InProcessServer['delays'] = new Map();
  const faults: InProcessServer['faults'] = new Map();
  const store: Store = {
    accounts: wrapPart('accounts', real.accounts, delays, faults),
    contacts: wrapPart('contacts', real.contacts, delays, faults),
    queue: wrapPart('queue', real.queue, delays, faults),
    files: wrapPart('files', real.files, delays, faults),
    groups: wrapPart('groups', real.groups, delays, faults),
    announcements: wrapPart('announcements', real.announcements, delays, faults),
    room: real.room,
    sweepExpired: (now, limit) => real.sweepExpired(now, limit),
    close: () => real.close(),
  };
  const errors: unknown[] = [];
  const log = pino({ level: 'error', hooks: { logMethod: (args) => void errors.push(args[0]) } }, { write: () => {} });
  const server = createParleyServer({ config, store, log });
  const port = await server.start();
  return {
    port,
    server,
    delays,
    faults,
    errors,
    async stop() {
      await server.stop();
      await real.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
