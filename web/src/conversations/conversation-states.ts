/**
 * Each conversation's own state on this device: how many messages arrived since the user last
 * had it open, the draft left in its composer, and its latest message (for the conversation
 * list: last-message.ts). Mirrored in memory (loaded at start), written through to IndexedDB.
 * Fires `change` when a count, draft or latest message changes.
 */
import type { ConversationRecord, Database, LastMessage, StoredMessage } from '../storage/db';
import type { ConversationId } from './conversation-id';
import { PREVIEWS_COMPUTED, lastMessageOf, latestMessages, localTime, sameLast } from './last-message';

export class ConversationStates extends EventTarget {
  readonly #records = new Map<ConversationId, ConversationRecord>();
  /** The conversation the user has in front of them: what arrives there is read at once. */
  #reading: ConversationId | undefined;
  /** Whether the tab is in front (see {@link setTabVisible}). */
  #tabVisible = true;

  constructor(private readonly db: Database) {
    super();
  }

  async load(): Promise<void> {
    for (const r of await this.db.getAll('conversations')) this.#records.set(r.id, r);
    if ((await this.db.get('settings', PREVIEWS_COMPUTED)) !== true) await this.#computePreviews();
  }

  /** A profile written before previews existed: each conversation's latest message, read once from storage. */
  async #computePreviews(): Promise<void> {
    const latest = await latestMessages(this.db);
    const tx = this.db.transaction(['conversations', 'settings'], 'readwrite');
    for (const [id, m] of latest) {
      const record = this.#records.get(id) ?? { id, unread: 0 };
      if (record.last) continue; // another tab of this profile was quicker
      record.last = lastMessageOf(m);
      this.#records.set(id, record);
      void tx.objectStore('conversations').put(record);
    }
    void tx.objectStore('settings').put(true, PREVIEWS_COMPUTED);
    await tx.done;
  }

  /** Every conversation this device keeps a state for (any kind; the list picks those it shows). */
  ids(): ConversationId[] {
    return [...this.#records.keys()];
  }

  /** The latest message of `id`, for the list (undefined for a conversation without messages). */
  last(id: ConversationId): LastMessage | undefined {
    return this.#records.get(id)?.last;
  }

  /** `id`'s messages changed: `latest` is now its latest message (undefined: none is left). */
  async noteLatest(id: ConversationId, latest: StoredMessage | undefined): Promise<void> {
    const before = this.last(id);
    if (!latest) {
      if (before) await this.#update(id, (r) => delete r.last);
      return;
    }
    const last = lastMessageOf(latest);
    if (!sameLast(before, last)) await this.#update(id, (r) => (r.last = last));
  }

  /**
   * `message` of `id` changed (undefined: one was removed, or which is unknown): the list's preview
   * follows when it is the latest; `latest` reads the latest from the history when it must.
   */
  async follow(id: ConversationId, message: StoredMessage | undefined, latest: () => Promise<StoredMessage | undefined>): Promise<void> {
    const last = this.last(id);
    // A scheduled message waits at its time, after everything else: the list shows it once it goes.
    if (message?.held) return;
    if (!message) return this.noteLatest(id, await latest());
    const same = last?.id === message.id && last.dir === message.dir;
    if (!last || same || localTime(message) >= last.at) await this.noteLatest(id, message);
  }

  unread(id: ConversationId): number {
    return this.#records.get(id)?.unread ?? 0;
  }

  get totalUnread(): number {
    let n = 0;
    for (const r of this.#records.values()) n += r.unread;
    return n;
  }

  draft(id: ConversationId): string {
    return this.#records.get(id)?.draft ?? '';
  }

  /** The user opened `id` (or closed it: undefined); opening reads what was unread there. */
  async setReading(id: ConversationId | undefined): Promise<void> {
    this.#reading = id;
    if (id && this.#tabVisible && this.unread(id) > 0) await this.#update(id, (r) => (r.unread = 0));
  }

  /**
   * The tab was hidden or shown. A conversation open in a hidden tab is not being read: what
   * arrives there counts as unread (the title says so) until the tab is shown again.
   */
  async setTabVisible(visible: boolean): Promise<void> {
    this.#tabVisible = visible;
    if (visible) await this.setReading(this.#reading);
  }

  /**
   * A message arrived in `id`: unread unless the user has it open in a visible tab. Given the
   * message, the preview follows it in the same write (one write and one `change` per arrival, not
   * one for the count and one for the preview: review M7); call it before the message is told
   * about, so `follow` then finds the preview already current.
   */
  async arrived(id: ConversationId, message?: StoredMessage): Promise<void> {
    const unread = id !== this.#reading || !this.#tabVisible;
    const before = this.last(id);
    const last = message && (!before || localTime(message) >= before.at) ? lastMessageOf(message) : undefined;
    const newLast = last && !sameLast(before, last) ? last : undefined;
    if (!unread && !newLast) return;
    await this.#update(id, (r) => {
      if (unread) r.unread++;
      if (newLast) r.last = newLast;
    });
  }

  /** The conversation the user has open, if any (what arrives there needs no notification). */
  get reading(): ConversationId | undefined {
    return this.#reading;
  }

  /** True when the user muted notifications for `id`. */
  muted(id: ConversationId): boolean {
    return this.#records.get(id)?.muted === true;
  }

  async setMuted(id: ConversationId, on: boolean): Promise<void> {
    if (this.muted(id) === on) return;
    await this.#update(id, (r) => {
      if (on) r.muted = true;
      else delete r.muted;
    });
  }

    async saveDraft(id: ConversationId, text: string): Promise<void> {
    if (this.draft(id) === text) return;
    await this.#update(id, (r) => {
      if (text) r.draft = text;
      else delete r.draft;
    });
  }

  async #update(id: ConversationId, change: (r: ConversationRecord) => void): Promise<void> {
    const record = this.#records.get(id) ?? { id, unread: 0 };
    change(record);
    this.#records.set(id, record);
    this.dispatchEvent(new Event('change'));
    await this.db.put('conversations', record);
  }
}
