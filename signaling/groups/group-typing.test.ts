/**
 * Typing in a group: forwarded to the other members online, never to the typer, nobody outside,
 * nothing from a muted member, and nothing to a member who blocked the typer. Never answered.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '../../shared/protocol';
import { makeContacts } from '../test-support/client';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

type Typing = ServerFrameOf<'group_typing'>;

describe('typing in a group', () => {
  const h = useServer();
  const pins: Pins = new Map();
  const member = async (prefix: string) => GroupMember.ready(await h.user(prefix), pins);

  it('reaches the other members online, and none from a muted member, an outsider or across a block', async () => {
    const owner = await member('owner');
    const bob = await member('bob');
    const carol = await member('carol');
    const outsider = await member('out');
    for (const m of [bob, carol]) await makeContacts(owner.client, m.client);
    const group = await owner.create();
    await owner.addUsers(group, [bob.name, carol.name]);
    await bob.joinFromWelcome(group);
    await carol.joinFromWelcome(group);
    const typing = (from: string) => (f: { t: string }): f is Typing => f.t === 'group_typing' && (f as Typing).from === from;

    bob.client.send({ t: 'group_typing', group });
    expect(await owner.client.next(typing(bob.name))).toEqual({ t: 'group_typing', group, from: bob.name });
    expect(await carol.client.next(typing(bob.name))).toEqual({ t: 'group_typing', group, from: bob.name });
    await bob.client.roundTrip();
    expect(bob.client.received.some((f) => f.t === 'group_typing' || f.t === 'error')).toBe(false);

    outsider.client.send({ t: 'group_typing', group });
    await outsider.client.roundTrip();
    // Carol blocks bob; the owner mutes carol.
    carol.client.send({ t: 'block', username: bob.name });
    await carol.client.next('blocked');
    owner.client.send({ t: 'group_mute', group, user: carol.name, until: Date.now() + 60_000 });
    await carol.client.next((f) => f.t === 'group_log' && f.event?.t === 'mute');
    carol.client.send({ t: 'group_typing', group });
    await carol.client.roundTrip();
    bob.client.send({ t: 'group_typing', group });
    expect(await owner.client.next(typing(bob.name))).toMatchObject({ from: bob.name });
    await carol.client.roundTrip();
    await owner.client.roundTrip();
    expect(owner.client.received.filter((f) => f.t === 'group_typing').map((f) => (f as Typing).from)).toEqual([bob.name, bob.name]);
    expect(carol.client.received.filter((f) => f.t === 'group_typing')).toHaveLength(1);
  });
});
