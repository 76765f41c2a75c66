/**
 * A search index in memory, so that searching again (the next letter, the next query) does not
 * read the whole messages store again: the folded text of every message, by conversation, read
 * once with the first search (search.ts's cursor) and kept current from the Messenger's
 * `conversation` events: the message an event carries (sent, arrived, edited, deleted) replaces its
 * own entry, so a message costs the index one map update, not a read of its whole conversation
 * (10,000 messages, on every arrival and every receipt: review M7); only an event without its
 * message has the conversation read again before the next search. `version` moves only when what a
 * search would find may have changed (a receipt's state change does not), so a standing query is
 * run again only then. Bounded: a history over SEARCH_INDEX_MAX_MESSAGES is not held, and every
 * search then reads storage (search.ts), as it would without this index.
 */
import type { ConversationId, Database, StoredMessage } from '../storage/db';
import { MAX_QUERY_CHARS, SEARCH_MAX_RESULTS, type SearchHit, TopBySeq, fold, searchMessages, snippetOf } from './search';

/** The most messages held in memory for searching (about 300 bytes each for a short message: ~6 MB). */
export const SEARCH_INDEX_MAX_MESSAGES = 20_000;
/** How many records one read of the store takes while the index is built. */
export const BUILD_BATCH = 1000;

interface Entry {
  m: Pick<StoredMessage, 'conv' | 'peer' | 'dir' | 'id' | 'seq' | 'ts' | 'text'>;
  folded: string;
}

const searchable = (m: StoredMessage) => !m.deleted && !m.unsupported && !!m.text;

function entry(m: StoredMessage): Entry {
  return { m: { conv: m.conv, peer: m.peer, dir: m.dir, id: m.id, seq: m.seq, ts: m.ts, text: m.text }, folded: fold(m.text) };
}

/** One conversation's entries, by direction and id (an id is unique only with its direction). */
type ConvEntries = Map<string, Entry>;
const keyOf = (m: Pick<StoredMessage, 'dir' | 'id'>) => `${m.dir}:${m.id}`;

function entriesOf(messages: readonly StoredMessage[]): ConvEntries {
  const entries: ConvEntries = new Map();
  for (const m of messages) if (searchable(m)) entries.set(keyOf(m), entry(m));
  return entries;
}

export class SearchIndex {
  #convs: Map<ConversationId, ConvEntries> | undefined;
  #building: Promise<void> | undefined;
  /** The history is over the bound: searches read storage. */
  #tooLarge = false;
  readonly #dirty = new Set<ConversationId>();
  #version = 0;
  /** About how many entries are held (counted exactly at each build and refresh; an update adds one). */
  #held = 0;

  constructor(
    private readonly db: Database,
    private readonly maxMessages = SEARCH_INDEX_MAX_MESSAGES,
  ) {}

  /** Moves whenever a search may find something else than before (see the module's comment). */
  get version(): number {
    return this.#version;
  }

  /**
   * `conv`'s messages changed: `message` (the message as it is now) when the event named it,
   * `removed` when it is gone from this device. Without a message, `conv` is read again before the
   * next search.
   */
  changed(conv: ConversationId, message?: StoredMessage, removed = false): void {
    const convs = this.#convs;
    if (!convs || !message || message.conv !== conv) {
      // Not held (being read: read again after; too large: storage is searched), or not known what changed.
      this.#dirty.add(conv);
      this.#version++;
      return;
    }
    let entries = convs.get(conv);
    const key = keyOf(message);
    const before = entries?.get(key);
    if (removed || !searchable(message)) {
      if (before) {
        entries!.delete(key);
        this.#version++;
      }
      return;
    }
    // A receipt, a reaction, a new state: the same text, nothing a search would see.
    if (before && before.m.text === message.text && before.m.seq === message.seq && before.m.ts === message.ts) return;
    if (!entries) convs.set(conv, (entries = new Map()));
    entries.set(key, entry(message));
    if (!before) this.#held++;
    this.#version++;
    if (this.#held > this.maxMessages) this.#dirty.add(conv); // #refresh counts and lets go
  }

  /**
   * Reads the store into memory now, if it is not yet (the first search otherwise waits for it):
   * called when the user goes to the Search box, so the first query is answered from memory.
   */
  async warm(): Promise<void> {
    if (!this.#convs && !this.#tooLarge) await (this.#building ??= this.#build().finally(() => (this.#building = undefined)));
  }

  /** As searchMessages (search.ts): the newest `limit` messages containing `query`, newest first. */
  async search(query: string, { signal, limit = SEARCH_MAX_RESULTS }: { signal?: AbortSignal; limit?: number } = {}): Promise<SearchHit[]> {
    const needle = fold(query.trim().slice(0, MAX_QUERY_CHARS));
    if (!needle) return [];
    await this.warm();
    if (this.#tooLarge || !this.#convs) return searchMessages(this.db, query, { signal, limit });
    await this.#refresh();
    signal?.throwIfAborted();
    const top = new TopBySeq(limit);
    for (const entries of this.#convs.values()) {
      for (const { m, folded } of entries.values()) {
        if (!top.wants(m.seq) || !folded.includes(needle)) continue;
        top.add({ conv: m.conv, peer: m.peer, dir: m.dir, id: m.id, seq: m.seq, ts: m.ts, snippet: snippetOf(m.text, needle, folded)! });
      }
    }
    return top.list;
  }

  /**
   * Reads the store BUILD_BATCH records at a time (a cursor costs a turn of the event loop per
   * record: 10,000 of them took seconds on a busy tab), in key order from where the last batch
   * ended. What changes meanwhile is read again afterwards (the conversations it marks dirty).
   */
  async #build(): Promise<void> {
    this.#dirty.clear();
    const convs = new Map<ConversationId, ConvEntries>();
    let count = 0;
    let after: StoredMessage | undefined;
    for (;;) {
      const range = after ? IDBKeyRange.lowerBound([after.conv, after.dir, after.id], true) : undefined;
      const batch = await this.db.getAll('messages', range, Math.min(BUILD_BATCH, this.maxMessages - count + 1));
      count += batch.length;
      if (count > this.maxMessages) {
        this.#tooLarge = true;
        return;
      }
      for (const m of batch) {
        if (!searchable(m)) continue;
        let entries = convs.get(m.conv);
        if (!entries) convs.set(m.conv, (entries = new Map()));
        entries.set(keyOf(m), entry(m));
      }
      if (batch.length < BUILD_BATCH) break;
      after = batch.at(-1);
    }
    this.#convs = convs;
    this.#held = count;
  }

  /** Reads the conversations that changed since the last search again. */
  async #refresh(): Promise<void> {
    const convs = this.#convs!;
    for (const conv of [...this.#dirty]) {
      this.#dirty.delete(conv);
      const messages = await this.db.getAllFromIndex('messages', 'byConv', IDBKeyRange.bound([conv, -Infinity], [conv, Infinity]));
      convs.set(conv, entriesOf(messages));
    }
    let count = 0;
    for (const entries of convs.values()) count += entries.size;
    this.#held = count;
    if (count > this.maxMessages) {
      this.#tooLarge = true;
      this.#convs = undefined;
    }
  }
}
