/**
 * The local router: the single process, where every logged-in connection is in one map. A
 * message or receipt reaches a user live on their connection, or durably through the offline
 * queue; presence changes are told to contacts. See router.ts for the face it implements.
 */
import type { Logger } from 'pino';
import { CloseCode } from '../../shared/protocol';
import type { InflightMessage, Session } from '../session';
import type { EnqueueResult, ReceiptKind, Store } from '../store/store';
import { messageItem } from '../store/queue';
import { seesPresence } from '../policy';
import { arrive } from './arrive';
import { Handover } from './handover';
import type { AnnouncementsFrame, Arrival, DeliverResult, Routed, Router } from './router';

export class LocalRouter implements Router {
  readonly #online = new Map<string, Session>();
  /** Connections whose user's contacts were told they are online (so must be told when they leave). */
  readonly #announced = new WeakSet<Session>();
  readonly #handover: Handover;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly maxBufferedBytes: number,
    /** Bytes of queued items handed to a connection before it must acknowledge some (see Handover). */
    queueWindowBytes = 512 * 1024,
  ) {
    this.#handover = new Handover(store, log, queueWindowBytes);
  }

  get onlineCount(): number {
    return this.#online.size;
  }

  /** The user's connection if it is welcomed (a login still being answered gets no live traffic). */
  #live(username: string): Session | undefined {
    const s = this.#online.get(username);
    return s?.welcomed ? s : undefined;
  }

  claim(session: Session, username: string): boolean {
    if (session.closed) return false;
    session.username = username;
    const previous = this.#online.get(username);
    if (previous) {
      this.#online.delete(username);
      this.#handover.park(previous, this.#answer);
      previous.cut(CloseCode.replaced, 'session_replaced');
    }
    this.#online.set(username, session);
    session.holdUntilWelcome();
    this.#handover.begin(session);
    // Contacts hear nothing of a replacement: the user never went away.
    if (previous && this.#announced.has(previous)) this.#announced.add(session);
    return true;
  }

  ready(session: Session): void {
    if (session.closed || this.#online.get(session.username!) !== session) return;
    if (!this.#announced.has(session)) {
      this.#announced.add(session);
      this.#tellContacts(session, true);
    }
    this.#handover.refill(session);
  }

  leave(session: Session): void {
    const username = session.username;
    if (!username || this.#online.get(username) !== session) return;
    this.#online.delete(username);
    this.#handover.park(session, this.#answer);
    if (this.#announced.has(session)) this.#tellContacts(session, false);
  }

  async online(users: readonly string[]): Promise<Set<string>> {
    return new Set(users.filter((u) => this.#live(u)));
  }

  /** Synchronous when the recipient is live (the relay's usual case): no promise per message. */
  message(msg: InflightMessage, to: string, sender: Session): Promise<void> | void {
    const recipient = this.#online.get(to);
    if (recipient && recipient.welcomed && !recipient.queue.draining) {
      this.#arrive(recipient, { t: 'message', msg });
      return;
    }
    // Storing is a commit to disk: a sender storing faster than the disk budget allows is told to slow down (it keeps the message).
    if (!sender.allowStored(msg.env.length)) {
      sender.send({ t: 'error', code: 'rate_limited', message: 'storing messages for offline contacts too fast; slow down', ref: msg.id });
      sender.holdReading();
      return;
    }
    return this.#queueMessage(msg, to, recipient);
  }

  async #queueMessage(msg: InflightMessage, to: string, recipient: Session | undefined): Promise<void> {
    // Older queued items are still being handed over (or the login is not welcomed yet): this one joins the queue, after them.
    const result = await this.#handover.queueMessages(to, [msg], this.#answer);
    if (result === 'stored' && this.#online.get(to) === recipient && recipient) this.#handover.refill(recipient);
  }

  async release(msg: InflightMessage, to: string): Promise<EnqueueResult> {
    const result = await this.store.queue.enqueue(to, [messageItem(msg)]);
    const recipient = this.#online.get(to);
    // A drained queue reads again from its cursor: the new item is after it.
    if (result === 'stored' && recipient?.welcomed) {
      recipient.queue.draining = true;
      this.#handover.refill(recipient);
    }
    return result;
  }

  receipt(by: string, from: string, ids: string[], kind: ReceiptKind): Promise<void> | void {
    const sender = this.#online.get(from);
    if (sender) {
      this.#arrive(sender, { t: 'receipt', by, ids, kind });
      return;
    }
    const now = Date.now();
    return this.store.queue
      .enqueue(
        from,
        ids.map((id) => ({ kind, peer: by, id, ts: now })),
      )
      .then(() => undefined);
  }

  async deliver(user: string, routed: Routed): Promise<DeliverResult> {
    // Notices and changes reach a login still being answered too (they wait behind its welcome).
    const session = routed.t === 'notice' || routed.t === 'change' ? this.#online.get(user) : this.#live(user);
    return session ? this.#arrive(session, routed) : 'offline';
  }

  refill(session: Session): void {
    this.#handover.refill(session);
  }

  async everyone(frame: AnnouncementsFrame): Promise<void> {
    for (const s of this.#online.values()) if (s.welcomed && !s.closed) s.send(frame);
  }

  closeAll(code: number, reason: string): void {
    for (const s of this.#online.values()) s.cut(code, reason);
  }

  #arrive(session: Session, arrival: Arrival): DeliverResult {
    return arrive(session, arrival, this.maxBufferedBytes);
  }

  /** Tells a message's sender, if connected here, whether the server kept it. */
  readonly #answer = (from: string, id: string, result: EnqueueResult): void => {
    const sender = this.#online.get(from);
    if (result === 'full') sender?.send({ t: 'error', code: 'queue_full', message: "the recipient's offline queue is full", ref: id });
    else if (result === 'server_full') sender?.send({ t: 'error', code: 'server_full', message: 'the server has no room to keep messages now', ref: id });
    else sender?.send({ t: 'stored', id });
  };

  #tellContacts(session: Session, online: boolean): void {
    const username = session.username!;
    for (const contact of session.contacts) {
      if (!seesPresence(session, contact)) continue;
      const other = this.#online.get(contact);
      if (other) this.#arrive(other, { t: 'notice', frame: { t: 'presence', username, online } });
    }
  }
}
