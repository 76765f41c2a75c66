/** Accounts in SQLite: a username and its public key, with the time it was created (young accounts have fewer request slots). */
import type Database from 'better-sqlite3';
import type { AccountStore, UserRecord } from '../accounts';

export class SqliteAccounts implements AccountStore {
  readonly #q;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
  ) {
    this.#q = {
      get: db.prepare<[string], { username: string; identity_key: string }>('SELECT username, identity_key FROM users WHERE username = ?'),
      create: db.prepare('INSERT OR IGNORE INTO users (username, identity_key, created_at) VALUES (?, ?, ?)'),
    };
  }

  async get(username: string): Promise<UserRecord | undefined> {
    const row = this.#q.get.get(username);
    return row && { username: row.username, identityKey: row.identity_key };
  }

  async create(user: UserRecord): Promise<boolean> {
    return this.#q.create.run(user.username, user.identityKey, this.now()).changes === 1;
  }
}
