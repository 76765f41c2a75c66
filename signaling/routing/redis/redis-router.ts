/**
 * The cluster router (`REDIS_URL`): any number of nodes share one Redis, and a user's connection
 * may be on any of them. What is owed to a user (messages, receipts) always goes through their
 * durable stream in the store: it is written first, then the holder's node is poked and hands it
 * over from the stream as the offline queue is handed over (handover.ts, one reader per
 * connection, within its window), so a node that dies or loses Redis for a moment loses nothing:
 * the user's next connection, or this node once Redis is back, reads the stream again. What is
 * never stored (signals, relayed chunks, notices, routing changes) goes to the holder's inbox
 * channel and is applied there with arrive.ts, under that connection's limits. Presence is an
 * expiring key per user (presence.ts); see router.ts for the face and redis/README.md.
 */
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { CloseCode } from '../../../shared/protocol';
import { ProtocolError } from '../../errors';
import { seesPresence } from '../../policy';
import type { InflightMessage, Session } from '../../session';
import type { EnqueueResult, QueueItem, ReceiptKind, Store } from '../../store/store';
import { arrive } from '../arrive';
import { Handover } from '../handover';
import type { DeliverResult, Routed, Router } from '../router';
import { type InboxMessage, encodeInbox, inboxChannel, isVolatile } from './inbox';
import { InboxHandler } from './inbox-handler';
import { guardedLink } from '../../store/redis/redis-link';
import { NodeRegistry } from './node-registry';
import { type Holder, Presence } from './presence';

type Client = ReturnType<typeof createClient>;

export interface RedisRouterOptions {
  url: string;
  store: Store;
  log: Logger;
  /** A connection's send-buffer limit (volatile items get at most half of it, as on one node). */
  maxBufferedBytes: number;
  /** Bytes handed over from the stream before the connection must acknowledge some (see Handover). */
  queueWindowBytes: number;
  /** How long a presence key lives unless refreshed: a dead node's users look online at most this long. */
  presenceTtlMs: number;
  /** How often this node refreshes its users' presence keys (well under the TTL). */
  presenceRefreshMs: number;
  /** This node's name (default: random per process). */
  nodeId: string;
  /** Told of connection errors (node-redis reconnects by itself meanwhile); the server logs them. */
  onError?: (err: Error) => void;
}

/** How soon a connection whose stream could not be read (Redis away) is read again. */
const RETRY_READ_MS = 500;
/** How long a graceful shutdown waits for presence releases and offline notices to reach Redis. */
const CLOSE_WAIT_MS = 2000;

export class RedisRouter implements Router {
  /** This node's claimed connections, by user. */
  readonly #local = new Map<string, Session>();
  /** Connections whose contacts were told they are online (so are told when they leave). */
  readonly #announced = new WeakSet<Session>();
  /** Connections that took over from a welcomed one (any node): their contacts never saw them leave. */
  readonly #continues = new WeakSet<Session>();
  /** Connections whose stream read failed: read again shortly. */
  readonly #unread = new Set<Session>();
  /** Writes a leaving connection started (presence, notices): a graceful shutdown waits for them. */
  readonly #pending = new Set<Promise<void>>();
  readonly #handover: Handover;
  readonly #presence: Presence;
  readonly #nodes: NodeRegistry;
  readonly #inbox: InboxHandler;
  #refresher: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly redis: Client,
    private readonly sub: Client,
    private readonly opts: RedisRouterOptions,
  ) {
    const link = guardedLink(redis);
    this.#presence = new Presence(link, opts.nodeId, opts.presenceTtlMs);
    this.#nodes = new NodeRegistry(link, this.#presence, opts.nodeId, opts.presenceTtlMs);
    this.#inbox = new InboxHandler({
      log: opts.log,
      maxBufferedBytes: opts.maxBufferedBytes,
      local: (user) => this.#local.get(user),
      wake: (user) => this.#wake(user),
      lost: (session) => this.#lost(session),
      publish: (node, message) => this.#publish(node, message),
    });
    this.#handover = new Handover(opts.store, opts.log, opts.queueWindowBytes, (session, err) => {
      opts.log.warn({ session: session.id, err: String(err) }, 'reading a stream failed; reading again soon');
      this.#unread.add(session);
      this.#retry ??= setTimeout(() => this.#retryReads(), RETRY_READ_MS).unref();
    });
  }

  /** Connects (one client for commands, one subscribed to this node's inbox) and starts refreshing presence. */
  static async open(opts: RedisRouterOptions): Promise<RedisRouter> {
    // As in the store: while Redis is away calls fail at once rather than queue without a bound.
    const redis: Client = createClient({ url: opts.url, disableOfflineQueue: true });
    const sub: Client = redis.duplicate();
    for (const c of [redis, sub]) c.on('error', (err: Error) => opts.onError?.(err));
    try {
      await redis.connect();
      await sub.connect();
      const router = new RedisRouter(redis, sub, opts);
      await router.#start();
      return router;
    } catch (err) {
      redis.destroy();
      sub.destroy();
      throw err;
    }
  }

  get nodeId(): string {
    return this.opts.nodeId;
  }

  get onlineCount(): number {
    return this.#local.size;
  }

  async #start(): Promise<void> {
    await this.#presence.load();
    await this.sub.subscribe(inboxChannel(this.nodeId), (message: Buffer) => this.#inbox.receive(message), true);
    // Both clients are connected already: a 'ready' from now on is a reconnect, and what was published meanwhile is lost.
    for (const c of [this.redis, this.sub]) c.on('ready', () => this.#reconnected());
    await this.#nodes.recover(this.#wentAway);
    await this.#nodes.beat();
    this.#refresher = setInterval(() => this.#refreshAll(), this.opts.presenceRefreshMs).unref();
  }

  async claim(session: Session, username: string): Promise<boolean> {
    if (session.closed) return false;
    session.username = username;
    const previous = this.#local.get(username);
    if (previous) {
      this.#local.delete(username);
      previous.cut(CloseCode.replaced, 'session_replaced');
      if (this.#announced.has(previous)) this.#continues.add(session);
    }
    this.#local.set(username, session);
    session.holdUntilWelcome();
    this.#handover.begin(session);
    let before: Holder | undefined;
    try {
      before = await this.#presence.claim(username, session.id);
    } catch (err) {
      this.opts.log.warn({ session: session.id, err: String(err) }, 'could not record a login in Redis');
      if (this.#local.get(username) === session) this.#local.delete(username);
      session.cut(CloseCode.shutdown, 'unavailable');
      return false;
    }
    this.#track(this.#nodes.hold(username, true));
    if (before?.welcomed) this.#continues.add(session);
    if (before && before.node !== this.nodeId) this.#publish(before.node, { t: 'replace', user: username, session: before.session });
    return !session.closed && this.#local.get(username) === session;
  }

  ready(session: Session): void {
    const username = session.username!;
    if (session.closed || this.#local.get(username) !== session) return;
    this.#track(
      this.#presence.refresh(username, session.id, true).then((held) => {
        if (!held) this.#lost(session);
      }),
    );
    if (!this.#announced.has(session)) {
      this.#announced.add(session);
      // Contacts hear nothing of a replacement: the user never went away.
      if (!this.#continues.has(session)) this.#track(this.#tellContacts(session, true));
    }
    this.#handover.refill(session);
  }

  leave(session: Session): void {
    const username = session.username;
    if (!username || this.#local.get(username) !== session) return;
    this.#local.delete(username);
    this.#unread.delete(session);
    // Nothing is in flight outside the stream here; parking only covers what a subclass might hold.
    this.#handover.park(session, this.#answer);
    const announce = this.#announced.has(session);
    this.#track(
      this.#presence.release(username, session.id).then(async (released) => {
        await this.#nodes.hold(username, false);
        // Another login holds the user now: they did not go away.
        if (released && announce) await this.#tellContacts(session, false);
      }),
    );
  }

  async online(users: readonly string[]): Promise<Set<string>> {
    const holders = await this.#presence.holders(users);
    return new Set(users.filter((u, i) => holders[i]?.welcomed && (holders[i]!.node !== this.nodeId || this.#local.get(u)?.welcomed)));
  }

  async message(msg: InflightMessage, to: string, sender: Session): Promise<void> {
    const item: QueueItem = { kind: 'msg', peer: msg.from, id: msg.id, env: msg.env, ts: msg.ts };
    let result: EnqueueResult;
    try {
      // Storing for someone offline is paced for the disk, as on one node; for someone online it is the way there.
      const here = this.#local.get(to);
      const online = here ? here.welcomed : (await this.#holders([to]))[0] !== undefined;
      if (!online && !sender.allowStored(msg.env.length)) {
        sender.send({ t: 'error', code: 'rate_limited', message: 'storing messages for offline contacts too fast; slow down', ref: msg.id });
        sender.holdReading();
        return;
      }
      result = await this.opts.store.queue.enqueue(to, [item]);
    } catch (err) {
      this.opts.log.warn({ session: sender.id, err: String(err) }, 'could not store a message');
      // The sender keeps it in its outbox and sends it again; a copy that did reach Redis is then a duplicate.
      throw new ProtocolError('unavailable', 'the server cannot store messages right now; send it again later', msg.id);
    }
    this.#answer(msg.from, msg.id, result);
    // A duplicate pokes too: the first copy's poke may have been lost with the node that stored it.
    if (result === 'stored' || result === 'duplicate') await this.#poke(to);
  }

  async receipt(by: string, from: string, ids: string[], kind: ReceiptKind): Promise<void> {
    const now = Date.now();
    const result = await this.opts.store.queue.enqueue(
      from,
      ids.map((id) => ({ kind, peer: by, id, ts: now })),
    );
    if (result === 'stored') await this.#poke(from);
  }

  async deliver(user: string, routed: Routed): Promise<DeliverResult> {
    const volatile = isVolatile(routed);
    // Signals and chunks, the hot path, go straight to a connection here; routing changes always
    // ask Redis, which knows of a newer login elsewhere before this node hears of it.
    if (volatile) {
      const here = this.#local.get(user);
      if (here) return here.welcomed ? arrive(here, routed, this.opts.maxBufferedBytes) : 'offline';
    }
    // A bounce (the far node could not hand a volatile item over) comes back to the sender's connection here.
    const origin = { node: this.nodeId, session: 0 };
    try {
      const sent = await this.#presence.send(user, encodeInbox({ t: 'routed', user, origin, routed }));
      if (sent.to === 'sent') return 'sent';
      const here = sent.to === 'here' ? this.#local.get(user) : undefined;
      if (!here) return 'offline';
      return volatile && !here.welcomed ? 'offline' : arrive(here, routed, this.opts.maxBufferedBytes);
    } catch (err) {
      // Nothing volatile is worth an error in the log: its sender is told the peer is out of reach.
      if (volatile) return 'offline';
      throw err;
    }
  }

  refill(session: Session): void {
    this.#handover.refill(session);
  }

  closeAll(code: number, reason: string): void {
    for (const s of [...this.#local.values()]) s.cut(code, reason);
  }

  /** Stops refreshing, waits (briefly) for leaving connections' writes, and closes both clients. */
  async close(): Promise<void> {
    clearInterval(this.#refresher);
    clearTimeout(this.#retry);
    const wait = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref());
    await Promise.race([Promise.all(this.#pending), wait]);
    for (const c of [this.sub, this.redis]) {
      if (!c.isOpen) continue;
      if (c.isReady) await c.close();
      else c.destroy();
    }
  }

  /** Tells `user`'s holder to read their stream (this node: hands it over now). */
  async #poke(user: string): Promise<void> {
    let sent: Awaited<ReturnType<Presence['send']>>;
    try {
      sent = await this.#presence.send(user, encodeInbox({ t: 'poke', user }));
    } catch (err) {
      // Stored already: the holder reads it when it catches up after Redis is back, or at the next login.
      this.opts.log.warn({ err: String(err) }, 'could not poke a holder');
      return;
    }
    if (sent.to === 'here') this.#wake(user);
  }

  /** Reads `user`'s stream again on their connection here. */
  #wake(user: string): void {
    const session = this.#local.get(user);
    if (!session || session.closed) return;
    session.queue.draining = true;
    this.#handover.refill(session);
  }

  /** Another login (on another node) holds this connection's user: it is closed, and its contacts hear nothing. */
  #lost(session: Session): void {
    if (this.#local.get(session.username!) !== session) return;
    this.#local.delete(session.username!);
    this.#unread.delete(session);
    this.#track(this.#nodes.hold(session.username!, false));
    session.cut(CloseCode.replaced, 'session_replaced');
  }

  /** Tells `session`'s contacts (here directly, elsewhere one inbox message per node) that it came or went. */
  async #tellContacts(session: Session, online: boolean): Promise<void> {
    await this.#tellOf(session.username!, online, [...session.contacts].filter((c) => seesPresence(session, c)));
  }

  async #tellOf(username: string, online: boolean, contacts: string[]): Promise<void> {
    const remote: string[] = [];
    for (const c of contacts) {
      const here = this.#local.get(c);
      if (here) arrive(here, { t: 'notice', frame: { t: 'presence', username, online } }, this.opts.maxBufferedBytes);
      else remote.push(c);
    }
    const holders = await this.#holders(remote);
    const byNode = new Map<string, string[]>();
    remote.forEach((c, i) => {
      const node = holders[i]?.node;
      if (node && node !== this.nodeId) byNode.set(node, [...(byNode.get(node) ?? []), c]);
    });
    for (const [node, to] of byNode) this.#publish(node, { t: 'presence', username, online, to });
  }

  #holders(users: readonly string[]): Promise<(Holder | undefined)[]> {
    return this.#presence.holders(users);
  }

  #publish(node: string, message: InboxMessage): void {
    this.redis.sendCommand(['PUBLISH', inboxChannel(node), encodeInbox(message)]).catch((err: unknown) => {
      this.opts.log.warn({ err: String(err), t: message.t }, 'could not publish to a node');
    });
  }

  /** A user of a dead node went away with it: their contacts (as the store has them) are told. */
  readonly #wentAway = async (user: string): Promise<void> => {
    const contacts = this.opts.store.contacts;
    const [names, blocks, blockers] = await Promise.all([contacts.contactsOf(user), contacts.blocksOf(user), contacts.blockersOf(user)]);
    const hidden = new Set([...blocks, ...blockers]);
    await this.#tellOf(user, false, names.filter((c) => !hidden.has(c)));
  };

  /** Tells a message's sender, if connected here, whether the server kept it. */
  readonly #answer = (from: string, id: string, result: EnqueueResult): void => {
    const sender = this.#local.get(from);
    if (result === 'full') sender?.send({ t: 'error', code: 'queue_full', message: "the recipient's offline queue is full", ref: id });
    else if (result === 'server_full') sender?.send({ t: 'error', code: 'server_full', message: 'the server has no room to keep messages now', ref: id });
    else sender?.send({ t: 'stored', id });
  };

  /** Keeps a write's promise until it settles (for close), logging its failure. */
  #track(work: Promise<void>): void {
    const p = work.catch((err: unknown) => this.opts.log.warn({ err: String(err) }, 'a presence write failed'));
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  /** Every connection here keeps its key alive; one whose key another login took is closed. */
  #refreshAll(): void {
    // Beat first: a node that was away long enough to look dead is alive again before anyone takes its users.
    this.#track(this.#nodes.beat().then(() => this.#nodes.reapDead(this.#wentAway)));
    for (const s of this.#local.values()) {
      this.#track(
        this.#presence.refresh(s.username!, s.id, s.welcomed).then((held) => {
          if (!held) this.#lost(s);
        }),
      );
    }
  }

  /** Back on Redis: keys that expired meanwhile are set again, and every stream read again. */
  #reconnected(): void {
    this.opts.log.info({ node: this.nodeId }, 'back on Redis: catching up');
    this.#refreshAll();
    for (const user of this.#local.keys()) this.#wake(user);
  }

  #retryReads(): void {
    this.#retry = undefined;
    const sessions = [...this.#unread];
    this.#unread.clear();
    for (const s of sessions) if (this.#local.get(s.username!) === s) this.#wake(s.username!);
  }
}
