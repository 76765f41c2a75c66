/**
 * Announcements on SQLite (../announcements.ts). The two tables are made here with IF NOT EXISTS
 * rather than by a numbered migration: they are new, hold nothing an older server wrote, and so
 * need no step of their own in the migration sequence other branches also add to. An ack commits
 * without an fsync of its own (relaxed.ts): a cursor lost to a power cut only shows an
 * announcement once more.
 */
import type Database from 'better-sqlite3';
import type { Announcement, AnnouncementLimits, AnnouncementStore } from '../announcements';
import type { RelaxedCommits } from './relaxed';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS announcements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS announcement_cursors (
  username TEXT PRIMARY KEY,
  cursor INTEGER NOT NULL
) WITHOUT ROWID;
`;

export class SqliteAnnouncements implements AnnouncementStore {
  readonly #q;

  constructor(
    private readonly db: Database.Database,
    private readonly relaxed: RelaxedCommits,
    private readonly limits: AnnouncementLimits & { now: () => number },
  ) {
    db.exec(SCHEMA);
    this.#q = {
      add: db.prepare<[string, number, number]>('INSERT INTO announcements (text, created_at, expires_at) VALUES (?, ?, ?)'),
      // AUTOINCREMENT never reuses an id, so trimming never makes an id that a cursor already passed.
      trim: db.prepare<[number, number]>('DELETE FROM announcements WHERE expires_at <= ? OR id NOT IN (SELECT id FROM announcements ORDER BY id DESC LIMIT ?)'),
      pending: db.prepare<[string, number], { id: number; text: string; created_at: number }>(
        `SELECT id, text, created_at FROM announcements
         WHERE id > coalesce((SELECT cursor FROM announcement_cursors WHERE username = ?), 0) AND expires_at > ?
         ORDER BY id`,
      ),
      newest: db.prepare<[], { id: number }>("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'announcements'), 0) AS id"),
      ack: db.prepare<[string, number]>(
        'INSERT INTO announcement_cursors (username, cursor) VALUES (?, ?) ON CONFLICT (username) DO UPDATE SET cursor = max(cursor, excluded.cursor)',
      ),
      cursor: db.prepare<[string], { cursor: number }>('SELECT cursor FROM announcement_cursors WHERE username = ?'),
    };
  }

  async add(text: string): Promise<Announcement> {
    const now = this.limits.now();
    return this.db.transaction(() => {
      const id = Number(this.#q.add.run(text, now, now + this.limits.ttlMs).lastInsertRowid);
      this.#q.trim.run(now, this.limits.maxKept);
      return { id, text, ts: now };
    })();
  }

  async pendingFor(user: string): Promise<Announcement[]> {
    return this.#q.pending.all(user, this.limits.now()).map((r) => ({ id: r.id, text: r.text, ts: r.created_at }));
  }

  async ack(user: string, id: number): Promise<number> {
    return this.relaxed.run(() =>
      this.db.transaction(() => {
        const newest = this.#q.newest.get()!.id;
        if (newest > 0) this.#q.ack.run(user, Math.min(id, newest));
        return this.#q.cursor.get(user)?.cursor ?? 0;
      })(),
    );
  }
}
