/**
 * The offline queue's side of a connection: handing over what was queued while the user was away
 * (a page at a time, within a window of unacknowledged bytes), and putting back what a closing
 * connection held unacknowledged. It only uses the store and the session, so every router (local
 * or cluster) hands over the same way: the cursor is the store's, opaque.
 */
import type { Logger } from 'pino';
import type { InflightMessage, Session } from '../session';
import type { EnqueueResult, QueueItem, Store } from '../store/store';
import { messageItem } from '../store/queue';
import { ProtocolError } from '../errors';
import { admits } from '../policy';
import { RECEIPT_FRAME } from './arrive';

/** What a queued receipt counts against the hand-over window (about its frame's size). */
export const RECEIPT_BYTES = 100;
/** Queued items read from the store at a time: a login never loads a whole queue into memory. */
const PAGE_ITEMS = 256;
/**
 * How long a connection waits before reading its queue again after the store was out of reach:
 * the first wait; each further one doubles, up to REREAD_MAX_MS (an outage of minutes costs a
 * read every few seconds per waiting connection, not four a second).
 */
export const REREAD_MS = 250;
export const REREAD_MAX_MS = 8_000;

/** Tells a message's sender what became of storing it, wherever the sender is. */
export type StoredAnswer = (sender: string, id: string, result: EnqueueResult) => void;

export class Handover {
  /**
   * Per user, the storing of what their last connection held (see {@link park}), while it is
   * under way: a new connection of theirs reads its queue only after it, so nothing parked is left behind.
   */
  readonly #parking = new Map<string, Promise<void>>();
  /** Per connection, the reads that found the store away in a row (reset by one that succeeds). */
  readonly #rereads = new WeakMap<Session, number>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /**
     * Bytes of queued items handed to a connection before it must acknowledge some. Handing over
     * a large queue at once would overflow the send buffer and cut the connection at every login.
     */
    private readonly windowBytes: number,
    /**
     * Told when reading a page failed (a cluster node that lost Redis for a moment reads again
     * once it is back); without it the failure is logged as a fault and the client told `internal`.
     */
    private readonly readFailed?: (session: Session, err: unknown) => void,
  ) {}

  /** A new live connection: its queue is handed over from the start, once it is welcomed. */
  begin(session: Session): void {
    session.queue = { after: undefined, page: [], draining: true, reading: false, again: false };
  }

  /**
   * Hands over queued items, oldest first, while the connection's window has room (always at
   * least one), reading the store a page at a time. Once a read finds nothing more the queue is
   * drained and new items go out live. One reader per connection: a call while a page is being
   * read makes that reader look again before it stops.
   */
  refill(session: Session): void {
    const queue = session.queue;
    if (!queue.draining || !session.welcomed) return;
    if (queue.reading) {
      queue.again = true;
      return;
    }
    this.#refill(session).catch((err: unknown) => {
      queue.reading = false;
      if (this.readFailed) return this.readFailed(session, err);
      if (err instanceof ProtocolError && err.code === 'unavailable') {
        // The store is away for a moment (Redis restarting, replaying its log): the queue is still
        // there, so read it again shortly rather than tell the client it failed. One warning per
        // outage and connection, not one per read.
        const tries = this.#rereads.get(session) ?? 0;
        if (tries === 0) this.log.warn({ session: session.id }, 'the offline queue is out of reach; reading it again soon');
        this.#rereads.set(session, tries + 1);
        setTimeout(() => this.refill(session), Math.min(REREAD_MS * 2 ** tries, REREAD_MAX_MS)).unref();
        return;
      }
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
        if (this.#rereads.delete(session)) this.log.info({ session: session.id }, 'the offline queue is in reach again');
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
      if (!admits(session, item.peer)) {
        // Queued before a block (or while one was on its way): never handed over, and forgotten.
        queue.page.shift();
        queue.after = item.cursor;
        queue.reading = true; // still this reader's turn: a refill meanwhile waits for it
        await this.store.queue.remove(session.username!, item.kind, item.peer, [item.id]);
        queue.reading = false;
        continue;
      }
      const bytes = item.kind === 'msg' ? item.env.length : RECEIPT_BYTES;
      if (session.queuedBytes > 0 && session.queuedBytes + bytes > this.windowBytes) return;
      queue.page.shift();
      queue.after = item.cursor;
      session.handedOver(item, bytes);
      if (item.kind === 'msg') session.send({ t: 'deliver', from: item.peer, id: item.id, env: item.env, ts: item.ts });
      else session.send({ t: RECEIPT_FRAME[item.kind], by: item.peer, ids: [item.id] });
    }
  }

  /** Durably queues messages for `to`, and answers each sender through `answer`. */
  async queueMessages(to: string, msgs: InflightMessage[], answer: StoredAnswer): Promise<EnqueueResult> {
    const items: QueueItem[] = msgs.map(messageItem);
    const result = await this.store.queue.enqueue(to, items);
    for (const m of msgs) answer(m.from, m.id, result);
    return result;
  }

  /**
   * Moves what a closing connection held but never acknowledged into the durable queue. What it
   * held is taken at once (synchronously); the writes are issued now, in order, and the user's
   * next connection waits for them before reading its queue.
   */
  park(session: Session, answer: StoredAnswer): void {
    const username = session.username!;
    const bySender = [...session.inflight.values()].map((msgs) => [...msgs.values()]).filter((msgs) => msgs.length > 0);
    session.inflight.clear();
    session.inflightBytes = 0;
    const now = Date.now();
    const receipts: QueueItem[] = [];
    for (const [by, ids] of session.inflightReceipts) for (const [id, kind] of ids) receipts.push({ kind, peer: by, id, ts: now });
    session.inflightReceipts.clear();
    if (bySender.length === 0 && receipts.length === 0) return;
    const writes: Promise<unknown>[] = bySender.map((msgs) => this.queueMessages(username, msgs, answer));
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
}
