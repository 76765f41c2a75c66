/**
 * The cluster router's delivery: what is owed to a user (messages, receipts) always goes through
 * their durable stream in the store. One script writes it and, once written, publishes the new
 * entries to the holder's node (stream-writer.ts), which hands them straight to the connection
 * when they follow what it was handed last (stream-tail.ts), or else reads the stream as the
 * offline queue is read (handover.ts, one reader per connection, within its window). So a node
 * that dies or loses Redis for a moment loses nothing: the user's next connection, or this node
 * once Redis is back, reads the stream again. What is never stored (signals, relayed chunks,
 * notices, routing changes) goes to the holder's inbox channel and is applied there with
 * arrive.ts, under that connection's limits.
 */
import type { Logger } from 'pino';
import { ProtocolError } from '../../errors';
import type { InflightMessage, Session } from '../../session';
import type { EnqueueResult, QueueItem, ReceiptKind, Store } from '../../store/store';
import { messageItem } from '../../store/queue';
import { arrive } from '../arrive';
import { Handover } from '../handover';
import type { DeliverResult, Routed } from '../router';
import type { StoredAnswer } from '../handover';
import { encodeInbox, isVolatile } from './inbox';
import type { Presence } from './presence';
import { handTail } from './stream-tail';
import type { StreamEntry } from './stream-entry';
import type { StreamWriter } from './stream-writer';
import { type ItemResult, type MessageItem, WriteBatcher } from './write-batch';

/** How soon a connection whose stream could not be read (Redis away) is read again. */
const RETRY_READ_MS = 500;
/**
 * Messages of one connection being written at once (see ClusterDelivery.message): enough for a
 * busy sender's burst to share an fsync, few enough that a connection holds little in memory.
 */
export const SENDS_IN_FLIGHT = 64;
/** What message() answers while the sender has room: one promise for all, none per message. */
const GOING = Promise.resolve();

export interface DeliveryDeps {
  store: Store;
  log: Logger;
  nodeId: string;
  maxBufferedBytes: number;
  /** Bytes handed over from the stream before the connection must acknowledge some (see Handover). */
  queueWindowBytes: number;
  presence: Presence;
  writer: StreamWriter;
  /** The user's claimed connection on this node. */
  local(user: string): Session | undefined;
  /** Tells a message's sender, if connected here, whether the server kept it. */
  answer: StoredAnswer;
}

export class ClusterDelivery {
  readonly handover: Handover;
  /** Connections whose stream read failed: read again shortly. */
  readonly #unread = new Set<Session>();
  /** Per connection, its messages being written, and frames waiting for one of them to be answered. */
  readonly #flights = new WeakMap<Session, { count: number; waiters: (() => void)[] }>();
  readonly #batcher: WriteBatcher<Session>;
  #retry: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DeliveryDeps) {
    this.#batcher = new WriteBatcher<Session>({
      write: (to, items, offlineOk) => deps.writer.write(to, items, offlineOk),
      landed: this.arrived,
      done: this.#written,
      fault: (err) => deps.log.error({ err }, 'answering a stored message failed'),
    });
    this.handover = new Handover(deps.store, deps.log, deps.queueWindowBytes, (session, err) => {
      deps.log.warn({ session: session.id, err: String(err) }, 'reading a stream failed; reading again soon');
      this.#unread.add(session);
      this.#retry ??= setTimeout(() => this.#retryReads(), RETRY_READ_MS).unref();
    });
  }

  /**
   * Hands the message to its recipient's next batch write and answers the sender when Redis
   * replies, without holding the connection's next frames for it: with `appendfsync always` a
   * reply waits for an fsync, and messages in flight together share one (a recipient's batches go
   * one at a time, so they are stored in the order they came). At most SENDS_IN_FLIGHT per connection;
   * past that the connection's frames wait (and its socket is read no further) until one is answered.
   */
  message(msg: InflightMessage, to: string, sender: Session): Promise<void> {
    let flight = this.#flights.get(sender);
    if (!flight) this.#flights.set(sender, (flight = { count: 0, waiters: [] }));
    flight.count++;
    this.#batcher.write(to, messageItem(msg), false, sender);
    if (flight.count <= SENDS_IN_FLIGHT) return GOING;
    return new Promise<void>((resolve) => flight.waiters.push(resolve));
  }

  /**
   * What came of a message's write, with the other messages for `to` of that moment
   * (write-batch.ts): its sender is answered. Refused with `offline` when nobody holds the
   * recipient and storing was not allowed yet: storing for someone offline is paced for the disk,
   * as on one node, so only then is the sender's budget for it taken, and the write issued again.
   */
  readonly #written = (to: string, item: MessageItem, offlineOk: boolean, sender: Session, result: ItemResult | undefined, err?: unknown): void => {
    if (result === 'offline' && !offlineOk) {
      if (sender.allowStored(item.env.length)) {
        this.#batcher.write(to, item, true, sender);
        return;
      }
      this.#landed(sender);
      sender.send({ t: 'error', code: 'rate_limited', message: 'storing messages for offline contacts too fast; slow down', ref: item.id });
      sender.holdReading();
      return;
    }
    this.#landed(sender);
    if (result === undefined) this.#failed(sender, item.id, err);
    else this.deps.answer(item.peer, item.id, result === 'offline' ? 'stored' : result);
  };

  /** One of the sender's messages in flight is answered: a frame waiting for room goes on. */
  #landed(sender: Session): void {
    const flight = this.#flights.get(sender);
    if (!flight) return;
    flight.count--;
    flight.waiters.shift()?.();
  }

  /** A held (scheduled) message: into `to`'s stream, handed over as any entry (see Router.release). */
  async release(msg: InflightMessage, to: string): Promise<EnqueueResult> {
    const item: QueueItem = messageItem(msg);
    const written = await this.deps.writer.write(to, [item], true);
    if (written.here) this.arrived(to, written.entries);
    return written.result === 'offline' ? 'stored' : written.result;
  }

  /** A write that failed: Redis away is `unavailable` (the sender keeps the message and sends it again), anything else a fault. */
  #failed(sender: Session, id: string, err: unknown): void {
    if (err instanceof ProtocolError) {
      this.deps.log.warn({ session: sender.id, err: err.message }, 'could not store a message');
      // A copy that did reach Redis is then a duplicate.
      sender.send({ t: 'error', code: 'unavailable', message: 'the server cannot store messages right now; send it again later', ref: id });
      return;
    }
    this.deps.log.error({ session: sender.id, err }, 'storing a message failed');
    sender.send({ t: 'error', code: 'internal', message: 'internal error' });
  }

  /**
   * As on one node, a receipt goes live to its sender's connection (here, or through the holder's
   * inbox) and is stored in their stream only when nobody holds them, or the holder no longer
   * does when it comes (`receiptsArrived`). The connection parks what it holds unacknowledged when
   * it goes (`park`), so its next one gets them. A node dying with receipts not yet acknowledged
   * loses those, as one process does: a receipt only says a message arrived, never carries one.
   */
  async receipt(by: string, from: string, ids: string[], kind: ReceiptKind): Promise<void> {
    const { deps } = this;
    const here = deps.local(from);
    if (here && !here.closed) {
      arrive(here, { t: 'receipt', by, ids, kind }, deps.maxBufferedBytes);
      return;
    }
    let sent: Awaited<ReturnType<Presence['send']>> | undefined;
    try {
      sent = await deps.presence.send(from, encodeInbox({ t: 'receipts', user: from, by, kind, ids }));
    } catch {
      // Storing below fails the same way, and the handler answers unavailable.
    }
    if (sent?.to === 'sent') return;
    const now = Date.now();
    await this.#store(from, ids.map((id) => ({ kind, peer: by, id, ts: now })));
  }

  /** Receipts through this node's inbox for a user it holds (or held when they were sent). */
  readonly receiptsArrived = (user: string, by: string, ids: string[], kind: ReceiptKind): void => {
    const session = this.deps.local(user);
    if (session && !session.closed) {
      arrive(session, { t: 'receipt', by, ids, kind }, this.deps.maxBufferedBytes);
      return;
    }
    const now = Date.now();
    this.#store(user, ids.map((id) => ({ kind, peer: by, id, ts: now }))).catch((err: unknown) => {
      this.deps.log.warn({ err: String(err) }, 'could not store receipts for a user who left');
    });
  };

  /** What a connection that goes held unacknowledged (live receipts) goes into its user's stream, for their next one. */
  park(session: Session): void {
    const user = session.username!;
    const now = Date.now();
    const items: QueueItem[] = [];
    for (const [by, ids] of session.inflightReceipts) for (const [id, kind] of ids) items.push({ kind, peer: by, id, ts: now });
    session.inflightReceipts.clear();
    if (items.length === 0) return;
    this.#store(user, items).catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'could not park receipts'));
  }

  /** Writes receipts into `user`'s stream (their holder, if any, is told as for any entry). */
  async #store(user: string, items: QueueItem[]): Promise<void> {
    const written = await this.deps.writer.write(user, items, true);
    if (written.here && written.entries.length > 0) this.arrived(user, written.entries);
  }

  /**
   * Entries just appended to `user`'s stream, for their connection here: handed over as they
   * are when nothing can be missing before them, else the stream is read (none: a duplicate
   * whose first copy's publish may have been lost, so the stream is read too).
   */
  readonly arrived = (user: string, entries: StreamEntry[]): void => {
    const session = this.deps.local(user);
    if (!session || session.closed) return;
    if (!handTail(session, entries, this.deps.queueWindowBytes)) this.wake(user);
  };

  async deliver(user: string, routed: Routed): Promise<DeliverResult> {
    const { deps } = this;
    const volatile = isVolatile(routed);
    // Signals and chunks, the hot path, go straight to a connection here; routing changes always
    // ask Redis, which knows of a newer login elsewhere before this node hears of it.
    if (volatile) {
      const here = this.deps.local(user);
      if (here) return here.welcomed ? arrive(here, routed, deps.maxBufferedBytes) : 'offline';
    }
    // A bounce (the far node could not hand a volatile item over) comes back to the sender's connection here.
    const origin = { node: deps.nodeId, session: 0 };
    try {
      const sent = await deps.presence.send(user, encodeInbox({ t: 'routed', user, origin, routed }));
      if (sent.to === 'sent') return 'sent';
      const here = sent.to === 'here' ? this.deps.local(user) : undefined;
      if (!here) return 'offline';
      return volatile && !here.welcomed ? 'offline' : arrive(here, routed, deps.maxBufferedBytes);
    } catch (err) {
      // Nothing volatile is worth an error in the log: its sender is told the peer is out of reach.
      if (volatile) return 'offline';
      throw err;
    }
  }

  /** Reads `user`'s stream again on their connection here. */
  readonly wake = (user: string): void => {
    const session = this.deps.local(user);
    if (!session || session.closed) return;
    session.queue.draining = true;
    this.handover.refill(session);
  };

  close(): void {
    clearTimeout(this.#retry);
  }

  #retryReads(): void {
    this.#retry = undefined;
    const sessions = [...this.#unread];
    this.#unread.clear();
    for (const s of sessions) if (this.deps.local(s.username!) === s) this.wake(s.username!);
  }
}
