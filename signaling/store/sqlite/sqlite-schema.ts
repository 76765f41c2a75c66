/**
 * The SQLite schema and its migrations, in order. `PRAGMA user_version` records how many have
 * run; each runs once, in its own transaction, so a database written by any earlier version of
 * the server is brought up to date at open and a crash mid-migration leaves the old one intact.
 */
import type Database from 'better-sqlite3';
import { GROUPS_SCHEMA } from './sqlite-groups-schema';

const BASE = `
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  identity_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS contacts (
  owner TEXT NOT NULL, peer TEXT NOT NULL,
  PRIMARY KEY (owner, peer)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS requests (
  from_user TEXT NOT NULL, to_user TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (from_user, to_user)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS requests_to ON requests (to_user);
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('msg', 'receipt')),
  peer TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  env TEXT,
  bytes INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (recipient, kind, peer, msg_id)
);
CREATE INDEX IF NOT EXISTS queue_recipient ON queue (recipient, seq);
CREATE INDEX IF NOT EXISTS queue_expiry ON queue (expires_at);
`;

/** Refusals join receipts in the queue (a CHECK constraint changes only by rebuilding the table); declines are remembered. */
const REFUSALS_AND_DECLINES = `
CREATE TABLE queue_v2 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('msg', 'receipt', 'refusal')),
  peer TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  env TEXT,
  bytes INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (recipient, kind, peer, msg_id)
);
INSERT INTO queue_v2 (seq, recipient, kind, peer, msg_id, env, bytes, ts, expires_at)
  SELECT seq, recipient, kind, peer, msg_id, env, bytes, ts, expires_at FROM queue ORDER BY seq;
DROP TABLE queue;
ALTER TABLE queue_v2 RENAME TO queue;
CREATE INDEX queue_recipient ON queue (recipient, seq);
CREATE INDEX queue_expiry ON queue (expires_at);
CREATE INDEX requests_from ON requests (from_user);
CREATE INDEX requests_created ON requests (created_at);
CREATE TABLE declines (
  from_user TEXT NOT NULL, to_user TEXT NOT NULL, until INTEGER NOT NULL,
  PRIMARY KEY (from_user, to_user)
) WITHOUT ROWID;
CREATE INDEX declines_until ON declines (until);
`;

/**
 * The quota checks sum `bytes` per recipient (and sender) on every stored message. `bytes` sits
 * after the envelope in the row, so without an index that covers it each sum walked every queued
 * envelope's overflow pages: one contact sending large envelopes to an offline user held the
 * event loop (bench: hostile load, flood 8). This index answers those sums alone.
 */
const QUEUE_USAGE_INDEX = `
CREATE INDEX queue_usage ON queue (recipient, kind, peer, expires_at, bytes);
`;

/** Blocks: one row per (blocker, blocked); looked up both ways at login. */
const BLOCKS = `
CREATE TABLE blocks (
  owner TEXT NOT NULL, peer TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (owner, peer)
) WITHOUT ROWID;
CREATE INDEX blocks_peer ON blocks (peer);
`;

/**
 * A group's admins as its MLS roles name them (review H3): roles change only by commits, and the
 * server mirrors the roles extension whole, so someone it names who is not a member yet gets the
 * role the members' MLS state gives them when added. Filled from the member rows of the time.
 * And the newest commit the log's bounds dropped (review M1: members behind it have lapsed).
 */
const GROUP_ADMINS = `
ALTER TABLE groups ADD COLUMN lapsed_below INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN admins TEXT NOT NULL DEFAULT '[]';
UPDATE groups SET admins = (
  SELECT json_group_array(user) FROM (SELECT user FROM group_members m WHERE m.group_id = groups.id AND m.role = 'admin' ORDER BY user)
);
`;

/**
 * Group receipts ("Message info", store/group-receipts.ts): per member the seq that added them and
 * a read cursor, and per message its seq and author (the log's rows go once every member has
 * them). Members kept before this take the seq of their Welcome when it is known, else 0.
 */
const GROUP_RECEIPTS = `
ALTER TABLE group_members ADD COLUMN joined INTEGER NOT NULL DEFAULT 0;
ALTER TABLE group_members ADD COLUMN read_cursor INTEGER NOT NULL DEFAULT 0;
UPDATE group_members SET joined = COALESCE(welcome_seq, 0);
CREATE TABLE group_messages (
  group_id TEXT NOT NULL, msg_id TEXT NOT NULL, seq INTEGER NOT NULL, sender TEXT NOT NULL,
  PRIMARY KEY (group_id, msg_id)
) WITHOUT ROWID;
CREATE INDEX group_messages_seq ON group_messages (group_id, seq);
`;

/**
 * A group log entry's own end (ms; NULL: the log's lifetime): a disappearing message's, from its
 * `group_send` ttl. Indexed only where set, for the sweep; rows kept before have none.
 */
const GROUP_LOG_EXPIRY = `
ALTER TABLE group_log ADD COLUMN expires_at INTEGER;
CREATE INDEX group_log_expires ON group_log (expires_at) WHERE expires_at IS NOT NULL;
`;

const MIGRATIONS: readonly string[] = [BASE, REFUSALS_AND_DECLINES, QUEUE_USAGE_INDEX, BLOCKS, GROUPS_SCHEMA, GROUP_ADMINS, GROUP_RECEIPTS, GROUP_LOG_EXPIRY];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the database was written by a newer Parley (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
