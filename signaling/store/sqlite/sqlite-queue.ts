/**
 * The offline queue in SQLite: sealed messages and receipts owed to each user, in the order the
 * server took them, deleted only when the recipient acknowledges them (or they expire). Read in
 * pages after a row's `seq` (the cursor), so a login never loads a whole queue into memory.
 *
 * Bounds: a recipient holds at most `quotaMessages` messages and `quotaBytes` of envelopes, and
 * one sender at most `senderSharePercent` of either (one contact cannot fill it for everyone);
 * receipts and refusals are capped per recipient (past the cap one is dropped: the sender still
 * holds the message and sends it again, which brings a new receipt); all of it counts against the
 * server's disk budget.
 *
 * What an acknowledgement deletes, and the receipts it queues for an offline sender, commit
 * without an fsync of their own (synchronous=NORMAL for that transaction). A
 * login taking a long queue acknowledges it in thousands of frames (one per sender and batch),
 * each deleting what it settles and queueing the senders' receipts, and an fsync each made the
 * disk, not the protocol, the pace: 10,000 queued messages took over a minute to drain on a busy
 * disk. In WAL mode such a commit survives the process being killed (it is in the OS's cache, and
 * the next fsynced commit or checkpoint makes it durable); only a power loss before then can undo
 * it: a deleted item is then handed over again and de-duplicated by the client, as after any lost
 * ack, and a lost receipt leaves the message in its sender's outbox, sent again, which brings a new
 * receipt (as when the receipt cap drops one). A message is still fsynced before `stored` is
 * answered, and so is an unsend's withdrawal.
 */
import type { QueueLimits } from '../limits';
import type Database from 'better-sqlite3';
import type { DiskBudget } from './disk-budget';
import { RelaxedCommits } from './relaxed';
import type { EnqueueResult, QueueItem, QueueStore, QueuedItem } from '../queue';

export interface QueueOptions extends QueueLimits {
  budget: DiskBudget;
}

interface QueueRow {
  seq: number;
  kind: QueueItem['kind'];
  peer: string;
  msg_id: string;
  env: string | null;
  ts: number;
}

type Usage = { n: number; bytes: number | null };

/** About what a queued row costs on disk beyond its envelope (ids, names, index entries), until the next measurement. */
const ROW_BYTES = 300;
type MessageItem = Extract<QueueItem, { kind: 'msg' }>;

/** Every method does its work (one transaction) before it returns: calls are applied in the order they are made. */
export class SqliteQueue implements QueueStore {
  readonly #q;
  readonly #relaxed: RelaxedCommits;

  constructor(
    private readonly db: Database.Database,
    private readonly opts: QueueOptions,
  ) {
    this.#relaxed = new RelaxedCommits(db);
    this.#q = {
      usage: db.prepare<[string, number], Usage>(
        "SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM queue WHERE recipient = ? AND kind = 'msg' AND expires_at > ?",
      ),
      senderUsage: db.prepare<[string, string, number], Usage>(
        "SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM queue WHERE recipient = ? AND kind = 'msg' AND peer = ? AND expires_at > ?",
      ),
      exists: db.prepare<[string, string, string], { one: number }>(
        "SELECT 1 AS one FROM queue WHERE recipient = ? AND kind = 'msg' AND peer = ? AND msg_id = ?",
      ),
      receipts: db.prepare<[string], { n: number }>(
        "SELECT COUNT(*) AS n FROM queue WHERE recipient = ? AND kind IN ('receipt', 'refusal')",
      ),
      insert: db.prepare(
        'INSERT OR IGNORE INTO queue (recipient, kind, peer, msg_id, env, bytes, ts, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      page: db.prepare<[string, number, number, number], QueueRow>(
        'SELECT seq, kind, peer, msg_id, env, ts FROM queue WHERE recipient = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?',
      ),
      remove: db.prepare<[string, string, string, string]>('DELETE FROM queue WHERE recipient = ? AND kind = ? AND peer = ? AND msg_id = ?'),
      sweep: db.prepare<[number, number]>(
        'DELETE FROM queue WHERE seq IN (SELECT seq FROM queue WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)',
      ),
    };
  }

  async enqueue(recipient: string, items: QueueItem[]): Promise<EnqueueResult> {
    // Receipts alone need no fsync of their own (see the module comment); a message always does.
    if (items.every((i) => i.kind !== 'msg')) return this.#relaxed.run(() => this.#enqueue(recipient, items));
    return this.#enqueue(recipient, items);
  }

  #enqueue(recipient: string, items: QueueItem[]): EnqueueResult {
    const now = this.opts.now();
    const expires = now + this.opts.ttlMs;
    return this.db.transaction((): EnqueueResult => {
      // Repeats are not new: a resend of a queued message must not be refused as over the quota.
      const messages = items.filter((i): i is MessageItem => i.kind === 'msg' && !this.#q.exists.get(recipient, i.peer, i.id));
      if (messages.length === 0 && items.every((i) => i.kind === 'msg')) return 'duplicate';
      const bytes = messages.reduce((sum, m) => sum + m.env.length, 0);
      if (messages.length > 0) {
        const refusal = this.#overQuota(recipient, messages, bytes, now);
        if (refusal) return refusal;
      }
      let receipts = items.some((i) => i.kind !== 'msg') ? this.#q.receipts.get(recipient)!.n : 0;
      let inserted = 0;
      let added = 0;
      for (const item of items) {
        if (item.kind !== 'msg' && receipts >= this.opts.receiptsMax) continue;
        const env = item.kind === 'msg' ? item.env : null;
        const size = (env?.length ?? 0) + ROW_BYTES;
        // Receipts are dropped rather than refused when the disk is full: the message they
        // settle is still in its sender's outbox and will be sent again.
        if (item.kind !== 'msg' && !this.opts.budget.fits(added + size)) continue;
        if (item.kind === 'msg' && !messages.includes(item)) continue; // already queued
        // A disappearing message's own end comes first when it is sooner (queue.ts messageItem).
        const ends = item.kind === 'msg' && item.expiresAt !== undefined ? Math.min(expires, item.expiresAt) : expires;
        const changes = this.#q.insert.run(recipient, item.kind, item.peer, item.id, env, env?.length ?? 0, item.ts, ends).changes;
        inserted += changes;
        if (changes > 0) {
          added += size;
          if (item.kind !== 'msg') receipts++;
        }
      }
      this.opts.budget.add(added);
      return inserted === 0 && items.every((i) => i.kind === 'msg') ? 'duplicate' : 'stored';
    })();
  }

  #overQuota(recipient: string, messages: MessageItem[], bytes: number, now: number): EnqueueResult | undefined {
    if (!this.opts.budget.fits(bytes + messages.length * ROW_BYTES)) return 'server_full';
    const usage = this.#q.usage.get(recipient, now)!;
    if (usage.n + messages.length > this.opts.quotaMessages || (usage.bytes ?? 0) + bytes > this.opts.quotaBytes) return 'full';
    const share = this.opts.senderSharePercent / 100;
    for (const peer of new Set(messages.map((m) => m.peer))) {
      const mine = messages.filter((m) => m.peer === peer);
      const mineBytes = mine.reduce((sum, m) => sum + m.env.length, 0);
      const held = this.#q.senderUsage.get(recipient, peer, now)!;
      if (held.n + mine.length > Math.max(1, Math.floor(this.opts.quotaMessages * share))) return 'full';
      if ((held.bytes ?? 0) + mineBytes > Math.max(1, Math.floor(this.opts.quotaBytes * share))) return 'full';
    }
    return undefined;
  }

  async page(recipient: string, after: string | undefined, limit: number): Promise<QueuedItem[]> {
    return this.#q.page.all(recipient, after === undefined ? 0 : Number(after), this.opts.now(), limit).map((r): QueuedItem =>
      r.kind === 'msg'
        ? { cursor: String(r.seq), kind: 'msg', peer: r.peer, id: r.msg_id, env: r.env ?? '', ts: r.ts }
        : { cursor: String(r.seq), kind: r.kind, peer: r.peer, id: r.msg_id, ts: r.ts },
    );
  }

  /** Acknowledged items go: committed without an fsync of its own (see the module comment). */
  async remove(recipient: string, kind: QueueItem['kind'], peer: string, ids: string[]): Promise<void> {
    this.#relaxed.run(() =>
      this.db.transaction(() => {
        for (const id of ids) this.#q.remove.run(recipient, kind, peer, id);
      })(),
    );
  }

  async withdraw(recipient: string, sender: string, id: string): Promise<boolean> {
    return this.#q.remove.run(recipient, 'msg', sender, id).changes > 0;
  }

  /** Deletes up to `limit` expired items (a bounded transaction: a sweep never holds the event loop for long). */
  async sweepExpired(now: number, limit: number): Promise<number> {
    return this.#q.sweep.run(now, limit).changes;
  }
}
