/**
 * Minted TURN credentials against a real coturn (`--use-auth-secret`), with coturn's own test
 * client `turnutils_uclient` making an allocation and relaying a few packets: a fresh credential
 * works, an expired one or one signed with another secret is refused.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoturnProcess } from './test-support/coturn-process';
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
