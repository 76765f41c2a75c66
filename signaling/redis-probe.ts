/**
 * A cluster node's view of Redis for operators: /healthz gets a `redis` check (a PING answered
 * within HEALTH_TIMEOUT_MS), and /metrics the round-trip time of a PING every REDIS_PROBE_MS
 * (`parley_redis_rtt_seconds`). The probe has a connection of its own: a PING on the store's
 * connection would wait behind the store's commands and measure the node's own load, not Redis;
 * whether the store's connection answers is the `storage` check already. Loaded only in cluster
 * mode (backend.ts), so the single process never loads the Redis client.
 */
import { createClient } from 'redis';
import type { OpsHooks } from './ops';

type Client = ReturnType<typeof createClient>;

export class RedisProbe {
  #timer: NodeJS.Timeout | undefined;

  private constructor(private readonly client: Client) {}

  /** Connects; `onError` hears each failed (re)connection, as the store's and router's clients do. */
  static async open(url: string, onError: (err: Error) => void): Promise<RedisProbe> {
    // No offline queue: while Redis is away a PING fails at once instead of waiting to be sent.
    const client: Client = createClient({ url, disableOfflineQueue: true });
    client.on('error', onError);
    await client.connect();
    return new RedisProbe(client);
  }

  /** One PING; resolves with its round trip in seconds, rejects when Redis does not answer. */
  async ping(): Promise<number> {
    const started = process.hrtime.bigint();
    await this.client.sendCommand(['PING']);
    return Number(process.hrtime.bigint() - started) / 1e9;
  }

  /** Adds the health check and, when metrics are on, keeps the gauge current every `everyMs`. */
  attach(ops: OpsHooks, everyMs: number): void {
    ops.health.add('redis', () => this.ping());
    const gauge = ops.metrics?.redisRtt;
    if (!gauge || everyMs <= 0) return;
    const probe = (): void => {
      // A PING that fails leaves the last reading: the health check is what reports Redis away.
      this.ping().then(
        (seconds) => gauge.set(seconds),
        () => undefined,
      );
    };
    probe();
    this.#timer = setInterval(probe, everyMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.client.isOpen) return;
    if (this.client.isReady) await this.client.close();
    else this.client.destroy();
  }
}
