/**
 * The cluster router's delivery: what is owed to a user (messages, receipts) always goes through
 * their durable stream in the store: it is written first, then the holder's node is poked and
 * hands it over from the stream as the offline queue is handed over (handover.ts, one reader per
 * connection, within its window), so a node that dies or loses Redis for a moment loses nothing:
 * the user's next connection, or this node once Redis is back, reads the stream again. What is
 * never stored (signals, relayed chunks, notices, routing changes) goes to the holder's inbox
 * channel and is applied there with arrive.ts, under that connection's limits.
 */
import type { Logger } from 'pino';
import { ProtocolError } from '../../errors';
import type { InflightMessage, Session } from '../../session';
import type { EnqueueResult, QueueItem, ReceiptKind, Store } from '../../store/store';
import { arrive } from '../arrive';
import { Handover } from '../handover';
import type { DeliverResult, Routed } from '../router';
import type { StoredAnswer } from '../handover';
import { encodeInbox, isVolatile } from './inbox';
import type { Presence } from './presence';

/** How soon a connection whose stream could not be read (Redis away) is read again. */
const RETRY_READ_MS = 500;

export interface DeliveryDeps {
  store: Store;
  log: Logger;
  nodeId: string;
  maxBufferedBytes: number;
  /** Bytes handed over from the stream before the connection must acknowledge some (see Handover). */
  queueWindowBytes: number;
  presence: Presence;
  /** The user's claimed connection on this node. */
  local(user: string): Session | undefined;
  /** Tells a message's sender, if connected here, whether the server kept it. */
  answer: StoredAnswer;
}

export class ClusterDelivery {
  readonly handover: Handover;
  /** Connections whose stream read failed: read again shortly. */
  readonly #unread = new Set<Session>();
  #retry: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DeliveryDeps) {
    this.handover = new Handover(deps.store, deps.log, deps.queueWindowBytes, (session, err) => {
      deps.log.warn({ session: session.id, err: String(err) }, 'reading a stream failed; reading again soon');
      this.#unread.add(session);
      this.#retry ??= setTimeout(() => this.#retryReads(), RETRY_READ_MS).unref();
    });
  }

  async message(msg: InflightMessage, to: string, sender: Session): Promise<void> {
    const { deps } = this;
    const item: QueueItem = { kind: 'msg', peer: msg.from, id: msg.id, env: msg.env, ts: msg.ts };
    let result: EnqueueResult;
    try {
      // Storing for someone offline is paced for the disk, as on one node; for someone online it is the way there.
      const here = this.deps.local(to);
      const online = here ? here.welcomed : (await deps.presence.holders([to]))[0] !== undefined;
      if (!online && !sender.allowStored(msg.env.length)) {
        sender.send({ t: 'error', code: 'rate_limited', message: 'storing messages for offline contacts too fast; slow down', ref: msg.id });
        sender.holdReading();
        return;
      }
      result = await deps.store.queue.enqueue(to, [item]);
    } catch (err) {
      deps.log.warn({ session: sender.id, err: String(err) }, 'could not store a message');
      // The sender keeps it in its outbox and sends it again; a copy that did reach Redis is then a duplicate.
      throw new ProtocolError('unavailable', 'the server cannot store messages right now; send it again later', msg.id);
    }
    deps.answer(msg.from, msg.id, result);
    // A duplicate pokes too: the first copy's poke may have been lost with the node that stored it.
    if (result === 'stored' || result === 'duplicate') await this.#poke(to);
  }

  async receipt(by: string, from: string, ids: string[], kind: ReceiptKind): Promise<void> {
    const now = Date.now();
    const result = await this.deps.store.queue.enqueue(
      from,
      ids.map((id) => ({ kind, peer: by, id, ts: now })),
    );
    if (result === 'stored') await this.#poke(from);
  }

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

  /** Tells `user`'s holder to read their stream (this node: hands it over now). */
  async #poke(user: string): Promise<void> {
    let sent: Awaited<ReturnType<Presence['send']>>;
    try {
      sent = await this.deps.presence.send(user, encodeInbox({ t: 'poke', user }));
    } catch (err) {
      // Stored already: the holder reads it when it catches up after Redis is back, or at the next login.
      this.deps.log.warn({ err: String(err) }, 'could not poke a holder');
      return;
    }
    if (sent.to === 'here') this.wake(user);
  }

  #retryReads(): void {
    this.#retry = undefined;
    const sessions = [...this.#unread];
    this.#unread.clear();
    for (const s of sessions) if (this.deps.local(s.username!) === s) this.wake(s.username!);
  }
}
