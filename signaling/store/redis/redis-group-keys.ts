/**
 * The groups' Redis keys (issue 12), spelled once. A group's keys carry `{g:<id>}` as their hash
 * tag, so its scripts touch one slot; a user's group index and KeyPackages carry the user's tag
 * like the rest of their keys (redis-keys.ts). README.md beside this file describes each key.
 */
const tag = (group: string) => `{g:${group}}`;

export const groupKeys = {
  /** Hash: epoch, owner, seq, listed, name, topic, joinPolicy, onlyAdminsSend, memberChats. */
  group: (id: string) => `g:${tag(id)}`,
  /** Hash: user → JSON {role, leaf, mutedUntil, cursor, joined, read, active} (joined and read: receipts). */
  members: (id: string) => `gm:${tag(id)}`,
  /** Stream: the group's log, entry id `<seq>-0`, fields k f i d t [x] (kind, from, id, data, ts, a disappearing message's end). */
  log: (id: string) => `gl:${tag(id)}`,
  /** Sorted set: seq by its own end (ms), for log entries that have one (disappearing messages). */
  ends: (id: string) => `gx:${tag(id)}`,
  /** Hash: user → JSON {ts, approved}: pending and approved join requests. */
  requests: (id: string) => `grq:${tag(id)}`,
  /** Hash: user → when banned. */
  bans: (id: string) => `gb:${tag(id)}`,
  /** Hash: user → JSON {w, seq}: the Welcome waiting for a new member. */
  welcomes: (id: string) => `gw:${tag(id)}`,
  /** Hash: message id → `<seq> <author>`, for receipts (redis-group-receipts.ts). */
  messages: (id: string) => `gmi:${tag(id)}`,
  /** Sorted set: message id by seq, to trim `messages` to the log's count bound. */
  messageSeqs: (id: string) => `gms:${tag(id)}`,
  /** Sorted set (all scores 0, ordered by id): the groups `user` is an active member of. */
  userGroups: (user: string) => `ug:{${user}}`,
  /** List: `user`'s one-use KeyPackages, oldest first. */
  keyPackages: (user: string) => `kp:{${user}}`,
  /** Sweep index: group id → the ts of an entry at or before the head of its log (never later). */
  sweep: 'sweep:groups',
  /** Sweep index: group id → the soonest end in its `ends` set (never later). */
  endsSweep: 'sweep:group-ends',
  /** Hash: `<lower-cased name>\n<id>` → id, for listed groups only (searched with HSCAN MATCH). */
  directory: 'gdir',
  directoryField: (name: string, id: string) => `${name.toLowerCase()}\n${id}`,
} as const;
