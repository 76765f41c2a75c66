// Paged reads of a conversation through the byConv index, on fake-indexeddb: the latest page,
// older and newer pages that meet without a gap or an overlap, a window around one message, the
// first unread, and one shared copy of each message whichever read found it.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, type StoredMessage, openDatabase } from '../storage/db';
import { History } from './history';

let db: Database;
let history: History;

/** `count` messages in dm:bob, seq 1000, 2000, …; every third one written by me. */
async function seed(count: number): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  const tx = db.transaction('messages', 'readwrite');
  for (let i = 0; i < count; i++) {
    const m: StoredMessage = { conv: 'dm:bob', peer: 'bob', dir: i % 3 === 2 ? 'out' : 'in', id: `m${i}`, seq: (i + 1) * 1000, ts: i, text: `message ${i}`, state: 'delivered' };
    all.push(m);
    void tx.store.put(m);
  }
  // Another conversation beside it, which no read of dm:bob may return.
  void tx.store.put({ conv: 'dm:carol', peer: 'carol', dir: 'in', id: 'c0', seq: 500, ts: 0, text: 'carol', state: 'delivered' });
  await tx.done;
  return all;
}

const ids = (ms: StoredMessage[]) => ms.map((m) => m.id);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
  history = new History(db);
});
afterEach(() => db.close());

describe('History', () => {
  it('opens with the latest page, oldest first, and says whether older ones exist', async () => {
    await seed(120);
    const page = await history.latest('dm:bob', 50);
    expect(ids(page.messages)).toEqual(range(70, 120));
    expect(page).toMatchObject({ hasOlder: true, hasNewer: false });
    expect(await history.latest('dm:bob', 200)).toMatchObject({ hasOlder: false });
    expect((await history.latest('dm:nobody')).messages).toEqual([]);
  });

  it('reads older and newer pages that meet the window exactly, down to the first message', async () => {
    await seed(120);
    const page = await history.latest('dm:bob', 50);
    const older = await history.before('dm:bob', page.messages[0]!.seq, 50);
    expect(ids(older)).toEqual(range(20, 70));
    expect(ids(await history.before('dm:bob', older[0]!.seq, 50))).toEqual(range(0, 20));
    expect(await history.before('dm:bob', 1000, 50)).toEqual([]);
    expect(ids(await history.after('dm:bob', older[0]!.seq, 3))).toEqual(range(21, 24));
    expect(await history.after('dm:bob', 120_000, 3)).toEqual([]);
  });

  it('opens around a message, with more before it than after, and knows what lies beyond', async () => {
    await seed(300);
    const page = (await history.around('dm:bob', 'm150', 30))!;
    expect(ids(page.messages)).toEqual(range(130, 161));
    expect(page).toMatchObject({ hasOlder: true, hasNewer: true });
    const atEnd = (await history.around('dm:bob', 'm299', 30))!;
    expect(atEnd.messages.at(-1)!.id).toBe('m299');
    expect(atEnd.hasNewer).toBe(false);
    expect((await history.around('dm:bob', 'm2', 30))!).toMatchObject({ hasOlder: false });
    expect(await history.around('dm:bob', 'nope')).toBeUndefined();
  });

  it('finds the first of the last N incoming messages as the first unread', async () => {
    await seed(30); // incoming: every index but 2, 5, 8, …
    expect((await history.firstUnread('dm:bob', 1))!.id).toBe('m28');
    expect((await history.firstUnread('dm:bob', 3))!.id).toBe('m25');
    expect(await history.firstUnread('dm:bob', 0)).toBeUndefined();
    expect((await history.firstUnread('dm:bob', 1000))!.id).toBe('m0');
  });

  it('hands every reader the same copy of a message while one is held', async () => {
    await seed(10);
    const shown = (await history.latest('dm:bob')).messages;
    const found = await history.find('dm:bob', 'm2', 'out');
    expect(found).toBe(shown[2]);
    expect(await history.find('dm:bob', 'm2', 'in')).toBeUndefined();
    expect(await history.findLast('dm:bob', (m) => m.text === 'message 2')).toBe(shown[2]);
    expect((await history.all('dm:bob'))[2]).toBe(shown[2]);
    const fresh: StoredMessage = { ...shown[2]! };
    expect(history.adopt(fresh)).toBe(shown[2]);
    expect(ids(await history.all('dm:bob'))).toEqual(range(0, 10));
  });
});
