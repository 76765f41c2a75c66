/**
 * "Message info" on the server (issue 12 item 4), on SQLite and on Redis: delivered follows each
 * member's acknowledgements, read follows their group_read (never back), only the author may
 * ask, members removed or added after the message are not listed, and outsiders are refused.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '../../shared/protocol';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

type Receipts = ServerFrameOf<'group_receipts'>;
type Log = ServerFrameOf<'group_log'>;

function receiptRules(name: string, useUsers: () => { user(prefix: string): Promise<ParleyClient> }): void {
  describe(`group receipts on ${name}`, () => {
    const h = useUsers();
    const pins: Pins = new Map();
    const member = async (prefix: string) => GroupMember.ready(await h.user(prefix), pins);
    /** Who has message `id`, as its author is told: user → 'read' | 'delivered' | 'no'. */
    const info = async (m: GroupMember, group: string, id: string) => {
      m.client.send({ t: 'group_receipts', group, id });
      const r = await m.client.next((f): f is Receipts => f.t === 'group_receipts' && f.id === id);
      return Object.fromEntries(r.members.map((x) => [x.user, x.read ? 'read' : x.delivered ? 'delivered' : 'no']));
    };
    /** Takes the next log entry without acknowledging it (the device has not stored it). */
    const arrives = (m: GroupMember, group: string, seq: number) => m.client.next((f): f is Log => f.t === 'group_log' && f.group === group && f.seq === seq);
    const refusal = async (m: GroupMember, group: string, id: string) => {
      m.client.send({ t: 'group_receipts', group, id });
      return (await m.client.next((f): f is ServerFrameOf<'error'> => f.t === 'error' && f.ref === id)).code;
    };

    it('says delivered from acknowledgements and read from group_read, for the author only', async () => {
      const owner = await member('owner');
      const bob = await member('bob');
      const carol = await member('carol');
      const outsider = await member('out');
      for (const m of [bob, carol]) await makeContacts(owner.client, m.client);
      const group = await owner.create();
      await owner.addUsers(group, [bob.name, carol.name]);
      await bob.joinFromWelcome(group);
      await carol.joinFromWelcome(group);

      const sent = await owner.send(group, 'hello', 'm-first-message');
      if (sent.t !== 'group_sent') throw new Error(`not sent: ${JSON.stringify(sent)}`);
      await arrives(carol, group, sent.seq);
      expect(await info(owner, group, 'm-first-message')).toEqual({ [bob.name]: 'no', [carol.name]: 'no' });

      expect(await bob.readMessages(group, 1)).toEqual(['hello']);
      await bob.client.roundTrip();
      expect(await info(owner, group, 'm-first-message')).toEqual({ [bob.name]: 'delivered', [carol.name]: 'no' });

      bob.client.send({ t: 'group_read', group, id: 'm-first-message' });
      await bob.client.roundTrip();
      expect(await info(owner, group, 'm-first-message')).toEqual({ [bob.name]: 'read', [carol.name]: 'no' });
      // carol's device showed it before its ack landed: read implies delivered.
      carol.client.send({ t: 'group_read', group, id: 'm-first-message' });
      await carol.client.roundTrip();
      expect(await info(owner, group, 'm-first-message')).toEqual({ [bob.name]: 'read', [carol.name]: 'read' });

      // A read cursor never moves back: bob reads a later message, then reports the first again.
      const second = await owner.send(group, 'again', 'm-second-message');
      expect(second).toMatchObject({ t: 'group_sent' });
      bob.client.send({ t: 'group_read', group, id: 'm-second-message' });
      bob.client.send({ t: 'group_read', group, id: 'm-first-message' });
      await bob.client.roundTrip();
      expect((await info(owner, group, 'm-second-message'))[bob.name]).toBe('read');

      // Only the author asks; an unknown message, an outsider and a non-group are refused.
      expect(await refusal(bob, group, 'm-first-message')).toBe('not_author');
      expect(await refusal(owner, group, 'm-no-such-message')).toBe('unknown_message');
      expect(await refusal(outsider, group, 'm-first-message')).toBe('not_member');
      // An outsider's group_read moves nothing (and is not answered).
      outsider.client.send({ t: 'group_read', group, id: 'm-second-message' });
      await outsider.client.roundTrip();
      expect(outsider.client.received.filter((f) => f.t === 'error')).toHaveLength(1);
      // A member's group_read of their own message changes nothing either.
      const own = await bob.send(group, 'mine', 'm-bob-message');
      expect(own).toMatchObject({ t: 'group_sent' });
      bob.client.send({ t: 'group_read', group, id: 'm-bob-message' });
      await bob.client.roundTrip();
      expect((await info(bob, group, 'm-bob-message'))[bob.name]).toBeUndefined();
    });

    it('lists neither a removed member nor one added after the message', async () => {
      const owner = await member('owner');
      const bob = await member('bob');
      const carol = await member('carol');
      const dave = await member('dave');
      for (const m of [bob, carol, dave]) await makeContacts(owner.client, m.client);
      const group = await owner.create();
      await owner.addUsers(group, [bob.name, carol.name]);
      await bob.joinFromWelcome(group);
      await carol.joinFromWelcome(group);
      expect(await owner.send(group, 'before', 'm-before-dave')).toMatchObject({ t: 'group_sent' });
      expect(Object.keys(await info(owner, group, 'm-before-dave')).sort()).toEqual([bob.name, carol.name].sort());

      expect(await owner.removeUsers(group, [carol.name])).toMatchObject({ t: 'group_committed' });
      expect(await owner.addUsers(group, [dave.name])).toMatchObject({ t: 'group_committed' });
      await dave.joinFromWelcome(group);
      expect(Object.keys(await info(owner, group, 'm-before-dave'))).toEqual([bob.name]);
      expect(await owner.send(group, 'after', 'm-after-dave')).toMatchObject({ t: 'group_sent' });
      expect(Object.keys(await info(owner, group, 'm-after-dave')).sort()).toEqual([bob.name, dave.name].sort());
    });
  });
}

describe('group receipts across two nodes on one Redis', () => {
  const h = useCluster({ nodes: 2 });
  const pins: Pins = new Map();
  it('answers on one node from acks and reads taken on the other', async () => {
    const owner = await GroupMember.of(await h.user(0, 'owner'), pins);
    const far = await GroupMember.of(await h.user(1, 'far'), pins);
    for (const m of [owner, far]) await m.uploadKeyPackages(2);
    await makeContacts(owner.client, far.client);
    const group = await owner.create();
    await owner.addUsers(group, [far.name]);
    await far.joinFromWelcome(group);
    expect(await owner.send(group, 'across', 'm-across-nodes')).toMatchObject({ t: 'group_sent' });
    expect(await far.readMessages(group, 1)).toEqual(['across']);
    far.client.send({ t: 'group_read', group, id: 'm-across-nodes' });
    await far.client.roundTrip();
    owner.client.send({ t: 'group_receipts', group, id: 'm-across-nodes' });
    const r = await owner.client.next((f): f is Receipts => f.t === 'group_receipts');
    expect(r.members).toEqual([{ user: far.name, delivered: true, read: true }]);
  });
});

receiptRules('SQLite', () => useServer());
receiptRules('Redis', () => {
  const c = useCluster({ nodes: 1 });
  return { user: (prefix) => c.user(0, prefix) };
});
