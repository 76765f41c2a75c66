/**
 * Contacts on Redis: a set per user (`c:{alice}`), both directions written one after the other
 * (two slots, so two commands: README.md says what a crash between them leaves), and the pending
 * requests beside them.
 */
import type { ContactStore, RequestResult } from '../contacts';
import type { RedisAccounts } from './redis-accounts';
import { keys } from './redis-keys';
import type { RedisLink, ScriptRunner } from './redis-script';
import { type RequestOptions, RedisRequests } from './redis-requests';

export class RedisContacts implements ContactStore {
  readonly requests: RedisRequests;

  constructor(
    private readonly redis: RedisLink,
    scripts: ScriptRunner,
    accounts: RedisAccounts,
    requestOptions: RequestOptions,
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
