/**
 * A cluster for a test: one real Redis (redis-process.ts, `appendfsync always` unless told
 * otherwise) and several real server processes on it (server-process.ts), each on its own
 * random port with its own data directory, all sharing one files directory. `useCluster` is the
 * Vitest glue, like harness.ts's `useServer`: clients closed after each test, and at the end a
 * check that no node logged an error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Identity } from '../../shared/identity';
import { ParleyClient, newIdentity, uniqueName } from './client';
import { errorLogLines } from './harness';
import { type RedisOptions, RedisProcess } from './redis-process';
import { ServerProcess } from './server-process';

/** How long a node may take to listen (a machine running other tests may be slow). */
const START_TIMEOUT_MS = 60_000;

export interface ClusterOptions {
  nodes?: number;
  redis?: RedisOptions;
  /** Environment for every node (REDIS_URL and FILES_DIR are set here). */
  env?: Record<string, string>;
}

export class Cluster {
  private constructor(
    readonly redis: RedisProcess,
    readonly nodes: ServerProcess[],
    readonly filesDir: string,
    readonly env: Record<string, string>,
  ) {}

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const redis = await RedisProcess.start(options.redis);
    const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cluster-files-'));
    const env = { REDIS_URL: redis.url, FILES_DIR: filesDir, ...options.env };
    // Started together: each takes seconds to load on a busy machine.
    const started = await Promise.allSettled(
      Array.from({ length: options.nodes ?? 2 }, (_, i) => ServerProcess.start({ env: { ...env, NODE_ID: `n${i + 1}` }, startTimeoutMs: START_TIMEOUT_MS })),
    );
    const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(nodes.map((n) => n.dispose()));
      await redis.dispose();
      throw failed.reason;
    }
    return new Cluster(redis, nodes, filesDir, env);
  }

  /** Node `i` (0-based). */
  node(i: number): ServerProcess {
    return this.nodes[i]!;
  }

  /** Error lines each node logged, by node. */
  errors(): string[] {
    return this.nodes.flatMap((n, i) => errorLogLines(n.log()).map((line) => `n${i + 1}: ${line}`));
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose()));
    await this.redis.dispose();
    fs.rmSync(this.filesDir, { recursive: true, force: true });
  }
}

export interface ClusterHarness {
  readonly cluster: Cluster;
  /** Registers a new user named after `prefix` on node `i`. */
  user(i: number, prefix: string): Promise<ParleyClient>;
  /** Logs in as an existing identity on node `i`. */
  login(i: number, identity: Identity): Promise<ParleyClient>;
}

export function useCluster(options: ClusterOptions = {}): ClusterHarness {
  let cluster: Cluster | undefined;
  const clients: ParleyClient[] = [];
  const track = (c: ParleyClient) => (clients.push(c), c);

  beforeAll(async () => {
    cluster = await Cluster.start(options);
  }, 2 * START_TIMEOUT_MS);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close(500)));
  });

  afterAll(async () => {
    if (!cluster) return;
    try {
      expect(cluster.errors()).toEqual([]);
    } finally {
      await cluster.dispose();
    }
  });

  const h: ClusterHarness = {
    get cluster() {
      if (!cluster) throw new Error('the cluster is not started (use the harness inside tests)');
      return cluster;
    },
    user: async (i, prefix) => track(await ParleyClient.register(h.cluster.node(i).port, await newIdentity(uniqueName(prefix)))),
    login: async (i, identity) => track(await ParleyClient.login(h.cluster.node(i).port, identity)),
  };
  return h;
}
