/**
 * The cluster router's sessions: which users this node holds, presence (an expiring key per user,
 * presence.ts), session replacement across nodes, and telling contacts that a user came or went
 * (directly here, one inbox message per node elsewhere). What is owed to a user is delivery's
 * (cluster-delivery.ts); this module only claims, announces and lets go.
 */
import type { Logger } from 'pino';
import { CloseCode } from '../../../shared/protocol';
import { seesPresence } from '../../policy';
import type { Session } from '../../session';
import type { EnqueueResult, Store } from '../../store/store';
import { arrive } from '../arrive';
import type { Handover } from '../handover';
import type { InboxMessage } from './inbox';
import type { NodeRegistry } from './node-registry';
import type { Holder, Presence } from './presence';

export interface SessionsDeps {
  store: Store;
  log: Logger;
  nodeId: string;
  maxBufferedBytes: number;
  presence: Presence;
  nodes: NodeRegistry;
  handover: Handover;
  /** Stores what a connection that goes held unacknowledged (live receipts), for the user's next connection. */
  park(session: Session): void;
  publish(node: string, message: InboxMessage): void;
}

export class ClusterSessions {
  /** This node's claimed connections, by user. */
  readonly #local = new Map<string, Session>();
  /** Connections whose contacts were told they are online (so are told when they leave). */
  readonly #announced = new WeakSet<Session>();
  /** Connections that took over from a welcomed one (any node): their contacts never saw them leave. */
  readonly #continues = new WeakSet<Session>();
  /** Writes a leaving connection started (presence, notices): a graceful shutdown waits for them. */
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly deps: SessionsDeps) {}

  get size(): number {
    return this.#local.size;
  }

  /** The user's claimed connection on this node. */
  get(user: string): Session | undefined {
    return this.#local.get(user);
  }

  sessions(): Session[] {
    return [...this.#local.values()];
  }

  /** Resolves once the writes started so far have settled. */
  settled(): Promise<unknown> {
    return Promise.all(this.#pending);
  }

  async claim(session: Session, username: string): Promise<boolean> {
    const { deps } = this;
    if (session.closed) return false;
    session.username = username;
    const previous = this.#local.get(username);
    if (previous) {
      this.#local.delete(username);
      deps.park(previous);
      previous.cut(CloseCode.replaced, 'session_replaced');
      if (this.#announced.has(previous)) this.#continues.add(session);
    }
    this.#local.set(username, session);
    session.holdUntilWelcome();
    deps.handover.begin(session);
    let before: Holder | undefined;
    try {
      before = await deps.presence.claim(username, session.id);
    } catch (err) {
      deps.log.warn({ session: session.id, err: String(err) }, 'could not record a login in Redis');
      if (this.#local.get(username) === session) this.#local.delete(username);
      session.cut(CloseCode.shutdown, 'unavailable');
      return false;
    }
    this.track(deps.nodes.hold(username, true));
    if (before?.welcomed) this.#continues.add(session);
    if (before && before.node !== deps.nodeId) deps.publish(before.node, { t: 'replace', user: username, session: before.session });
    return !session.closed && this.#local.get(username) === session;
  }

  ready(session: Session): void {
    const username = session.username!;
    if (session.closed || this.#local.get(username) !== session) return;
    this.track(
      this.deps.presence.refresh(username, session.id, true).then((held) => {
        if (!held) this.lost(session);
      }),
    );
    if (!this.#announced.has(session)) {
      this.#announced.add(session);
      // Contacts hear nothing of a replacement: the user never went away.
      if (!this.#continues.has(session)) this.track(this.#tellContacts(session, true));
    }
    this.deps.handover.refill(session);
  }

  leave(session: Session): void {
    const { deps } = this;
    const username = session.username;
    if (!username || this.#local.get(username) !== session) return;
    this.#local.delete(username);
    deps.park(session);
    // Messages are never in flight outside the stream here; the hand-over parks what else it might hold.
    deps.handover.park(session, this.answer);
    const announce = this.#announced.has(session);
    this.track(
      deps.presence.release(username, session.id).then(async (released) => {
        await deps.nodes.hold(username, false);
        // Another login holds the user now: they did not go away.
        if (released && announce) await this.#tellContacts(session, false);
      }),
    );
  }

  async online(users: readonly string[]): Promise<Set<string>> {
    const holders = await this.deps.presence.holders(users);
    return new Set(users.filter((u, i) => holders[i]?.welcomed && (holders[i]!.node !== this.deps.nodeId || this.#local.get(u)?.welcomed)));
  }

  /** Another login (on another node) holds this connection's user: it is closed, and its contacts hear nothing. */
  readonly lost = (session: Session): void => {
    if (this.#local.get(session.username!) !== session) return;
    this.#local.delete(session.username!);
    this.deps.park(session);
    this.track(this.deps.nodes.hold(session.username!, false));
    session.cut(CloseCode.replaced, 'session_replaced');
  };

  /** Tells a message's sender, if connected here, whether the server kept it. */
  readonly answer = (from: string, id: string, result: EnqueueResult): void => {
    const sender = this.#local.get(from);
    if (result === 'full') sender?.send({ t: 'error', code: 'queue_full', message: "the recipient's offline queue is full", ref: id });
    else if (result === 'server_full') sender?.send({ t: 'error', code: 'server_full', message: 'the server has no room to keep messages now', ref: id });
    else sender?.send({ t: 'stored', id });
  };

  /** A user of a dead node went away with it: their contacts (as the store has them) are told. */
  readonly wentAway = async (user: string): Promise<void> => {
    const contacts = this.deps.store.contacts;
    const [names, blocks, blockers] = await Promise.all([contacts.contactsOf(user), contacts.blocksOf(user), contacts.blockersOf(user)]);
    const hidden = new Set([...blocks, ...blockers]);
    await this.#tellOf(user, false, names.filter((c) => !hidden.has(c)));
  };

  /** Every connection here keeps its key alive; one whose key another login took is closed. */
  refreshAll(): void {
    const { deps } = this;
    // Beat first: a node that was away long enough to look dead is alive again before anyone takes its users.
    this.track(deps.nodes.beat().then(() => deps.nodes.reapDead(this.wentAway)));
    for (const s of this.#local.values()) {
      this.track(
        deps.presence.refresh(s.username!, s.id, s.welcomed).then((held) => {
          if (!held) this.lost(s);
        }),
      );
    }
  }

  /** Keeps a write's promise until it settles (for close), logging its failure. */
  track(work: Promise<void>): void {
    const p = work.catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'a presence write failed'));
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  /** Tells `session`'s contacts (here directly, elsewhere one inbox message per node) that it came or went. */
  async #tellContacts(session: Session, online: boolean): Promise<void> {
    await this.#tellOf(session.username!, online, [...session.contacts].filter((c) => seesPresence(session, c)));
  }

  async #tellOf(username: string, online: boolean, contacts: string[]): Promise<void> {
    const { deps } = this;
    const remote: string[] = [];
    for (const c of contacts) {
      const here = this.#local.get(c);
      if (here) arrive(here, { t: 'notice', frame: { t: 'presence', username, online } }, deps.maxBufferedBytes);
      else remote.push(c);
    }
    const holders = await deps.presence.holders(remote);
    const byNode = new Map<string, string[]>();
    remote.forEach((c, i) => {
      const node = holders[i]?.node;
      if (node && node !== deps.nodeId) byNode.set(node, [...(byNode.get(node) ?? []), c]);
    });
    for (const [node, to] of byNode) deps.publish(node, { t: 'presence', username, online, to });
  }
}
