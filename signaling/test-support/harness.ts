/**
 * Vitest glue for integration tests: one real server per test file (or per describe block),
 * clients that are closed after each test, and a check that the server neither died nor logged
 * an error while the tests ran.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Identity } from '../../shared/identity';
import { type ConnectOptions, ParleyClient, makeContacts, newIdentity, uniqueName } from './client';
import { ServerProcess, type ServerProcessOptions } from './server-process';

export interface ServerHarness {
  readonly server: ServerProcess;
  readonly port: number;
  /** Opens a connection that is closed after the test. */
  connect(options?: ConnectOptions): Promise<ParleyClient>;
  /** Registers a new user named after `prefix` and returns the logged-in client. */
  user(prefix: string): Promise<ParleyClient>;
  /** Logs in as an existing identity on a new connection. */
  login(identity: Identity): Promise<ParleyClient>;
  /** Two new users who are contacts. */
  pair(prefixA?: string, prefixB?: string): Promise<[ParleyClient, ParleyClient]>;
  /** Closes this test's clients now (they are closed after each test anyway). */
  closeClients(): Promise<void>;
}

/** Pino levels: 50 is error, 60 fatal. A server that logs one has hit a bug or a crash. */
export function errorLogLines(log: string): string[] {
  return log.split('\n').filter((line) => /"level":(50|60)\b/.test(line));
}

export function useServer(options: ServerProcessOptions = {}): ServerHarness {
  let server: ServerProcess | undefined;
  const clients: ParleyClient[] = [];
  const track = (c: ParleyClient) => (clients.push(c), c);

  beforeAll(async () => {
    server = await ServerProcess.start(options);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close(500)));
  });

  afterAll(async () => {
    if (!server) return;
    try {
      expect(server.running, `the server died:\n${server.log().slice(-2000)}`).toBe(true);
      expect(errorLogLines(server.log())).toEqual([]);
    } finally {
      await server.dispose();
    }
  });

  const h: ServerHarness = {
    get server() {
      if (!server) throw new Error('the server is not started (use the harness inside tests)');
      return server;
    },
    get port() {
      return h.server.port;
    },
    connect: async (opts) => track(await ParleyClient.connect(h.port, opts)),
    user: async (prefix) => track(await ParleyClient.register(h.port, await newIdentity(uniqueName(prefix)))),
    login: async (identity) => track(await ParleyClient.login(h.port, identity)),
    pair: async (prefixA = 'alice', prefixB = 'bob') => {
      const a = await h.user(prefixA);
      const b = await h.user(prefixB);
      await makeContacts(a, b);
      return [a, b];
    },
    closeClients: async () => {
      await Promise.all(clients.splice(0).map((c) => c.close(500)));
    },
  };
  return h;
}
