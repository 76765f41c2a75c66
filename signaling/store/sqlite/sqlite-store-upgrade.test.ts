import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './sqlite-schema';
import { SqliteStore } from './sqlite-store';

let dir: string;
const open: SqliteStore[] = [];
const openStore = () => {
  const store = new SqliteStore({ dataDir: dir, quotaMessages: 100, quotaBytes: 1_000_000, ttlMs: 60_000 });
  open.push(store);
  return store;
};

beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-upgrade-')), 'data');
});
afterEach(() => {
  for (const s of open.splice(0)) void s.close();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

/** The schema the server wrote before migrations existed (user_version 0), with a queue in it. */
function writeVersionZero(): void {
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, 'parley.sqlite'));
  db.exec(`
    CREATE TABLE users (username TEXT PRIMARY KEY, identity_key TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE contacts (owner TEXT NOT NULL, peer TEXT NOT NULL, PRIMARY KEY (owner, peer)) WITHOUT ROWID;
    CREATE TABLE requests (from_user TEXT NOT NULL, to_user TEXT NOT NULL, created_at INTEGER NOT NULL,
      PRIMARY KEY (from_user, to_user)) WITHOUT ROWID;
    CREATE TABLE queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('msg', 'receipt')), peer TEXT NOT NULL, msg_id TEXT NOT NULL, env TEXT,
      bytes INTEGER NOT NULL, ts INTEGER NOT NULL, expires_at INTEGER NOT NULL, UNIQUE (recipient, kind, peer, msg_id));
  `);
  const insert = db.prepare('INSERT INTO queue (recipient, kind, peer, msg_id, env, bytes, ts, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const later = Date.now() + 3_600_000;
  insert.run('bob', 'msg', 'alice', 'm1', 'e1', 2, 1, later);
  insert.run('bob', 'receipt', 'carol', 'r1', null, 0, 2, later);
  insert.run('bob', 'msg', 'alice', 'm2', 'e2', 2, 3, later);
  db.prepare('INSERT INTO requests VALUES (?, ?, ?)').run('dave', 'bob', Date.now());
  db.close();
}


/** Undoes schema 8 (a group log entry's own end), to write a database as schema 7 and before did. */
const DROP_LOG_EXPIRY = 'DROP INDEX group_log_expires; ALTER TABLE group_log DROP COLUMN expires_at';
describe('SqliteStore: upgrading a database written by an older server', () => {
  it('keeps every queued item in order, takes refusals, and records the schema version', async () => {
    writeVersionZero();
    const store = openStore();
    expect((await store.queue.page('bob', undefined, 10)).map((i) => `${i.kind}:${i.id}`)).toEqual(['msg:m1', 'receipt:r1', 'msg:m2']);
    expect(await store.contacts.incomingRequests('bob')).toEqual(['dave']);
    expect(await store.queue.enqueue('alice', [{ kind: 'refusal', peer: 'bob', id: 'x1', ts: 4 }])).toBe('stored');
    // New items still sort after the migrated ones.
    await store.queue.enqueue('bob', [{ kind: 'msg', peer: 'alice', id: 'm3', env: 'e3', ts: 5 }]);
    expect((await store.queue.page('bob', undefined, 10)).map((i) => i.id)).toEqual(['m1', 'r1', 'm2', 'm3']);
    await store.close();
    open.length = 0;
    const db = new Database(path.join(dir, 'parley.sqlite'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    // Opening again runs nothing twice.
    expect(await openStore().queue.page('bob', undefined, 10)).toHaveLength(4);
  });

  it('takes a group’s admins from its member rows when the roles come to be stored whole (schema 6)', async () => {
    const first = openStore();
    await first.groups.create({ id: 'G1', owner: 'alice', listed: false, name: '', topic: '', joinPolicy: 'approval', onlyAdminsSend: false, memberChats: true });
    await first.groups.commit('G1', { epoch: 0, from: 'alice', data: 'c0', ts: 1, adds: [{ user: 'bob', leaf: 1 }], removes: [], roles: { owner: 'alice', admins: ['bob'] } });
    await first.close();
    open.length = 0;
    // The database as schema 5 wrote it: roles only in the member rows.
    const db = new Database(path.join(dir, 'parley.sqlite'));
    db.exec(DROP_LOG_EXPIRY);
    db.exec('DROP TABLE group_messages; ALTER TABLE group_members DROP COLUMN joined; ALTER TABLE group_members DROP COLUMN read_cursor');
    db.exec('ALTER TABLE groups DROP COLUMN admins; ALTER TABLE groups DROP COLUMN lapsed_below');
    db.pragma('user_version = 5');
    db.close();
    const store = openStore();
    // A later commit re-derives every role from the stored admins: bob stays an admin.
    await store.groups.commit('G1', { epoch: 1, from: 'alice', data: 'c1', ts: 2, adds: [{ user: 'carol', leaf: 2 }], removes: [] });
    expect((await store.groups.members('G1')).map((m) => [m.user, m.role])).toEqual([['alice', 'owner'], ['bob', 'admin'], ['carol', 'member']]);
  });

  it('gives members kept before receipts the seq of their Welcome as when they joined (schema 7)', async () => {
    const first = openStore();
    await first.groups.create({ id: 'G1', owner: 'alice', listed: false, name: '', topic: '', joinPolicy: 'approval', onlyAdminsSend: false, memberChats: true });
    await first.groups.commit('G1', { epoch: 0, from: 'alice', data: 'c0', ts: 1, adds: [{ user: 'bob', leaf: 1 }], removes: [], welcome: 'W' });
    await first.close();
    open.length = 0;
    const db = new Database(path.join(dir, 'parley.sqlite'));
    db.exec(DROP_LOG_EXPIRY);
    db.exec('DROP TABLE group_messages; ALTER TABLE group_members DROP COLUMN joined; ALTER TABLE group_members DROP COLUMN read_cursor');
    db.pragma('user_version = 6');
    db.close();
    const store = openStore();
    expect(await store.groups.receipts.positions('G1')).toEqual([
      { user: 'alice', joined: 0, cursor: 0, read: 0 },
      { user: 'bob', joined: 2, cursor: 2, read: 0 },
    ]);
    expect(await store.groups.receipts.markRead('G1', 'bob', 2)).toBe(2);
  });

  it('keeps the log entries written before entries had their own end (schema 8)', async () => {
    const first = openStore();
    await first.groups.create({ id: 'G1', owner: 'alice', listed: false, name: '', topic: '', joinPolicy: 'approval', onlyAdminsSend: false, memberChats: true });
    await first.close();
    open.length = 0;
    const db = new Database(path.join(dir, 'parley.sqlite'));
    db.exec(DROP_LOG_EXPIRY);
    db.pragma('user_version = 7');
    db.close();
    const store = openStore();
    expect((await store.groups.readLog('G1', 0, 10)).map((e) => [e.seq, e.kind, e.expiresAt])).toEqual([[1, 'event', undefined]]);
  });

  it('refuses a database from a newer server instead of guessing', async () => {
    await openStore().close();
    open.length = 0;
    const db = new Database(path.join(dir, 'parley.sqlite'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openStore()).toThrow(/newer Parley/);
  });
});

describe('SqliteStore: what is left on disk', () => {
  it('keeps the data directory and database files to the server user, and overwrites deleted rows', async () => {
    const store = openStore();
    await store.queue.enqueue('bob', [{ kind: 'msg', peer: 'alice', id: 'secret-id', env: 'SEALEDENVELOPEMARKER', ts: 1 }]);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of fs.readdirSync(dir)) expect(fs.statSync(path.join(dir, f)).mode & 0o077).toBe(0);
    await store.queue.remove('bob', 'msg', 'alice', ['secret-id']);
    await store.close();
    open.length = 0;
    // After a checkpoint, the deleted envelope's bytes are gone from the file, not in a free page.
    const bytes = fs.readFileSync(path.join(dir, 'parley.sqlite'));
    expect(bytes.includes(Buffer.from('SEALEDENVELOPEMARKER'))).toBe(false);
  });
});
