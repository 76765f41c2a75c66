/**
 * A real Redis (Debian's redis-server 7.0) for a test, configured as Parley's cluster mode wants
 * it in production: the append-only file on, fsynced before each reply (`appendfsync always` unless
 * told otherwise), no eviction. `restart()` after `kill()` reopens the same AOF, so a test can
 * check what survives a `kill -9`.
 */
import { ChildService } from './child-service';

export interface RedisOptions {
  appendfsync?: 'always' | 'everysec' | 'no';
}

export class RedisProcess extends ChildService {
  private constructor(readonly options: RedisOptions) {
    super(
      {
        command: process.env.REDIS_SERVER_PATH ?? 'redis-server',
        args: (port, dir) => [
          '--port', String(port),
          '--bind', '127.0.0.1',
          '--dir', dir,
          '--appendonly', 'yes',
          '--appendfsync', options.appendfsync ?? 'always',
          '--maxmemory-policy', 'noeviction',
          // No RDB snapshots: the AOF is the durability under test, and a fork per save costs.
          '--save', '',
          '--protected-mode', 'yes',
        ],
        ready: /Ready to accept connections/,
        portTaken: /Address already in use/,
      },
      'parley-redis-',
    );
  }

  static async start(options: RedisOptions = {}): Promise<RedisProcess> {
    const redis = new RedisProcess(options);
    try {
      await redis.startFresh();
    } catch (err) {
      await redis.dispose();
      throw err;
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
}
