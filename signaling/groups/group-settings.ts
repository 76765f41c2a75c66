/**
 * The groups' limits (issue 12), read from the environment like the rest of config.ts and kept
 * here so the delivery service's knobs sit together. Every bound a client could push against is
 * one of these; PROTOCOL.md, "Groups", lists them.
 */
import { z } from 'zod';
import { MLS_LIMITS } from '../../shared/groups';
import { int, parseEnv } from '../env-settings';

const positive = (def: number) => z.coerce.number().int().min(1).default(def);

const GroupEnv = z.object({
  /**
   * Members per group. The Welcome does not carry the ratchet tree (~250 KB at 1,000 members):
   * the server keeps it beside the Welcome, in parts that each fit a frame (group-trees.ts).
   * No more than members accept (MLS_LIMITS.maxMembers): a bigger group would take commits that
   * every member refuses (review L6).
   */
  MAX_GROUP_MEMBERS: z.coerce.number().int().min(1).max(MLS_LIMITS.maxMembers).default(MLS_LIMITS.maxMembers),
  /** Groups one user may be in (owned or joined); past it, `too_many_groups`. */
  MAX_GROUPS_PER_USER: positive(200),
  /** One-use KeyPackages kept per user; an upload past it keeps the newest. */
  MAX_KEY_PACKAGES: positive(32),
  /** Log entries kept per group; past it the oldest go (a member that far behind must be added again). */
  GROUP_LOG_MAX_ENTRIES: positive(10_000),
  /** Log entries older than this go even if a member has not read them (like 1:1 messages). */
  GROUP_LOG_TTL_SECONDS: int(14 * 24 * 3600),
  /** Users banned per group; past it, `requests_full` (unban someone first). */
  GROUP_BANS_MAX: positive(1000),
  /** Pending join requests per group; past it, `requests_full`. */
  GROUP_REQUESTS_MAX: positive(100),
  /** Searches one connection may make per minute; past it, `rate_limited`. */
  GROUP_SEARCHES_PER_MINUTE: positive(20),
  /** Group messages one connection may send per second (and burst); past it, `rate_limited`. */
  GROUP_SENDS_PER_SEC: positive(20),
  GROUP_SENDS_BURST: positive(40),
  /** Admin actions (create, decide, mute, role, settings, ban, commit…) per connection per minute. */
  GROUP_ACTIONS_PER_MINUTE: positive(120),
  /** Log entries handed to a connection and not yet acknowledged, per group: past it the rest wait in the store. */
  GROUP_WINDOW_ENTRIES: positive(64),
  /** Entries read from the store in one page (at login, or catching up). */
  GROUP_PAGE_ENTRIES: positive(32),
  // Group files (issue 12 item 6): one sealed copy per file kept for the group, expiring with its log.
  /** Largest group file, plaintext bytes; past it, `file_too_large`. */
  GROUP_FILE_MAX_BYTES: positive(25 * 1024 * 1024),
  /** All files kept for one group together, plaintext bytes; past it, `group_files_full`. */
  GROUP_FILES_QUOTA_BYTES: positive(200 * 1024 * 1024),
  /** Files kept for one group (committed or not); past it, `group_files_full`. */
  GROUP_FILES_MAX: positive(500),
});

export interface GroupSettingsConfig {
  maxMembers: number;
  maxGroupsPerUser: number;
  maxKeyPackages: number;
  logMaxEntries: number;
  logTtlMs: number;
  requestsMax: number;
  bansMax: number;
  searchesPerMinute: number;
  sendsPerSec: number;
  sendsBurst: number;
  actionsPerMinute: number;
  windowEntries: number;
  pageEntries: number;
  fileMaxBytes: number;
  filesQuotaBytes: number;
  filesMax: number;
}

/** Throws with a readable message when a variable is malformed. */
export function loadGroupSettings(env: NodeJS.ProcessEnv): GroupSettingsConfig {
  const e = parseEnv(GroupEnv, env);
  return {
    maxMembers: e.MAX_GROUP_MEMBERS,
    maxGroupsPerUser: e.MAX_GROUPS_PER_USER,
    maxKeyPackages: e.MAX_KEY_PACKAGES,
    logMaxEntries: e.GROUP_LOG_MAX_ENTRIES,
    logTtlMs: e.GROUP_LOG_TTL_SECONDS * 1000,
    requestsMax: e.GROUP_REQUESTS_MAX,
    bansMax: e.GROUP_BANS_MAX,
    searchesPerMinute: e.GROUP_SEARCHES_PER_MINUTE,
    sendsPerSec: e.GROUP_SENDS_PER_SEC,
    sendsBurst: e.GROUP_SENDS_BURST,
    actionsPerMinute: e.GROUP_ACTIONS_PER_MINUTE,
    windowEntries: e.GROUP_WINDOW_ENTRIES,
    pageEntries: e.GROUP_PAGE_ENTRIES,
    fileMaxBytes: e.GROUP_FILE_MAX_BYTES,
    filesQuotaBytes: e.GROUP_FILES_QUOTA_BYTES,
    filesMax: e.GROUP_FILES_MAX,
  };
}
