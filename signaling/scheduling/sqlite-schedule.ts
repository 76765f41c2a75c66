/**
 * The embedded schedule store: one table in its own SQLite file beside the others (WAL,
 * synchronous FULL: a hold is on disk before the sender is told `scheduled`).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { HeldMessage, HoldResult, ScheduleStore } from './schedule-store';

export class SqliteSchedule implements ScheduleStore {
  readonly #db: Database.Database;
  readonly #st;

  constructor(dataDir: string) {
    const db = new Database(path.join(dataDir, 'schedule.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // `due` is `at` until claimed, then the lease's end: the index serves both claim and nextDue.
    db.exec(`CREATE TABLE IF NOT EXISTS held (
      sender TEXT NOT NULL, id TEXT NOT NULL, recipient TEXT NOT NULL, env TEXT NOT NULL,
      at INTEGER NOT NULL, due INTEGER NOT NULL, claimed INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (sender, id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS held_due ON held (due);`);
    // Group messages (`recipient` is then the group) came later: a file from before lacks the column.
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(held)').all();
    if (!columns.some((c) => c.name === 'epoch')) db.exec('ALTER TABLE held ADD COLUMN epoch INTEGER');
    // So did disappearing messages' timers.
    if (!columns.some((c) => c.name === 'ttl')) db.exec('ALTER TABLE held ADD COLUMN ttl INTEGER');
    this.#db = db;
    this.#st = {
      count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM held WHERE sender = ?'),
      // Within the sender's rows (the primary key's prefix): at most SCHEDULE_MAX_PENDING of them.
      countEpoch: db.prepare<[string, string, number], { n: number }>('SELECT count(*) AS n FROM held WHERE sender = ? AND recipient = ? AND epoch = ?'),
      insert: db.prepare('INSERT OR IGNORE INTO held (sender, id, recipient, env, at, due, epoch, ttl) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      due: db.prepare<[number, number], { sender: string; id: string; recipient: string; env: string; at: number; epoch: number | null; ttl: number | null }>(
        'SELECT sender, id, recipient, env, at, epoch, ttl FROM held WHERE due <= ? ORDER BY due LIMIT ?',
      ),
      lease: db.prepare('UPDATE held SET due = ?, claimed = 1 WHERE sender = ? AND id = ?'),
      remove: db.prepare('DELETE FROM held WHERE sender = ? AND id = ?'),
      // A claim whose lease ran out (its node died mid-delivery) is claimable again, never cancellable: it may be queued already.
      cancel: db.prepare('DELETE FROM held WHERE sender = ? AND id = ? AND claimed = 0'),
      advance: db.prepare('UPDATE held SET due = ? WHERE sender = ? AND id = ? AND claimed = 0'),
      next: db.prepare<[], { due: number | null }>('SELECT min(due) AS due FROM held'),
    };
  }

  async hold(m: HeldMessage, maxPending: number, maxPerEpoch = Number.POSITIVE_INFINITY): Promise<HoldResult> {
    return this.#db.transaction((): HoldResult => {
      const over =
        this.#st.count.get(m.sender)!.n >= maxPending ? 'full' : m.epoch !== undefined && this.#st.countEpoch.get(m.sender, m.to, m.epoch)!.n >= maxPerEpoch ? 'epoch_full' : undefined;
      if (over) return this.#db.prepare('SELECT 1 FROM held WHERE sender = ? AND id = ?').get(m.sender, m.id) ? 'duplicate' : over;
      return this.#st.insert.run(m.sender, m.id, m.to, m.env, m.at, m.at, m.epoch ?? null, m.ttl ?? null).changes === 1 ? 'held' : 'duplicate';
    })();
  }

  async claim(now: number, limit: number, leaseMs: number): Promise<HeldMessage[]> {
    return this.#db.transaction(() => {
      const rows = this.#st.due.all(now, limit);
      for (const r of rows) this.#st.lease.run(now + leaseMs, r.sender, r.id);
      return rows.map((r) => ({ sender: r.sender, id: r.id, to: r.recipient, env: r.env, at: r.at, ...(r.epoch !== null ? { epoch: r.epoch } : {}), ...(r.ttl !== null ? { ttl: r.ttl } : {}) }));
    })();
  }

  async remove(sender: string, id: string): Promise<void> {
    this.#st.remove.run(sender, id);
  }

  async cancel(sender: string, id: string): Promise<boolean> {
    return this.#st.cancel.run(sender, id).changes === 1;
  }

  async advance(sender: string, id: string, now: number): Promise<boolean> {
    return this.#st.advance.run(now, sender, id).changes === 1;
  }

  async nextDue(): Promise<number | undefined> {
    return this.#st.next.get()!.due ?? undefined;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
