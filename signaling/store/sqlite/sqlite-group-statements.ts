/**
 * The group store's prepared statements (sqlite-groups.ts), kept apart so the store reads as
 * its operations. Prepared once per database.
 */
import type Database from 'better-sqlite3';
import type { GroupRole, LogEntry } from '../groups';

export interface GroupRow {
  id: string;
  epoch: number;
  owner: string;
  /** JSON array of usernames: the admins the group's MLS roles name. */
  admins: string;
  lapsed_below: number;
  seq: number;
  listed: number;
  name: string;
  topic: string;
  join_policy: 'approval' | 'closed';
  only_admins_send: number;
  member_chats: number;
  members: number;
}

export interface MemberRow {
  user: string;
  role: GroupRole;
  leaf: number;
  muted_until: number | null;
  cursor: number;
  active: number;
}

export function groupStatements(db: Database.Database) {
  const active = '(SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id AND m.active = 1) AS members';
  return {
    group: db.prepare<[string], GroupRow>(`SELECT g.*, ${active} FROM groups g WHERE g.id = ?`),
    exists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM groups WHERE id = ?'),
    insertGroup: db.prepare(
      `INSERT INTO groups (id, epoch, owner, seq, listed, name, topic, join_policy, only_admins_send, member_chats, created_at)
       VALUES (@id, 0, @owner, 0, @listed, @name, @topic, @joinPolicy, @onlyAdminsSend, @memberChats, @now)`,
    ),
    countOf: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM group_members WHERE user = ? AND active = 1'),
    member: db.prepare<[string, string], MemberRow>('SELECT * FROM group_members WHERE group_id = ? AND user = ?'),
    members: db.prepare<[string], MemberRow>('SELECT * FROM group_members WHERE group_id = ? ORDER BY leaf'),
    insertMember: db.prepare<[string, string, GroupRole, number, number]>(
      // A member's cursor starts at the seq that added them, which is also when they joined (receipts).
      'INSERT OR REPLACE INTO group_members (group_id, user, role, leaf, muted_until, cursor, joined, active) SELECT ?, ?, ?, ?, NULL, s, s, 1 FROM (SELECT ? AS s)',
    ),
    groupsOf: db.prepare<[string, string, number], { group_id: string; role: GroupRole; cursor: number }>(
      'SELECT group_id, role, cursor FROM group_members WHERE user = ? AND active = 1 AND group_id > ? ORDER BY group_id LIMIT ?',
    ),
    // Member chats: a's rows by the user index (bounded by the groups per user), b's by the key.
    sharesChatGroup: db.prepare<[string, string], { one: number }>(
      `SELECT 1 AS one FROM group_members a
       JOIN group_members b ON b.group_id = a.group_id AND b.user = ? AND b.active = 1
       JOIN groups g ON g.id = a.group_id AND g.member_chats = 1
       WHERE a.user = ? AND a.active = 1 LIMIT 1`,
    ),
    search: db.prepare<[string, number], GroupRow>(
      `SELECT g.*, ${active} FROM groups g WHERE g.listed = 1 AND lower(g.name) LIKE ? ESCAPE '\\' ORDER BY g.name LIMIT ?`,
    ),
    setMute: db.prepare<[number | null, string, string]>('UPDATE group_members SET muted_until = ? WHERE group_id = ? AND user = ?'),
    setRoles: db.prepare<[string, string, string]>('UPDATE groups SET owner = ?, admins = ? WHERE id = ?'),
    /** Every row's role from the group's owner and admins (after a roles commit, and for those a commit adds). */
    deriveRoles: db.prepare<[string]>(
      `UPDATE group_members SET role = CASE
         WHEN user = (SELECT owner FROM groups WHERE id = group_members.group_id) THEN 'owner'
         WHEN user IN (SELECT value FROM json_each((SELECT admins FROM groups WHERE id = group_members.group_id))) THEN 'admin'
         ELSE 'member' END
       WHERE group_id = ?`,
    ),
    deactivate: db.prepare<[string, string]>('UPDATE group_members SET active = 0, welcome = NULL WHERE group_id = ? AND user = ?'),
    request: db.prepare<[string, string], { approved: number }>('SELECT approved FROM group_requests WHERE group_id = ? AND user = ?'),
    countRequests: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM group_requests WHERE group_id = ?'),
    insertRequest: db.prepare<[string, string, number]>('INSERT INTO group_requests (group_id, user, created_at, approved) VALUES (?, ?, ?, 0)'),
    requests: db.prepare<[string], { user: string }>('SELECT user FROM group_requests WHERE group_id = ? AND approved = 0 ORDER BY created_at, user'),
    approvals: db.prepare<[string], { user: string }>('SELECT user FROM group_requests WHERE group_id = ? AND approved = 1 ORDER BY created_at, user'),
    approve: db.prepare<[string, string]>('UPDATE group_requests SET approved = 1 WHERE group_id = ? AND user = ? AND approved = 0'),
    dropRequest: db.prepare<[string, string]>('DELETE FROM group_requests WHERE group_id = ? AND user = ?'),
    expireRequests: db.prepare<[string, number]>('DELETE FROM group_requests WHERE group_id = ? AND created_at < ?'),
    ban: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO group_bans (group_id, user, created_at) VALUES (?, ?, ?)'),
    unban: db.prepare<[string, string]>('DELETE FROM group_bans WHERE group_id = ? AND user = ?'),
    banned: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM group_bans WHERE group_id = ? AND user = ?'),
    bans: db.prepare<[string], { user: string }>('SELECT user FROM group_bans WHERE group_id = ? ORDER BY created_at, user'),
    bump: db.prepare<[string]>('UPDATE groups SET seq = seq + 1 WHERE id = ?'),
    seqOf: db.prepare<[string], { seq: number }>('SELECT seq FROM groups WHERE id = ?'),
    setEpoch: db.prepare<[number, string]>('UPDATE groups SET epoch = ? WHERE id = ?'),
    insertLog: db.prepare<[string, number, string, string, string | null, string, number, number | null]>(
      'INSERT INTO group_log (group_id, seq, kind, sender, msg_id, data, ts, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    /** A disappearing message past its end is served to nobody, swept or not (expires_at: sqlite-schema.ts). */
    readLog: db.prepare<
      [string, number, number, number],
      { seq: number; kind: LogEntry['kind']; sender: string; msg_id: string | null; data: string; ts: number; expires_at: number | null }
    >(
      'SELECT seq, kind, sender, msg_id, data, ts, expires_at FROM group_log WHERE group_id = ? AND seq > ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY seq LIMIT ?',
    ),
    /** Before the bounds trim: the newest commit they are about to drop, by count, then by age (review M1). */
    lastCommitBelow: db.prepare<[string, number], { s: number | null }>("SELECT MAX(seq) AS s FROM group_log WHERE group_id = ? AND seq <= ? AND kind = 'commit'"),
    lastCommitOlder: db.prepare<[string, number], { s: number | null }>("SELECT MAX(seq) AS s FROM group_log WHERE group_id = ? AND ts < ? AND kind = 'commit'"),
    markLapsed: db.prepare<[number, string]>('UPDATE groups SET lapsed_below = max(lapsed_below, ?) WHERE id = ?'),
    /** The same for the sweep, in every group whose old entries it is about to drop. */
    markLapsedOlder: db.prepare<{ cutoff: number }>(
      `UPDATE groups SET lapsed_below = max(lapsed_below,
         (SELECT MAX(seq) FROM group_log l WHERE l.group_id = groups.id AND l.ts < @cutoff AND l.kind = 'commit'))
       WHERE id IN (SELECT group_id FROM group_log WHERE ts < @cutoff AND kind = 'commit')`,
    ),
    trimBelow: db.prepare<[string, number]>('DELETE FROM group_log WHERE group_id = ? AND seq <= ?'),
    trimOlder: db.prepare<[string, number]>('DELETE FROM group_log WHERE group_id = ? AND ts < ?'),
    cursorOf: db.prepare<[string, string], { cursor: number }>('SELECT cursor FROM group_members WHERE group_id = ? AND user = ?'),
    minCursor: db.prepare<[string], { c: number | null }>('SELECT MIN(cursor) AS c FROM group_members WHERE group_id = ? AND active = 1'),
    moveCursor: db.prepare<[number, string, string]>('UPDATE group_members SET cursor = max(cursor, ?) WHERE group_id = ? AND user = ?'),
    clearWelcome: db.prepare<[string, string, number]>('UPDATE group_members SET welcome = NULL WHERE group_id = ? AND user = ? AND welcome_seq <= ?'),
    setWelcome: db.prepare<[string, number, string, string]>('UPDATE group_members SET welcome = ?, welcome_seq = ? WHERE group_id = ? AND user = ?'),
    welcome: db.prepare<[string, string], { welcome: string | null; welcome_seq: number | null }>(
      'SELECT welcome, welcome_seq FROM group_members WHERE group_id = ? AND user = ? AND active = 1',
    ),
    sweep: db.prepare<[number, number]>(
      'DELETE FROM group_log WHERE (group_id, seq) IN (SELECT group_id, seq FROM group_log WHERE ts < ? LIMIT ?)',
    ),
    /** Disappearing messages past their own end (messages only, never a commit: no lapse to note). */
    sweepEnded: db.prepare<[number, number]>(
      'DELETE FROM group_log WHERE (group_id, seq) IN (SELECT group_id, seq FROM group_log WHERE expires_at <= ? LIMIT ?)',
    ),
    deleteMember: db.prepare<[string, string]>('DELETE FROM group_members WHERE group_id = ? AND user = ?'),
  };
}

export type GroupStatements = ReturnType<typeof groupStatements>;
