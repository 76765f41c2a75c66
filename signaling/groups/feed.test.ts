/**
 * The group feed on a real SQLite group store: live entries that come out of order, twice, or
 * past the window reach the connection in seq order, once each, and what was skipped is read
 * from the store after acknowledgements make room.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerFrame, ServerFrameOf } from '../../shared/protocol';
import type { Session } from '../session';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { GroupFeed, logFrame } from './feed';

const G = 'AAAAAAAAAAAAAAAAAAAAAA';
const dirs: string[] = [];
const stores: SqliteStore[] = [];

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup(windowEntries = 64, logMaxEntries?: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-feed-'));
  dirs.push(dir);
  const store = new SqliteStore({ dataDir: dir, quotaMessages: 100, quotaBytes: 1e6, ttlMs: 60_000, ...(logMaxEntries ? { groups: { logMaxEntries } } : {}) });
  stores.push(store);
  await store.groups.create({ id: G, owner: 'alice', listed: false, name: '', topic: '', joinPolicy: 'approval', onlyAdminsSend: false, memberChats: false });
  await store.groups.commit(G, { epoch: 0, from: 'alice', data: 'c', ts: 1, adds: [{ user: 'bob', leaf: 1 }], removes: [] });
  const sent: ServerFrame[] = [];
  const session = {
    username: 'bob',
    id: 1,
    closed: false,
    buffered: 0,
    send: (f: ServerFrame) => void sent.push(f),
    drained: () => Promise.resolve(),
  } as unknown as Session;
  const lapsed: string[] = [];
  const onLapse = async (group: string) => void lapsed.push(group);
  const feed = new GroupFeed(session, store.groups, { windowEntries, windowBytes: 1e6, pageEntries: 4, maxBufferedBytes: 1e6 }, pino({ level: 'silent' }), onLapse);
  const append = async (n: number) => {
    const entries = [];
    for (let i = 0; i < n; i++) {
      const seq = (await store.groups.append(G, { kind: 'message', from: 'alice', id: `message-${i}`, data: `m${i}`, ts: Date.now() })) as number;
      entries.push(logFrame(G, { seq, kind: 'message', from: 'alice', id: `message-${i}`, data: `m${i}`, ts: Date.now() }));
    }
    return entries;
  };
  const seqs = () => sent.filter((f): f is ServerFrameOf<'group_log'> => f.t === 'group_log').map((f) => f.seq);
  return { store, feed, append, seqs, lapsed };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('group feed', () => {
  it('delivers out-of-order and repeated live entries in seq order, once each', async () => {
    const { feed, append, seqs } = await setup();
    await feed.start(G, 2);
    const [e3, e4, e5] = await append(3);
    feed.arrive(e3!);
    feed.arrive(e5!); // 4 is still on its way: the feed reads it from the store
    feed.arrive(e4!);
    feed.arrive(e3!);
    await settle();
    expect(seqs()).toEqual([3, 4, 5]);
  });

  it('holds back what passes the window until acknowledgements make room, then reads it from the store', async () => {
    const { store, feed, append, seqs } = await setup(2);
    await feed.start(G, 2);
    for (const e of await append(5)) feed.arrive(e);
    await settle();
    expect(seqs()).toEqual([3, 4]);
    await store.groups.ack(G, 'bob', 4);
    feed.acked(G, 4);
    await settle();
    expect(seqs()).toEqual([3, 4, 5, 6]);
    feed.acked(G, 6);
    await settle();
    expect(seqs()).toEqual([3, 4, 5, 6, 7]);
  });

  it('stops at once for a member the store no longer holds', async () => {
    const { store, feed, append, seqs } = await setup();
    await store.groups.commit(G, { epoch: 1, from: 'alice', data: 'c', ts: 1, adds: [], removes: ['bob'] });
    await append(2);
    await feed.start(G, 2);
    expect(seqs()).toEqual([]);
  });

  it('tells a member behind a commit the log no longer holds that it lapsed, and one behind only messages gets the rest (review M1)', async () => {
    const { feed, append, seqs, lapsed } = await setup(64, 3);
    await append(4); // seqs 3–6: bob (cursor 2) missed messages 3, only messages
    await feed.start(G, 2);
    expect(seqs()).toEqual([4, 5, 6]);
    expect(lapsed).toEqual([]);

    const late = await setup(64, 3);
    await late.store.groups.commit(G, { epoch: 1, from: 'alice', data: 'c', ts: 1, adds: [], removes: [] });
    await late.append(3); // the commit at 3 goes by the count bound
    await late.feed.start(G, 2);
    expect(late.lapsed).toEqual([G]);
    expect(late.seqs()).toEqual([]);
  });
});
