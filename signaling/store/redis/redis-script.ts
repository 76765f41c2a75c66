/**
 * Lua scripts run by their SHA1 (EVALSHA), loaded once when the store opens (SCRIPT LOAD) and
 * sent whole (EVAL) only when Redis answers NOSCRIPT: after a restart or a SCRIPT FLUSH its cache
 * is empty. The scripts are written to touch only the keys they are given, all in one hash slot.
 */
import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';

/** The one client shape the store needs: raw commands, replies parsed by the caller. */
export type RedisLink = Pick<RedisClientType, 'sendCommand'>;

/** A script argument; a Buffer goes as it is (binary-safe: the router's relayed chunks). */
export type Arg = string | number | Buffer;

export class RedisScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/**
 * Runs scripts on one connection in the order they are called, which the queue's contract needs
 * (one recipient's enqueues land in call order even when not awaited one by one). Redis runs one
 * connection's commands in order, so EVALSHAs keep it; the NOSCRIPT retry is where order could
 * slip (a later call's EVALSHA succeeding before an earlier call's EVAL). So on the first
 * NOSCRIPT the runner reloads the scripts and holds new calls until that is done: the calls
 * already sent all fail alike and are re-sent, in their order, before the reload's reply comes.
 */
export class ScriptRunner {
  #reloading: Promise<void> | undefined;
  /** Calls held by the reload: it stays in force until the last of them has sent, so none is overtaken. */
  #waiting = 0;

  readonly #scripts: RedisScript[];

  constructor(
    private readonly redis: RedisLink,
    scripts: readonly RedisScript[],
  ) {
    this.#scripts = [...scripts];
  }

  async load(): Promise<void> {
    await Promise.all(this.#scripts.map((s) => this.redis.sendCommand(['SCRIPT', 'LOAD', s.source])));
  }

  /** Runs `script` too from now on (loaded now, and again with the others after a NOSCRIPT). */
  async add(script: RedisScript): Promise<void> {
    if (!this.#scripts.includes(script)) this.#scripts.push(script);
    await this.redis.sendCommand(['SCRIPT', 'LOAD', script.source]);
  }

  async run<T>(script: RedisScript, keys: string[], args: Arg[]): Promise<T> {
    if (this.#reloading) {
      this.#waiting++;
      try {
        await this.#reloading;
      } finally {
        if (--this.#waiting === 0) this.#reloading = undefined;
      }
    }
    const rest = [String(keys.length), ...keys, ...args.map((a) => (typeof a === 'number' ? String(a) : a))];
    try {
      return await this.redis.sendCommand<T>(['EVALSHA', script.sha, ...rest]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      const retry = this.redis.sendCommand<T>(['EVAL', script.source, ...rest]);
      // A reload that fails (Redis restarting again) fails the calls held by it, which send again;
      // nobody else awaits it, so its rejection is caught here rather than left to end the process.
      this.#reloading ??= this.load().finally(() => {
        if (this.#waiting === 0) this.#reloading = undefined;
      });
      this.#reloading.catch(() => undefined);
      return retry;
    }
  }
}
