// Searching messages on this device: case-insensitive and Unicode-aware, across conversations,
// newest first and bounded, deleted messages never found, and stopped when its query changes.
// On fake-indexeddb, with more messages than one batch.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, type StoredMessage, openDatabase } from '../storage/db';
import { SEARCH_BATCH, SNIPPET_CONTEXT, fold, searchMessages, snippetOf } from './search';
import { SearchIndex } from './search-index';

let db: Database;
beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
});
afterEach(() => db.close());

let seq = 1_000_000;
function message(peer: string, text: string, extra: Partial<StoredMessage> = {}): StoredMessage {
  seq += 1000;
  return { conv: `dm:${peer}`, peer, dir: 'in', id: `id-${seq}`, seq, ts: seq / 1000, text, state: 'delivered', ...extra };
}

async function write(messages: StoredMessage[]): Promise<void> {
  const tx = db.transaction('messages', 'readwrite');
  for (const m of messages) void tx.store.put(m);
  await tx.done;
}

describe('searching messages', () => {
  it('finds text in any case and form, across conversations, in 中文 too, newest first', async () => {
    await write([
      message('bob', 'Lunch at the HARBOUR?'),
      message('carol', '我们明天见面吧'),
      message('bob', 'the harbour was closed', { dir: 'out' }),
      message('dave', 'ｈａｒｂｏｕｒ in full-width letters'),
      message('carol', 'nothing here'),
      message('bob', 'harbour', { deleted: true, text: '' }),
      message('erin', 'an unknown kind', { unsupported: 'poll' }),
    ]);
    const hits = await searchMessages(db, 'Harbour');
    expect(hits.map((h) => h.peer)).toEqual(['dave', 'bob', 'bob']);
    // The snippet is the message's own text, as written.
    expect(hits.map((h) => h.snippet.match)).toEqual(['ｈａｒｂｏｕｒ', 'harbour', 'HARBOUR']);
    expect(hits[1]).toMatchObject({ conv: 'dm:bob', dir: 'out', snippet: { before: 'the ', after: ' was closed' } });
    const chinese = await searchMessages(db, '明天');
    expect(chinese).toHaveLength(1);
    expect(chinese[0]).toMatchObject({ peer: 'carol', snippet: { before: '我们', match: '明天', after: '见面吧' } });
    expect(await searchMessages(db, '   ')).toEqual([]);
    expect(await searchMessages(db, 'unknown')).toEqual([]);
  });

  it('reads every batch and returns only the newest `limit` hits', async () => {
    const many = Array.from({ length: SEARCH_BATCH * 2 + 7 }, (_, i) => message(i % 2 ? 'bob' : 'carol', `note number ${i}`));
    await write(many);
    const hits = await searchMessages(db, 'NOTE', { limit: 5 });
    expect(hits.map((h) => h.id)).toEqual(many.slice(-5).reverse().map((m) => m.id));
    // The oldest message is still found: the last batch is read too.
    expect((await searchMessages(db, 'number 0', { limit: 100 })).map((h) => h.id)).toContain(many[0].id);
  });

  it('stops when its query changed (aborted)', async () => {
    await write(Array.from({ length: SEARCH_BATCH + 1 }, (_, i) => message('bob', `x ${i}`)));
    const controller = new AbortController();
    const search = searchMessages(db, 'x', { signal: controller.signal });
    controller.abort();
    await expect(search).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('a snippet', () => {
  it('shows the match with bounded context, marking where the text goes on', () => {
    const text = `${'a'.repeat(100)} needle ${'b'.repeat(100)}`;
    const s = snippetOf(text, 'needle')!;
    expect(s.match).toBe('needle');
    expect(s.before).toBe(`…${'a'.repeat(SNIPPET_CONTEXT - 1)} `);
    expect(s.after).toBe(` ${'b'.repeat(SNIPPET_CONTEXT - 1)}…`);
    expect(snippetOf('no match', 'needle')).toBeUndefined();
  });

  it('never cuts an emoji in two, and folds compatibility forms (ﬁ is fi)', () => {
    const s = snippetOf(`${'😀'.repeat(40)}x`, 'x')!;
    expect(s.before.slice(1)).toMatch(/^(😀)+$/u);
    expect(fold('ﬁle')).toBe('file');
    expect(snippetOf('A ﬁle', 'file')).toMatchObject({ match: 'file' });
  });
});

describe('the search index in memory', () => {
  it('answers like the store, sees what changed in a conversation once told, and stays within its bound', async () => {
    await write([message('bob', 'first harbour'), message('carol', 'second harbour')]);
    const index = new SearchIndex(db);
    expect((await index.search('HARBOUR')).map((h) => h.snippet.before)).toEqual(['second ', 'first ']);
    expect(await index.search('harbour')).toEqual(await searchMessages(db, 'harbour'));
    // Written behind its back: not seen until the conversation is said to have changed.
    const late = message('bob', 'a later harbour');
    await write([late]);
    expect(await index.search('later')).toEqual([]);
    index.changed('dm:bob');
    expect((await index.search('later')).map((h) => h.id)).toEqual([late.id]);
    await write([{ ...late, deleted: true, text: '' }]);
    index.changed('dm:bob');
    expect(await index.search('later')).toEqual([]);
  });

  it('takes what an event names in place, without reading storage again; a receipt moves nothing (review M7)', async () => {
    const old = Array.from({ length: 50 }, (_, i) => message('bob', `old harbour ${i}`));
    await write(old);
    const index = new SearchIndex(db);
    await index.warm();
    let reads = 0;
    const getAll = db.getAllFromIndex.bind(db);
    db.getAllFromIndex = ((...args: Parameters<typeof getAll>) => (reads++, getAll(...args))) as typeof getAll;
    const v0 = index.version;
    const fresh = message('bob', 'a fresh harbour');
    index.changed('dm:bob', fresh); // not written to storage: only the event tells of it
    expect(index.version).toBeGreaterThan(v0);
    expect((await index.search('fresh')).map((h) => h.id)).toEqual([fresh.id]);
    const v1 = index.version;
    index.changed('dm:bob', { ...fresh, state: 'read' });
    expect(index.version).toBe(v1);
    index.changed('dm:bob', { ...fresh, text: 'an edited harbour' });
    expect((await index.search('fresh')).map((h) => h.id)).toEqual([]);
    expect((await index.search('edited')).map((h) => h.id)).toEqual([fresh.id]);
    index.changed('dm:bob', { ...old[3], deleted: true, text: '' });
    index.changed('dm:bob', old[4], true); // deleted for me
    expect((await index.search('old harbour')).map((h) => h.id)).not.toContain(old[3].id);
    expect((await index.search('old harbour')).map((h) => h.id)).not.toContain(old[4].id);
    expect(reads).toBe(0);
    // An event without its message: the conversation is read again.
    index.changed('dm:bob');
    await index.search('harbour');
    expect(reads).toBe(1);
  });

  it('is read into memory when warmed, before the first search', async () => {
    await write([message('bob', 'early harbour')]);
    const index = new SearchIndex(db);
    await index.warm();
    // Written behind its back after the warm-up: the index built then does not see it.
    await write([message('carol', 'unseen harbour')]);
    expect((await index.search('harbour')).map((h) => h.peer)).toEqual(['bob']);
  });

  it('does not hold a history over its bound, and still finds everything in it', async () => {
    const bound = 20;
    const many = Array.from({ length: bound + 1 }, (_, i) => message('bob', i === 0 ? 'the oldest' : 'x'));
    await write(many);
    const index = new SearchIndex(db, bound);
    expect((await index.search('oldest')).map((h) => h.id)).toEqual([many[0].id]);
    await write([message('bob', 'newest')]); // not told: read from storage all the same
    expect(await index.search('newest')).toHaveLength(1);
  });
});
