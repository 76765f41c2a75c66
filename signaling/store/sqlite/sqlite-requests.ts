/**
 * Pending contact requests in SQLite, bounded so that nobody can be locked out by them: a user
 * holds at most `maxIncoming` requests to them and `maxOutgoing` of their own, a request expires
 * after `ttlMs`, and a declined requester may not ask the same person again for `cooldownMs`.
 * New requests past a cap are refused (`full`) rather than pushing out older ones: the sender is
 * told, while a dropped request would vanish without anyone knowing.
 */
import type Database from 'better-sqlite3';
import type { RequestResult } from '../contacts';

export interface RequestOptions {
  maxIncoming: number;
  maxOutgoing: number;
  /**
   * Most of a user's incoming slots that accounts younger than `newAccountMs` may hold: fresh
   * accounts are cheap, so a crowd of them cannot take every slot and lock real people out.
   */
  maxFromNew: number;
  newAccountMs: number;
  ttlMs: number;
  cooldownMs: number;
  now: () => number;
}

export class SqliteRequests {
  readonly #q;

  constructor(
    private readonly db: Database.Database,
    private readonly opts: RequestOptions,
  ) {
    this.#q = {
      insert: db.prepare<[string, string, number]>('INSERT OR REPLACE INTO requests (from_user, to_user, created_at) VALUES (?, ?, ?)'),
      get: db.prepare<[string, string], { created_at: number }>('SELECT created_at FROM requests WHERE from_user = ? AND to_user = ?'),
      remove: db.prepare<[string, string]>('DELETE FROM requests WHERE from_user = ? AND to_user = ?'),
      countTo: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM requests WHERE to_user = ? AND created_at > ?'),
      countToFromNew: db.prepare<[string, number, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM requests r JOIN users u ON u.username = r.from_user
         WHERE r.to_user = ? AND r.created_at > ? AND u.created_at > ?`,
      ),
      createdAt: db.prepare<[string], { created_at: number }>('SELECT created_at FROM users WHERE username = ?'),
      countFrom: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM requests WHERE from_user = ? AND created_at > ?'),
      incoming: db.prepare<[string, number, number], { from_user: string }>(
        'SELECT from_user FROM requests WHERE to_user = ? AND created_at > ? ORDER BY created_at LIMIT ?',
      ),
      outgoing: db.prepare<[string, number, number], { to_user: string }>(
        'SELECT to_user FROM requests WHERE from_user = ? AND created_at > ? ORDER BY created_at LIMIT ?',
      ),
      declined: db.prepare<[string, string, number], { one: number }>(
        'SELECT 1 AS one FROM declines WHERE from_user = ? AND to_user = ? AND until > ?',
      ),
      decline: db.prepare<[string, string, number]>('INSERT OR REPLACE INTO declines (from_user, to_user, until) VALUES (?, ?, ?)'),
      sweepRequests: db.prepare<[number]>('DELETE FROM requests WHERE created_at <= ?'),
      sweepDeclines: db.prepare<[number]>('DELETE FROM declines WHERE until <= ?'),
    };
    // A database from before the caps (or with a lower cap now) may hold more: keep the oldest.
    db.prepare(
      `DELETE FROM requests WHERE (from_user, to_user) IN (SELECT from_user, to_user FROM
         (SELECT from_user, to_user, ROW_NUMBER() OVER (PARTITION BY to_user ORDER BY created_at) AS rn FROM requests) WHERE rn > ?)`,
    ).run(opts.maxIncoming);
  }

  /** Requests made at or before this instant have expired. */
  #cutoff(): number {
    return this.opts.now() - this.opts.ttlMs;
  }

  add(from: string, to: string): RequestResult {
    const now = this.opts.now();
    return this.db.transaction((): RequestResult => {
      if (this.#q.declined.get(from, to, now)) return 'cooldown';
      const cutoff = this.#cutoff();
      const existing = this.#q.get.get(from, to);
      if (existing && existing.created_at > cutoff) return 'exists';
      if (this.#q.countTo.get(to, cutoff)!.n >= this.opts.maxIncoming) return 'full';
      const bornAfter = now - this.opts.newAccountMs;
      if ((this.#q.createdAt.get(from)?.created_at ?? now) > bornAfter && this.#q.countToFromNew.get(to, cutoff, bornAfter)!.n >= this.opts.maxFromNew) {
        return 'full';
      }
      if (this.#q.countFrom.get(from, cutoff)!.n >= this.opts.maxOutgoing) return 'full';
      this.#q.insert.run(from, to, now);
      return 'added';
    })();
  }

  has(from: string, to: string): boolean {
    const row = this.#q.get.get(from, to);
    return row !== undefined && row.created_at > this.#cutoff();
  }

  /** Forgets a request (accepted, or withdrawn with the contact made). */
  remove(from: string, to: string): void {
    this.#q.remove.run(from, to);
  }

  decline(from: string, to: string): void {
    this.db.transaction(() => {
      this.#q.remove.run(from, to);
      this.#q.decline.run(from, to, this.opts.now() + this.opts.cooldownMs);
    })();
  }

  incoming(username: string): string[] {
    return this.#q.incoming.all(username, this.#cutoff(), this.opts.maxIncoming).map((r) => r.from_user);
  }

  outgoing(username: string): string[] {
    return this.#q.outgoing.all(username, this.#cutoff(), this.opts.maxOutgoing).map((r) => r.to_user);
  }

  sweepExpired(now: number): number {
    return this.#q.sweepRequests.run(now - this.opts.ttlMs).changes + this.#q.sweepDeclines.run(now).changes;
  }
}
