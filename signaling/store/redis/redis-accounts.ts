/** Accounts on Redis: `u:{alice}` holds the public key and when the account was made, written once (SET NX). */
import type { AccountStore, UserRecord } from '../accounts';
import { keys } from './redis-keys';
import type { RedisLink } from './redis-script';

interface AccountValue {
  /** The identity key. */
  k: string;
  /** Created (ms): young accounts have fewer request slots. */
  c: number;
}

export class RedisAccounts implements AccountStore {
  constructor(
    private readonly redis: RedisLink,
    private readonly now: () => number,
  ) {}

  async get(username: string): Promise<UserRecord | undefined> {
    const value = await this.#read(username);
    return value && { username, identityKey: value.k };
  }

  async create(user: UserRecord): Promise<boolean> {
    const value: AccountValue = { k: user.identityKey, c: this.now() };
    return (await this.redis.sendCommand<string | null>(['SET', keys.account(user.username), JSON.stringify(value), 'NX'])) === 'OK';
  }

  /** When `username` was created, or undefined for no such account. */
  async createdAt(username: string): Promise<number | undefined> {
    return (await this.#read(username))?.c;
  }

  async #read(username: string): Promise<AccountValue | undefined> {
    const raw = await this.redis.sendCommand<string | null>(['GET', keys.account(username)]);
    return raw === null ? undefined : (JSON.parse(raw) as AccountValue);
  }
}
