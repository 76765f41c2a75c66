/**
 * A Redis that hangs with its socket open (here: stopped with SIGSTOP, as a swapping or wedged
 * host looks to its clients) must not leave the server's calls waiting forever: within about
 * REDIS_SILENCE_MS they fail `unavailable` (the clients retry), and once Redis answers again the
 * store works with nothing lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProtocolError } from '../../errors';
import { RedisProcess } from '../../test-support/redis-process';
import { REDIS_SILENCE_MS } from './redis-link';
import { openRedisStore } from './redis-store';

let redis: RedisProcess;
let filesDir: string;

beforeAll(async () => {
  redis = await RedisProcess.start();
  filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-hang-'));
});

afterAll(async () => {
  if (redis?.pid) process.kill(redis.pid, 'SIGCONT');
  await redis?.dispose();
  fs.rmSync(filesDir, { recursive: true, force: true });
});

it('fails calls to a hung Redis with unavailable within seconds, then works again once it answers', { timeout: 60_000 }, async () => {
  const store = await openRedisStore({ url: redis.url, filesDir, quotaMessages: 1000, quotaBytes: 1_000_000, ttlMs: 60_000, queueLanes: 2 });
  try {
    const msg = (id: string) => ({ kind: 'msg' as const, peer: 'alice', id, env: `env-${id}`, ts: 1 });
    expect(await store.queue.enqueue('bob', [msg('before')])).toBe('stored');
    process.kill(redis.pid!, 'SIGSTOP');
    const started = Date.now();
    const failure = await store.queue.enqueue('bob', [msg('during')]).then(
      () => undefined,
      (err: unknown) => err,
    );
    const waited = Date.now() - started;
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as ProtocolError).code).toBe('unavailable');
    // Not the kernel's TCP timeouts (minutes): the link's own silence bound, plus one PING interval.
    expect(waited).toBeLessThan(REDIS_SILENCE_MS + 3_000);
    process.kill(redis.pid!, 'SIGCONT');
    // The clients reconnect on their own; the first calls may still find a lane reconnecting.
    await expect
      .poll(async () => store.queue.enqueue('bob', [msg('after')]).catch((err: ProtocolError) => err.code), { timeout: 15_000, interval: 200 })
      .toBe('stored');
    const ids = (await store.queue.page('bob', undefined, 10)).map((i) => i.id);
    expect(ids).toContain('before');
    expect(ids).toContain('after');
  } finally {
    await store.close().catch(() => undefined);
  }
});
