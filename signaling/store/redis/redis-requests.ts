/**
 * Pending contact requests on Redis, with SQLite's bounds (sqlite-requests.ts): at most
 * `maxIncoming` to a user (of which at most `maxFromNew` from young accounts) and `maxOutgoing`
 * from one, expiring after `ttlMs`, and a declined requester held back for `cooldownMs`. Past a
 * cap a new request is refused (`full`), never pushing out an older one.
 */
import type { RequestResult } from '../contacts';
import type { RequestOptions } from '../sqlite/sqlite-requests';
import type { RedisAccounts } from './redis-accounts';
import { keys } from './redis-keys';
import type { RedisLink, ScriptRunner } from './redis-script';
import { addIncomingScript, addOutgoingScript, dropIncomingScript } from './request-scripts';

export type { RequestOptions } from '../sqlite/sqlite-requests';

export class RedisRequests {
  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: ScriptRunner,
    private readonly accounts: RedisAccounts,
    private readonly opts: RequestOptions,
  ) {}

  /** Requests made at or before this instant have expired. */
  #cutoff(now = this.opts.now()): number {
    return now - this.opts.ttlMs;
  }

  #incomingKeys(to: string): string[] {
    return [keys.incoming(to), keys.incomingBorn(to), keys.declined(to)];
  }

  async add(from: string, to: string): Promise<RequestResult> {
    const now = this.opts.now();
    const cutoff = this.#cutoff(now);
    const fromCreated = (await this.accounts.createdAt(from)) ?? now;
    const { maxIncoming, maxOutgoing, maxFromNew, newAccountMs } = this.opts;
    const incoming = await this.scripts.run<string>(addIncomingScript, this.#incomingKeys(to), [
      from, now, cutoff, maxIncoming, now - newAccountMs, fromCreated, maxFromNew,
    ]);
    if (incoming !== 'ok') return incoming as RequestResult;
    const outgoing = await this.scripts.run<string>(addOutgoingScript, [keys.outgoing(from)], [to, now, cutoff, maxOutgoing]);
    if (outgoing === 'ok') return 'added';
    await this.scripts.run(dropIncomingScript, this.#incomingKeys(to), [from, 0]);
    return 'full';
  }

  async has(from: string, to: string): Promise<boolean> {
    const at = await this.redis.sendCommand<string | null>(['ZSCORE', keys.incoming(to), from]);
    return at !== null && Number(at) > this.#cutoff();
  }

  /** Forgets a request (accepted, or withdrawn with the contact made). */
  async remove(from: string, to: string): Promise<void> {
    await this.scripts.run(dropIncomingScript, this.#incomingKeys(to), [from, 0]);
    await this.redis.sendCommand(['ZREM', keys.outgoing(from), to]);
  }

  async decline(from: string, to: string): Promise<void> {
    // A zero cooldown records no decline (SQLite's `until > now` is then never true either).
    const until = this.opts.cooldownMs > 0 ? this.opts.now() + this.opts.cooldownMs : 0;
    await this.scripts.run(dropIncomingScript, this.#incomingKeys(to), [from, until]);
    await this.redis.sendCommand(['ZREM', keys.outgoing(from), to]);
  }

  async incoming(username: string): Promise<string[]> {
    return this.#range(keys.incoming(username), this.opts.maxIncoming);
  }

  async outgoing(username: string): Promise<string[]> {
    return this.#range(keys.outgoing(username), this.opts.maxOutgoing);
  }

  /** Unexpired members, oldest first. */
  #range(key: string, limit: number): Promise<string[]> {
    return this.redis.sendCommand<string[]>(['ZRANGE', key, `(${this.#cutoff()}`, '+inf', 'BYSCORE', 'LIMIT', '0', String(limit)]);
  }
}
