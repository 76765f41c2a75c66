/**
 * A cluster for a test: one real Redis (redis-process.ts, `appendfsync always` unless told
 * otherwise) and several real server processes on it (server-process.ts), each on its own
 * random port with its own data directory, all sharing one files directory. Used by Vitest
 * (cluster-harness.ts) and Playwright (e2e/cluster.spec.ts) alike, so it imports neither.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RedisOptions, RedisProcess } from './redis-process';
import { ServerProcess } from './server-process';

/** How long a node may take to listen (a machine running other tests may be slow). */
export const START_TIMEOUT_MS = 60_000;

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

  /** Error (and fatal) lines each node logged, by node: a node that logs one has hit a bug. */
  errors(): string[] {
    return this.nodes.flatMap((n, i) =>
      n
        .log()
        .split('\n')
        .filter((line) => /"level":(50|60)\b/.test(line))
        .map((line) => `n${i + 1}: ${line}`),
    );
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose()));
    await this.redis.dispose();
    fs.rmSync(this.filesDir, { recursive: true, force: true });
  }
}
