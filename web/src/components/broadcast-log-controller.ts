/**
 * What a broadcast list's view shows: its latest messages, each with every recipient's copy as the
 * 1:1 message now stands (conversations/broadcast-tally.ts). Read again when the list changes
 * (a message sent in it); a copy's state follows its 1:1 message's events (delivered, read,
 * failed) without reading anything again.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type CopyView, copyViews, viewOf } from '../conversations/broadcast-tally';
import type { BroadcastEvent } from '../conversations/broadcasts';
import type { ConversationEvent } from '../conversations/messenger';
import type { StoredBroadcastSend } from '../storage/db';
import type { Services } from './context';

/** The messages shown: enough for a list's recent history; older entries stay in storage. */
const SHOWN = 30;

export interface ShownSend {
  entry: StoredBroadcastSend;
  copies: CopyView[];
}

export class BroadcastLogController implements ReactiveController {
  shown: ShownSend[] | undefined;
  /** Copy id → where it is shown. */
  #byCopy = new Map<string, { send: number; copy: number }>();
  /** Bumped by each read, so an older read finishing late is dropped. */
  #reads = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly services: () => Services,
    private readonly list: () => string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const s = this.services();
    s.broadcasts.addEventListener('change', this.#onList);
    s.messenger.addEventListener('conversation', this.#onCopy);
    void this.reload();
  }

  hostDisconnected(): void {
    const s = this.services();
    s.broadcasts.removeEventListener('change', this.#onList);
    s.messenger.removeEventListener('conversation', this.#onCopy);
  }

  async reload(): Promise<void> {
    const read = ++this.#reads;
    const { broadcasts, messenger } = this.services();
    const entries = await broadcasts.sends(this.list(), SHOWN);
    const shown = await Promise.all(entries.map(async (entry) => ({ entry, copies: await copyViews(entry, messenger.history, broadcasts.sending(entry.id)) })));
    if (read !== this.#reads) return;
    this.shown = shown;
    this.#byCopy = new Map(shown.flatMap((s, send) => s.copies.flatMap((c, copy) => (c.id ? [[c.id, { send, copy }] as const] : []))));
    this.host.requestUpdate();
  }

  #onList = (e: Event) => {
    if ((e as BroadcastEvent).list === this.list()) void this.reload();
  };

  #onCopy = (e: Event) => {
    const { message, removed } = e as ConversationEvent;
    const at = message && !removed && message.dir === 'out' ? this.#byCopy.get(message.id) : undefined;
    const send = at && this.shown?.[at.send];
    if (!at || !send) return;
    send.copies[at.copy] = viewOf(send.copies[at.copy]!.peer, message!);
    this.shown = [...this.shown!];
    this.host.requestUpdate();
  };
}
