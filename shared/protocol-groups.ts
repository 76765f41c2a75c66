/**
 * The group frames (issue 12): MLS's delivery service on the Parley server. Spliced into the
 * client and server unions of protocol.ts, so each frame is still spelled once and decoded
 * through the same `decodeClientFrame` / `decodeServerFrame`. MLS objects (KeyPackages,
 * commits, Welcomes, PrivateMessages) travel as base64url text; the server reads the public
 * parts of KeyPackages and commits (signaling/groups/) and never anything sealed. PROTOCOL.md,
 * "Groups", documents the same frames in prose.
 *
 * This file must not import protocol.ts (which imports it): the few base schemas it needs are
 * spelled in protocol-groups-base.ts with the same rules, beside the schemas the frames are built of.
 */
import { z } from 'zod';
import { GROUP_LIMITS as G, LIMITS } from './limits';
import {
  CommitPart,
  CommitPartCount,
  CommitPartIndex,
  Epoch,
  GroupChunkCount,
  GroupChunkIndex,
  GroupEvent,
  GroupFileId,
  GroupId,
  GroupMessageId,
  GroupRemovedReason,
  GroupRole,
  GroupSettings,
  JoinPolicy,
  MAX_RECEIPT_MEMBERS,
  SentSettingsFields,
  Seq,
  TreePart,
  TreePartCount,
  TreePartIndex,
  User,
  exactB64,
  mlsText,
} from './protocol-groups-base';

// The schemas (and their types) that importers know from here.
export { GroupId, GroupRemovedReason, GroupRole, JoinPolicy, GroupSettings, GroupEvent } from './protocol-groups-base';

// ---- client → server ----

export const GroupClientFrames = [
  /** One-use KeyPackages of this user (credential = username, signature key = identity key); answered `kp_count`. */
  z.object({ t: z.literal('kp_upload'), kps: z.array(mlsText(G.maxKeyPackageChars)).min(1).max(G.maxKeyPackagesPerUpload) }),
  /** One KeyPackage each of `users` (approved for `group`, or contacts of the claimer), to add them; owner/admin. */
  z.object({ t: z.literal('kp_claim'), group: GroupId, users: z.array(User).min(1).max(G.maxClaimUsers) }),
  /** A new group; the creator is its owner at epoch 0. Listed groups must have a name (their directory card). */
  z.object({
    t: z.literal('group_create'),
    group: GroupId,
    listed: z.boolean(),
    name: SentSettingsFields.name.optional(),
    topic: SentSettingsFields.topic.optional(),
    joinPolicy: JoinPolicy,
    onlyAdminsSend: z.boolean().optional(),
    memberChats: z.boolean().optional(),
  }),
  /** Listed groups whose name contains `q` (case-insensitive); rate-limited. */
  z.object({ t: z.literal('group_search'), q: z.string().trim().min(1).max(G.maxGroupSearchChars) }),
  z.object({ t: z.literal('group_join_request'), group: GroupId }),
  /** Owner/admin: accept (the user is approved, to be added by a commit) or decline a join request. */
  z.object({ t: z.literal('group_decide'), group: GroupId, user: User, accept: z.boolean() }),
  /**
   * A commit (PublicMessage) for the group's current `epoch`, and the Welcome for those it adds;
   * or, with `staged` (and neither), the pair this member staged whole with `group_commit_put`.
   * Exactly one of `commit` and `staged` (else `bad_frame`).
   */
  z.object({
    t: z.literal('group_commit'),
    group: GroupId,
    epoch: Epoch,
    commit: mlsText(G.maxCommitChars).optional(),
    welcome: mlsText(G.maxWelcomeChars).optional(),
    staged: z.literal(true).optional(),
  }),
  /**
   * A member, before a `group_commit {staged}` bigger than a frame: part `part` of `parts` of the
   * bytes `u32 commit length ‖ commit ‖ Welcome` for `epoch` (the group's current), in order from
   * 0; part 0 starts over. Answered only when refused (`commit_part`, `stale_epoch`, `not_member`,
   * `server_full`).
   */
  z.object({ t: z.literal('group_commit_put'), group: GroupId, epoch: Epoch, part: CommitPartIndex, parts: CommitPartCount, data: CommitPart }),
  /**
   * Part `part` of the log entry at `seq` that came announced with `parts` (an active member, for
   * an entry after its cursor), or with `welcome` of its waiting Welcome of that seq: answered
   * `group_commit_part`, or `commit_part` when there is no such entry or part.
   */
  z.object({ t: z.literal('group_commit_get'), group: GroupId, seq: Seq, part: CommitPartIndex, welcome: z.literal(true).optional() }),
  /**
   * Owner/admin, before a commit that adds members: part `part` of `parts` of the ratchet tree of
   * `epoch` (the epoch that commit makes), in order from 0; part 0 starts over. Kept for the group
   * once the commit is taken, so joiners can fetch it (the Welcome does not carry it). Answered
   * only when refused (`tree_part`, `not_admin`, `stale_epoch`, `server_full`).
   */
  z.object({ t: z.literal('group_tree_put'), group: GroupId, epoch: Epoch, part: TreePartIndex, parts: TreePartCount, data: TreePart }),
  /**
   * A member (a joiner, after its Welcome) asks for part `part` of the group's kept tree: answered
   * `group_tree`, or `tree_gone` when the tree kept is not the one its waiting Welcome was made with.
   */
  z.object({ t: z.literal('group_tree_get'), group: GroupId, part: TreePartIndex }),
  /**
   * An application message (PrivateMessage) to the group, for epoch `epoch`. `ttl` (seconds): a
   * disappearing message's timer, as `send`'s; its log entry is served to nobody and dropped that
   * long after the server took it (never later than the log's own lifetime).
   */
  z.object({
    t: z.literal('group_send'),
    group: GroupId,
    epoch: Epoch,
    id: GroupMessageId,
    env: z.string().min(1).max(LIMITS.maxEnvelopeChars).regex(/^[A-Za-z0-9_-]+$/),
    ttl: z.number().int().min(1).max(LIMITS.maxSendTtlSeconds).optional(),
  }),
  /**
   * This member is typing in the group: forwarded to the members online now, never logged, stored
   * or answered (a signal worth nothing seconds later; PROTOCOL.md says what the server learns).
   */
  z.object({ t: z.literal('group_typing'), group: GroupId }),
  /** This member has stored the group's log up to `upTo`: its cursor moves there. */
  z.object({ t: z.literal('group_ack'), group: GroupId, upTo: Seq }),
  /**
   * This member's device showed message `id` in a visible tab (sent only while the user's "Send
   * read receipts" is on): their read cursor moves to its seq, never back. Never answered.
   */
  z.object({ t: z.literal('group_read'), group: GroupId, id: GroupMessageId }),
  /** The author of message `id` asks who has it ("Message info"): answered `group_receipts`, or `not_author`. */
  z.object({ t: z.literal('group_receipts'), group: GroupId, id: GroupMessageId }),
  /** The group's state now (members, roles, mutes; requests and bans for owners/admins): answered `group_state`. */
  z.object({ t: z.literal('group_info'), group: GroupId }),
  /** Owner/admin: `user` may not send until `until` (ms since the epoch); null unmutes. */
  z.object({ t: z.literal('group_mute'), group: GroupId, user: User, until: z.number().int().positive().nullable() }),
  z.object({ t: z.literal('group_settings'), group: GroupId, ...z.object(SentSettingsFields).partial().shape }),
  /** Owner/admin: `user` is cut off now (if a member) and may not ask to join again. */
  z.object({ t: z.literal('group_ban'), group: GroupId, user: User }),
  z.object({ t: z.literal('group_unban'), group: GroupId, user: User }),
  /** This user leaves (the owner only after transferring ownership). */
  z.object({ t: z.literal('group_leave'), group: GroupId }),
  /** Owner: the group ends for everyone. */
  z.object({ t: z.literal('group_delete'), group: GroupId }),
  // ---- group files (issue 12 item 6): one sealed copy per file, kept for the group ----
  /** Every chunk of `fileId` was uploaded for `group` (binary frames naming `g:<group>`); answered `group_file_stored`. */
  z.object({ t: z.literal('group_file_commit'), group: GroupId, fileId: GroupFileId, count: GroupChunkCount }),
  /** A member asks for `from`'s copy of `fileId` in `group`, from chunk `next`: streamed as binary frames naming `g:<group>`. */
  z.object({ t: z.literal('group_file_fetch'), group: GroupId, from: User, fileId: GroupFileId, next: GroupChunkIndex }),
  /** The uploader deletes its copy for everyone (its message was deleted); never answered. */
  z.object({ t: z.literal('group_file_release'), group: GroupId, fileId: GroupFileId }),
] as const;

// ---- server → client ----

const Card = z.object({ group: GroupId, name: z.string(), topic: z.string(), members: z.number().int().nonnegative() });
const Member = z.object({ user: User, role: GroupRole, mutedUntil: z.number().int().optional() });
/** One of this user's groups at login: read its log after `cursor` (up to `seq`). */
const Listed = z.object({ group: GroupId, role: GroupRole, epoch: Epoch, seq: Seq, cursor: Seq });

export const GroupServerFrames = [
  /** KeyPackages this user has waiting on the server. */
  z.object({ t: z.literal('kp_count'), count: z.number().int().nonnegative() }),
  z.object({ t: z.literal('kp_claimed'), group: GroupId, kps: z.array(z.object({ user: User, kp: z.string() })) }),
  z.object({ t: z.literal('group_created'), group: GroupId }),
  z.object({ t: z.literal('group_results'), q: z.string(), groups: z.array(Card) }),
  /** To the requester: the request is stored. */
  z.object({ t: z.literal('group_requested'), group: GroupId }),
  /**
   * To owners/admins: a pending join request (live, or after the group list at login); `approved`
   * when it was approved but no commit has added the user yet (the add failed: it may be done again).
   */
  z.object({ t: z.literal('group_request'), group: GroupId, user: User, identityKey: exactB64(32), approved: z.literal(true).optional() }),
  /** A request was decided: to the owners/admins, and to the requester. */
  z.object({ t: z.literal('group_decided'), group: GroupId, user: User, accept: z.boolean() }),
  /** To the committer: its commit is the group's `epoch`, at `seq` in the log. */
  z.object({ t: z.literal('group_committed'), group: GroupId, epoch: Epoch, seq: Seq }),
  /** `from`, a member, is typing in the group (volatile: dropped for a connection not keeping up). */
  z.object({ t: z.literal('group_typing'), group: GroupId, from: User }),
  /** To the sender: message `id` is at `seq` in the log. */
  z.object({ t: z.literal('group_sent'), group: GroupId, id: GroupMessageId, seq: Seq }),
  /**
   * One entry of the group's log, in order, each once per connection. `from` is set by the server
   * (receivers check it is the MLS sender). `data` is the commit or message; `event` a state change.
   */
  z.object({
    t: z.literal('group_log'),
    group: GroupId,
    seq: Seq,
    kind: z.enum(['commit', 'message', 'event']),
    from: User,
    id: GroupMessageId.optional(),
    data: z.string().optional(),
    event: GroupEvent.optional(),
    /** Instead of `data`, for a commit over a frame: fetch its `parts` with `group_commit_get` before the next entry. */
    parts: CommitPartCount.optional(),
    ts: z.number(),
  }),
  /**
   * This user was added: join with `welcome`, then read the log after `seq` (the adding commit).
   * A Welcome over a frame comes as `parts` instead, fetched with `group_commit_get {welcome}`.
   */
  z.object({ t: z.literal('group_welcome'), group: GroupId, welcome: z.string().optional(), parts: CommitPartCount.optional(), seq: Seq }),
  /** This user is no longer a member (removed, banned, left or the group deleted): nothing more arrives. */
  z.object({ t: z.literal('group_removed'), group: GroupId, reason: GroupRemovedReason }),
  /** This user's groups after the welcome at login, in pages; `more` false on the last. */
  z.object({ t: z.literal('group_list'), groups: z.array(Listed).max(G.maxGroupsPerListFrame), more: z.boolean() }),
  /**
   * The answer to `group_receipts`: each current member but the author who was in the group when
   * message `id` (at `seq`) was posted, whether their device stored it and showed it.
   */
  z.object({
    t: z.literal('group_receipts'),
    group: GroupId,
    id: GroupMessageId,
    seq: Seq,
    members: z.array(z.object({ user: User, delivered: z.boolean(), read: z.boolean() })).max(MAX_RECEIPT_MEMBERS),
  }),
  /** The answer to `group_info`. */
  z.object({
    t: z.literal('group_state'),
    group: GroupId,
    epoch: Epoch,
    seq: Seq,
    settings: GroupSettings.partial(),
    members: z.array(Member),
    /** For owners and admins only. */
    requests: z.array(z.object({ user: User, identityKey: exactB64(32), approved: z.literal(true).optional() })).optional(),
    bans: z.array(User).optional(),
  }),
  /** The answer to `group_commit_get`: slice `part` of `parts` of the entry's `data` (or, with `welcome`, of the Welcome). */
  z.object({ t: z.literal('group_commit_part'), group: GroupId, seq: Seq, part: CommitPartIndex, parts: CommitPartCount, data: CommitPart, welcome: z.literal(true).optional() }),
  /** Part `part` of `parts` of the ratchet tree of `epoch`, as its committer uploaded it. */
  z.object({ t: z.literal('group_tree'), group: GroupId, epoch: Epoch, part: TreePartIndex, parts: TreePartCount, data: TreePart }),
  // ---- group files ----
  /** To the uploader: every chunk of `fileId` is durably kept for `group`; members may fetch it now. */
  z.object({ t: z.literal('group_file_stored'), group: GroupId, fileId: GroupFileId }),
] as const;

/** Error codes of the group frames (spliced into protocol.ts's ErrorCode). */
export const GROUP_ERROR_CODES = [
  'unknown_group', // no such group (or deleted)
  'group_exists', // group_create with an id already taken: choose another
  'not_member', // the user is not a member of the group (or was removed from it)
  'not_admin', // needs an owner or admin
  'not_owner', // needs the owner (roles, transfer, delete; acting on an admin or the owner)
  'owner_must_transfer', // the owner leaves only after transferring ownership
  'already_member', // a join request (or approval) for someone already in the group
  'stale_epoch', // a commit or message for an epoch that is not the group's current one: process the log, then retry
  'muted', // this member is muted in the group
  'admins_only', // only owners and admins may send in this group
  'banned', // banned from the group
  'not_banned', // group_unban of someone not banned (another admin lifted it first): nothing to do
  'group_closed', // the group takes no join requests (admins add members)
  'no_key_package', // a claimed user has no KeyPackage on the server
  'group_full', // the group has as many members as the server allows
  'name_too_long', // group_create or group_settings with a name past GROUP_LIMITS.maxGroupNameChars
  'topic_too_long', // group_create or group_settings with a topic past GROUP_LIMITS.maxGroupTopicChars
  'too_many_groups', // this user is in as many groups as the server allows
  'bad_mls', // an MLS object that does not decode, or does not match its frame or the sender's rights
  // ratchet trees beside Welcomes
  'tree_missing', // a commit that adds members came without the new epoch's tree staged whole (group_tree_put) first
  'tree_part', // a tree part out of order, of another epoch or part count than the parts before it, or over the tree limit
  'tree_gone', // the tree of that epoch is no longer kept (a later add replaced it, or it expired): ask to be added again
  // commits bigger than a frame
  'commit_part', // a staged commit part out of order, of another count than the parts before it, over the part or total limit, a staged commit missing or not whole, or a part fetched that is not there
  // receipts
  'not_author', // group_receipts for a message this user did not write: only its author sees who has it
  'unknown_message', // group_receipts (or group_read) for a message the server keeps no record of (never sent, or older than the log's bound)
  // group files
  'group_files_full', // the group's file storage is full (bytes or files): delete some of its files, or wait for them to expire
] as const;
