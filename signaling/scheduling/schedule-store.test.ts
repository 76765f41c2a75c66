/** The ScheduleStore contract on both backends: SQLite and a real Redis. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RedisStore, openRedisStore } from '../store/redis/redis-store';
import { RedisProcess } from '../test-support/redis-process';
import { RedisSchedule } from './redis-schedule';
import { scheduleContract } from './schedule-contract';
import { SqliteSchedule } from './sqlite-schedule';

describe('SqliteSchedule', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-schedule-'));
  const opened: SqliteSchedule[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  // One file per case: a fresh store each time.
  scheduleContract(async () => {
    const d = fs.mkdtempSync(path.join(dir, 'case-'));
    const s = new SqliteSchedule(d);
    opened.push(s);
    return s;
  });
});

describe('RedisSchedule', () => {
  let redis: RedisProcess;
  let store: RedisStore;
  let filesDir: string;
  beforeAll(async () => {
    redis = await RedisProcess.start({ appendfsync: 'always' });
    filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-schedule-files-'));
    store = await openRedisStore({ url: redis.url, filesDir, quotaMessages: 1000, quotaBytes: 1_000_000, ttlMs: 60_000 });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.dispose();
    fs.rmSync(filesDir, { recursive: true, force: true });
  });
  scheduleContract(() => RedisSchedule.open(store.link, store.scripts));
});
