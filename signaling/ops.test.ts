/**
 * The operations endpoints on the real server: /metrics (Prometheus text, behind its token, no
 * usernames), /healthz (200 while the store answers, 503 when it does not), the /check page's
 * endpoints (what the server saw; STUN entries only, TURN credentials short-lived and rate
 * limited), and TURN credentials refreshed before they expire.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServer, startInProcess } from './test-support/in-process';
import { ParleyClient, makeContacts, newIdentity, uniqueName } from './test-support/client';
import { ServerProcess } from './test-support/server-process';

interface Got {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const TOKEN = 'metrics-token-for-tests';
const STUN = { urls: 'stun:stun.example.test:3478' };
const LONG_LIVED_TURN = { urls: 'turn:turn.example.test:3478', username: 'static', credential: 'long-lived-password' };

describe('metrics and the check endpoints', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start({ env: { METRICS: 'on', METRICS_TOKEN: TOKEN, ICE_SERVERS: JSON.stringify([STUN, LONG_LIVED_TURN]) } });
  });
  afterAll(() => server?.dispose());

  it('counts connections, users, frames by type, errors by code and the offline queue, behind the token, with no usernames', async () => {
    expect((await get(server.port, '/metrics')).status).toBe(401);
    expect((await get(server.port, '/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);

    const alice = await ParleyClient.connect(server.port);
    const bob = await ParleyClient.connect(server.port);
    const [aliceId, bobId] = await Promise.all([newIdentity(uniqueName('alice')), newIdentity(uniqueName('bob'))]);
    await alice.register(aliceId);
    await bob.register(bobId);
    await makeContacts(alice, bob);
    await bob.close();
    // Bob is away: the message waits in his offline queue.
    alice.sendText(bobId, randomUUID(), 'for the queue');
    await alice.next('stored');
    alice.sendRaw('{"t":"nonsense"}');
    await alice.nextError('unknown_type');

    const res = await get(server.port, '/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(sample(text, 'parley_connections')).toBe(1);
    expect(sample(text, 'parley_online_users')).toBe(1);
    expect(sample(text, 'parley_frames_in_total{type="register"}')).toBe(2);
    expect(sample(text, 'parley_frames_in_total{type="send"}')).toBe(1);
    expect(sample(text, 'parley_frames_in_total{type="undecoded"}')).toBe(1);
    expect(sample(text, 'parley_frames_out_total{type="welcome"}')).toBe(2);
    expect(sample(text, 'parley_frames_out_total{type="stored"}')).toBe(1);
    expect(sample(text, 'parley_errors_total{code="unknown_type"}')).toBe(1);
    expect(sample(text, 'parley_offline_queue_items')).toBe(1);
    expect(sample(text, 'parley_stored_file_bytes')).toBe(0);
    expect(sample(text, 'parley_redis_rtt_seconds')).toBe(0);
    expect(text).toContain('parley_process_cpu_seconds_total');
    // Labels are frame types and codes only: nobody's name is in the metrics.
    expect(text).not.toContain(aliceId.username);
    expect(text).not.toContain(bobId.username);
    await alice.close();
  });

  it('/check/echo says what the server saw; the forwarded header is not believed without TRUST_PROXY', async () => {
    const res = await get(server.port, '/check/echo', { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      scheme: 'http',
      host: `127.0.0.1:${server.port}`,
      forwardedFor: '203.0.113.7',
      forwardedProto: 'https',
      forwardedHost: null,
      peerIsTrustedProxy: false,
      trustProxySet: false,
      clientAddress: '127.0.0.1',
    });
  });

  it('/check/ice hands out the STUN entries only: never a long-lived TURN password', async () => {
    const res = await get(server.port, '/check/ice');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    expect(body).toEqual({ iceServers: [STUN], turn: 'none', turnUrls: [] });
    expect(res.body).not.toContain('long-lived-password');
  });
});

describe('metrics off (the default)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start();
  });
  afterAll(() => server?.dispose());

  it('serves no /metrics, and /healthz says the store answers', async () => {
    const metrics = await get(server.port, '/metrics');
    // Whatever the web app answers there (its page, or 503 while it is not built), it is not metrics.
    expect(metrics.headers['content-type']).not.toContain('text/plain; version=');
    expect(metrics.body).not.toContain('# HELP');
    const health = await get(server.port, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', checks: { storage: 'ok' } });
  });
});

describe('/healthz on a store that does not answer', () => {
  let h: InProcessServer;
  beforeAll(async () => {
    h = await startInProcess({ HEALTH_TIMEOUT_MS: '200' });
  });
  afterAll(() => h?.stop());

  it('says 503 with the check that timed out, and 200 again once the store answers', async () => {
    h.delays.set('accounts.get', 1000);
    const slow = await get(h.port, '/healthz');
    expect(slow.status).toBe(503);
    expect(JSON.parse(slow.body)).toEqual({ status: 'unavailable', checks: { storage: 'timeout' } });
    h.delays.delete('accounts.get');
    h.faults.set('accounts.get', 1);
    const failing = await get(h.port, '/healthz');
    expect(failing.status).toBe(503);
    expect(JSON.parse(failing.body)).toEqual({ status: 'unavailable', checks: { storage: 'error' } });
    expect((await get(h.port, '/healthz')).status).toBe(200);
  });
});

describe('TURN credentials refreshed before they expire, and minted for the check page', () => {
  let server: ServerProcess;
  const TURN_URL = 'turn:127.0.0.1:3478?transport=udp';
  beforeAll(async () => {
    server = await ServerProcess.start({
      env: {
        TURN_URLS: TURN_URL,
        TURN_SECRET: 'a-turn-secret-of-enough-length',
        TURN_TTL_SECONDS: '60',
        // A refresh every 3 s: the test sees two without waiting for a real TTL.
        TURN_REFRESH_FRACTION: '0.1',
        CHECK_TURN_TTL_SECONDS: '120',
        CHECK_TURN_PER_HOUR_PER_ADDRESS: '2',
      },
    });
  });
  afterAll(() => server?.dispose());

  it('sends ice_servers with a later expiry each period, and stops once the connection has closed', async () => {
    const client = await ParleyClient.connect(server.port);
    const welcome = await client.register(await newIdentity(uniqueName('carol')));
    const expiry = (servers: { username?: string }[]) => Number(servers.find((s) => s.username)!.username!.split(':')[0]);
    const first = await client.next('ice_servers', 15_000);
    const second = await client.next('ice_servers', 15_000);
    if (first.t !== 'ice_servers' || second.t !== 'ice_servers') throw new Error('not ice_servers');
    expect(expiry(first.iceServers)).toBeGreaterThan(expiry(welcome.iceServers));
    expect(expiry(second.iceServers)).toBeGreaterThan(expiry(first.iceServers));
    expect(first.iceServers[0]!.urls).toEqual([TURN_URL]);
    expect(first.iceServers[0]!.username!.endsWith(`:${welcome.username}`)).toBe(true);
    await client.close();
  }, 40_000);

  it('/check/ice mints a short-lived credential for no account, a few an hour per address', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await get(server.port, '/check/ice');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.turn).toBe('minted');
    const [expiry, user] = body.iceServers[0].username.split(':');
    expect(user).toBe('~check');
    expect(Number(expiry) - before).toBeGreaterThanOrEqual(119);
    expect(Number(expiry) - before).toBeLessThanOrEqual(121);
    expect((await get(server.port, '/check/ice')).status).toBe(200);
    const limited = await get(server.port, '/check/ice');
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toMatchObject({ turn: 'limited', iceServers: [] });
  });
});
