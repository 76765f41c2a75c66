/**
 * Group receipts on SQLite (../group-receipts.ts): the read cursor and the seq that added a
 * member are columns of `group_members` (so a removal or a new add resets them with the row),
 * the message index is `group_messages`. Both writes commit without an fsync of their own
 * (relaxed.ts): a read cursor or an index row lost to a power cut only makes "Message info" show
 * a little less, never something false.
 */
import type Database from 'better-sqlite3';
import type { GroupReceiptStore, MemberPosition } from '../group-receipts';
import type { RelaxedCommits } from './relaxed';

export class SqliteGroupReceipts implements GroupReceiptStore {
  readonly #q;

  constructor(
    private readonly db: Database.Database,
    private readonly relaxed: RelaxedCommits,
    /** The log's count bound: the index keeps no more per group. */
    private readonly maxEntries: number,
  ) {
    this.#q = {
      note: db.prepare<[string, string, number, string]>('INSERT OR IGNORE INTO group_messages (group_id, msg_id, seq, sender) VALUES (?, ?, ?, ?)'),
      trim: db.prepare<[string, number]>('DELETE FROM group_messages WHERE group_id = ? AND seq <= ?'),
      message: db.prepare<[string, string], { seq: number; sender: string }>('SELECT seq, sender FROM group_messages WHERE group_id = ? AND msg_id = ?'),
      seqOf: db.prepare<[string], { seq: number }>('SELECT seq FROM groups WHERE id = ?'),
      markRead: db.prepare<[number, string, string]>('UPDATE group_members SET read_cursor = max(read_cursor, ?) WHERE group_id = ? AND user = ? AND active = 1'),
      readOf: db.prepare<[string, string], { read_cursor: number }>('SELECT read_cursor FROM group_members WHERE group_id = ? AND user = ? AND active = 1'),
      positions: db.prepare<[string], { user: string; joined: number; cursor: number; read_cursor: number }>(
        'SELECT user, joined, cursor, read_cursor FROM group_members WHERE group_id = ? AND active = 1 ORDER BY leaf',
      ),
    };
  }

  async noteMessage(group: string, id: string, seq: number, from: string): Promise<void> {
    this.relaxed.run(() =>
      this.db.transaction(() => {
        this.#q.note.run(group, id, seq, from);
        this.#q.trim.run(group, seq - this.maxEntries);
      })(),
    );
  }

  async message(group: string, id: string): Promise<{ seq: number; from: string } | undefined> {
    const row = this.#q.message.get(group, id);
    return row ? { seq: row.seq, from: row.sender } : undefined;
  }

  async markRead(group: string, user: string, seq: number): Promise<number | undefined> {
    return this.relaxed.run(() =>
      this.db.transaction(() => {
        const end = this.#q.seqOf.get(group)?.seq;
        if (end === undefined) return undefined;
        this.#q.markRead.run(Math.min(seq, end), group, user);
        return this.#q.readOf.get(group, user)?.read_cursor;
      })(),
    );
  }

  async positions(group: string): Promise<MemberPosition[]> {
    return this.#q.positions.all(group).map((r) => ({ user: r.user, joined: r.joined, cursor: r.cursor, read: r.read_cursor }));
  }
}
