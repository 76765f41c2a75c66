// Each conversation's latest message, for the list: kept as messages are written, arrive or are
// deleted, computed once (from the byConv index) for a profile written before previews existed,
// and held to its bounds. On fake-indexeddb.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, type StoredMessage, openDatabase } from '../storage/db';
import { ConversationStates } from './conversation-states';
import { PREVIEWS_COMPUTED, PREVIEW_CHARS, lastMessageOf, latestMessages } from './last-message';

let db: Database;
beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
});
afterEach(() => db.close());

const T0 = Date.UTC(2026, 0, 5, 9, 30);
let n = 0;
function message(peer: string, text: string, at: number, extra: Partial<StoredMessage> = {}): StoredMessage {
  n++;
  return { conv: `dm:${peer}`, peer, dir: 'in', id: `m-${n}`, seq: at * 1000 + n, ts: at, text, state: 'delivered', ...extra };
}

describe('the latest message of a conversation', () => {
  it('follows what is written, what arrives and what is deleted, and is kept across a reload', async () => {
    const states = new ConversationStates(db);
    await states.load();
    let changes = 0;
    states.addEventListener('change', () => changes++);
    const hello = message('bob', 'hello', T0);
    await states.noteLatest('dm:bob', hello);
    expect(states.last('dm:bob')).toEqual({ id: hello.id, dir: 'in', at: T0, text: 'hello' });
    const file = message('bob', 'holiday.jpg', T0 + 60_000, { dir: 'out', file: { fileId: 'f'.repeat(32), name: 'holiday.jpg', size: 1, type: 'image/jpeg' } });
    await states.noteLatest('dm:bob', file);
    expect(states.last('dm:bob')).toMatchObject({ text: 'holiday.jpg', file: true, dir: 'out', at: T0 + 60_000 });
    const before = changes;
    await states.noteLatest('dm:bob', file); // nothing new (a receipt, say): nothing written, no change
    expect(changes).toBe(before);
    file.deleted = true;
    file.text = '';
    delete file.file;
    await states.noteLatest('dm:bob', file);
    expect(states.last('dm:bob')).toEqual({ id: file.id, dir: 'out', at: T0 + 60_000, text: '', deleted: true });

    const reloaded = new ConversationStates(db);
    await reloaded.load();
    expect(reloaded.last('dm:bob')).toEqual(states.last('dm:bob'));
    await reloaded.noteLatest('dm:bob', undefined); // every message gone
    expect(reloaded.last('dm:bob')).toBeUndefined();
  });

  it('keeps only the start of a long text, counted in characters (a surrogate pair is not cut)', () => {
    const long = '😀'.repeat(PREVIEW_CHARS + 10);
    const last = lastMessageOf(message('bob', long, T0));
    expect([...last.text]).toHaveLength(PREVIEW_CHARS);
    expect(last.text).toBe('😀'.repeat(PREVIEW_CHARS));
  });

  it('is computed once, from storage, for a profile written before previews existed', async () => {
    const written = [
      message('bob', 'first', T0),
      message('carol', '你好', T0 + 1000),
      message('bob', 'latest from bob', T0 + 2000),
      message('dave', 'only one', T0 + 500),
      message('carol', 'latest from carol', T0 + 3000),
    ];
    const tx = db.transaction(['messages', 'conversations'], 'readwrite');
    for (const m of written) void tx.objectStore('messages').put(m);
    void tx.objectStore('conversations').put({ id: 'dm:bob', unread: 2, draft: 'unsent' });
    await tx.done;
    expect([...(await latestMessages(db)).values()].map((m) => m.text).sort()).toEqual(['latest from bob', 'latest from carol', 'only one']);

    const states = new ConversationStates(db);
    await states.load();
    expect(states.last('dm:bob')).toMatchObject({ text: 'latest from bob', at: T0 + 2000 });
    expect(states.last('dm:carol')).toMatchObject({ text: 'latest from carol', at: T0 + 3000 });
    expect(states.last('dm:dave')).toMatchObject({ text: 'only one' });
    // What the record held stays; the work is done once.
    expect(states.unread('dm:bob')).toBe(2);
    expect(states.draft('dm:bob')).toBe('unsent');
    expect(await db.get('settings', PREVIEWS_COMPUTED)).toBe(true);
    await db.put('messages', message('erin', 'written by a tab that does not keep previews', T0));
    const again = new ConversationStates(db);
    await again.load();
    expect(again.last('dm:erin')).toBeUndefined();
  });
});
