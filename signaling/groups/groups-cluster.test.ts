/**
 * Groups in cluster mode: two server processes on one real Redis. A group's log, Welcomes and
 * removals cross nodes through the router; commits are ordered by the Redis script whichever
 * node takes them; a member who was offline reads the log at login on the other node.
 */
import { describe, expect, it } from 'vitest';
import { makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';

const h = useCluster({ nodes: 2 });
const pins: Pins = new Map();

async function member(node: number, prefix: string): Promise<GroupMember> {
  const m = await GroupMember.of(await h.user(node, prefix), pins);
  await m.uploadKeyPackages(2);
  return m;
}

describe('groups across two nodes on one Redis', () => {
  it('fans the log out across nodes in order, orders racing commits, and hands the log over at login elsewhere', async () => {
    const owner = await member(0, 'owner');
    const far = await member(1, 'far');
    const near = await member(0, 'near');
    const late = await member(1, 'late');
    const extra = await member(1, 'extra');
    for (const m of [far, near, late, extra]) await makeContacts(owner.client, m.client);
    await makeContacts(far.client, extra.client);
    const group = await owner.create({ name: 'Across nodes' });
    expect(await owner.addUsers(group, [far.name, near.name, late.name])).toMatchObject({ t: 'group_committed', epoch: 1 });
    await Promise.all([far.joinFromWelcome(group), near.joinFromWelcome(group), late.joinFromWelcome(group)]);

    const texts = Array.from({ length: 10 }, (_, i) => `from node 0: ${i}`);
    for (const t of texts) expect(await owner.send(group, t)).toMatchObject({ t: 'group_sent' });
    expect(await far.send(group, 'from node 1')).toMatchObject({ t: 'group_sent' });
    expect(await far.readMessages(group, texts.length)).toEqual(texts);
    expect(await near.readMessages(group, texts.length + 1)).toEqual([...texts, 'from node 1']);
    expect(await owner.readMessages(group, 1)).toEqual(['from node 1']);

    // late goes away; the group goes on; late comes back on the other node and reads it all, in order.
    const lateId = late.client.identity!;
    const lateState = late.groups.get(group)!;
    await late.client.close();
    for (const t of ['while late was away 1', 'while late was away 2']) await owner.send(group, t);
    const back = await GroupMember.of(await h.login(0, lateId), pins);
    back.groups.set(group, lateState);
    expect(await back.readMessages(group, texts.length + 3)).toEqual([...texts, 'from node 1', 'while late was away 1', 'while late was away 2']);

    // The owner (node 0) and an admin (node 1) commit at the same epoch: one wins, whichever node.
    const promoted = await owner.promote(group, far.name);
    if (promoted.t !== 'group_committed') throw new Error(`promotion refused: ${promoted.code}`);
    await far.sync(group, promoted.seq);
    await near.sync(group, promoted.seq);
    const [a, b] = await Promise.all([owner.removeUsers(group, [near.name]), far.addUsers(group, [extra.name])]);
    expect([a, b].map((r) => (r.t === 'error' ? r.code : r.t)).sort()).toEqual(['group_committed', 'stale_epoch']);

    // A removal made on node 0 reaches the removed member on node 0 or 1 at once, and they are cut off.
    if (a.t === 'group_committed') {
      expect(await near.client.next('group_removed')).toMatchObject({ group, reason: 'removed' });
      expect(await near.send(group, 'still in?')).toMatchObject({ t: 'error', code: 'not_member' });
    } else {
      await extra.joinFromWelcome(group);
      expect(await far.send(group, 'welcome, extra')).toMatchObject({ t: 'group_sent' });
      expect(await extra.readMessages(group, 1)).toEqual(['welcome, extra']);
    }
  });
});
