/**
 * Ratchet trees beside Welcomes on a real server (SQLite, and Redis): a group past the old
 * 100-member bound is joined through the tree the adding admin staged and the joiner fetched;
 * parts out of order, oversized or too many are refused with their codes; a commit that adds
 * without its tree is refused; a Welcome whose tree a later Add replaced is answered `tree_gone`;
 * the trees go with the group.
 */
import { describe, expect, it } from 'vitest';
import { MLS_LIMITS, add, epochOf, fromBase64Url, members, toBase64Url } from '../../shared/groups';
import type { ServerFrameOf } from '../../shared/protocol';
import type { ParleyClient } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

/** Enough admin actions for one owner to approve and add 130 people in a test. */
const ENV = { GROUP_ACTIONS_PER_MINUTE: '100000', GROUP_REQUESTS_MAX: '100' };
const BATCH = 16;

interface Users {
  user(prefix: string): Promise<ParleyClient>;
}

const part = (bytes: number) => toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));

function treeRules(name: string, useUsers: () => Users): void {
  describe(`ratchet trees on ${name}`, () => {
    const h = useUsers();
    const pins: Pins = new Map();
    const member = async (prefix: string) => {
      const m = await GroupMember.of(await h.user(prefix), pins);
      await m.uploadKeyPackages(1);
      return m;
    };

    /** `users` ask to join `group`, `owner` approves each and adds them in one commit. */
    async function admit(owner: GroupMember, group: string, users: GroupMember[]) {
      for (const u of users) u.client.send({ t: 'group_join_request', group });
      for (const u of users) await owner.client.next((f) => f.t === 'group_request' && f.user === u.name);
      for (const u of users) owner.client.send({ t: 'group_decide', group, user: u.name, accept: true });
      for (const u of users) await owner.client.next((f) => f.t === 'group_decided' && f.user === u.name);
      return owner.addUsers(group, users.map((u) => u.name));
    }

    it('a group of 130 is joined by a newcomer through the fetched tree, who reads the next message', async () => {
      const owner = await member('owner');
      const group = await owner.create({ name: 'Big room' });
      for (let n = 0; n < 8; n++) {
        const batch = await Promise.all(Array.from({ length: BATCH }, () => member('crowd')));
        expect(await admit(owner, group, batch)).toMatchObject({ t: 'group_committed' });
        // Nobody needs these connections any more: what they were sent waits on the server.
        await Promise.all(batch.map((m) => m.client.close(100)));
      }
      const newcomer = await member('newcomer');
      expect(await admit(owner, group, [newcomer])).toMatchObject({ t: 'group_committed', epoch: 9 });
      expect(members(owner.groups.get(group)!)).toHaveLength(1 + 8 * BATCH + 1);
      await newcomer.joinFromWelcome(group);
      expect(epochOf(newcomer.groups.get(group)!)).toBe(9);
      expect(await owner.send(group, 'welcome, all 130 of you')).toMatchObject({ t: 'group_sent' });
      expect(await newcomer.readMessages(group, 1)).toEqual(['welcome, all 130 of you']);
    }, 120_000);

    it('refuses parts out of order, of another tree, oversized or too many, and a commit without its tree', async () => {
      const owner = await member('owner');
      const plain = await member('plain');
      const joiner = await member('joiner');
      const group = await owner.create({ name: 'Careful room' });
      expect(await admit(owner, group, [plain])).toMatchObject({ t: 'group_committed', epoch: 1 });
      await plain.joinFromWelcome(group);
      const put = (m: GroupMember, f: { part: number; parts: number; epoch?: number; data?: string }) =>
        m.client.send({ t: 'group_tree_put', group, epoch: 2, data: part(100), ...f });
      const refused = async (m: GroupMember, code: string) => expect((await m.client.nextError(code as never)).ref).toBe(group);

      // Only an admin stages, and only for the epoch the next commit makes.
      put(plain, { part: 0, parts: 1 });
      await refused(plain, 'not_admin');
      put(owner, { part: 0, parts: 1, epoch: 5 });
      await refused(owner, 'stale_epoch');
      // In order, once each, all of one tree.
      put(owner, { part: 1, parts: 3 });
      await refused(owner, 'tree_part');
      put(owner, { part: 0, parts: 3 });
      put(owner, { part: 2, parts: 3 });
      await refused(owner, 'tree_part');
      put(owner, { part: 1, parts: 3 });
      put(owner, { part: 1, parts: 3 });
      await refused(owner, 'tree_part');
      put(owner, { part: 2, parts: 4 });
      await refused(owner, 'tree_part');
      put(owner, { part: 3, parts: 3 });
      await refused(owner, 'tree_part');
      // Too many parts, or a part over the part limit, never pass the frame's schema.
      put(owner, { part: 0, parts: MLS_LIMITS.maxTreeParts + 1 });
      await owner.client.nextError('bad_frame');
      put(owner, { part: 0, parts: 1, data: part(MLS_LIMITS.treePartBytes + 3) });
      await owner.client.nextError('bad_frame');
      // Parts each within the limit that add up to more than a tree may be.
      for (let i = 0; i < MLS_LIMITS.maxTreeParts; i++) put(owner, { part: i, parts: MLS_LIMITS.maxTreeParts, data: part(MLS_LIMITS.treePartBytes) });
      await refused(owner, 'tree_part');

      // A commit that adds without the new epoch's tree staged whole is refused, and adds nobody.
      joiner.client.send({ t: 'group_join_request', group });
      await owner.client.next((f) => f.t === 'group_request' && f.user === joiner.name);
      owner.client.send({ t: 'group_decide', group, user: joiner.name, accept: true });
      await owner.client.next((f) => f.t === 'group_decided' && f.user === joiner.name);
      owner.client.send({ t: 'kp_claim', group, users: [joiner.name] });
      const claimed = await owner.client.next((f): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed');
      const out = await add(owner.groups.get(group)!, [fromBase64Url(claimed.kps[0]!.kp)]);
      put(owner, { part: 0, parts: 2, data: toBase64Url(out.tree!) }); // one part of two: not whole
      expect(await owner.commit(group, out.group, out.commit, out.welcome)).toMatchObject({ t: 'error', code: 'tree_missing' });
      owner.stageTree(group, 2, out.tree!);
      expect(await owner.commit(group, out.group, out.commit, out.welcome)).toMatchObject({ t: 'group_committed', epoch: 2 });
      await joiner.joinFromWelcome(group);
      expect(members(joiner.groups.get(group)!)).toHaveLength(3);
    });

    it('serves the kept tree as staged, in parts; a Welcome whose tree a later Add replaced gets tree_gone; trees go with the group', async () => {
      const owner = await member('owner');
      const [first, second] = [await member('first'), await member('second')];
      const group = await owner.create({ name: 'Busy room' });
      // A tree the joiner will refuse (the server cannot tell; the joiner checks the tree hash), in three parts.
      const bogus = [part(MLS_LIMITS.treePartBytes), part(MLS_LIMITS.treePartBytes), part(10)];
      for (const u of [first]) u.client.send({ t: 'group_join_request', group });
      await owner.client.next((f) => f.t === 'group_request' && f.user === first.name);
      owner.client.send({ t: 'group_decide', group, user: first.name, accept: true });
      await owner.client.next((f) => f.t === 'group_decided');
      owner.client.send({ t: 'kp_claim', group, users: [first.name] });
      const claimed = await owner.client.next((f): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed');
      const out = await add(owner.groups.get(group)!, [fromBase64Url(claimed.kps[0]!.kp)]);
      bogus.forEach((data, i) => owner.client.send({ t: 'group_tree_put', group, epoch: 1, part: i, parts: 3, data }));
      expect(await owner.commit(group, out.group, out.commit, out.welcome)).toMatchObject({ t: 'group_committed', epoch: 1 });
      await first.client.next('group_welcome');
      const fetched = await first.fetchTree(group);
      expect(fetched).toEqual(fromBase64Url(bogus.join('')));
      // Out of range: refused.
      first.client.send({ t: 'group_tree_get', group, part: 3 });
      await first.client.nextError('tree_part');

      // A second Add replaces the kept tree: the first Welcome's tree is gone, the second's is served.
      expect(await admit(owner, group, [second])).toMatchObject({ t: 'group_committed', epoch: 2 });
      first.client.send({ t: 'group_tree_get', group, part: 0 });
      await first.client.nextError('tree_gone');
      await second.joinFromWelcome(group);
      // Someone who is not a member gets nothing.
      const stranger = await member('stranger');
      stranger.client.send({ t: 'group_tree_get', group, part: 0 });
      await stranger.client.nextError('not_member');

      owner.client.send({ t: 'group_delete', group });
      await owner.client.next('group_removed');
      // A group made again under the same id (its creator chooses the id) keeps nothing of the old one's tree.
      owner.client.send({ t: 'group_create', group, listed: false, joinPolicy: 'approval' });
      await owner.client.next((f) => f.t === 'group_created' && f.group === group);
      owner.client.send({ t: 'group_tree_get', group, part: 0 });
      await owner.client.nextError('tree_gone');
    });
  });
}

treeRules('SQLite', () => useServer({ env: ENV }));
treeRules('Redis', () => {
  const c = useCluster({ nodes: 1, env: ENV });
  return { user: (prefix) => c.user(0, prefix) };
});
