/**
 * The real server (handlers, router, queue hand-over, stored files) on the Redis store, in this
 * process, with clients over real sockets: what the contract suite checks method by method, seen
 * end to end. Redis is killed -9 and restarted while messages and a file are stored; the server's
 * connection comes back by itself and nothing acknowledged is lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { type ParleyServer, createParleyServer } from '../../server';
import { ParleyClient, makeContacts, newIdentity, uniqueName, wentOffline } from '../../test-support/client';
import { RedisProcess } from '../../test-support/redis-process';
import { opened, sealedFile, upload } from '../../test-support/sealed-files';
import { LOOPBACK_LIMITS } from '../../test-support/server-process';
import { type RedisStore, openRedisStore } from './redis-store';

let redis: RedisProcess;
let store: RedisStore;
let server: ParleyServer;
let port: number;
let dir: string;
const errors: unknown[] = [];
const clients: ParleyClient[] = [];
const track = (c: ParleyClient) => (clients.push(c), c);

beforeAll(async () => {
  redis = await RedisProcess.start({ appendfsync: 'always' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-on-redis-'));
  const config = loadConfig({ ...LOOPBACK_LIMITS, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, WEB_DIR: dir });
  const limits = config.limits;
  store = await openRedisStore({
    url: redis.url,
    filesDir: path.join(dir, 'files'),
    quotaMessages: limits.offlineQuotaMessages,
    quotaBytes: limits.offlineQuotaBytes,
    ttlMs: limits.offlineTtlMs,
  });
  const log = pino({ level: 'error', hooks: { logMethod: (args) => void errors.push(args[0]) } }, { write: () => {} });
  server = createParleyServer({ config, store, log });
  port = await server.start();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close(500).catch(() => undefined)));
  await server?.stop();
  await store?.close();
  await redis?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Waits until the store answers again after a Redis restart. */
async function storeBack(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await store.accounts.get('nobody').then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the store did not reconnect');
}

describe('the server on the Redis store', () => {
  it('keeps messages and a file for an offline contact across a kill -9 of Redis, hands them over in order, and forgets them on ack', async () => {
    const alice = track(await ParleyClient.register(port, await newIdentity(uniqueName('alice'))));
    const bob = track(await ParleyClient.register(port, await newIdentity(uniqueName('bob'))));
    await makeContacts(alice, bob);
    const bobId = bob.identity!;
    await bob.close();
    await alice.next(wentOffline(bobId.username));

    const ids = Array.from({ length: 6 }, () => randomUUID());
    for (const id of ids) alice.sendText(bobId, id, `text ${id}`);
    for (const id of ids) expect(await alice.next((f) => f.t === 'stored' && f.id === id)).toBeTruthy();
    const file = sealedFile(300_000);
    upload(alice, bobId.username, file);
    alice.send({ t: 'file_commit', to: bobId.username, fileId: file.fileId, count: file.count });
    expect(await alice.next('file_stored')).toMatchObject({ fileId: file.fileId });

    await redis.restart('SIGKILL');
    await storeBack();

    const back = track(await ParleyClient.login(port, bobId));
    const delivered: string[] = [];
    while (delivered.length < ids.length) {
      const frame = await back.next('deliver');
      if (frame.t !== 'deliver') continue;
      expect(await back.openText(frame, alice.identity!)).toBe(`text ${frame.id}`);
      delivered.push(frame.id);
    }
    expect(delivered).toEqual(ids);
    back.send({ t: 'file_fetch', from: alice.identity!.username, fileId: file.fileId, next: 0 });
    await expect.poll(() => back.relayed.length).toBe(file.count);
    expect(Buffer.concat(opened(back, file).map((c) => c!.plain)).equals(Buffer.from(file.plain))).toBe(true);

    back.send({ t: 'ack', from: alice.identity!.username, ids });
    await expect.poll(() => store.queue.page(bobId.username, undefined, 10)).toEqual([]);
    await back.close();
    const again = track(await ParleyClient.login(port, bobId));
    await again.roundTrip();
    expect(again.received.some((f) => f.t === 'deliver')).toBe(false);
    expect(errors).toEqual([]);
  });
});
