/**
 * Disappearing messages in a group, the server's part: a `group_send` with a `ttl` (the message's
 * timer, seconds) is kept in the log no longer than that, so a member who logs in after it ran
 * out never gets it, while one sent without a ttl still comes (on one node, and on Redis with
 * the login on the other node); a ttl out of bounds is a bad frame and nothing is logged.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits';
import type { ServerFrameOf } from '../../shared/protocol';
import type { Identity } from '../../shared/identity';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';
import { sleep } from '../test-support/scheduling';

/**
 * `owner` and `away` share a group; away goes offline, owner posts a brief (1 s) message and an
 * ordinary one, and away logs in (through `login`) past the brief one's end: the message ids it
 * is handed.
 */
async function afterTheTimer(owner: GroupMember, away: GroupMember, login: (id: Identity) => Promise<ParleyClient>): Promise<string[]> {
  await makeContacts(owner.client, away.client);
  const group = await owner.create();
  await owner.addUsers(group, [away.name]);
  await away.joinFromWelcome(group);
  const awayId = away.client.identity!;
  await away.client.close();
  expect(await owner.send(group, 'gone in a second', 'message-brief', { ttl: 1 })).toMatchObject({ t: 'group_sent' });
  expect(await owner.send(group, 'stays', 'message-kept')).toMatchObject({ t: 'group_sent' });
  await sleep(1200);
  const back = await login(awayId);
  const isMessage = (f: { t: string }): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && (f as ServerFrameOf<'group_log'>).kind === 'message';
  const kept = await back.next((f): f is ServerFrameOf<'group_log'> => isMessage(f) && f.id === 'message-kept');
  expect(kept.from).toBe(owner.name);
  await back.roundTrip();
  return back.received.filter(isMessage).map((f) => f.id!);
}

describe('a group message with a ttl (Redis, two nodes)', () => {
  const h = useCluster({ nodes: 2 });
  const pins: Pins = new Map();
  const member = async (node: number, prefix: string) => GroupMember.ready(await h.user(node, prefix), pins);

  it('is not handed to a member who logs in after it ran out, on the other node; one without a ttl is', async () => {
    const [owner, away] = [await member(0, 'owner'), await member(1, 'away')];
    expect(await afterTheTimer(owner, away, (id) => h.login(0, id))).toEqual(['message-kept']);
  });
});

describe('a group message with a ttl (one node)', () => {
  const h = useServer();
  const pins: Pins = new Map();
  const member = async (prefix: string) => GroupMember.ready(await h.user(prefix), pins);

  it('is not handed to a member who logs in after it ran out; one without a ttl is', async () => {
    const [owner, away] = [await member('owner'), await member('away')];
    expect(await afterTheTimer(owner, away, (id) => h.login(id))).toEqual(['message-kept']);
  });

  it('is refused as a bad frame when its ttl is out of bounds, and nothing is logged', async () => {
    const owner = await member('owner');
    const group = await owner.create();
    for (const ttl of [0, 1.5, -1, LIMITS.maxSendTtlSeconds + 1]) {
      owner.client.send({ t: 'group_send', group, epoch: 0, id: `message-bad-${String(ttl).replace('.', '_')}`, env: 'AAAAAAAA', ttl } as never);
      await owner.client.nextError('bad_frame');
    }
    expect(await owner.send(group, 'fine', 'message-after', { ttl: LIMITS.maxSendTtlSeconds })).toMatchObject({ t: 'group_sent', seq: 2 });
  });
});
