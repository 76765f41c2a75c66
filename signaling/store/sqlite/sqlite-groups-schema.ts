/**
 * The groups' tables (issue 12), one migration in sqlite-schema.ts. The log is keyed by
 * (group, seq) so reading after a cursor and trimming below one are range scans; members are
 * found by user for the list at login.
 */
export const GROUPS_SCHEMA = `
CREATE TABLE groups (
  id TEXT PRIMARY KEY,
  epoch INTEGER NOT NULL,
  owner TEXT NOT NULL,
  seq INTEGER NOT NULL,
  listed INTEGER NOT NULL,
  name TEXT NOT NULL,
  topic TEXT NOT NULL,
  join_policy TEXT NOT NULL CHECK (join_policy IN ('approval', 'closed')),
  only_admins_send INTEGER NOT NULL,
  member_chats INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX groups_listed ON groups (listed);
CREATE TABLE group_members (
  group_id TEXT NOT NULL, user TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  leaf INTEGER NOT NULL,
  muted_until INTEGER,
  cursor INTEGER NOT NULL,
  active INTEGER NOT NULL,
  welcome TEXT,
  welcome_seq INTEGER,
  PRIMARY KEY (group_id, user)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members (user, group_id);
CREATE TABLE group_requests (
  group_id TEXT NOT NULL, user TEXT NOT NULL, created_at INTEGER NOT NULL, approved INTEGER NOT NULL,
  PRIMARY KEY (group_id, user)
) WITHOUT ROWID;
CREATE TABLE group_bans (
  group_id TEXT NOT NULL, user TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, user)
) WITHOUT ROWID;
CREATE TABLE group_log (
  group_id TEXT NOT NULL, seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('commit', 'message', 'event')),
  sender TEXT NOT NULL, msg_id TEXT, data TEXT NOT NULL, ts INTEGER NOT NULL,
  PRIMARY KEY (group_id, seq)
) WITHOUT ROWID;
CREATE INDEX group_log_ts ON group_log (ts);
CREATE TABLE key_packages (
  user TEXT NOT NULL, ref TEXT NOT NULL, data TEXT NOT NULL, added INTEGER NOT NULL,
  PRIMARY KEY (user, ref)
) WITHOUT ROWID;
CREATE INDEX key_packages_age ON key_packages (user, added);
`;
