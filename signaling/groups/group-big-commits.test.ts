/**
 * Commits bigger than a frame on a real server (SQLite, and Redis): a real commit padded past a
 * frame is staged in parts and taken, and reaches a live member and one who was offline, each
 * fetching it in parts, in order between the messages around it; a Welcome over a frame is
 * fetched the same way and opens; parts out of order, oversized, too many or over the total are
 * refused `commit_part`, a staging for an old epoch `stale_epoch`, and fetches are only of what
 * the member may read.
 */
import { describe, expect, it } from 'vitest';
import { COMMIT_PART_CHARS, epochOf, fromBase64Url, members, packCommit, toBase64Url } from '../../shared/groups';
import { paddedCommit } from '../../shared/groups/test-helpers';
import type { Identity } from '../../shared/identity';
import { GROUP_LIMITS as G } from '../../shared/limits';
import type { ServerFrameOf } from '../../shared/protocol';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

interface Users {
  user(prefix: string): Promise<ParleyClient>;
  login(identity: Identity): Promise<ParleyClient>;
}

/** Room for a test's dozens of parts in a burst. */
const ENV = { GROUP_SENDS_BURST: '1000' };
/** About a sparse 1,000-member remove (~82.5 KB): two parts staged, two slices fetched. */
const PAD = 85_000;
const random = (bytes: number) => toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));

function bigCommitRules(name: string, useUsers: () => Users): void {
  describe(`commits bigger than a frame on ${name}`, () => {
    const h = useUsers();
    const pins: Pins = new Map();
    const member = async (prefix: string) => {
      const m = await GroupMember.of(await h.user(prefix), pins);
      await m.uploadKeyPackages(1);
      return m;
    };

    it('stages a commit over a frame, and a live and an offline member each fetch it in order; a Welcome over a frame opens', async () => {
      const owner = await member('owner');
      const live = await member('live');
      const away = await member('away');
      const joiner = await member('joiner');
      for (const m of [live, away, joiner]) await makeContacts(owner.client, m.client);
      const group = await owner.create();
      expect(await owner.addUsers(group, [live.name, away.name])).toMatchObject({ t: 'group_committed', epoch: 1 });
      await live.joinFromWelcome(group);
      await away.joinFromWelcome(group);
      const identity = away.client.identity!;
      const awayState = away.groups.get(group)!;
      await away.client.close();

      expect(await owner.send(group, 'before')).toMatchObject({ t: 'group_sent' });
      const big = await paddedCommit(owner.groups.get(group)!, { pad: PAD });
      expect(toBase64Url(big.commit).length).toBeGreaterThan(G.maxCommitChars);
      const committed = await owner.commit(group, big.group, big.commit);
      expect(committed).toMatchObject({ t: 'group_committed', epoch: 2 });
      expect(await owner.send(group, 'after')).toMatchObject({ t: 'group_sent' });

      // The live member reads the commit between the two messages, fetched in parts, and is at epoch 2.
      expect(await live.readMessages(group, 2)).toEqual(['before', 'after']);
      expect(live.fetched).toEqual([(committed as ServerFrameOf<'group_committed'>).seq]);
      expect(epochOf(live.groups.get(group)!)).toBe(2);

      // So does the one who was away, at login.
      const back = await GroupMember.of(await h.login(identity), pins);
      back.groups.set(group, awayState);
      expect(await back.readMessages(group, 2)).toEqual(['before', 'after']);
      expect(back.fetched).toEqual(live.fetched);
      expect(epochOf(back.groups.get(group)!)).toBe(2);

      // An Add whose Welcome is over a frame: staged with the commit, announced to the joiner, fetched, and it opens.
      owner.client.send({ t: 'kp_claim', group, users: [joiner.name] });
      const claimed = await owner.client.next((f): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed');
      const add = await paddedCommit(owner.groups.get(group)!, { pad: 16, keyPackages: [fromBase64Url(claimed.kps[0]!.kp)], welcomePad: 70_000 });
      expect(toBase64Url(add.welcome!).length).toBeGreaterThan(G.maxWelcomeChars);
      owner.stageTree(group, 3, add.tree!);
      expect(await owner.commit(group, add.group, add.commit, add.welcome)).toMatchObject({ t: 'group_committed', epoch: 3 });
      await joiner.joinFromWelcome(group);
      expect(joiner.welcomes).toEqual([{ t: 'group_welcome', group, parts: 2, seq: expect.any(Number) }]);
      expect(members(joiner.groups.get(group)!)).toHaveLength(4);
      expect(await owner.send(group, 'welcome in')).toMatchObject({ t: 'group_sent' });
      expect(await joiner.readMessages(group, 1)).toEqual(['welcome in']);
      expect(await live.readMessages(group, 1)).toEqual(['welcome in']);
    }, 60_000);

    it('refuses parts out of order, oversized, too many or over the total, stale stagings, and fetches of what is not the member’s', async () => {
      const owner = await member('owner');
      const plain = await member('plain');
      const stranger = await member('stranger');
      await makeContacts(owner.client, plain.client);
      const group = await owner.create();
      expect(await owner.addUsers(group, [plain.name])).toMatchObject({ t: 'group_committed', epoch: 1 });
      await plain.joinFromWelcome(group);
      const put = (m: GroupMember, f: { part: number; parts: number; epoch?: number; data?: string }) =>
        m.client.send({ t: 'group_commit_put', group, epoch: 1, data: random(100), ...f });
      const refused = async (m: GroupMember, code: string) => expect((await m.client.nextError(code as never)).ref).toBe(group);

      // Any member stages, for the group's epoch only; a stranger not at all.
      put(stranger, { part: 0, parts: 1 });
      await refused(stranger, 'not_member');
      put(plain, { part: 0, parts: 1, epoch: 4 });
      await refused(plain, 'stale_epoch');
      // In order, once each, all of one commit.
      put(owner, { part: 1, parts: 3 });
      await refused(owner, 'commit_part');
      put(owner, { part: 0, parts: 3 });
      put(owner, { part: 2, parts: 3 });
      await refused(owner, 'commit_part');
      put(owner, { part: 1, parts: 3 });
      put(owner, { part: 1, parts: 3 });
      await refused(owner, 'commit_part');
      put(owner, { part: 2, parts: 4 });
      await refused(owner, 'commit_part');
      put(owner, { part: 3, parts: 3 });
      await refused(owner, 'commit_part');
      // Too many parts, or a part over the part limit, never pass the frame's schema.
      put(owner, { part: 0, parts: G.maxCommitParts + 1 });
      await owner.client.nextError('bad_frame');
      put(owner, { part: 0, parts: 1, data: random(G.commitPartBytes + 3) });
      await owner.client.nextError('bad_frame');
      // Parts each within the limit that add up to more than a commit and Welcome may be.
      for (let i = 0; i < G.maxCommitParts; i++) put(owner, { part: i, parts: G.maxCommitParts, data: random(G.commitPartBytes) });
      await refused(owner, 'commit_part');
      // Staged and carried at once, or neither: not a frame the server takes.
      owner.client.send({ t: 'group_commit', group, epoch: 1, staged: true, commit: random(100) });
      await refused(owner, 'bad_frame');
      owner.client.send({ t: 'group_commit', group, epoch: 1 });
      await refused(owner, 'bad_frame');
      // A staged commit that is not whole is refused, and changes nothing.
      put(owner, { part: 0, parts: 2 });
      owner.client.send({ t: 'group_commit', group, epoch: 1, staged: true });
      await refused(owner, 'commit_part');

      // A whole staging for epoch 1, overtaken by another commit: stale, and no use at the next epoch either.
      const big = await paddedCommit(owner.groups.get(group)!, { pad: PAD });
      const parts = packCommit(big.commit);
      parts.forEach((data, part) => put(owner, { part, parts: parts.length, data: toBase64Url(data) }));
      expect(await owner.promote(group, plain.name)).toMatchObject({ t: 'group_committed', epoch: 2 });
      owner.client.send({ t: 'group_commit', group, epoch: 1, staged: true });
      await refused(owner, 'stale_epoch');
      owner.client.send({ t: 'group_commit', group, epoch: 2, staged: true });
      await refused(owner, 'commit_part');

      // Fetches: only an entry after the member's cursor, only parts that exist, only by a member.
      const next = await paddedCommit(owner.groups.get(group)!, { pad: PAD });
      const done = await owner.commit(group, next.group, next.commit);
      expect(done).toMatchObject({ t: 'group_committed', epoch: 3 });
      const seq = (done as ServerFrameOf<'group_committed'>).seq;
      const entry = await plain.client.next((f): f is ServerFrameOf<'group_log'> => f.t === 'group_log' && f.seq === seq);
      expect(entry).toMatchObject({ kind: 'commit', parts: Math.ceil(toBase64Url(next.commit).length / COMMIT_PART_CHARS) });
      expect(entry.data).toBeUndefined();
      plain.client.send({ t: 'group_commit_get', group, seq, part: entry.parts! });
      await refused(plain, 'commit_part');
      stranger.client.send({ t: 'group_commit_get', group, seq, part: 0 });
      await refused(stranger, 'not_member');
      plain.client.send({ t: 'group_commit_get', group, seq, part: 0, welcome: true });
      await refused(plain, 'commit_part');
      expect(await plain.fetchParts(group, seq, entry.parts!)).toBe(toBase64Url(next.commit));
      plain.client.send({ t: 'group_ack', group, upTo: seq });
      await plain.client.roundTrip();
      plain.client.send({ t: 'group_commit_get', group, seq, part: 0 });
      await refused(plain, 'commit_part');
    }, 60_000);
  });
}

bigCommitRules('SQLite', () => useServer({ env: ENV }));
bigCommitRules('Redis', () => {
  const c = useCluster({ nodes: 1, env: ENV });
  return { user: (prefix) => c.user(0, prefix), login: (identity) => c.login(0, identity) };
});
