/**
 * Contacts on Redis: a set per user (`c:{alice}`), both directions written one after the other
 * (two slots, so two commands: README.md says what a crash between them leaves), and the pending
 * requests beside them.
 */
import type { BlockResult, ContactStore, RequestResult } from '../contacts';
import { blockScript } from './block-scripts';
import type { RedisAccounts } from './redis-accounts';
import { keys } from './redis-keys';
import type { RedisLink, ScriptRunner } from './redis-script';
import { type RequestOptions, RedisRequests } from './redis-requests';

export class RedisContacts implements ContactStore {
  readonly requests: RedisRequests;

  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: ScriptRunner,
    accounts: RedisAccounts,
    requestOptions: RequestOptions,
    private readonly blocksMax: number,
  ) {
    this.requests = new RedisRequests(redis, scripts, accounts, requestOptions);
  }

  async contactsOf(username: string): Promise<string[]> {
    const peers = await this.redis.sendCommand<string[]>(['SMEMBERS', keys.contacts(username)]);
    return peers.sort();
  }

  async areContacts(a: string, b: string): Promise<boolean> {
    return (await this.redis.sendCommand<number>(['SISMEMBER', keys.contacts(a), b])) === 1;
  }

  async add(a: string, b: string): Promise<void> {
    await Promise.all([
      this.redis.sendCommand(['SADD', keys.contacts(a), b]),
      this.redis.sendCommand(['SADD', keys.contacts(b), a]),
    ]);
    await Promise.all([this.requests.remove(a, b), this.requests.remove(b, a)]);
  }

  /** Removes the contact on both sides, with any request between them. */
  async remove(a: string, b: string): Promise<void> {
    await Promise.all([
      this.redis.sendCommand(['SREM', keys.contacts(a), b]),
      this.redis.sendCommand(['SREM', keys.contacts(b), a]),
    ]);
    await Promise.all([this.requests.remove(a, b), this.requests.remove(b, a)]);
  }

  /** `owner` blocks `target`: owner's own request to them goes; the contact itself stays (an unblock brings it back). */
  async block(owner: string, target: string): Promise<BlockResult> {
    // The cap is decided atomically in the owner's slot; the blockers' copy follows (README.md).
    const result = await this.scripts.run<BlockResult>(blockScript, [keys.blocks(owner)], [target, this.blocksMax]);
    if (result === 'full') return result;
    await this.redis.sendCommand(['SADD', keys.blockers(target), owner]);
    await this.requests.remove(owner, target);
    return result;
  }

  /** Requests `target` made to `owner` while blocked were never shown: they go with the block. */
  async unblock(owner: string, target: string): Promise<void> {
    await Promise.all([
      this.redis.sendCommand(['SREM', keys.blocks(owner), target]),
      this.redis.sendCommand(['SREM', keys.blockers(target), owner]),
    ]);
    await this.requests.remove(target, owner);
  }

  async blocksOf(owner: string): Promise<string[]> {
    return (await this.redis.sendCommand<string[]>(['SMEMBERS', keys.blocks(owner)])).sort();
  }

  async blockersOf(target: string): Promise<string[]> {
    return (await this.redis.sendCommand<string[]>(['SMEMBERS', keys.blockers(target)])).sort();
  }

  addRequest(from: string, to: string): Promise<RequestResult> {
    return this.requests.add(from, to);
  }

  hasRequest(from: string, to: string): Promise<boolean> {
    return this.requests.has(from, to);
  }

  declineRequest(from: string, to: string): Promise<void> {
    return this.requests.decline(from, to);
  }

  incomingRequests(username: string): Promise<string[]> {
    return this.requests.incoming(username);
  }

  outgoingRequests(username: string): Promise<string[]> {
    return this.requests.outgoing(username);
  }
}
