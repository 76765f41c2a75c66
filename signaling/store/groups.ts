/**
 * What the server keeps for groups (issue 12): the delivery service of MLS. Per group its epoch,
 * owner, settings and directory card (listed groups only), members with their role, MLS leaf,
 * mute and log cursor, pending join requests, bans, and one ordered log of commits, messages and
 * events. Per user a pool of one-use KeyPackages. The server sees membership and roles, never
 * content: the log's `data` is an MLS PublicMessage commit or PrivateMessage, opaque here.
 *
 * The two operations whose atomicity matters are single calls: {@link GroupStore.commit} (one
 * commit per epoch: check, bump, membership and log entry together) and
 * {@link GroupStore.claimKeyPackage} (a package handed out once, then gone).
 */
import type { GroupRole, GroupSettings, JoinPolicy } from '../../shared/protocol-groups';
import type { GroupReceiptStore } from './group-receipts';

export type { GroupRole, JoinPolicy } from '../../shared/protocol-groups';

export interface GroupRecord {
  id: string;
  /** The MLS epoch the group is in: the next commit must be for this one. */
  epoch: number;
  owner: string;
  /** The last log entry's seq (0: none yet). */
  seq: number;
  listed: boolean;
  /** Only for listed groups (empty otherwise): the server learns no name of an unlisted group. */
  name: string;
  topic: string;
  joinPolicy: JoinPolicy;
  onlyAdminsSend: boolean;
  memberChats: boolean;
  /**
   * The newest commit the log's count or age bound dropped (0: none). A member whose cursor is
   * below it can never catch up (review M1): it must be added again.
   */
  lapsedBelow: number;
  /** Active members. */
  members: number;
}

export interface MemberRecord {
  user: string;
  role: GroupRole;
  /** The member's leaf in the ratchet tree, as RFC 9420 §12.1 assigns it. */
  leaf: number;
  /** Muted until this instant (ms); null: not muted. */
  mutedUntil: number | null;
  /** The last log entry this member has stored. */
  cursor: number;
  /**
   * False once the user left or was banned: the server routes nothing to or from them any more,
   * but their leaf stays taken until a commit removes it.
   */
  active: boolean;
}

export type NewGroup = Pick<GroupRecord, 'id' | 'owner' | 'listed' | 'name' | 'topic' | 'joinPolicy' | 'onlyAdminsSend' | 'memberChats'>;

export type LogKind = 'commit' | 'message' | 'event';

export interface LogEntry {
  seq: number;
  kind: LogKind;
  from: string;
  /** The client's message id (messages only). */
  id?: string;
  /** The MLS object (commit, message) or the event's JSON. */
  data: string;
  ts: number;
  /**
   * When the entry ends (ms), sooner than the log's lifetime: a disappearing message's (its
   * `group_send` ttl after `ts`). Past it the entry is served to nobody and swept; it leaves a gap
   * in the seqs as a trim does, and, being a message, never counts as a lapse (`lapsedBelow`).
   */
  expiresAt?: number;
}

/** A commit for `epoch`, with the membership it makes: added users take `leaf`, removed users leave. */
export interface CommitChange {
  epoch: number;
  from: string;
  data: string;
  ts: number;
  adds: { user: string; leaf: number }[];
  /** Users whose leaves the commit removes (active or not). */
  removes: string[];
  /** The Welcome for the added users, kept until each has read past the commit. */
  welcome?: string;
  /**
   * The roles the commit sets (its GroupContextExtensions, review H3): the group's owner and
   * admins become these, and every member's role follows. Roles change in no other way, so the
   * server's roles are the MLS roles every member checks commits against.
   */
  roles?: { owner: string; admins: string[] };
}

/**
 * What a commit's store step answers. Beside the epoch it re-checks, in the same transaction (Lua
 * script), what a change outside commits may have altered since the handler checked it: the
 * committer is still an active member (`not_member`: banned, left or lapsed meanwhile, none of
 * which moves the epoch) and no added user was banned meanwhile (`banned`, naming them). Roles
 * change only by commits, so the epoch check already holds the committer's role to the one the
 * handler read.
 */
export type CommitResult =
  | { ok: true; seq: number }
  | { ok: false; code: 'stale_epoch' | 'unknown_group' | 'group_full' | 'not_member' }
  | { ok: false; code: 'banned'; user: string };

export type GroupCreateResult = 'created' | 'exists' | 'too_many_groups';
export type JoinRequestResult = 'added' | 'exists' | 'full';

/** One of a user's groups, for the list at login. */
export interface Membership {
  group: string;
  role: GroupRole;
  cursor: number;
}

export interface GroupCard {
  group: string;
  name: string;
  topic: string;
  members: number;
}

export interface GroupStoreLimits {
  maxMembers: number;
  maxGroupsPerUser: number;
  maxKeyPackages: number;
  logMaxEntries: number;
  logTtlMs: number;
  requestsMax: number;
  /** How long a join request (pending or approved and unused) holds a slot before a new request may take it. */
  requestTtlMs: number;
  now: () => number;
}

export const GROUP_STORE_DEFAULTS: Omit<GroupStoreLimits, 'now'> = {
  maxMembers: 1000,
  maxGroupsPerUser: 200,
  maxKeyPackages: 32,
  logMaxEntries: 10_000,
  logTtlMs: 14 * 24 * 3600 * 1000,
  requestsMax: 100,
  requestTtlMs: 7 * 24 * 3600 * 1000,
};

export interface GroupStore {
  /** A new group with `owner` as its owner at leaf 0, epoch 0, and a `created` event as seq 1. */
  create(group: NewGroup): Promise<GroupCreateResult>;
  get(id: string): Promise<GroupRecord | undefined>;
  member(id: string, user: string): Promise<MemberRecord | undefined>;
  /** Every member row, active or not (at most about `maxMembers` plus those awaiting removal). */
  members(id: string): Promise<MemberRecord[]>;
  /**
   * Whether `a` and `b` are both active members of at least one group that lets members message
   * each other (`memberChats`): the reach of a temporary chat between non-contacts (policy.ts).
   * Bounded: reads at most the groups of one of them (MAX_GROUPS_PER_USER).
   */
  sharesChatGroup(a: string, b: string): Promise<boolean>;
  /** `user`'s active memberships, ordered by group id, after `after`, at most `limit`. */
  groupsOf(user: string, after: string | undefined, limit: number): Promise<Membership[]>;
  /** Listed groups whose name contains `q` (case-insensitive), at most `limit`. */
  search(q: string, limit: number): Promise<GroupCard[]>;
  update(id: string, patch: Partial<GroupSettings>): Promise<void>;
  setMute(id: string, user: string, until: number | null): Promise<void>;
  /** `user` leaves or is banned: inactive at once, their leaf kept until a commit removes it. */
  deactivate(id: string, user: string): Promise<void>;
  /** The group and everything of it go. */
  delete(id: string): Promise<void>;

  addRequest(id: string, user: string): Promise<JoinRequestResult>;
  /** Pending (undecided) requests, oldest first. */
  requests(id: string): Promise<string[]>;
  /** Approved requests not used yet (no commit added the user since), oldest first: an add that failed can be done again. */
  approvals(id: string): Promise<string[]>;
  /** Accept: the user is approved (a commit may add them). Decline: the request goes. False when none was pending. */
  decide(id: string, user: string, accept: boolean): Promise<boolean>;
  isApproved(id: string, user: string): Promise<boolean>;
  ban(id: string, user: string): Promise<void>;
  unban(id: string, user: string): Promise<void>;
  isBanned(id: string, user: string): Promise<boolean>;
  bans(id: string): Promise<string[]>;

  /**
   * Atomically: the epoch check, epoch + 1, the membership change, the roles (each member's role
   * from the group's owner and admins, also for those added) and the log entry.
   */
  commit(id: string, change: CommitChange): Promise<CommitResult>;
  /** Appends a message or event; its seq, or undefined when the group is gone. Old entries past the bounds go. */
  append(id: string, entry: Omit<LogEntry, 'seq'>): Promise<number | undefined>;
  /** Entries after `after`, oldest first, at most `limit`; none past its own end (`expiresAt`). */
  readLog(id: string, after: number, limit: number): Promise<LogEntry[]>;
  /** `user` stored the log up to `upTo`: their cursor moves (never back), and entries all active members passed go. */
  ack(id: string, user: string, upTo: number): Promise<void>;
  /** The Welcome waiting for `user`, and the seq of the commit that added them. */
  welcomeFor(id: string, user: string): Promise<{ welcome: string; seq: number } | undefined>;

  /** Adds one-use KeyPackages (`ref` is each one's unique reference); keeps the newest `maxKeyPackages`; the count after. */
  addKeyPackages(user: string, kps: { ref: string; data: string }[]): Promise<number>;
  /** The oldest KeyPackage, deleted as it is handed out; the last one is kept (the last resort) and handed out again. */
  claimKeyPackage(user: string): Promise<string | undefined>;
  keyPackageCount(user: string): Promise<number>;
  /**
   * Deletes log entries past the age bound in groups nobody writes to any more, and disappearing
   * messages past their own end in any group, at most about `limit`; how many.
   */
  sweepExpired(now: number, limit: number): Promise<number>;
  /** Read cursors and the message index behind "Message info" (group-receipts.ts). */
  readonly receipts: GroupReceiptStore;
}
