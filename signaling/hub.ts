/**
 * The hub: who is online, and how a message or receipt reaches a user: live to their open
 * connection, or durably into the offline queue. Presence changes are told to online contacts.
 */
import type { Logger } from 'pino';
import { CloseCode } from '../shared/protocol';
import type { EnqueueResult, QueueItem, ReceiptKind, Store } from './store/store';
import type { InflightMessage, Session } from './session';

/** What a queued receipt counts against the hand-over window (about its frame's size). */
const RECEIPT_BYTES = 100;
/** Queued items read from the store at a time: a login never loads a whole queue into memory. */
const PAGE_ITEMS = 256;
/** The frame that carries each kind of receipt. */
const RECEIPT_FRAME = { receipt: 'delivered', refusal: 'refused' } as const;

export class Hub {
  readonly #online = new Map<string, Session>();
  /**
   * Per user, the storing of what their last connection held (see #park), while it is under way:
   * a new connection of theirs reads its queue only after it, so nothing parked is left behind.
   */
  readonly #parking = new Map<string, Promise<void>>();
  /** Connections whose user's contacts were told they are online (so must be told when they leave). */
  readonly #announced = new WeakSet<Session>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /**
     * Bytes of queued items handed to a connection before it must acknowledge some. Handing over
     * a large queue at once would overflow the send buffer and cut the connection at every login.
     */
    private readonly queueWindowBytes = 512 * 1024,
  ) {}

  get onlineCount(): number {
    return this.#online.size;
  }

  /** The user's connection if it is welcomed (a login still being answered gets no live traffic). */
  session(username: string): Session | undefined {
    const s = this.#online.get(username);
    return s?.welcomed ? s : undefined;
  }

  isOnline(username: string): boolean {
    return this.session(username) !== undefined;
  }

  /**
   * Makes `session` the user's live connection before its welcome is read from the store, so
   * nothing done meanwhile is missed: an older connection is replaced; messages for the user are
   * queued (the queue is not handed over until {@link ready}); frames others send it wait for the
   * welcome. A connection that closed already claims nothing.
   */
  claim(session: Session, username: string): boolean {
    if (session.closed) return false;
    session.username = username;
    const previous = this.#online.get(username);
    if (previous) {
      this.#online.delete(username);
      this.#park(previous);
      previous.cut(CloseCode.replaced, 'session_replaced');
    }
    this.#online.set(username, session);
    session.holdUntilWelcome();
    session.queue = { after: 0, page: [], draining: true, reading: false, again: false };
    // Contacts hear of a replacement nothing: the user never went away.
    if (previous?.welcomed) this.#announced.add(session);
    return true;
  }

  /** The welcome has gone: tell contacts, and start handing over everything queued, oldest first. */
  ready(session: Session): void {
    if (session.closed || this.#online.get(session.username!) !== session) return;
    if (!this.#announced.has(session)) {
      this.#announced.add(session);
      this.#tellContacts(session, true);
    }
    this.refill(session);
  }

  /**
   * Hands over queued items, oldest first, while the connection's window has room (always at
   * least one), reading the store a page at a time. Once a read finds nothing more the queue is
   * drained and new items go out live.
   */
  refill(session: Session): void {
    const queue = session.queue;
    if (!queue.draining || !session.welcomed) return;
    if (queue.reading) {
      queue.again = true; // the reader under way looks again before it stops
      return;
    }
    this.#refill(session).catch((err: unknown) => {
      queue.reading = false;
      this.log.error({ session: session.id, err }, 'reading the offline queue failed');
      session.send({ t: 'error', code: 'internal', message: 'internal error' });
    });
  }

  async #refill(session: Session): Promise<void> {
    const queue = session.queue;
    while (!session.closed && queue.draining) {
      if (queue.page.length === 0) {
        queue.reading = true;
        queue.again = false;
        await this.#parking.get(session.username!);
        const page = await this.store.queue.page(session.username!, queue.after, PAGE_ITEMS);
        queue.reading = false;
        // A connection replaced or closed while the page was read hands over nothing more.
        if (session.closed || session.queue !== queue) return;
        queue.page = page;
        if (page.length === 0) {
          if (queue.again) continue;
          queue.draining = false;
          return;
        }
      }
      const item = queue.page[0]!;
      const bytes = item.kind === 'msg' ? item.env.length : RECEIPT_BYTES;
      if (session.queuedBytes > 0 && session.queuedBytes + bytes > this.queueWindowBytes) return;
      queue.page.shift();
      queue.after = item.seq;
      session.handedOver(item, bytes);
      if (item.kind === 'msg') session.send({ t: 'deliver', from: item.peer, id: item.id, env: item.env, ts: item.ts });
      else session.send({ t: RECEIPT_FRAME[item.kind], by: item.peer, ids: [item.id] });
    }
  }

  /** The connection is gone: park what it held and, if it was the live one, say the user left. */
  leave(session: Session): void {
    const username = session.username;
    if (!username) return;
    if (this.#online.get(username) === session) {
      this.#online.delete(username);
      this.#park(session);
      if (this.#announced.has(session)) this.#tellContacts(session, false);
    }
  }

  /**
   * Routes a sealed message. Live if the recipient is online (the sender learns of it from the
   * receipt); otherwise stored, and the sender is told `stored` or `queue_full`.
   */
  async route(msg: InflightMessage, to: string, sender: Session): Promise<void> {
    const recipient = this.#online.get(to);
    if (recipient && !recipient.queue.draining) {
      recipient.deliver(msg);
      return;
    }
    // Storing is a commit to disk: a sender storing faster than the disk budget allows is told to slow down (it keeps the message).
    if (!sender.allowStored(msg.env.length)) {
      sender.send({ t: 'error', code: 'rate_limited', message: 'storing messages for offline contacts too fast; slow down', ref: msg.id });
      sender.holdReading();
      return;
    }
    // Older queued items are still being handed over: this one joins the queue, after them.
    const result = await this.#store(to, [msg], sender);
    if (recipient && result === 'stored') this.refill(recipient);
  }

  /**
   * `by` acknowledged (or refused) `ids` from `from`, each one delivered to `by` by this server:
   * tell the sender, live or through the queue.
   */
  async receipt(by: string, from: string, ids: string[], kind: ReceiptKind): Promise<void> {
    const sender = this.#online.get(from);
    if (sender) {
      sender.expectReceiptAcks(by, ids, kind);
      sender.send({ t: RECEIPT_FRAME[kind], by, ids });
      return;
    }
    const now = Date.now();
    await this.store.queue.enqueue(
      from,
      ids.map((id) => ({ kind, peer: by, id, ts: now })),
    );
  }

  /** Contacts changed while both may be online: keep the routing sets current. */
  linkContacts(a: string, b: string): void {
    this.#online.get(a)?.contacts.add(b);
    this.#online.get(b)?.contacts.add(a);
  }

  closeAll(code: number, reason: string): void {
    for (const s of this.#online.values()) s.cut(code, reason);
  }

  async #store(to: string, msgs: InflightMessage[], senderHint?: Session): Promise<EnqueueResult> {
    const items: QueueItem[] = msgs.map((m) => ({ kind: 'msg', peer: m.from, id: m.id, env: m.env, ts: m.ts }));
    const result = await this.store.queue.enqueue(to, items);
    for (const m of msgs) {
      const sender = senderHint?.username === m.from ? senderHint : this.#online.get(m.from);
      if (result === 'full') {
        sender?.send({ t: 'error', code: 'queue_full', message: `${to}'s offline queue is full`, ref: m.id });
      } else if (result === 'server_full') {
        sender?.send({ t: 'error', code: 'server_full', message: 'the server has no room to keep messages now', ref: m.id });
      } else {
        sender?.send({ t: 'stored', id: m.id });
      }
    }
    return result;
  }

  /**
   * Moves what a closing connection held but never acknowledged into the durable queue. What it
   * held is taken at once (synchronously); the writes are issued now, in order, and the user's
   * next connection waits for them before reading its queue.
   */
  #park(session: Session): void {
    const username = session.username!;
    const bySender = [...session.inflight.values()].map((msgs) => [...msgs.values()]).filter((msgs) => msgs.length > 0);
    session.inflight.clear();
    session.inflightBytes = 0;
    const now = Date.now();
    const receipts: QueueItem[] = [];
    for (const [by, ids] of session.inflightReceipts) for (const [id, kind] of ids) receipts.push({ kind, peer: by, id, ts: now });
    session.inflightReceipts.clear();
    if (bySender.length === 0 && receipts.length === 0) return;
    const writes: Promise<unknown>[] = bySender.map((msgs) => this.#store(username, msgs));
    if (receipts.length > 0) writes.push(this.store.queue.enqueue(username, receipts));
    const before = this.#parking.get(username);
    const done: Promise<void> = Promise.all([before, ...writes]).then(
      () => this.log.debug({ session: session.id }, 'parked unacknowledged items'),
      (err: unknown) => this.log.error({ session: session.id, err }, 'failed to park unacknowledged items'),
    );
    this.#parking.set(username, done);
    void done.finally(() => {
      if (this.#parking.get(username) === done) this.#parking.delete(username);
    });
  }

  #tellContacts(session: Session, online: boolean): void {
    const username = session.username!;
    for (const contact of session.contacts) {
      this.#online.get(contact)?.send({ t: 'presence', username, online });
    }
  }
}
