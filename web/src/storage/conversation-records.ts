/**
 * What the conversation stores of the browser's database hold: messages, the outbox of jobs, each
 * conversation's own record, modifiers waiting for the message they change, messages deleted for
 * me, and disappearing messages by when they go. A module of their own so that db.ts is left with
 * the schema and its opening; db.ts re-exports every type here, so importers still name db.ts.
 */

/**
 * A conversation's own id: `dm:<username>` for the conversation with one contact; `grp:<id>` is
 * reserved for groups; `bc:<id>` a broadcast list (conversations/broadcasts.ts). Local to this
 * device, never sent (conversations/conversation-id.ts).
 */
export type ConversationId = `dm:${string}` | `grp:${string}` | `bc:${string}`;

/** `read`: sent, and seen by its recipient (their read receipt); received, and seen here (its receipt owed or sent). */
export type MessageState = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';
export type Direction = 'in' | 'out';

/** What the conversation shows of a file message; the transfer itself lives in `transfers`. */
export interface FileMeta {
  fileId: string;
  name: string;
  size: number;
  type: string;
}

export interface StoredMessage {
  conv: ConversationId;
  /** The contact: who wrote it (`in`) or whom it went to (`out`). */
  peer: string;
  dir: Direction;
  id: string;
  /** Local order of arrival/creation; the conversation is shown in this order. */
  seq: number;
  /** The sender's clock when sealed. */
  ts: number;
  text: string;
  /** Set for a file message (then `text` is the file name). */
  file?: FileMeta;
  state: MessageState;
  /** Why a message failed, for the user. */
  error?: string;
  /** Each author's reaction, the latest by their clock; an empty emoji is one taken back (kept so an older reaction arriving late does not come back). */
  reactions?: Record<string, { emoji: string; ts: number }>;
  /** Deleted for everyone by its author: its content is gone. */
  deleted?: boolean;
  /** A body of a kind this version does not know (a newer client's), by its kind. */
  unsupported?: string;
  /**
   * A reply: the message it answers, with who wrote it and the start of its text
   * (conversations/bodies/reply.ts); `unverified` when this device did not have the original, so
   * the author and text are only the sender's claim.
   */
  reply?: { id: string; author: string; text: string; unverified?: true };
  /** Edited by its author: the sender's clock of the edit now shown (the latest wins). */
  edited?: number;
  /** A group message's @mentions: usernames of members its text names (web/src/groups/mentions.ts). */
  mentions?: string[];
  /** A scheduled message: when it was meant to arrive (its sealed body says so; conversations/scheduled.ts). */
  scheduledFor?: number;
  /** One's own scheduled message the server holds (or is being asked to): "Scheduled for", Cancel, Send now. */
  held?: true;
  /** A disappearing message's timer (seconds), from its sealed body (conversations/disappearing.ts). */
  expiresIn?: number;
  /** When it is deleted from this device (ms, this clock): sent + timer, or read + timer; kept in `expiring` too. */
  expiresAt?: number;
  /** A "Disappearing messages" notice: its author set the timer to this (seconds; 0: off). */
  disappearing?: number;
}

/** A disappearing message and when it goes (conversations/expiry.ts), read soonest first. */
export interface ExpiringMessage {
  conv: ConversationId;
  dir: Direction;
  id: string;
  /** ms, this device's clock. */
  at: number;
}

/**
 * What the outbox holds: a job per sealed envelope not yet answered, tagged with its kind, so
 * that every kind is kept, resent and settled the same way (conversations/outbox.ts).
 */
export interface OutboxEntry {
  /** The envelope's id (the message id for a `message`). */
  id: string;
  kind: OutboxKind;
  conv: ConversationId;
  to: string;
  env: string;
  seq: number;
  /** For a modifier (reaction, delete, edit): the id of the message it changes. */
  target?: string;
  /** For a `schedule` job (conversations/scheduled.ts): when the server is to deliver it. */
  at?: number;
  /** A `schedule` job the server answered `scheduled`: it holds the envelope; nothing is resent. */
  held?: true;
  /**
   * A `schedule` job the user cancelled or sent now: that frame is sent until the server answers
   * it; `reseal`: a group's, held at an epoch the group has left, is cancelled to be held again
   * encrypted at the new one (groups/scheduled-reseal.ts).
   */
  want?: 'cancel' | 'now' | 'reseal';
  /** A group's `schedule` job: the epoch its last `schedule` was encrypted at (kept, so a reload still knows when it falls behind). */
  epoch?: number;
  /** A disappearing message's timer (seconds): the server's queue keeps it no longer (the send's `ttl`). */
  ttl?: number;
}

/**
 * `group`: a message to a group; `to` is the group id and `env` its plaintext, encrypted at each (re)send (web/src/groups/).
 * `schedule`: a sealed 1:1 message handed to the server to hold until `at` (conversations/scheduled.ts).
 */
export type OutboxKind = 'message' | 'reaction' | 'delete' | 'edit' | 'read' | 'profile' | 'group' | 'schedule';

/** A conversation's own state on this device. */
export interface ConversationRecord {
  id: ConversationId;
  /** Messages that arrived since the user last had the conversation open. */
  unread: number;
  /** What the composer held when the user left the conversation. */
  draft?: string;
  /** No system notification for what arrives here (app/notifier.ts). */
  muted?: boolean;
  /** The latest message, for the conversation list: its order and preview (conversations/last-message.ts). Local only. */
  last?: LastMessage;
}

/** What the conversation list shows of a conversation's latest message. */
export interface LastMessage {
  id: string;
  dir: Direction;
  /** When it was written or arrived, on this device's clock (ms): the list's order. */
  at: number;
  /** The start of its text (a file's name for a file). */
  text: string;
  file?: true;
  deleted?: true;
  /** A "Disappearing messages" notice: the timer it set (seconds; 0: off). */
  disappearing?: number;
}

/** A body that changes another message, kept until that message arrives (conversations/pending.ts). */
export interface PendingModifier {
  conv: ConversationId;
  /** The message it changes. */
  target: string;
  /** Its own envelope id. */
  id: string;
  from: string;
  ts: number;
  /** The opened body, as the registry decoded it. */
  body: unknown;
  /** When it was kept (this device's clock), to let it go after PENDING_TTL_MS. */
  kept: number;
}

/** A message deleted for me: remembered (conversations/forgotten.ts) so a copy that comes again is not shown again. */
export interface ForgottenMessage {
  conv: ConversationId;
  dir: Direction;
  id: string;
  /** When it was deleted (this device's clock): the oldest are let go first. */
  at: number;
}
