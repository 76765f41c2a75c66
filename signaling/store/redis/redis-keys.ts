/**
 * Every Redis key the store writes, spelled once. A user's keys carry their name as a hash tag
 * (`q:{bob}`), so each script touches one slot and the layout works on Redis Cluster as it is.
 * The three sweep indexes are global (one key each, written by single-key commands outside the
 * scripts), because a sweep must find expired items of users nobody writes to any more.
 * README.md beside this file describes each key.
 */

const tag = (user: string) => `{${user}}`;

export const keys = {
  account: (user: string) => `u:${tag(user)}`,
  contacts: (user: string) => `c:${tag(user)}`,
  /** Whom `user` blocks. */
  blocks: (user: string) => `b:${tag(user)}`,
  /** Who blocks `user` (the same facts, kept in the blocked user's slot so both lists are one read). */
  blockers: (user: string) => `bb:${tag(user)}`,
  /** Requests to `user`: requester → when asked. */
  incoming: (user: string) => `rqi:${tag(user)}`,
  /** Requests to `user`: requester → when the requester's account was created (the new-account cap). */
  incomingBorn: (user: string) => `rqn:${tag(user)}`,
  /** Declines by `user`: requester → until when they may not ask again. */
  declined: (user: string) => `rqd:${tag(user)}`,
  /** Requests from `user`: recipient → when asked. */
  outgoing: (user: string) => `rqo:${tag(user)}`,
  /** The stream of what is owed to `user`. */
  queue: (user: string) => `q:${tag(user)}`,
  /** The queue's counters, next seq and de-duplication entries. */
  queueIndex: (user: string) => `qi:${tag(user)}`,
  /** One stored file's metadata and chunk table. */
  file: (recipient: string, sender: string, fileId: string) => `f:${tag(recipient)}:${sender}:${fileId}`,
  /** Files for `recipient`: `sender:fileId` → expiry. */
  filesByExpiry: (recipient: string) => `fx:${tag(recipient)}`,
  /** Files for `recipient`: `sender:fileId` → sealed bytes. */
  fileBytes: (recipient: string) => `fb:${tag(recipient)}`,
  /** Sweep index: recipient → the earliest expiry that may sit in their queue (never later than it). */
  queueSweep: 'sweep:queue',
  /** Sweep index: `recipient sender fileId` → the file's expiry. */
  fileSweep: 'sweep:files',
  /** Sweep index: `recipient sender fileId` of uncommitted uploads → when a chunk last arrived. */
  uploadSweep: 'sweep:uploads',
} as const;

/** A stored file named inside its recipient's keys. */
export const fileField = (sender: string, fileId: string) => `${sender}:${fileId}`;

/** A stored file named in the global sweep indexes (usernames and file ids hold no spaces). */
export const fileMember = (recipient: string, sender: string, fileId: string) => `${recipient} ${sender} ${fileId}`;
