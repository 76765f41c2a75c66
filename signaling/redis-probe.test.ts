/**
 * A cluster node's operations side on a real Redis: /healthz has a `redis` check beside
 * `storage`, /metrics the PING round trip, and a Redis that dies is reported (503) until it is back.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisProcess } from './test-support/redis-process';
import { ServerProcess } from './test-support/server-process';

function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const rtt = (text: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith('parley_redis_rtt_seconds '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a cluster node reports Redis', () => {
  let redis: RedisProcess;
  let server: ServerProcess;
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-probe-files-'));
  beforeAll(async () => {
    redis = await RedisProcess.start();
    server = await ServerProcess.start({
      env: { REDIS_URL: redis.url, FILES_DIR: filesDir, METRICS: 'on', REDIS_PROBE_MS: '200', HEALTH_TIMEOUT_MS: '500' },
    });
  });
  afterAll(async () => {
    await server?.dispose();
    await redis?.dispose();
    fs.rmSync(filesDir, { recursive: true, force: true });
  });

  it('in /healthz and as a round trip in /metrics, and says 503 while Redis is gone', async () => {
    const health = await get(server.port, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', checks: { storage: 'ok', redis: 'ok' } });
    const metrics = await until(() => get(server.port, '/metrics'), (m) => (rtt(m.body) ?? 0) > 0);
    const seconds = rtt(metrics.body)!;
    // A PING on loopback: more than nothing, far less than a second.
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(1);

    await redis.kill();
    const down = await get(server.port, '/healthz');
    expect(down.status).toBe(503);
    const checks = (JSON.parse(down.body) as { checks: Record<string, string> }).checks;
    expect(checks.redis).not.toBe('ok');
    expect(checks.storage).not.toBe('ok');

    await redis.restart();
    const back = await until(() => get(server.port, '/healthz'), (h) => h.status === 200, 15_000);
    expect(JSON.parse(back.body)).toEqual({ status: 'ok', checks: { storage: 'ok', redis: 'ok' } });
  });
});
