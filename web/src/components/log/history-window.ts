/**
 * The part of a conversation the log holds: a window of at most MAX_WINDOW messages, read a page
 * at a time (conversations/history.ts), moving up as the reader scrolls up and down as they come
 * back. Live changes reach it through the messenger's `conversation` events: a message in the
 * window is the shared copy, so it only needs drawing again; a new one joins the window when the
 * window reaches the latest message, and is counted (`newBelow`) when the reader is elsewhere.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConversationId } from '../../conversations/conversation-id';
import { PAGE_SIZE, type HistoryPage } from '../../conversations/history';
import type { ConversationEvent, Messenger } from '../../conversations/messenger';
import type { StoredMessage } from '../../storage/db';
import { rowKey } from './day-separators';

/** The most messages the log holds at once (a few pages): scrolling on reads more and lets the far end go. */
export const MAX_WINDOW = 4 * PAGE_SIZE;

/** Where a conversation opens: at its latest message, its first unread one, or one message (search). */
export type OpenAt = { kind: 'latest' } | { kind: 'unread'; count: number } | { kind: 'message'; id: string };

export interface WindowHost extends ReactiveControllerHost {
  /** The reader is at the bottom of the log (a new message there is seen, not counted). */
  readonly atBottom: boolean;
}

export class HistoryWindow implements ReactiveController {
  messages: StoredMessage[] = [];
  hasOlder = false;
  hasNewer = false;
  /** Messages that arrived below the view since the reader left the bottom. */
  newBelow = 0;
  /** Where the view goes once drawn (set by `open`): row `key` (in the middle with `center`), or the bottom. */
  focus: { key?: string; center: boolean } | undefined;
  /** The reader sent a message since the last drawing: the log goes to the bottom to show it. */
  sentHere = false;
  #conv: ConversationId | undefined;
  #keys = new Set<string>();
  #loading: Promise<void> | undefined;
  /** Counts opens: what an earlier open read in is dropped. */
  #generation = 0;

  constructor(
    private readonly host: WindowHost,
    private readonly messenger: () => Messenger,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.messenger().addEventListener('conversation', this.#changed);
  }

  hostDisconnected(): void {
    this.messenger().removeEventListener('conversation', this.#changed);
  }

  get conv(): ConversationId | undefined {
    return this.#conv;
  }

  /** Shows `conv` from `at`; resolves once its first page is in. */
  async open(conv: ConversationId, at: OpenAt = { kind: 'latest' }): Promise<void> {
    const generation = ++this.#generation;
    if (conv !== this.#conv) this.#set([]); // never another conversation's messages under this one's name
    this.#conv = conv;
    this.#loading = undefined;
    const history = this.messenger().history;
    let page: HistoryPage | undefined;
    let focus: NonNullable<HistoryWindow['focus']> = { center: false };
    if (at.kind === 'message') {
      page = await history.around(conv, at.id);
      const target = page?.messages.find((m) => m.id === at.id);
      if (target) focus = { key: rowKey(target), center: true };
    } else if (at.kind === 'unread') {
      const first = await history.firstUnread(conv, at.count);
      page = first && (await history.around(conv, first.id));
      if (first) focus = { key: rowKey(first), center: false };
    }
    page ??= await history.latest(conv);
    if (generation !== this.#generation) return;
    this.#set(page.messages);
    this.hasOlder = page.hasOlder;
    this.hasNewer = page.hasNewer;
    this.newBelow = 0;
    this.focus = focus;
    this.host.requestUpdate();
  }

  /** Reads the page before the window (dropping the newest when the window is full). */
  loadOlder(): Promise<void> {
    const first = this.messages[0];
    if (!this.hasOlder || !first || this.#loading) return this.#loading ?? Promise.resolve();
    return this.#load(async (conv) => {
      const older = await this.messenger().history.before(conv, first.seq);
      const messages = [...older, ...this.messages];
      const drop = Math.max(0, messages.length - MAX_WINDOW);
      this.hasOlder = older.length === PAGE_SIZE;
      if (drop) this.hasNewer = true;
      this.#set(messages.slice(0, messages.length - drop));
    });
  }

  /** Reads the page after the window (dropping the oldest when the window is full). */
  loadNewer(): Promise<void> {
    const last = this.messages.at(-1);
    if (!this.hasNewer || !last || this.#loading) return this.#loading ?? Promise.resolve();
    return this.#load(async (conv) => {
      const newer = await this.messenger().history.after(conv, last.seq);
      const messages = [...this.messages, ...newer];
      const drop = Math.max(0, messages.length - MAX_WINDOW);
      this.hasNewer = newer.length === PAGE_SIZE;
      if (drop) this.hasOlder = true;
      this.#set(messages.slice(drop));
    });
  }

  /** Makes the window the latest page (when it is elsewhere) and forgets the count of new ones. */
  async toLatest(): Promise<void> {
    this.newBelow = 0;
    if (this.hasNewer && this.#conv) await this.open(this.#conv);
    else this.host.requestUpdate();
  }

  /** The reader reached the bottom: what was new there is seen. */
  seen(): void {
    if (this.newBelow === 0 || this.hasNewer) return;
    this.newBelow = 0;
    this.host.requestUpdate();
  }

  async #load(read: (conv: ConversationId) => Promise<void>): Promise<void> {
    const conv = this.#conv;
    const generation = this.#generation;
    if (!conv) return;
    this.#loading = (async () => {
      try {
        const before = this.messages;
        await read(conv);
        if (generation !== this.#generation) this.messages = before;
        else this.host.requestUpdate();
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  #set(messages: StoredMessage[]): void {
    this.messages = messages;
    this.#keys = new Set(messages.map(rowKey));
  }

  #changed = (e: Event) => {
    const { conv, message, removed } = e as ConversationEvent;
    if (conv !== this.#conv) return;
    if (message && removed) this.#removed(message);
    else if (message) this.#arrived(message);
    else void this.#readNewer(); // a change that names no message: whatever is new follows the window's end
    this.host.requestUpdate();
  };

  /** A message changed or arrived: drawn again when in the window, added when new at its end. */
  #arrived(message: StoredMessage): void {
    const key = rowKey(message);
    if (this.#keys.has(key)) {
      const i = this.messages.findIndex((m) => rowKey(m) === key);
      if (i >= 0 && this.messages[i] !== message) this.messages = [...this.messages.slice(0, i), message, ...this.messages.slice(i + 1)];
      return;
    }
    const last = this.messages.at(-1);
    // Before the window's end is not always above it: one's own scheduled message waits at its
    // time, below what is written meanwhile (conversations/scheduled.ts), which goes in at its place.
    const before = last !== undefined && message.seq <= last.seq;
    if (before && (this.hasNewer || (this.hasOlder && message.seq < this.messages[0]!.seq))) return; // above the window, or dropped from it
    const own = message.dir === 'out' && message.state === 'sending';
    if (own) this.sentHere = true; // what the reader just sent, they see sent
    if (this.hasNewer) {
      if (own) void this.toLatest();
      return;
    }
    if (message.dir === 'in' && !this.host.atBottom) this.newBelow++;
    const later = before ? this.messages.findIndex((m) => m.seq > message.seq) : -1;
    const at = later < 0 ? this.messages.length : later;
    this.#set([...this.messages.slice(0, at), message, ...this.messages.slice(at)]);
  }

  /** A message deleted from this device leaves the window. */
  #removed(message: StoredMessage): void {
    const key = rowKey(message);
    if (!this.#keys.has(key)) return;
    this.#set(this.messages.filter((m) => rowKey(m) !== key));
  }

  async #readNewer(): Promise<void> {
    const conv = this.#conv;
    const last = this.messages.at(-1);
    if (!conv || this.hasNewer) return;
    const newer = last ? await this.messenger().history.after(conv, last.seq) : (await this.messenger().history.latest(conv)).messages;
    if (conv !== this.#conv) return;
    for (const m of newer) this.#arrived(m);
    if (newer.length) this.host.requestUpdate();
  }
}
