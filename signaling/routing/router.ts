/**
 * The router face: how anything reaches a user, wherever their connection is. Handlers never
 * touch another user's socket; they ask the router. The local router (local-router.ts) is the
 * single process: every connection is in its own map. A cluster router keeps the same face and
 * only moves bytes between nodes (socket.io's adapter split); each method below says what it
 * needs there (see ../shared/research/scale-out.md):
 * - {@link Router.claim}: presence key `p:{user}` set with GET; a `replace` to the node named
 *   before closes the old connection with 4001.
 * - {@link Router.message} and {@link Router.receipt}: one atomic write to the recipient's
 *   durable stream (de-duplication and quota in a script) and a publish to their node's inbox;
 *   the far node applies it with {@link arrive} exactly as the local router does.
 * - {@link Router.deliver}: what is never stored (signals, relayed chunks, notices, changes to a
 *   connection's routing state) goes to the user's node inbox; a node not holding them answers
 *   nothing, so the sender sees `offline` only when no presence key names a node.
 * - The hand-over of the offline queue reads pages after an opaque cursor (a stream entry id
 *   there), so any node can continue a user's hand-over.
 */
import type { ServerFrame } from '../../shared/protocol';
import type { InflightMessage, Session } from '../session';
import type { EnqueueResult, ReceiptKind } from '../store/queue';

/** A change to the routing state a user's live connection keeps in memory. */
export type SessionChange =
  | { t: 'contact'; peer: string; on: boolean }
  /** `peer` blocked (on) or unblocked (off) this user. */
  | { t: 'blocked_by'; peer: string; on: boolean };

/** Frames that tell a user about their own state; dropped when they are offline (the next welcome carries it). */
export type NoticeFrame = Extract<ServerFrame, { t: 'contact_added' | 'request_received' | 'request_declined' | 'presence' | 'unscheduled' }>;
/** Group frames for a member's live connection (issue 12); a log entry, Welcome or removal goes through its group feed (groups/feed.ts). */
export type GroupNotice = Extract<ServerFrame, { t: 'group_log' | 'group_welcome' | 'group_removed' | 'group_request' | 'group_decided' | 'kp_count' | 'group_typing' }>;

/** What {@link Router.deliver} carries to a user: never stored, never retried by the server. */
export type Routed =
  | { t: 'notice'; frame: NoticeFrame | GroupNotice }
  /** WebRTC signaling from `from` (volatile: refused when the recipient is not keeping up). */
  | { t: 'signal'; from: string; data: string }
  /** A relayed file chunk from `from` (volatile, like signals). */
  | { t: 'chunk'; from: string; payload: Uint8Array }
  /** A sealed transient signal (typing) from `from`: volatile, like signals, and never answered. */
  | { t: 'transient'; from: string; id: string; env: string }
  | { t: 'change'; change: SessionChange };

/** Everything a node may hand to one of its connections: what `deliver` carries, and live messages and receipts. */
export type Arrival =
  | Routed
  | { t: 'message'; msg: InflightMessage }
  | { t: 'receipt'; by: string; ids: string[]; kind: ReceiptKind };

/** `sent`: handed to the connection (or to its node); `offline`: no live connection; `busy`: the connection is not keeping up. */
export type DeliverResult = 'sent' | 'offline' | 'busy';

export interface Router {
  /** Connections of this node that are logged in. */
  readonly onlineCount: number;
  /**
   * Makes `session` the user's live connection, before its welcome is read (see handlers/auth.ts):
   * an older connection is replaced; messages for the user are queued until {@link ready}; what
   * others send it waits behind its welcome. False when the connection has closed already (or,
   * in a cluster, when the claim could not be recorded: the connection is then closed).
   * Awaited before the login reads the user's state, so a change written meanwhile by another
   * node either is in what it reads or finds this connection.
   */
  claim(session: Session, username: string): boolean | Promise<boolean>;
  /** The welcome has gone: contacts are told, and the offline queue is handed over, oldest first. */
  ready(session: Session): void;
  /** The connection is gone: what it held unacknowledged is queued again, and contacts are told. */
  leave(session: Session): void;
  /** Which of `users` have a welcomed live connection. */
  online(users: readonly string[]): Promise<Set<string>>;
  /**
   * A sealed message from `sender`'s user: live if `to` is online and caught up, else queued; the
   * sender is answered. A router may hand a live message over synchronously and return nothing
   * (the local router does: no promise per relayed message); otherwise it returns a promise.
   */
  message(msg: InflightMessage, to: string, sender: Session): Promise<void> | void;
  /**
   * A message the server held for its sender (scheduled, issue 13): durably queued for `to` and
   * then handed to their live connection from the queue, so it is never only in memory. Nobody
   * is answered; the result says whether the queue holds it.
   */
  release(msg: InflightMessage, to: string): Promise<EnqueueResult>;
  /** `by` acknowledged (or refused) `ids` from `from`: tell `from`, live or through their queue (synchronous when live, as {@link message}). */
  receipt(by: string, from: string, ids: string[], kind: ReceiptKind): Promise<void> | void;
  /** Something for `user`'s live connection that is never stored. */
  deliver(user: string, routed: Routed): Promise<DeliverResult>;
  /** The connection acknowledged something: hand over more of its queue if there is room. */
  refill(session: Session): void;
  /**
   * An operator announcement for every welcomed connection, on every node (announcements/service.ts):
   * on Redis one publish on a channel all nodes listen on (at most once: a node that misses it
   * leaves its users to get it at their next login).
   */
  everyone(frame: AnnouncementsFrame): Promise<void>;
  closeAll(code: number, reason: string): void;
}

export type AnnouncementsFrame = Extract<ServerFrame, { t: 'announcements' }>;
