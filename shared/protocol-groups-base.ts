/**
 * The schemas the group frames (protocol-groups.ts) are built of: ids, MLS objects and their
 * parts, roles, settings and the logged server events. Apart so the frames file stays a list of
 * frames; like it, this file must not import protocol.ts (which imports both), so the few base
 * schemas it needs are spelled here with protocol.ts's rules.
 */
import { z } from 'zod';
import { MLS_LIMITS } from './groups/limits';
import { GROUP_LIMITS as G, LIMITS } from './limits';
import { USERNAME_PATTERN } from './username';

export const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url of exactly `bytes` bytes, canonical (unused low bits zero), as protocol.ts's `b64`. */
export const exactB64 = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/)
    .refine((text) => {
      const unused = text.length * 6 - bytes * 8;
      const last = B64URL.indexOf(text.at(-1) ?? '');
      return last >= 0 && (last & ((1 << unused) - 1)) === 0;
    }, 'not canonical base64url');

/** base64url of any length up to `max` characters (an MLS object; the server decodes it itself). */
export const mlsText = (max: number) => z.string().min(4).max(max).regex(/^[A-Za-z0-9_-]+$/);

export const User = z.string().regex(USERNAME_PATTERN);
/** Above any member limit the server may be configured with (group_receipts lists members). */
export const MAX_RECEIPT_MEMBERS = 100_000;
/** The group id: 16 random bytes chosen by the creator (the MLS group id), 22 characters. */
export const GroupId = exactB64(16);
export const GroupMessageId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);
/** As protocol.ts's FileId and chunk bounds (this file may not import it). */
export const GroupFileId = z.string().regex(/^[0-9a-f]{32}$/);
export const GroupChunkCount = z.number().int().min(1).max(2 ** 32 - 1);
export const GroupChunkIndex = z.number().int().nonnegative().max(2 ** 32 - 1);
/** One part of a ratchet tree (shared/groups/trees.ts), base64url: at most MLS_LIMITS.treePartBytes. */
export const TreePart = z.string().min(1).max(Math.ceil((MLS_LIMITS.treePartBytes * 4) / 3)).regex(/^[A-Za-z0-9_-]+$/);
export const TreePartIndex = z.number().int().nonnegative().max(MLS_LIMITS.maxTreeParts - 1);
export const TreePartCount = z.number().int().min(1).max(MLS_LIMITS.maxTreeParts);
/** One part of a commit in parts (shared/groups/commit-parts.ts), staged or fetched: at most GROUP_LIMITS.commitPartBytes as base64url. */
export const CommitPart = z.string().min(1).max(Math.ceil((G.commitPartBytes * 4) / 3)).regex(/^[A-Za-z0-9_-]+$/);
export const CommitPartIndex = z.number().int().nonnegative().max(G.maxCommitParts - 1);
export const CommitPartCount = z.number().int().min(1).max(G.maxCommitParts);
export const Epoch = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const Seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** Directory card text: shown to strangers, so bounded and free of control characters. */
export const CardText = (max: number) =>
  z
    .string()
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters');

/** Why a user is out of a group: removed by a commit, banned, left, the group deleted, or lapsed (behind a commit the log no longer holds). */
export const GroupRemovedReason = z.enum(['removed', 'banned', 'left', 'deleted', 'lapsed']);
export type GroupRemovedReason = z.infer<typeof GroupRemovedReason>;
export const GroupRole = z.enum(['owner', 'admin', 'member']);
export type GroupRole = z.infer<typeof GroupRole>;
export const JoinPolicy = z.enum(['approval', 'closed']);
export type JoinPolicy = z.infer<typeof JoinPolicy>;

/** What owners and admins may change (`group_settings`); every field optional there. */
export const SettingsFields = {
  listed: z.boolean(),
  name: CardText(G.maxGroupNameChars),
  topic: CardText(G.maxGroupTopicChars),
  joinPolicy: JoinPolicy,
  onlyAdminsSend: z.boolean(),
  memberChats: z.boolean(),
};
export const GroupSettings = z.object(SettingsFields);
export type GroupSettings = z.infer<typeof GroupSettings>;
/**
 * The settings as a client sends them (`group_create`, `group_settings`): a name or topic is bounded
 * here only by the frame, so one past its limit reaches the handler and is refused as
 * `name_too_long` / `topic_too_long` naming the group, not as a `bad_frame` nobody can place.
 */
export const SentSettingsFields = { ...SettingsFields, name: CardText(LIMITS.maxFrameBytes), topic: CardText(LIMITS.maxFrameBytes) };

/** A server-state change, logged in order with commits and messages (`group_log` of kind `event`). */
export const GroupEvent = z.discriminatedUnion('t', [
  z.object({ t: z.literal('created') }),
  z.object({ t: z.literal('mute'), user: User, until: z.number().int().nullable() }),
  z.object({ t: z.literal('role'), user: User, role: GroupRole }),
  z.object({ t: z.literal('settings'), settings: GroupSettings.partial() }),
  z.object({ t: z.literal('ban'), user: User }),
  z.object({ t: z.literal('unban'), user: User }),
  /** `user` left (or was banned): the server stopped routing to them; a member should commit their Remove. */
  z.object({ t: z.literal('left'), user: User }),
  z.object({ t: z.literal('transfer'), user: User }),
  z.object({ t: z.literal('deleted') }),
]);
export type GroupEvent = z.infer<typeof GroupEvent>;
