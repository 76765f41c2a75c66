/**
 * The cluster router (`REDIS_URL`): any number of nodes share one Redis, and a user's connection
 * may be on any of them. This module connects to Redis and puts the parts together: the sessions
 * this node holds, their presence and replacement across nodes (cluster-sessions.ts); what is
 * owed to a user, through their durable stream, and what is routed through the node inboxes
 * (cluster-delivery.ts); the inbox this node listens on (inbox-handler.ts); and which nodes are
 * alive (node-registry.ts). See router.ts for the face and redis/README.md.
 */
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { InflightMessage, Session } from '../../session';
import type { EnqueueResult, ReceiptKind, Store } from '../../store/store';
import type { AnnouncementsFrame, DeliverResult, Routed, Router } from '../router';
import { decodeServerFrame, encodeFrame } from '../../../shared/protocol';
import { clientOptions, guardedLink, subscriberOverrides } from '../../store/redis/redis-link';
import type { RedisQueue } from '../../store/redis/redis-queue';
import { catchUp } from './catch-up';
import { ClusterDelivery } from './cluster-delivery';
import { ClusterSessions } from './cluster-sessions';
import { type InboxMessage, encodeInbox, inboxChannel } from './inbox';
import { InboxHandler } from './inbox-handler';
import { NodeRegistry } from './node-registry';
import { Presence } from './presence';
import { StreamWriter } from './stream-writer';

type Client = ReturnType<typeof createClient>;

export interface RedisRouterOptions {
  url: string;
  store: Store;
  /** The store's queue, which the router writes through its own script (stream-writer.ts). */
  queue: RedisQueue;
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

/** How often, and how many times, a node asks whether Redis has its inbox subscription again before catching up anyway. */
const RESUBSCRIBE_CHECK_MS = 50;
const RESUBSCRIBE_CHECKS = 40;
/** How long a graceful shutdown waits for presence releases and offline notices to reach Redis. */
const CLOSE_WAIT_MS = 2000;
/** The channel every node listens on for operator announcements (the frame's JSON). */
const ANNOUNCE_CHANNEL = 'announcements';

export class RedisRouter implements Router {
  readonly #sessions: ClusterSessions;
  readonly #delivery: ClusterDelivery;
  readonly #presence: Presence;
  readonly #nodes: NodeRegistry;
  readonly #inbox: InboxHandler;
  readonly #writer: StreamWriter;
  #refresher: NodeJS.Timeout | undefined;

  private constructor(
    private readonly redis: Client,
    private readonly sub: Client,
    private readonly opts: RedisRouterOptions,
  ) {
    const link = guardedLink(redis);
    const { log, nodeId, maxBufferedBytes, store } = opts;
    const publish = (node: string, message: InboxMessage) => this.#publish(node, message);
    this.#presence = new Presence(link, nodeId, opts.presenceTtlMs);
    this.#writer = new StreamWriter(opts.queue, nodeId);
    this.#nodes = new NodeRegistry(link, this.#presence, nodeId, opts.presenceTtlMs);
    this.#delivery = new ClusterDelivery({
      store,
      log,
      nodeId,
      maxBufferedBytes,
      queueWindowBytes: opts.queueWindowBytes,
      presence: this.#presence,
      writer: this.#writer,
      local: (user) => this.#sessions.get(user),
      answer: (from, id, result) => this.#sessions.answer(from, id, result),
    });
    this.#sessions = new ClusterSessions({
      store,
      log,
      nodeId,
      maxBufferedBytes,
      presence: this.#presence,
      nodes: this.#nodes,
      handover: this.#delivery.handover,
      park: (session) => this.#delivery.park(session),
      publish,
    });
    this.#inbox = new InboxHandler({
      log,
      maxBufferedBytes,
      local: (user) => this.#sessions.get(user),
      wake: this.#delivery.wake,
      entries: this.#delivery.arrived,
      receipts: this.#delivery.receiptsArrived,
      lost: this.#sessions.lost,
      publish,
    });
  }

  /** Connects (one client for commands, one subscribed to this node's inbox) and starts refreshing presence. */
  static async open(opts: RedisRouterOptions): Promise<RedisRouter> {
    // As in the store: while Redis is away calls fail at once rather than queue without a bound.
    const redis: Client = createClient(clientOptions(opts.url));
    const sub: Client = redis.duplicate(subscriberOverrides);
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
    return this.#sessions.size;
  }

  async #start(): Promise<void> {
    await Promise.all([this.#presence.load(), this.#writer.load()]);
    await this.sub.subscribe(inboxChannel(this.nodeId), (message: Buffer) => this.#inbox.receive(message), true);
    await this.sub.subscribe(ANNOUNCE_CHANNEL, (message: string) => this.#announced(message));
    // Both clients are connected already: a 'ready' from now on is a reconnect, and what was published meanwhile is lost.
    for (const c of [this.redis, this.sub]) c.on('ready', () => this.#reconnected());
    this.sub.on('ready', () => this.#sessions.track(this.#resubscribed()));
    await this.#nodes.recover(this.#sessions.wentAway);
    await this.#nodes.beat();
    this.#refresher = setInterval(() => this.#sessions.refreshAll(), this.opts.presenceRefreshMs).unref();
  }

  claim(session: Session, username: string): Promise<boolean> {
    return this.#sessions.claim(session, username);
  }

  ready(session: Session): void {
    this.#sessions.ready(session);
  }

  leave(session: Session): void {
    this.#sessions.leave(session);
  }

  online(users: readonly string[]): Promise<Set<string>> {
    return this.#sessions.online(users);
  }

  message(msg: InflightMessage, to: string, sender: Session): Promise<void> {
    return this.#delivery.message(msg, to, sender);
  }

  release(msg: InflightMessage, to: string): Promise<EnqueueResult> {
    return this.#delivery.release(msg, to);
  }

  receipt(by: string, from: string, ids: string[], kind: ReceiptKind): Promise<void> {
    return this.#delivery.receipt(by, from, ids, kind);
  }

  deliver(user: string, routed: Routed): Promise<DeliverResult> {
    return this.#delivery.deliver(user, routed);
  }

  refill(session: Session): void {
    this.#delivery.handover.refill(session);
  }

  async everyone(frame: AnnouncementsFrame): Promise<void> {
    await this.redis.sendCommand(['PUBLISH', ANNOUNCE_CHANNEL, encodeFrame(frame)]);
  }

  /** An announcement published by any node (this one too): to each welcomed connection here. Never throws. */
  #announced(message: string): void {
    const decoded = decodeServerFrame(message);
    if (!decoded.ok || decoded.frame.t !== 'announcements') {
      this.opts.log.warn('dropped a malformed announcement from the channel');
      return;
    }
    for (const s of this.#sessions.sessions()) if (s.welcomed && !s.closed) s.send(decoded.frame);
  }

  closeAll(code: number, reason: string): void {
    for (const s of this.#sessions.sessions()) s.cut(code, reason);
  }

  /** Stops refreshing, waits (briefly) for leaving connections' writes, and closes both clients. */
  async close(): Promise<void> {
    clearInterval(this.#refresher);
    this.#delivery.close();
    const wait = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref());
    await Promise.race([this.#sessions.settled(), wait]);
    for (const c of [this.sub, this.redis]) {
      if (!c.isOpen) continue;
      if (c.isReady) await c.close();
      else c.destroy();
    }
  }

  #publish(node: string, message: InboxMessage): void {
    this.redis.sendCommand(['PUBLISH', inboxChannel(node), encodeInbox(message)]).catch((err: unknown) => {
      this.opts.log.warn({ err: String(err), t: message.t }, 'could not publish to a node');
    });
  }

  /**
   * The inbox subscription is back: once Redis has it again (node-redis resubscribes by itself),
   * every welcomed connection here catches up on the notices and changes it may have missed (catch-up.ts).
   */
  async #resubscribed(): Promise<void> {
    const channel = inboxChannel(this.nodeId);
    for (let i = 0; i < RESUBSCRIBE_CHECKS; i++) {
      const [, count] = await this.redis.sendCommand<[string, number]>(['PUBSUB', 'NUMSUB', channel]);
      if (count > 0) break;
      await new Promise((resolve) => setTimeout(resolve, RESUBSCRIBE_CHECK_MS));
    }
    this.opts.log.info({ node: this.nodeId }, 'inbox subscription back: connections catch up');
    const deps = { store: this.opts.store, maxBufferedBytes: this.opts.maxBufferedBytes, holders: (users: readonly string[]) => this.#presence.holders(users) };
    for (const s of this.#sessions.sessions()) if (s.welcomed) await catchUp(s, deps);
  }

  /** Back on Redis: keys that expired meanwhile are set again, and every stream read again. */
  #reconnected(): void {
    this.opts.log.info({ node: this.nodeId }, 'back on Redis: catching up');
    this.#sessions.refreshAll();
    for (const s of this.#sessions.sessions()) this.#delivery.wake(s.username!);
  }
}
