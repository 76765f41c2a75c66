/** Contacts in SQLite (one row per direction, written together), the pending requests beside them, and blocks. */
import type Database from 'better-sqlite3';
import type { BlockResult, ContactStore, RequestResult } from '../contacts';
import { LIMIT_DEFAULTS } from '../limits';
import { type RequestOptions, SqliteRequests } from './sqlite-requests';

export class SqliteContacts implements ContactStore {
  readonly #q;
  readonly requests: SqliteRequests;

  constructor(
    private readonly db: Database.Database,
    requestOptions: RequestOptions,
    private readonly now: () => number = Date.now,
    private readonly blocksMax: number = LIMIT_DEFAULTS.blocksMax,
  ) {
    this.requests = new SqliteRequests(db, requestOptions);
    this.#q = {
      contactsOf: db.prepare<[string], { peer: string }>('SELECT peer FROM contacts WHERE owner = ? ORDER BY peer'),
      areContacts: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM contacts WHERE owner = ? AND peer = ?'),
      add: db.prepare('INSERT OR IGNORE INTO contacts (owner, peer) VALUES (?, ?)'),
      remove: db.prepare<[string, string]>('DELETE FROM contacts WHERE owner = ? AND peer = ?'),
      block: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO blocks (owner, peer, created_at) VALUES (?, ?, ?)'),
      isBlocked: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM blocks WHERE owner = ? AND peer = ?'),
      countBlocks: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM blocks WHERE owner = ?'),
      unblock: db.prepare<[string, string]>('DELETE FROM blocks WHERE owner = ? AND peer = ?'),
      blocksOf: db.prepare<[string], { peer: string }>('SELECT peer FROM blocks WHERE owner = ? ORDER BY peer'),
      blockersOf: db.prepare<[string], { owner: string }>('SELECT owner FROM blocks WHERE peer = ? ORDER BY owner'),
    };
  }

  async contactsOf(username: string): Promise<string[]> {
    return this.#q.contactsOf.all(username).map((r) => r.peer);
  }

  async areContacts(a: string, b: string): Promise<boolean> {
    return this.#q.areContacts.get(a, b) !== undefined;
  }

  async add(a: string, b: string): Promise<void> {
    this.db.transaction(() => {
      this.#q.add.run(a, b);
      this.#q.add.run(b, a);
      this.requests.remove(a, b);
      this.requests.remove(b, a);
    })();
  }

  async remove(a: string, b: string): Promise<void> {
    this.db.transaction(() => {
      this.#q.remove.run(a, b);
      this.#q.remove.run(b, a);
      this.requests.remove(a, b);
      this.requests.remove(b, a);
    })();
  }

  async block(owner: string, peer: string): Promise<BlockResult> {
    return this.db.transaction((): BlockResult => {
      if (this.#q.isBlocked.get(owner, peer)) return 'exists';
      if (this.#q.countBlocks.get(owner)!.n >= this.blocksMax) return 'full';
      this.#q.block.run(owner, peer, this.now());
      this.requests.remove(owner, peer);
      return 'added';
    })();
  }

  async unblock(owner: string, peer: string): Promise<void> {
    this.db.transaction(() => {
      this.#q.unblock.run(owner, peer);
      this.requests.remove(peer, owner);
    })();
  }

  async blocksOf(owner: string): Promise<string[]> {
    return this.#q.blocksOf.all(owner).map((r) => r.peer);
  }

  async blockersOf(peer: string): Promise<string[]> {
    return this.#q.blockersOf.all(peer).map((r) => r.owner);
  }

  async addRequest(from: string, to: string): Promise<RequestResult> {
    return this.requests.add(from, to);
  }

  async hasRequest(from: string, to: string): Promise<boolean> {
    return this.requests.has(from, to);
  }

  async declineRequest(from: string, to: string): Promise<void> {
    this.requests.decline(from, to);
  }

  async incomingRequests(username: string): Promise<string[]> {
    return this.requests.incoming(username);
  }

  async outgoingRequests(username: string): Promise<string[]> {
    return this.requests.outgoing(username);
  }
}
