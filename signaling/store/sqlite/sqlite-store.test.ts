import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store';

let dir: string;
let clock: number;
const open: SqliteStore[] = [];

function openStore(overrides: Partial<SqliteStoreOptions> = {}): SqliteStore {
  const store = new SqliteStore({ dataDir: dir, quotaMessages: 100, quotaBytes: 1_000_000, ttlMs: 60_000, senderSharePercent: 100, now: () => clock, ...overrides });
  open.push(store);
  return store;
}


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

  it('creates a missing data directory', async () => {
    const nested = path.join(dir, 'a', 'b');
    const store = openStore({ dataDir: nested });
    expect(await store.accounts.create({ username: 'alice', identityKey: 'k' })).toBe(true);
    expect(fs.existsSync(path.join(nested, 'parley.sqlite'))).toBe(true);
  });
});

describe('SqliteStore: commits', () => {
  it('has committed a stored item to disk before enqueue returns', async () => {
    const store = openStore();
    await store.queue.enqueue('bob', [{ kind: 'msg', peer: 'alice', id: 'a1', env: 'sealed-envelope-bytes', ts: clock }]);
    // Another connection (as after a crash and restart) sees it without the first one closing.
    const other = new Database(path.join(dir, 'parley.sqlite'), { readonly: true });
    const row = other.prepare('SELECT env FROM queue WHERE recipient = ?').get('bob') as { env: string };
    other.close();
    expect(row.env).toBe('sealed-envelope-bytes');
  });
});

describe('SqliteStore: acknowledged items and receipts', () => {
  it('deletes and queues them in commits another connection sees, and is back to synchronous=FULL for what is stored next', async () => {
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    let db: Database.Database;
    let store: SqliteStore;
    try {
      store = openStore();
      db = pragma.mock.contexts[0] as Database.Database;
    } finally {
      pragma.mockRestore();
    }
    const item = (id: string) => ({ kind: 'msg' as const, peer: 'alice', id, env: `sealed-${id}`, ts: clock });
    await store.queue.enqueue('bob', [item('a1'), item('a2')]);
    await store.queue.remove('bob', 'msg', 'alice', ['a1']);
    // The deletion's commit waits for no fsync of its own, but the connection stays as strict as it was.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const other = new Database(path.join(dir, 'parley.sqlite'), { readonly: true });
    const ids = () => (other.prepare('SELECT msg_id FROM queue WHERE recipient = ? ORDER BY seq').all('bob') as { msg_id: string }[]).map((r) => r.msg_id);
    expect(ids()).toEqual(['a2']);
    await store.queue.enqueue('bob', [item('a3')]);
    expect(ids()).toEqual(['a2', 'a3']);
    // Receipts for an offline sender commit the same way, and are there for the next connection too.
    await store.queue.enqueue('bob', [{ kind: 'receipt', peer: 'carol', id: 'r1', ts: clock }]);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(ids()).toEqual(['a2', 'a3', 'r1']);
    other.close();
  });
});
