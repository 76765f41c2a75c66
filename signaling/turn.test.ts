/**
 * Minted TURN credentials against a real coturn (`--use-auth-secret`), with coturn's own test
 * client `turnutils_uclient` making an allocation and relaying a few packets: a fresh credential
 * works, an expired one or one signed with another secret is refused.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient, newIdentity, uniqueName } from './test-support/client';
import { CoturnProcess } from './test-support/coturn-process';
import { ServerProcess } from './test-support/server-process';
import { mintTurnCredential } from './turn';

const run = promisify(execFile);

/** Allocates on the TURN server with these credentials and relays a few messages to itself; true when that worked. */
async function relays(turn: CoturnProcess, username: string, credential: string): Promise<boolean> {
  const args = ['-u', username, '-w', credential, '-p', String(turn.port), '-n', '3', '-l', '64', '-y', '-c', '127.0.0.1'];
  const result = await run('turnutils_uclient', args, { timeout: 20_000 }).then(
    ({ stdout, stderr }) => `${stdout}${stderr}`,
    (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
  );
  // uclient prints running totals of the packets it got back through the relay; a refused allocation gets none.
  const received = [...result.matchAll(/tot_recv_msgs=(\d+)/g)].map((m) => Number(m[1]));
  return Math.max(0, ...received) > 0;
}

describe('TURN REST credentials', () => {
  let turn: CoturnProcess;
  beforeAll(async () => {
    turn = await CoturnProcess.start();
  });
  afterAll(() => turn?.dispose());

  it('mints "<expiry>:<user>" with the expiry ttl seconds ahead', () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const { server, expiresAt } = mintTurnCredential({ urls: ['turn:example.test:3478'], secret: 's', ttlSeconds: 3600 }, 'alice', now);
    expect(server.username).toBe(`${now / 1000 + 3600}:alice`);
    expect(expiresAt).toBe(now + 3600_000);
    expect(server.urls).toEqual(['turn:example.test:3478']);
  });

  it('a fresh credential relays through coturn; an expired one and a wrongly signed one are refused', async () => {
    const settings = { urls: turn.urls, secret: turn.secret, ttlSeconds: 600 };
    const fresh = mintTurnCredential(settings, 'alice').server;
    expect(await relays(turn, fresh.username!, fresh.credential!)).toBe(true);

    const expired = mintTurnCredential(settings, 'alice', Date.now() - 3600_000).server;
    expect(await relays(turn, expired.username!, expired.credential!)).toBe(false);

    const forged = mintTurnCredential({ ...settings, secret: 'not-the-secret' }, 'alice').server;
    expect(await relays(turn, forged.username!, forged.credential!)).toBe(false);
  }, 60_000);
});

describe('the server with TURN_URLS and TURN_SECRET', () => {
  let turn: CoturnProcess;
  let server: ServerProcess;
  const STATIC = [{ urls: 'stun:127.0.0.1:3478' }];
  beforeAll(async () => {
    turn = await CoturnProcess.start();
    server = await ServerProcess.start({
      env: { TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret, TURN_TTL_SECONDS: '3600', ICE_SERVERS: JSON.stringify(STATIC) },
    });
  });
  afterAll(async () => {
    await server?.dispose();
    await turn?.dispose();
  });

  it('hands each user, at login, a TURN credential of their own that coturn accepts, beside the static servers', async () => {
    const client = await ParleyClient.connect(server.port);
    const identity = await newIdentity(uniqueName('alice'));
    const welcome = await client.register(identity);
    await client.close();
    expect(welcome.iceServers.slice(0, 1)).toEqual(STATIC);
    const minted = welcome.iceServers[1]!;
    expect(minted.urls).toEqual(turn.urls);
    const [expiry, user] = minted.username!.split(':');
    expect(user).toBe(identity.username);
    expect(Number(expiry) * 1000 - Date.now()).toBeGreaterThan(3590_000);
    expect(Number(expiry) * 1000 - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(await relays(turn, minted.username!, minted.credential!)).toBe(true);
  }, 60_000);
});
