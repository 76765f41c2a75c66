/**
 * A conversation's history, read a page at a time through the `byConv` index ([conv, seq]), never
 * whole: the log opens with the latest page (`latest`), reads older ones as the user scrolls up
 * (`before`), newer ones as they scroll back down (`after`), and can open at any message
 * (`around`, the entry point search uses to "open at message").
 *
 * Every record read goes through one identity map (`adopt`): while anything holds a message (the
 * log's window, a receipt being applied), every reader gets that same object, so a change made by
 * one (a state, a reaction) is the change every other sees and writes. The map holds its messages
 * weakly: what nothing shows or changes any more is left to the garbage collector, and read again
 * from IndexedDB when wanted.
 */
import type { Database, Direction, StoredMessage } from '../storage/db';
import type { ConversationId } from './conversation-id';

/** How many messages a page holds: what the log shows when a conversation opens, and reads at a time. */
export const PAGE_SIZE = 50;

/** The key of a message in the identity map (its IndexedDB key, joined). */
const keyOf = (conv: ConversationId, dir: Direction, id: string) => `${conv}\u0000${dir}\u0000${id}`;

/** A window of a conversation: its messages oldest first, and whether more lie before or after it. */
export interface HistoryPage {
  messages: StoredMessage[];
  /** Older messages exist before the first one. */
  hasOlder: boolean;
  /** Newer messages exist after the last one. */
  hasNewer: boolean;
}

export class History {
  readonly #live = new Map<string, WeakRef<StoredMessage>>();
  /** Drops a key once its message was collected (unless the key now holds a newer one). */
  readonly #gone = new FinalizationRegistry<string>((key) => {
    if (this.#live.get(key)?.deref() === undefined) this.#live.delete(key);
  });

  constructor(private readonly db: Database) {}

  /**
   * The copy every reader shares of `record` (read from storage, or new): the one already held
   * if there is one, else `record`, now held.
   */
  adopt(record: StoredMessage): StoredMessage {
    const key = keyOf(record.conv, record.dir, record.id);
    const held = this.#live.get(key)?.deref();
    if (held) return held;
    this.#live.set(key, new WeakRef(record));
    this.#gone.register(record, key);
    return record;
  }

  /** A message deleted from this device: its shared copy is no longer handed out. */
  forget(message: StoredMessage): void {
    this.#live.delete(keyOf(message.conv, message.dir, message.id));
  }

  /** The shared copy of a message, if one is held now (no storage read). */
  held(conv: ConversationId, dir: Direction, id: string): StoredMessage | undefined {
    return this.#live.get(keyOf(conv, dir, id))?.deref();
  }

  /** Message `id` of `conv` (either direction unless `dir` is given; an incoming one first). */
  async find(conv: ConversationId, id: string, dir?: Direction): Promise<StoredMessage | undefined> {
    for (const d of dir ? [dir] : (['in', 'out'] as const)) {
      const held = this.held(conv, d, id);
      if (held) return held;
      const stored = await this.db.get('messages', [conv, d, id]);
      if (stored) return this.adopt(stored);
    }
    return undefined;
  }

  /** The newest message of `conv` that `match` accepts, reading back from the end; for what has no index (a file's id). */
  async findLast(conv: ConversationId, match: (m: StoredMessage) => boolean): Promise<StoredMessage | undefined> {
    let cursor = await this.db.transaction('messages').store.index('byConv').openCursor(range(conv), 'prev');
    while (cursor) {
      const m = this.held(conv, cursor.value.dir, cursor.value.id) ?? cursor.value;
      if (match(m)) return this.adopt(m);
      cursor = await cursor.continue();
    }
    return undefined;
  }

  /** The latest `n` messages of `conv`. */
  async latest(conv: ConversationId, n = PAGE_SIZE): Promise<HistoryPage> {
    const older = await this.#read(range(conv), 'prev', n + 1);
    return { messages: older.slice(0, n).reverse(), hasOlder: older.length > n, hasNewer: false };
  }

  /** Up to `n` messages of `conv` just before local sequence `seq`, oldest first. */
  async before(conv: ConversationId, seq: number, n = PAGE_SIZE): Promise<StoredMessage[]> {
    return (await this.#read(IDBKeyRange.bound([conv, -Infinity], [conv, seq], false, true), 'prev', n)).reverse();
  }

  /** Up to `n` messages of `conv` just after local sequence `seq`, oldest first. */
  async after(conv: ConversationId, seq: number, n = PAGE_SIZE): Promise<StoredMessage[]> {
    return this.#read(IDBKeyRange.bound([conv, seq], [conv, Infinity], true, false), 'next', n);
  }

  /**
   * "Open at message": a window of about `n` messages of `conv` with message `id` in it (a little
   * more before it than after, so the reader sees what led to it). Undefined when there is no
   * such message.
   */
  async around(conv: ConversationId, id: string, n = PAGE_SIZE): Promise<HistoryPage | undefined> {
    const target = await this.find(conv, id);
    if (!target) return undefined;
    const below = Math.floor(n / 3);
    const [older, newer] = await Promise.all([this.before(conv, target.seq, n - below), this.after(conv, target.seq, below + 1)]);
    return {
      messages: [...older, target, ...newer.slice(0, below)],
      hasOlder: older.length === n - below && (await this.before(conv, older[0]!.seq, 1)).length > 0,
      hasNewer: newer.length > below,
    };
  }

  /**
   * The oldest of the last `unread` incoming messages of `conv`: where a conversation with that
   * many unread opens. Undefined when none are unread (or there are fewer incoming ones).
   */
  async firstUnread(conv: ConversationId, unread: number): Promise<StoredMessage | undefined> {
    if (unread <= 0) return undefined;
    let cursor = await this.db.transaction('messages').store.index('byConv').openCursor(range(conv), 'prev');
    let seen = 0;
    let last: StoredMessage | undefined;
    while (cursor) {
      if (cursor.value.dir === 'in') {
        last = cursor.value;
        if (++seen === unread) break;
      }
      cursor = await cursor.continue();
    }
    return last && this.adopt(last);
  }

  /**
   * Every message of `conv`, oldest first. Reads the whole conversation: for tests and small
   * tools, never for the log (which reads pages).
   */
  async all(conv: ConversationId): Promise<StoredMessage[]> {
    return (await this.db.getAllFromIndex('messages', 'byConv', range(conv))).map((m) => this.adopt(m));
  }

  /**
   * Up to `n` messages in `keys`: the first ones (`next`), or the last ones, newest first
   * (`prev`). The last ones are found with a key cursor that skips back `n - 1` keys in one step
   * and then read in one request, not one request per message.
   */
  async #read(keys: IDBKeyRange, direction: IDBCursorDirection, n: number): Promise<StoredMessage[]> {
    if (n <= 0) return [];
    const index = this.db.transaction('messages').store.index('byConv');
    if (direction === 'next') return (await index.getAll(keys, n)).map((m) => this.adopt(m));
    let cursor = await index.openKeyCursor(keys, 'prev');
    if (cursor && n > 1) cursor = await cursor.advance(n - 1);
    const from = cursor ? IDBKeyRange.bound(cursor.key, keys.upper, false, keys.upperOpen) : keys;
    return (await index.getAll(from)).reverse().map((m) => this.adopt(m));
  }
}

const range = (conv: ConversationId) => IDBKeyRange.bound([conv, -Infinity], [conv, Infinity]);
