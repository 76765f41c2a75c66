/**
 * What only the Redis backend has: durability across a `kill -9` of Redis, the enqueue script's
 * all-or-nothing under a refusal (checked in Redis itself, not through the store), stored files'
 * bytes kept out of Redis memory, the memory budget, scripts surviving a flushed script cache,
 * uploads that belong to a node, and keys that stay in their owner's hash slot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisProcess } from '../../test-support/redis-process';
import type { QueueItem } from '../queue';
import { type RedisStore, type RedisStoreOptions, openRedisStore } from './redis-store';

let redis: RedisProcess;
let admin: ReturnType<typeof createClient>;
let filesDir: string;
const open: RedisStore[] = [];

const msg = (peer: string, id: string, env = `env-${id}`): QueueItem => ({ kind: 'msg', peer, id, env, ts: 1 });
const ref = { recipient: 'bob', sender: 'alice', fileId: 'ab'.repeat(16) };

async function openStore(overrides: Partial<RedisStoreOptions> = {}): Promise<RedisStore> {
  const store = await openRedisStore({ url: redis.url, filesDir, quotaMessages: 100_000, quotaBytes: 100_000_000, ttlMs: 60_000, ...overrides });
  open.push(store);
  return store;
}

/** Everything in Redis for `user`'s queue, as raw replies. */
async function rawQueue(user: string): Promise<unknown> {
  return [await admin.sendCommand(['XRANGE', `q:{${user}}`, '-', '+']), await admin.sendCommand(['HGETALL', `qi:{${user}}`])];
}

beforeAll(async () => {
  redis = await RedisProcess.start({ appendfsync: 'always' });
  admin = createClient({ url: redis.url });
  admin.on('error', () => {});
  await admin.connect();
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  await admin.flushAll();
  if (filesDir) fs.rmSync(filesDir, { recursive: true, force: true });
});

afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await redis?.dispose();
});

const freshDir = () => {
  filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-store-'));
};

describe('RedisStore: durability', () => {
  it('loses no acknowledged enqueue when Redis is killed -9 right after (appendfsync always)', async () => {
    freshDir();
    const store = await openStore();
    const n = 500;
    // Many in flight at once, as under load: fsyncs are shared, each reply still waits for one.
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => store.queue.enqueue(i % 2 ? 'bob' : 'carol', [msg('alice', `m${i}`)])),
    );
    expect(results.every((r) => r === 'stored')).toBe(true);
    await redis.restart('SIGKILL');
    await store.close();
    open.length = 0;
    const again = await openStore();
    const bob = await again.queue.page('bob', undefined, n);
    const carol = await again.queue.page('carol', undefined, n);
    expect(bob.map((i) => i.id)).toEqual(Array.from({ length: n / 2 }, (_, k) => `m${2 * k + 1}`));
    expect(carol.map((i) => i.id)).toEqual(Array.from({ length: n / 2 }, (_, k) => `m${2 * k}`));
    // The quota counters came back with them.
    expect(await admin.sendCommand(['HGET', 'qi:{bob}', 'n'])).toBe(String(n / 2));
  });
});

describe('RedisStore: the enqueue script', () => {
  it('writes nothing at all when any part of a call is refused', async () => {
    freshDir();
    const store = await openStore({ quotaMessages: 4, senderSharePercent: 50 });
    await store.queue.enqueue('bob', [msg('alice', 'a1'), { kind: 'receipt', peer: 'carol', id: 'r1', ts: 1 }]);
    const before = await rawQueue('bob');
    // A receipt, a fresh message from carol and a duplicate pass; alice's third message breaks her share.
    const refused = [{ kind: 'receipt', peer: 'dave', id: 'r2', ts: 1 } as const, msg('carol', 'c1'), msg('alice', 'a1'), msg('alice', 'a2'), msg('alice', 'a3')];
    expect(await store.queue.enqueue('bob', refused)).toBe('full');
    expect(await rawQueue('bob')).toEqual(before);
    expect(await store.queue.enqueue('bob', refused.slice(0, 4))).toBe('stored');
    expect((await store.queue.page('bob', undefined, 10)).map((i) => i.id)).toEqual(['a1', 'r1', 'r2', 'c1', 'a2']);
  });

  it('answers server_full past the Redis memory budget, and still takes receipts it has room for', async () => {
    freshDir();
    const used = Number(/used_memory:(\d+)/.exec(await admin.sendCommand<string>(['INFO', 'memory']))![1]);
    // One connection: each more takes Redis memory of its own, which this small budget does not allow for.
    const store = await openStore({ memoryBudgetBytes: used + 64 * 1024, queueLanes: 1 });
    expect(await store.queue.enqueue('bob', [msg('alice', 'small', 'x'.repeat(1000))])).toBe('stored');
    expect(await store.queue.enqueue('bob', [msg('alice', 'big', 'x'.repeat(200 * 1024))])).toBe('server_full');
    expect(await store.queue.enqueue('bob', [{ kind: 'receipt', peer: 'alice', id: 'r', ts: 1 }])).toBe('stored');
    expect((await store.queue.page('bob', undefined, 10)).map((i) => i.id)).toEqual(['small', 'r']);
  });

  it('keeps working, in order, after Redis forgot its scripts (NOSCRIPT falls back to EVAL)', async () => {
    freshDir();
    const store = await openStore();
    await store.queue.enqueue('bob', [msg('alice', 'before')]);
    await admin.sendCommand(['SCRIPT', 'FLUSH']);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.queue.enqueue('bob', [msg('alice', `m${i}`)])));
    expect((await store.queue.page('bob', undefined, 20)).map((i) => i.id)).toEqual(['before', ...Array.from({ length: 10 }, (_, i) => `m${i}`)]);
  });

  it('deletes an acknowledged entry without reading it, and one written before lengths were kept, down to empty counters', async () => {
    freshDir();
    const store = await openStore();
    await store.queue.enqueue('bob', [msg('alice', 'new', 'x'.repeat(30)), msg('alice', 'old', 'y'.repeat(50)), msg('carol', 'c')]);
    const key = (id: string) => `d:msg:5:alice:${id}`;
    expect(await admin.sendCommand(['HGET', 'qi:{bob}', key('new')])).toBe('1-0 30');
    // The field as an older server wrote it: the entry id alone.
    await admin.sendCommand(['HSET', 'qi:{bob}', key('old'), '2-0']);
    await store.queue.remove('bob', 'msg', 'alice', ['new', 'old', 'never']);
    const fields = await admin.hGetAll('qi:{bob}');
    expect(fields).toMatchObject({ n: '1', b: String('env-c'.length), 'n:carol': '1' });
    expect(Object.keys(fields).filter((f) => f.includes('alice'))).toEqual([]);
    expect((await store.queue.page('bob', undefined, 10)).map((i) => i.id)).toEqual(['c']);
    // Acknowledged twice: nothing is taken off twice.
    await store.queue.remove('bob', 'msg', 'alice', ['new']);
    expect(await admin.sendCommand(['HGET', 'qi:{bob}', 'n'])).toBe('1');
  });

  it('sweeps expired entries of a queue nobody writes to again, and keeps each user\'s keys in their own slot', async () => {
    freshDir();
    let now = 1_000_000;
    const store = await openStore({ ttlMs: 1000, now: () => now });
    await store.queue.enqueue('bob', [msg('alice', 'a1'), msg('alice', 'a2')]);
    await store.queue.enqueue('carol', [msg('alice', 'c1')]);
    now += 500;
    await store.queue.enqueue('carol', [msg('alice', 'c2')]);
    now += 600;
    expect(await store.sweepExpired(now, 1000)).toBe(3);
    expect(await admin.sendCommand(['XLEN', 'q:{bob}'])).toBe(0);
    expect(await admin.sendCommand(['HGET', 'qi:{bob}', 'n'])).toBe('0');
    expect((await store.queue.page('carol', undefined, 10)).map((i) => i.id)).toEqual(['c2']);
    expect(await admin.sendCommand(['ZRANGE', 'sweep:queue', '0', '-1'])).toEqual(['carol']);
    const all = await admin.sendCommand<string[]>(['KEYS', '*']);
    for (const key of all) expect(key).toMatch(/^sweep:|\{(bob|carol)\}/);
  });
});

describe('RedisStore: stored files', () => {
  it('keeps chunk bytes in the files directory, durably named, not in Redis memory', async () => {
    freshDir();
    const store = await openStore();
    const usedBefore = Number(/used_memory:(\d+)/.exec(await admin.sendCommand<string>(['INFO', 'memory']))![1]);
    const chunks = Array.from({ length: 64 }, (_, index) => ({ index, data: new Uint8Array(64 * 1024).fill(index + 1) }));
    for (let i = 0; i < chunks.length; i += 16) expect(await store.files.putChunks(ref, chunks.slice(i, i + 16))).toBe('stored');
    expect(await store.files.commit(ref, 64)).toBe(true);
    const usedAfter = Number(/used_memory:(\d+)/.exec(await admin.sendCommand<string>(['INFO', 'memory']))![1]);
    // 4 MiB stored; Redis holds a few KiB of metadata for it (used_memory also moves with client
    // and AOF buffers, hence the margin: the bytes themselves would be 4 MiB).
    expect(usedAfter - usedBefore).toBeLessThan(256 * 1024);
    for (const key of await admin.sendCommand<string[]>(['KEYS', '*'])) {
      expect(await admin.sendCommand<number>(['MEMORY', 'USAGE', key])).toBeLessThan(16 * 1024);
    }
    const dir = store.chunkDir.dirOf(ref);
    const names = fs.readdirSync(dir);
    expect(names).toHaveLength(64);
    expect(names.some((n) => n.endsWith('.tmp'))).toBe(false);
    for (const n of names) expect(fs.statSync(path.join(dir, n)).mode & 0o077).toBe(0);
    const read = await store.files.chunks(ref, 10, 3);
    expect(read.map((c) => [c.index, c.data.length, c.data[0]])).toEqual([[10, 65536, 11], [11, 65536, 12], [12, 65536, 13]]);
    await store.files.remove(ref);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('leaves no bytes and no metadata behind for a refused put, and replaces a chunk sent again', async () => {
    freshDir();
    const store = await openStore({ fileMaxBytes: 1000 });
    expect(await store.files.putChunks(ref, [{ index: 0, data: new Uint8Array(100) }])).toBe('stored');
    const before = await admin.sendCommand(['HGETALL', `f:{bob}:alice:${ref.fileId}`]);
    expect(await store.files.putChunks(ref, [{ index: 1, data: new Uint8Array(500) }, { index: 2, data: new Uint8Array(5000) }])).toBe('too_large');
    expect(await admin.sendCommand(['HGETALL', `f:{bob}:alice:${ref.fileId}`])).toEqual(before);
    expect(fs.readdirSync(store.chunkDir.dirOf(ref))).toHaveLength(1);
    expect(await store.files.putChunks(ref, [{ index: 0, data: new Uint8Array(50).fill(7) }])).toBe('stored');
    expect(fs.readdirSync(store.chunkDir.dirOf(ref))).toHaveLength(1);
    expect((await store.files.chunks(ref, 0, 5)).map((c) => [c.data.length, c.data[0]])).toEqual([[50, 7]]);
  });

  it('answers server_full when a put would leave less than the free-space floor on the files volume', async () => {
    freshDir();
    const free = fs.statfsSync(filesDir).bavail * fs.statfsSync(filesDir).bsize;
    const store = await openStore({ filesMinFreeBytes: free + 1024 * 1024 * 1024 });
    expect(await store.files.putChunks(ref, [{ index: 0, data: new Uint8Array(100) }])).toBe('server_full');
    expect(fs.existsSync(store.chunkDir.dirOf(ref))).toBe(false);
    const roomy = await openStore({ filesMinFreeBytes: 1 });
    expect(await roomy.files.putChunks(ref, [{ index: 0, data: new Uint8Array(100) }])).toBe('stored');
  });

  it('sweeps only its own node\'s unfinished uploads at start, and another node\'s once idle', async () => {
    freshDir();
    let now = 1_000_000;
    const nodeA = await openStore({ nodeId: 'a', uploadIdleMs: 10_000, now: () => now });
    expect(await nodeA.files.putChunks(ref, [{ index: 0, data: new Uint8Array(10) }])).toBe('stored');
    const nodeB = await openStore({ nodeId: 'b', uploadIdleMs: 10_000, now: () => now });
    expect(await nodeB.files.sweepIncomplete()).toBe(0);
    expect(await nodeB.files.chunks(ref, 0, 1)).toHaveLength(1);
    now += 10_000;
    expect(await nodeB.sweepExpired(now, 100)).toBe(1);
    expect(await nodeA.files.chunks(ref, 0, 1)).toEqual([]);
    expect(fs.existsSync(nodeA.chunkDir.dirOf(ref))).toBe(false);
  });
});
