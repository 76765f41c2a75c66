import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store';
import type { QueueItem } from '../store';

let dir: string;
let clock: number;
const open: SqliteStore[] = [];

function openStore(overrides: Partial<SqliteStoreOptions> = {}): SqliteStore {
  const store = new SqliteStore({ dataDir: dir, quotaMessages: 100, quotaBytes: 1_000_000, ttlMs: 60_000, senderSharePercent: 100, now: () => clock, ...overrides });
  open.push(store);
  return store;
}

const msg = (peer: string, id: string, env = `env-${id}`, ts = clock): QueueItem => ({ kind: 'msg', peer, id, env, ts });
const receipt = (peer: string, id: string): QueueItem => ({ kind: 'receipt', peer, id, ts: clock });
/** Everything queued for `recipient`, as the old whole-queue read returned it. */
const pending = (store: SqliteStore, recipient: string): QueueItem[] =>
  store.page(recipient, 0, 1_000_000).map(({ seq: _seq, ...item }) => item);
const ids = (items: QueueItem[]) => items.map((i) => `${i.kind}:${i.peer}:${i.id}`);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-'));
  clock = 1_000_000;
});

afterEach(() => {
  for (const s of open.splice(0)) {
    try {
      s.close();
    } catch {
      // already closed by the test
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteStore: durability settings', () => {
  it('opens the database in WAL mode with synchronous=FULL', () => {
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    try {
      openStore();
      const db = pragma.mock.contexts[0] as Database.Database;
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
    } finally {
      pragma.mockRestore();
    }
    expect(fs.existsSync(path.join(dir, 'parley.sqlite'))).toBe(true);
    // WAL is recorded in the file itself: a fresh connection sees it too.
    const other = new Database(path.join(dir, 'parley.sqlite'), { readonly: true });
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
  });

  it('creates a missing data directory', () => {
    const nested = path.join(dir, 'a', 'b');
    const store = openStore({ dataDir: nested });
    expect(store.createUser({ username: 'alice', identityKey: 'k' })).toBe(true);
    expect(fs.existsSync(path.join(nested, 'parley.sqlite'))).toBe(true);
  });
});

describe('SqliteStore: accounts, contacts and requests', () => {
  it('refuses a taken username and keeps the first key', () => {
    const store = openStore();
    expect(store.createUser({ username: 'alice', identityKey: 'key-1' })).toBe(true);
    expect(store.createUser({ username: 'alice', identityKey: 'key-2' })).toBe(false);
    expect(store.getUser('alice')).toEqual({ username: 'alice', identityKey: 'key-1' });
    expect(store.getUser('nobody')).toBeUndefined();
  });

  it('records requests both ways and turns them into a symmetric contact', () => {
    const store = openStore();
    store.addRequest('alice', 'bob');
    store.addRequest('carol', 'bob');
    expect(store.hasRequest('alice', 'bob')).toBe(true);
    expect(store.hasRequest('bob', 'alice')).toBe(false);
    expect(store.incomingRequests('bob').sort()).toEqual(['alice', 'carol']);
    expect(store.outgoingRequests('alice')).toEqual(['bob']);
    store.addContact('bob', 'alice');
    expect(store.areContacts('alice', 'bob')).toBe(true);
    expect(store.areContacts('bob', 'alice')).toBe(true);
    expect(store.contactsOf('alice')).toEqual(['bob']);
    expect(store.hasRequest('alice', 'bob')).toBe(false);
    expect(store.incomingRequests('bob')).toEqual(['carol']);
    store.declineRequest('carol', 'bob');
    expect(store.incomingRequests('bob')).toEqual([]);
    expect(store.areContacts('carol', 'bob')).toBe(false);
  });
});

describe('SqliteStore: offline queue', () => {
  it('returns items in the order they were queued, across peers and kinds', () => {
    const store = openStore();
    store.enqueue('bob', [msg('alice', 'a1')]);
    store.enqueue('bob', [msg('carol', 'c1'), receipt('carol', 'r1')]);
    store.enqueue('bob', [msg('alice', 'a2')]);
    store.enqueue('dave', [msg('alice', 'd1')]);
    expect(ids(pending(store, 'bob'))).toEqual(['msg:alice:a1', 'msg:carol:c1', 'receipt:carol:r1', 'msg:alice:a2']);
    expect(pending(store, 'bob')[0]).toEqual({ kind: 'msg', peer: 'alice', id: 'a1', env: 'env-a1', ts: clock });
    expect(pending(store, 'bob')[2]).toEqual({ kind: 'receipt', peer: 'carol', id: 'r1', ts: clock });
    expect(ids(pending(store, 'dave'))).toEqual(['msg:alice:d1']);
  });

  it('keeps an item until it is removed: delivery alone does not delete (ack-before-delete)', () => {
    const store = openStore();
    store.enqueue('bob', [msg('alice', 'a1'), msg('alice', 'a2'), receipt('alice', 'a1')]);
    expect(pending(store, 'bob')).toHaveLength(3);
    expect(pending(store, 'bob')).toHaveLength(3); // reading is not consuming
    store.remove('bob', 'msg', 'alice', ['a1']);
    expect(ids(pending(store, 'bob'))).toEqual(['msg:alice:a2', 'receipt:alice:a1']);
    // A remove names recipient, kind and peer exactly: near misses delete nothing.
    store.remove('carol', 'msg', 'alice', ['a2']);
    store.remove('bob', 'receipt', 'alice', ['a2']);
    store.remove('bob', 'msg', 'carol', ['a2']);
    expect(pending(store, 'bob')).toHaveLength(2);
    store.remove('bob', 'msg', 'alice', ['a2', 'unknown']);
    store.remove('bob', 'receipt', 'alice', ['a1']);
    expect(pending(store, 'bob')).toEqual([]);
  });

  it('reports a duplicate id and keeps one copy', () => {
    const store = openStore();
    expect(store.enqueue('bob', [msg('alice', 'a1')])).toBe('stored');
    expect(store.enqueue('bob', [msg('alice', 'a1', 'other')])).toBe('duplicate');
    expect(store.enqueue('bob', [msg('carol', 'a1')])).toBe('stored'); // same id, another sender
    expect(ids(pending(store, 'bob'))).toEqual(['msg:alice:a1', 'msg:carol:a1']);
    expect(pending(store, 'bob')[0]).toMatchObject({ env: 'env-a1' });
  });

  it('refuses messages past the per-recipient count quota, all or nothing', () => {
    const store = openStore({ quotaMessages: 3 });
    expect(store.enqueue('bob', [msg('alice', 'a1'), msg('alice', 'a2')])).toBe('stored');
    expect(store.enqueue('bob', [msg('alice', 'a3'), msg('alice', 'a4')])).toBe('full');
    expect(ids(pending(store, 'bob'))).toEqual(['msg:alice:a1', 'msg:alice:a2']);
    expect(store.enqueue('bob', [msg('alice', 'a3')])).toBe('stored');
    expect(store.enqueue('bob', [msg('carol', 'c1')])).toBe('full');
    // The quota is per recipient, and receipts do not count against it.
    expect(store.enqueue('dave', [msg('alice', 'd1')])).toBe('stored');
    expect(store.enqueue('bob', [receipt('carol', 'r1')])).toBe('stored');
    // Acknowledging frees room.
    store.remove('bob', 'msg', 'alice', ['a1']);
    expect(store.enqueue('bob', [msg('carol', 'c1')])).toBe('stored');
  });

  it('refuses messages past the per-recipient byte quota', () => {
    const store = openStore({ quotaBytes: 100 });
    expect(store.enqueue('bob', [msg('alice', 'a1', 'x'.repeat(60))])).toBe('stored');
    expect(store.enqueue('bob', [msg('alice', 'a2', 'x'.repeat(41))])).toBe('full');
    expect(store.enqueue('bob', [msg('alice', 'a2', 'x'.repeat(40))])).toBe('stored'); // exactly at the quota
    expect(store.enqueue('bob', [msg('alice', 'a3', 'x')])).toBe('full');
    expect(store.enqueue('carol', [msg('alice', 'c1', 'x'.repeat(100))])).toBe('stored');
    expect(pending(store, 'bob')).toHaveLength(2);
  });

  it('expires items after the TTL and frees their quota', () => {
    const store = openStore({ ttlMs: 1000, quotaMessages: 2 });
    store.enqueue('bob', [msg('alice', 'old1'), msg('alice', 'old2')]);
    expect(store.enqueue('bob', [msg('alice', 'x')])).toBe('full');
    clock += 500;
    store.enqueue('bob', [receipt('carol', 'r1')]);
    clock += 499; // 999 ms after the first items
    expect(ids(pending(store, 'bob'))).toEqual(['msg:alice:old1', 'msg:alice:old2', 'receipt:carol:r1']);
    clock += 1; // exactly the TTL: expired
    expect(ids(pending(store, 'bob'))).toEqual(['receipt:carol:r1']);
    expect(store.enqueue('bob', [msg('alice', 'new1')])).toBe('stored');
    expect(store.sweepExpired(clock, 1000)).toBe(2);
    expect(store.sweepExpired(clock, 1000)).toBe(0);
    clock += 1000;
    expect(pending(store, 'bob')).toEqual([]);
    expect(store.sweepExpired(clock, 1000)).toBe(2);
  });

  it('keeps everything across a reopen of the same data directory', () => {
    const first = openStore();
    first.createUser({ username: 'alice', identityKey: 'ka' });
    first.createUser({ username: 'bob', identityKey: 'kb' });
    first.addContact('alice', 'bob');
    first.addRequest('carol', 'bob');
    first.enqueue('bob', [msg('alice', 'a1'), msg('alice', 'a2'), receipt('alice', 'z')]);
    first.remove('bob', 'msg', 'alice', ['a1']);
    first.close();

    const second = openStore();
    expect(second.getUser('alice')).toEqual({ username: 'alice', identityKey: 'ka' });
    expect(second.areContacts('bob', 'alice')).toBe(true);
    expect(second.incomingRequests('bob')).toEqual(['carol']);
    expect(ids(pending(second, 'bob'))).toEqual(['msg:alice:a2', 'receipt:alice:z']);
    // New items still sort after the old ones.
    second.enqueue('bob', [msg('alice', 'a3')]);
    expect(ids(pending(second, 'bob'))).toEqual(['msg:alice:a2', 'receipt:alice:z', 'msg:alice:a3']);
  });

  it('has committed a stored item to disk before enqueue returns', () => {
    const store = openStore();
    store.enqueue('bob', [msg('alice', 'a1', 'sealed-envelope-bytes')]);
    // Another connection (as after a crash and restart) sees it without the first one closing.
    const other = new Database(path.join(dir, 'parley.sqlite'), { readonly: true });
    const row = other.prepare('SELECT env FROM queue WHERE recipient = ?').get('bob') as { env: string };
    other.close();
    expect(row.env).toBe('sealed-envelope-bytes');
  });
});
