/**
 * Group bounds that need a server of their own settings (small values through its environment),
 * on SQLite and on Redis: the groups a user may be in hold for groups they are added to, not only
 * for those they create (review M2); the members a group may have; each connection's rates of
 * group sends and of admin actions; and a directory card's name and topic.
 */
import { describe, expect, it } from 'vitest';
import { encrypt, epochOf, toBase64Url } from '../../shared/groups';
import { GROUP_LIMITS } from '../../shared/limits';
import type { ServerFrame } from '../../shared/protocol';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

/**
 * Actions: 1 a minute refills nothing within a test, and the burst is at least 10 (service.ts), so
 * a connection's 11th action is refused. Sends: a burst of 3, then 1 a second.
 */
const ENV = {
  MAX_GROUPS_PER_USER: '2',
  MAX_GROUP_MEMBERS: '3',
  GROUP_ACTIONS_PER_MINUTE: '1',
  GROUP_SENDS_PER_SEC: '1',
  GROUP_SENDS_BURST: '3',
};
const ACTIONS_BURST = 10;

/** What answered a frame: the error's code, else the frame's type. */
const answerOf = (f: ServerFrame) => (f.t === 'error' ? f.code : f.t);

function limitRules(name: string, useUsers: () => { user(prefix: string): Promise<ParleyClient> }): void {
  describe(`group limits on ${name}`, () => {
    const h = useUsers();
    const pins: Pins = new Map();
    const member = async (prefix: string, kps = 2) => {
      const m = await GroupMember.of(await h.user(prefix), pins);
      if (kps > 0) await m.uploadKeyPackages(kps);
      return m;
    };

    it('refuses to add someone already in as many groups as they may be (too_many_groups, naming them)', async () => {
      const alice = await member('alice', 0);
      const bob = await member('bob');
      await makeContacts(alice.client, bob.client);
      const first = await alice.create({ listed: false });
      const second = await alice.create({ listed: false });
      expect(await alice.addUsers(first, [bob.name])).toMatchObject({ t: 'group_committed' });
      // bob is in one group and owns one: two in all.
      await bob.create({ listed: false });
      expect(await alice.addUsers(second, [bob.name])).toMatchObject({ t: 'error', code: 'too_many_groups', ref: bob.name });
    });

    it('refuses a commit that would take a group past MAX_GROUP_MEMBERS (group_full), and adds nobody', async () => {
      const owner = await member('owner', 0);
      const others = [await member('m1'), await member('m2'), await member('m3')];
      for (const m of others) await makeContacts(owner.client, m.client);
      const group = await owner.create({ listed: false });
      expect(await owner.addUsers(group, [others[0]!.name, others[1]!.name])).toMatchObject({ t: 'group_committed', epoch: 1 });
      expect(await owner.addUsers(group, [others[2]!.name])).toMatchObject({ t: 'error', code: 'group_full', ref: group });
      owner.client.send({ t: 'group_info', group });
      const state = await owner.client.next('group_state');
      expect(state.epoch).toBe(1);
      expect(state.members.map((m) => m.user).sort()).toEqual([owner.name, others[0]!.name, others[1]!.name].sort());
      await others[2]!.client.roundTrip();
      expect(others[2]!.client.unread('group_welcome')).toEqual([]);
    });

    it('refuses group sends past the connection’s burst (rate_limited, naming the message)', async () => {
      const owner = await member('owner', 0);
      const talker = await member('talker');
      await makeContacts(owner.client, talker.client);
      const group = await owner.create({ listed: false });
      await owner.addUsers(group, [talker.name]);
      await talker.joinFromWelcome(group);
      // Sealed first, then sent together, so the bucket has no time to refill between them.
      const frames = [];
      for (let i = 0; i < 6; i++) {
        const state = talker.groups.get(group)!;
        const out = await encrypt(state, new TextEncoder().encode(`burst ${i}`));
        talker.groups.set(group, out.group);
        frames.push({ t: 'group_send' as const, group, epoch: epochOf(state), id: `burst-message-${i}`, env: toBase64Url(out.message) });
      }
      for (const f of frames) talker.client.send(f);
      const answers = [];
      for (const f of frames) {
        answers.push(answerOf(await talker.client.next((x) => (x.t === 'group_sent' && x.id === f.id) || (x.t === 'error' && x.ref === f.id))));
      }
      // Of the burst of 3, joining took one: the tree fetched part by part counts as a send (group-trees.ts).
      expect(answers.slice(0, 2)).toEqual(['group_sent', 'group_sent']);
      expect(answers.at(-1)).toBe('rate_limited');
      expect(answers.filter((a) => a === 'group_sent').length).toBeLessThanOrEqual(3);
    });

    it('refuses admin actions past the connection’s burst (rate_limited, naming the group)', async () => {
      const owner = await member('owner', 0);
      const group = await owner.create({ listed: false }); // one action
      const tries = ACTIONS_BURST + 2;
      for (let i = 0; i < tries; i++) owner.client.send({ t: 'group_settings', group, onlyAdminsSend: i % 2 === 0 });
      const answers = [];
      for (let i = 0; i < tries; i++) {
        const f = await owner.client.next((x) => (x.t === 'group_log' && x.event?.t === 'settings') || (x.t === 'error' && x.ref === group));
        answers.push(f.t === 'group_log' ? 'settings' : answerOf(f));
      }
      const taken = ACTIONS_BURST - 1;
      expect(answers).toEqual([...Array(taken).fill('settings'), ...Array(tries - taken).fill('rate_limited')]);
      // Sends are a bucket of their own: an owner out of actions may still post.
      expect(await owner.send(group, 'still posting')).toMatchObject({ t: 'group_sent' });
    });

    it('refuses a name or topic past its limit with a code of its own (name_too_long, topic_too_long, naming the group)', async () => {
      const owner = await member('owner', 0);
      const { maxGroupNameChars: nameMax, maxGroupTopicChars: topicMax } = GROUP_LIMITS;
      const refused = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
      owner.client.send({ t: 'group_create', group: refused, listed: true, name: 'n'.repeat(nameMax + 1), joinPolicy: 'approval' });
      expect((await owner.client.nextError('name_too_long')).ref).toBe(refused);
      owner.client.send({ t: 'group_create', group: refused, listed: true, name: 'Fine', topic: 't'.repeat(topicMax + 1), joinPolicy: 'approval' });
      expect((await owner.client.nextError('topic_too_long')).ref).toBe(refused);
      owner.client.send({ t: 'group_info', group: refused });
      expect((await owner.client.nextError('unknown_group')).ref).toBe(refused);
      // At the limit is taken; past it in settings is refused the same way, and nothing changes.
      const group = await owner.create({ name: 'n'.repeat(nameMax) });
      owner.client.send({ t: 'group_settings', group, name: 'm'.repeat(nameMax + 1) });
      expect((await owner.client.nextError('name_too_long')).ref).toBe(group);
      owner.client.send({ t: 'group_settings', group, topic: 't'.repeat(topicMax + 1) });
      expect((await owner.client.nextError('topic_too_long')).ref).toBe(group);
      owner.client.send({ t: 'group_info', group });
      expect((await owner.client.next('group_state')).settings).toMatchObject({ name: 'n'.repeat(nameMax), topic: '' });
    });
  });
}

limitRules('SQLite', () => useServer({ env: ENV }));
limitRules('Redis', () => {
  const c = useCluster({ nodes: 1, env: ENV });
  return { user: (prefix) => c.user(0, prefix) };
});
