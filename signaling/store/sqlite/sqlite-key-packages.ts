/**
 * One-use MLS KeyPackages per user on SQLite (see ../groups.ts): the oldest is handed out first
 * and deleted in the same transaction, except the last one, kept as the last resort (RFC 9420
 * §16.8: reusing it is weaker, and SECURITY.md says so; it is better than not being addable).
 */
import type Database from 'better-sqlite3';
import type { GroupStoreLimits } from '../groups';

export class SqliteKeyPackages {
  readonly #db: Database.Database;
  readonly #q;

  constructor(
    db: Database.Database,
    private readonly opts: Pick<GroupStoreLimits, 'maxKeyPackages' | 'now'>,
  ) {
    this.#db = db;
    this.#q = {
      insert: db.prepare<[string, string, string, number]>('INSERT OR IGNORE INTO key_packages (user, ref, data, added) VALUES (?, ?, ?, ?)'),
      count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM key_packages WHERE user = ?'),
      oldest: db.prepare<[string], { ref: string; data: string }>('SELECT ref, data FROM key_packages WHERE user = ? ORDER BY added LIMIT 1'),
      remove: db.prepare<[string, string]>('DELETE FROM key_packages WHERE user = ? AND ref = ?'),
      trim: db.prepare<[string, string, number]>(
        'DELETE FROM key_packages WHERE user = ? AND ref NOT IN (SELECT ref FROM key_packages WHERE user = ? ORDER BY added DESC LIMIT ?)',
      ),
    };
  }

  async add(user: string, kps: { ref: string; data: string }[]): Promise<number> {
    return this.#db.transaction(() => {
      // One instant per upload, ordered within it: `added` counts up so the oldest is claimed first.
      const base = this.opts.now() * 1000;
      kps.forEach((kp, i) => this.#q.insert.run(user, kp.ref, kp.data, base + i));
      this.#q.trim.run(user, user, this.opts.maxKeyPackages);
      return this.#q.count.get(user)!.n;
    })();
  }

  async claim(user: string): Promise<string | undefined> {
    return this.#db.transaction(() => {
      const oldest = this.#q.oldest.get(user);
      if (!oldest) return undefined;
      if (this.#q.count.get(user)!.n > 1) this.#q.remove.run(user, oldest.ref);
      return oldest.data;
    })();
  }

  async count(user: string): Promise<number> {
    return this.#q.count.get(user)!.n;
  }
}
