/**
 * The store contract on a real Redis (Debian's redis-server, AOF fsynced on every write): one
 * server for the file, flushed after each test, and a fresh files directory per test; opening
 * again in a test reopens the same data (another node, or this one after a restart).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { RedisProcess } from '../../test-support/redis-process';
import { describeStoreContract } from '../contract/index';
import { type RedisStore, openRedisStore } from './redis-store';

let redis: RedisProcess;
let admin: ReturnType<typeof createClient>;
let filesDir: string | undefined;
const open: RedisStore[] = [];

beforeAll(async () => {
  redis = await RedisProcess.start();
  admin = createClient({ url: redis.url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.close();
  await redis?.dispose();
});

describeStoreContract('redis', {
  async open(options) {
    filesDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-files-'));
    const store = await openRedisStore({ url: redis.url, filesDir, ...options });
    open.push(store);
    return store;
  },
  async cleanup() {
    for (const s of open.splice(0)) {
      try {
        await s.close();
      } catch {
        // closed by the test already
      }
    }
    await admin.flushAll();
    if (filesDir) fs.rmSync(filesDir, { recursive: true, force: true });
    filesDir = undefined;
  },
});
