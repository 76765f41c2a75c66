/**
 * Disappearing messages, the server's part: a `send` with a `ttl` (the message's timer, seconds)
 * is queued for an offline recipient no longer than that, on one node (SQLite) and on Redis with
 * two nodes; one without stays; a ttl out of bounds is a bad frame, and nothing is queued.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealEnvelope } from '../shared/envelope';
import { LIMITS } from '../shared/limits';
import { type ParleyClient, wentOffline } from './test-support/client';
import { useCluster } from './test-support/cluster-harness';
import { useServer } from './test-support/harness';
import { sleep } from './test-support/scheduling';

/** Sends `text` from `a` to `b` as message `id`, with `ttl` when given. */
function sendTimed(a: ParleyClient, b: ParleyClient, id: string, text: string, ttl?: number): void {
  const env = sealEnvelope(a.sodium, { from: a.username, to: b.username, id }, { kind: 'text', text, ...(ttl ? { expiresIn: ttl } : {}) }, a.identity!.secretKey, b.identity!.publicKey);
  a.send(ttl === undefined ? { t: 'send', to: b.username, id, env } : { t: 'send', to: b.username, id, env, ttl });
}

/** Queues a brief (1 s) and an ordinary message for offline `b`, waits past the brief one's end, and returns what `b` gets at login. */
async function afterTheTimer(a: ParleyClient, b: ParleyClient, login: () => Promise<ParleyClient>): Promise<{ brief: string; kept: string; got: string[] }> {
  await b.close();
  await a.next(wentOffline(b.username));
  const [brief, kept] = [randomUUID(), randomUUID()];
  sendTimed(a, b, brief, 'gone in a second', 1);
  sendTimed(a, b, kept, 'stays');
  await Promise.all([a.next('stored'), a.next('stored')]);
  await sleep(1200);
  const back = await login();
  const first = await back.next('deliver');
  await back.roundTrip();
  return { brief, kept, got: [first, ...back.unread('deliver')].map((f) => (f as { id: string }).id) };
}

describe('disappearing messages: the queue keeps them no longer than their ttl (one node)', () => {
  const h = useServer();

  it('drops a queued message when its ttl passes, and delivers one without', async () => {
    const [alice, bob] = await h.pair('alice', 'bob');
    const { kept, got } = await afterTheTimer(alice, bob, () => h.login(bob.identity!));
    expect(got).toEqual([kept]);
  });

  it('refuses a ttl out of bounds as a bad frame, queueing nothing', async () => {
    const [alice, bob] = await h.pair('alice', 'bob');
    await bob.close();
    await alice.next(wentOffline(bob.username));
    for (const ttl of [0, 1.5, -1, LIMITS.maxSendTtlSeconds + 1]) {
      const id = randomUUID();
      const env = sealEnvelope(alice.sodium, { from: alice.username, to: bob.username, id }, { kind: 'text', text: 'bad' }, alice.identity!.secretKey, bob.identity!.publicKey);
      alice.send({ t: 'send', to: bob.username, id, env, ttl } as never);
      await alice.nextError('bad_frame');
    }
    const back = await h.login(bob.identity!);
    await back.roundTrip();
    expect(back.unread('deliver')).toEqual([]);
  });
});

describe('disappearing messages: the queue keeps them no longer than their ttl (Redis, two nodes)', () => {
  const h = useCluster({ nodes: 2 });

  it('drops a queued message when its ttl passes, and delivers one without', async () => {
    const [alice, bob] = await h.pair(0, 1);
    const { kept, got } = await afterTheTimer(alice, bob, () => h.login(1, bob.identity!));
    expect(got).toEqual([kept]);
  });
});
