/**
 * A Lua script run by its SHA1 (EVALSHA), loaded once when the store opens (SCRIPT LOAD) and sent
 * whole (EVAL) only when Redis answers NOSCRIPT: after a restart or a SCRIPT FLUSH its cache is
 * empty. The scripts are written to touch only the keys they are given, all in one hash slot.
 */
import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';

/** The one client shape the store needs: raw commands, replies parsed by the caller. */
export type RedisLink = Pick<RedisClientType, 'sendCommand'>;

export type Arg = string | number;

export class RedisScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async load(redis: RedisLink): Promise<void> {
    await redis.sendCommand(['SCRIPT', 'LOAD', this.source]);
  }

  async run<T>(redis: RedisLink, keys: string[], args: Arg[]): Promise<T> {
    const rest = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await redis.sendCommand<T>(['EVALSHA', this.sha, ...rest]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.sendCommand<T>(['EVAL', this.source, ...rest]);
    }
  }
}
