// The upgrade from a version 3 profile (written with that version's own schema code, see
// db-v3-fixture.ts) to the current schema, on fake-indexeddb: every message, outbox entry and
// transfer is there after it, keyed by conversation, and the rest of the profile is untouched.
// The same upgrade in a real Chromium page: e2e/migration.spec.ts.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { DB_VERSION, type ParleyDB, type TransferRecord, openDatabase } from './db';
import { upgrade } from './migrations';
import { type V3Message, type V3OutboxEntry, openV3 } from './db-v3-fixture';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

const messages: V3Message[] = [
  { peer: 'bob', dir: 'in', id: 'in-000001', seq: 1000, ts: 1, text: 'hello alice', state: 'delivered' },
  { peer: 'bob', dir: 'out', id: 'out-00001', seq: 2000, ts: 2, text: 'hello bob', state: 'delivered' },
  // The same id both ways is two messages (the key has the direction).
  { peer: 'bob', dir: 'out', id: 'in-000001', seq: 2500, ts: 2, text: 'same id, other way', state: 'sent' },
  { peer: 'bob', dir: 'out', id: 'out-00002', seq: 3000, ts: 3, text: 'still queued', state: 'sending' },
  { peer: 'carol', dir: 'out', id: 'out-00003', seq: 4000, ts: 4, text: 'report.pdf', file: { fileId: 'ab'.repeat(16), name: 'report.pdf', size: 10, type: 'application/pdf' }, state: 'failed', error: 'file_not_stored' },
  { peer: 'carol', dir: 'in', id: 'in-000002', seq: 5000, ts: 5, text: 'pic.png', file: { fileId: 'cd'.repeat(16), name: 'pic.png', size: 20, type: 'image/png' }, state: 'delivered' },
];
const outbox: V3OutboxEntry[] = [
  { id: 'out-00002', to: 'bob', env: 'sealed-for-bob', seq: 3000 },
  { id: 'other-tab', to: 'carol', env: 'sealed-for-carol', seq: 3500 },
];
const transfers = [
  { fileId: 'ab'.repeat(16), name: 'report.pdf', size: 10, type: 'application/pdf', peer: 'carol', dir: 'out', sha256: '0'.repeat(64), key: 'k', count: 1, next: 0, state: 'failed', reason: 'interrupted', stored: true },
  { fileId: 'cd'.repeat(16), name: 'pic.png', size: 20, type: 'image/png', peer: 'carol', dir: 'in', sha256: '1'.repeat(64), key: 'k2', count: 1, next: 1, state: 'done', hashState: new Uint8Array([1, 2, 3]) },
] satisfies TransferRecord[];

/** A fresh profile taken only as far as `version` by the same upgrade steps (raw, so any version's stores). */
function openV3Upgraded(version: number) {
  return openDB<ParleyDB>('parley', version, { upgrade }) as unknown as Promise<import('idb').IDBPDatabase>;
}

async function writeV3Profile(): Promise<void> {
  const db = await openV3();
  const tx = db.transaction(['identity', 'contacts', 'messages', 'outbox', 'transfers', 'settings'], 'readwrite');
  void tx.objectStore('identity').put({ username: 'alice', publicKey: new Uint8Array([1]), secretKey: new Uint8Array([2]), registered: true }, 'self');
  for (const username of ['bob', 'carol']) void tx.objectStore('contacts').put({ username, identityKey: `key-of-${username}` });
  for (const m of messages) void tx.objectStore('messages').put(m);
  for (const e of outbox) void tx.objectStore('outbox').put(e);
  for (const r of transfers) void tx.objectStore('transfers').put(r);
  void tx.objectStore('settings').put(true, 'relayOnly');
  await tx.done;
  db.close();
}

describe('upgrading a version 3 profile', () => {
  it('keeps every message (keyed by conversation), every outbox entry (as a message job), every transfer and the rest', async () => {
    await writeV3Profile();
    const db = await openDatabase();
    expect(db.version).toBe(DB_VERSION);

    const all = await db.getAll('messages');
    expect(all).toHaveLength(messages.length);
    for (const m of messages) expect(await db.get('messages', [`dm:${m.peer}`, m.dir, m.id])).toEqual({ ...m, conv: `dm:${m.peer}` });
    // Each conversation reads back in its order.
    const bob = await db.getAllFromIndex('messages', 'byConv', IDBKeyRange.bound(['dm:bob', -Infinity], ['dm:bob', Infinity]));
    expect(bob.map((m) => m.text)).toEqual(['hello alice', 'hello bob', 'same id, other way', 'still queued']);
    expect([...db.transaction('messages').store.indexNames].sort()).toEqual(['byConv', 'byQuote']);

    expect(await db.getAllFromIndex('outbox', 'bySeq')).toEqual(outbox.map((e) => ({ ...e, kind: 'message', conv: `dm:${e.to}` })));
    expect(await db.getAll('transfers')).toEqual(transfers);
    expect(await db.getAllFromIndex('transfers', 'byPeer', 'carol')).toHaveLength(2);

    expect(await db.get('identity', 'self')).toMatchObject({ username: 'alice', registered: true });
    expect((await db.getAll('contacts')).map((c) => c.username)).toEqual(['bob', 'carol']);
    expect(await db.get('settings', 'relayOnly')).toBe(true);
    expect(await db.getAll('conversations')).toEqual([]);
    expect(await db.getAll('pending')).toEqual([]);
    expect(await db.getAll('forgotten')).toEqual([]);
    db.close();
  });

  it('from version 4 gains what version 5 adds: the forgotten store, and replies found by their quote', async () => {
    const v4 = await openV3Upgraded(4);
    const reply = { conv: 'dm:bob', peer: 'bob', dir: 'in', id: 'reply-001', seq: 1, ts: 1, text: 'yes', reply: { id: 'out-00001', author: 'alice', text: 'hi' }, state: 'delivered' };
    await v4.put('messages', reply);
    await v4.put('messages', { conv: 'dm:bob', peer: 'bob', dir: 'in', id: 'plain-001', seq: 2, ts: 2, text: 'no quote', state: 'delivered' });
    v4.close();
    const db = await openDatabase();
    expect(await db.getAllFromIndex('messages', 'byQuote', ['dm:bob', 'out-00001'])).toEqual([reply]);
    expect(await db.count('messages', undefined)).toBe(2);
    expect(await db.getAll('forgotten')).toEqual([]);
    db.close();
  });

  it('from version 5 gains the group stores (version 6) with every record of every store kept', async () => {
    const v5 = await openV3Upgraded(5);
    const records: Record<string, Array<[unknown, unknown?]>> = {
      identity: [[{ username: 'alice', publicKey: new Uint8Array([1]), secretKey: new Uint8Array([2]), registered: true }, 'self']],
      contacts: [[{ username: 'bob', identityKey: 'key-of-bob', displayName: 'Bob', displayNameTs: 3 }]],
      messages: [[{ conv: 'dm:bob', peer: 'bob', dir: 'in', id: 'in-000001', seq: 1, ts: 1, text: 'hi', state: 'read', reply: { id: 'x-0000001', author: 'alice', text: 'q' } }]],
      outbox: [[{ id: 'out-00001', kind: 'reaction', conv: 'dm:bob', to: 'bob', env: 'sealed', seq: 2, target: 'in-000001' }]],
      conversations: [[{ id: 'dm:bob', unread: 2, draft: 'half', muted: true, last: { id: 'in-000001', dir: 'in', at: 5, text: 'hi' } }]],
      pending: [[{ conv: 'dm:bob', target: 'later-001', id: 'react-01', from: 'bob', ts: 4, body: { kind: 'reaction', target: 'later-001', emoji: '👍' }, kept: 9 }]],
      forgotten: [[{ conv: 'dm:bob', dir: 'out', id: 'gone-0001', at: 7 }]],
      settings: [[true, 'relayOnly']],
      transfers: [[transfers[0]]],
    };
    for (const [store, rows] of Object.entries(records)) for (const [value, key] of rows) await v5.put(store, value, key as IDBValidKey | undefined);
    v5.close();

    const db = await openDatabase();
    expect(db.version).toBe(DB_VERSION);
    const raw = db as unknown as import('idb').IDBPDatabase;
    for (const [store, rows] of Object.entries(records)) expect(await raw.getAll(store)).toEqual(rows.map(([value]) => value));
    expect(await db.getAllFromIndex('messages', 'byQuote', ['dm:bob', 'x-0000001'])).toHaveLength(1);
    expect(await db.getAllFromIndex('outbox', 'bySeq')).toHaveLength(1);
    for (const store of ['groups', 'keyPackages', 'memberKeys', 'expiring'] as const) expect(await db.getAll(store)).toEqual([]);
    // The new stores take their records by their keys.
    await db.put('groups', { id: 'g'.repeat(22), name: 'Hikers', role: 'owner', settings: { listed: true, name: 'Hikers', topic: '', joinPolicy: 'approval', onlyAdminsSend: false, memberChats: false }, joinedAt: 1, state: new Uint8Array([9]), seq: 3 });
    await db.put('keyPackages', { ref: 'ref-1', publicPackage: new Uint8Array([1]), initPrivateKey: new Uint8Array([2]), hpkePrivateKey: new Uint8Array([3]), made: 1 });
    await db.put('memberKeys', { username: 'carol', identityKey: 'key-of-carol', group: 'g'.repeat(22), at: 1 });
    expect((await db.get('groups', 'g'.repeat(22)))?.state).toEqual(new Uint8Array([9]));
    expect(await db.get('keyPackages', 'ref-1')).toBeDefined();
    expect(await db.get('memberKeys', 'carol')).toMatchObject({ identityKey: 'key-of-carol' });
    db.close();
  });

  it('from version 6 gains the expiring store (version 7), read by when each message goes', async () => {
    const v6 = await openV3Upgraded(6);
    await v6.put('messages', { conv: 'dm:bob', peer: 'bob', dir: 'in', id: 'kept-0001', seq: 1, ts: 1, text: 'hi', state: 'read' });
    v6.close();
    const db = await openDatabase();
    expect(await db.count('messages')).toBe(1);
    await db.put('expiring', { conv: 'dm:bob', dir: 'in', id: 'b-0000001', at: 20 });
    await db.put('expiring', { conv: 'dm:bob', dir: 'out', id: 'a-0000001', at: 10 });
    expect((await db.getAllFromIndex('expiring', 'byAt', IDBKeyRange.upperBound(15))).map((e) => e.id)).toEqual(['a-0000001']);
    db.close();
  });

  it('from version 7 gains the broadcast stores (version 8), keeping what was there', async () => {
    const v7 = await openV3Upgraded(7);
    await v7.put('messages', { conv: 'dm:bob', peer: 'bob', dir: 'in', id: 'kept-0001', seq: 1, ts: 1, text: 'hi', state: 'read' });
    await v7.put('expiring', { conv: 'dm:bob', dir: 'in', id: 'kept-0001', at: 20 });
    v7.close();
    const db = await openDatabase();
    expect(db.version).toBe(DB_VERSION);
    expect(await db.count('messages')).toBe(1);
    expect(await db.count('expiring')).toBe(1);
    expect(await db.getAll('broadcasts')).toEqual([]);
    await db.put('broadcasts', { id: 'list-1', name: 'Family', recipients: ['bob', 'carol'], created: 1 });
    await db.put('broadcastSends', { list: 'list-1', seq: 2, id: 'bc-000001', ts: 2, text: 'hello', copies: [{ peer: 'bob', id: 'a-0000001' }] });
    await db.put('broadcastSends', { list: 'list-1', seq: 1, id: 'bc-000000', ts: 1, text: 'first', copies: [{ peer: 'carol', error: 'blocked' }] });
    expect((await db.getAll('broadcastSends', IDBKeyRange.bound(['list-1', 0], ['list-1', Infinity]))).map((s) => s.text)).toEqual(['first', 'hello']);
    db.close();
  });

  it('opens a fresh profile at the current version with every store empty', async () => {
    const db = await openDatabase();
    expect([...db.objectStoreNames].sort()).toEqual(['broadcastSends', 'broadcasts', 'contacts', 'conversations', 'expiring', 'forgotten', 'groups', 'identity', 'keyPackages', 'memberKeys', 'messages', 'outbox', 'pending', 'settings', 'transfers']);
    expect(await db.getAll('messages')).toEqual([]);
    db.close();
  });

  it('a second open after the upgrade changes nothing', async () => {
    await writeV3Profile();
    (await openDatabase()).close();
    const db = await openDatabase();
    expect(await db.getAll('messages')).toHaveLength(messages.length);
    expect(await db.getAll('outbox')).toHaveLength(outbox.length);
    db.close();
  });
});
