/** The group store's contract (../groups.ts): every backend, the same behaviour. */
import { describe, expect, it } from 'vitest';
import { groupLogContract } from './group-log';
import { groupLogTtlContract } from './group-log-ttl';
import type { ContractContext } from './harness';

import { G1, G2, commit, group } from './group-fixtures';

export function groupsContract(c: ContractContext): void {
  groupLogContract(c);
  groupLogTtlContract(c);
  describe('groups', () => {
    it('creates a group with its owner at leaf 0, epoch 0 and a created event; an id is taken once; groups per user are bounded', async () => {
      const store = await c.open({ groups: { maxGroupsPerUser: 2 } });
      const g = store.groups;
      expect(await g.create(group(G1, 'alice'))).toBe('created');
      expect(await g.create(group(G1, 'bob'))).toBe('exists');
      expect(await g.get(G1)).toMatchObject({ id: G1, epoch: 0, owner: 'alice', seq: 1, listed: true, name: 'Hiking club', members: 1 });
      expect(await g.member(G1, 'alice')).toEqual({ user: 'alice', role: 'owner', leaf: 0, mutedUntil: null, cursor: 0, active: true });
      expect(await g.readLog(G1, 0, 10)).toEqual([{ seq: 1, kind: 'event', from: 'alice', data: '{"t":"created"}', ts: 1_000_000 }]);
      expect(await g.create(group(G2, 'alice'))).toBe('created');
      expect(await g.create(group('CCCCCCCCCCCCCCCCCCCCCA', 'alice'))).toBe('too_many_groups');
      expect(await g.groupsOf('alice', undefined, 10)).toEqual([
        { group: G1, role: 'owner', cursor: 0 },
        { group: G2, role: 'owner', cursor: 0 },
      ]);
      expect(await g.groupsOf('alice', G1, 10)).toEqual([{ group: G2, role: 'owner', cursor: 0 }]);
      expect(await g.get('DDDDDDDDDDDDDDDDDDDDDA')).toBeUndefined();
    });

    it('finds listed groups by a part of their name, case-insensitively, and never unlisted ones', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice', { name: 'Hiking Club' }));
      await g.create(group(G2, 'bob', { listed: false, name: '', topic: '' }));
      await g.create(group('CCCCCCCCCCCCCCCCCCCCCA', 'carol', { name: '100% hikers_' }));
      expect((await g.search('hik', 10)).map((r) => r.name).sort()).toEqual(['100% hikers_', 'Hiking Club']);
      expect(await g.search('CLUB', 10)).toEqual([{ group: G1, name: 'Hiking Club', topic: 'trails', members: 1 }]);
      // Wildcards of the engine are plain characters in a search.
      expect((await g.search('%', 10)).map((r) => r.name)).toEqual(['100% hikers_']);
      expect(await g.search('g_', 10)).toEqual([]);
      expect(await g.search('hik', 1)).toHaveLength(1);
    });

    it('keeps join requests bounded; an accept approves, a decline forgets; a ban drops the request', async () => {
      const g = (await c.open({ groups: { requestsMax: 2 } })).groups;
      await g.create(group(G1, 'alice'));
      expect(await g.addRequest(G1, 'bob')).toBe('added');
      expect(await g.addRequest(G1, 'bob')).toBe('exists');
      expect(await g.addRequest(G1, 'carol')).toBe('added');
      expect(await g.addRequest(G1, 'dave')).toBe('full');
      expect(await g.requests(G1)).toEqual(['bob', 'carol']);
      expect(await g.decide(G1, 'bob', true)).toBe(true);
      expect(await g.isApproved(G1, 'bob')).toBe(true);
      expect(await g.decide(G1, 'bob', true)).toBe(false);
      expect(await g.requests(G1)).toEqual(['carol']);
      expect(await g.approvals(G1)).toEqual(['bob']);
      expect(await g.decide(G1, 'carol', false)).toBe(true);
      expect(await g.isApproved(G1, 'carol')).toBe(false);
      expect(await g.decide(G1, 'nobody', true)).toBe(false);
      await g.addRequest(G1, 'dave');
      await g.ban(G1, 'dave');
      expect(await g.requests(G1)).toEqual([]);
      expect(await g.isBanned(G1, 'dave')).toBe(true);
      expect(await g.bans(G1)).toEqual(['dave']);
      await g.unban(G1, 'dave');
      expect(await g.isBanned(G1, 'dave')).toBe(false);
    });

    it('lets a decline withdraw an approval, and requests past their lifetime give their slot back (review M7)', async () => {
      const g = (await c.open({ groups: { requestsMax: 2, requestTtlMs: 60_000 } })).groups;
      await g.create(group(G1, 'alice'));
      await g.addRequest(G1, 'bob');
      await g.addRequest(G1, 'carol');
      await g.decide(G1, 'bob', true);
      expect(await g.decide(G1, 'bob', false)).toBe(true);
      expect(await g.isApproved(G1, 'bob')).toBe(false);
      expect(await g.approvals(G1)).toEqual([]);
      await g.addRequest(G1, 'bob');
      await g.decide(G1, 'bob', true);
      expect(await g.addRequest(G1, 'dave')).toBe('full');
      c.clock.now += 61_000;
      expect(await g.addRequest(G1, 'dave')).toBe('added');
      expect(await g.isApproved(G1, 'bob')).toBe(false);
      expect(await g.requests(G1)).toEqual(['dave']);
    });

    it('accepts one commit per epoch: adds take their leaves and read from the commit, removes leave; an approval is used up', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.addRequest(G1, 'bob');
      await g.decide(G1, 'bob', true);
      const adds = [{ user: 'bob', leaf: 1 }, { user: 'carol', leaf: 2 }];
      // Two commits for epoch 0 at once: exactly one wins.
      const results = await Promise.all([g.commit(G1, commit(0, 'alice', { adds, welcome: 'W1' })), g.commit(G1, commit(0, 'alice', { data: 'other' }))]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, code: 'stale_epoch' }]);
      // Both backends apply calls in the order they are made: the first is the winner.
      expect(results[0]).toEqual({ ok: true, seq: 2 });
      expect(await g.get(G1)).toMatchObject({ epoch: 1, members: 3 });
      expect(await g.member(G1, 'bob')).toEqual({ user: 'bob', role: 'member', leaf: 1, mutedUntil: null, cursor: 2, active: true });
      expect(await g.isApproved(G1, 'bob')).toBe(false);
      expect(await g.welcomeFor(G1, 'carol')).toEqual({ welcome: 'W1', seq: 2 });
      // An ack short of the Welcome's seq keeps it (a new member's cursor starts there: review L4).
      await g.ack(G1, 'carol', 1);
      expect(await g.welcomeFor(G1, 'carol')).toEqual({ welcome: 'W1', seq: 2 });
      expect(await g.commit(G1, commit(0, 'alice'))).toEqual({ ok: false, code: 'stale_epoch' });
      expect(await g.commit('DDDDDDDDDDDDDDDDDDDDDA', commit(0, 'alice'))).toEqual({ ok: false, code: 'unknown_group' });
    });

    it('removes members by commit, bounds the members, and lists every row with its leaf', async () => {
      const g = (await c.open({ groups: { maxMembers: 3 } })).groups;
      await g.create(group(G1, 'alice'));
      await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }, { user: 'carol', leaf: 2 }] }));
      expect(await g.commit(G1, commit(1, 'alice', { adds: [{ user: 'dave', leaf: 3 }] }))).toEqual({ ok: false, code: 'group_full' });
      expect((await g.get(G1))!.epoch).toBe(1);
      expect(await g.commit(G1, commit(1, 'alice', { removes: ['bob'], adds: [{ user: 'dave', leaf: 1 }] }))).toEqual({ ok: true, seq: 3 });
      expect((await g.members(G1)).map((m) => [m.user, m.leaf])).toEqual([
        ['alice', 0],
        ['dave', 1],
        ['carol', 2],
      ]);
      expect(await g.member(G1, 'bob')).toBeUndefined();
      expect(await g.groupsOf('bob', undefined, 10)).toEqual([]);
      expect(await g.groupsOf('dave', undefined, 10)).toEqual([{ group: G1, role: 'member', cursor: 3 }]);
      // Someone added back in the commit that removes their old leaf stays in their list (review M5).
      expect(await g.commit(G1, commit(2, 'alice', { removes: ['carol'], adds: [{ user: 'carol', leaf: 2 }] }))).toEqual({ ok: true, seq: 4 });
      expect(await g.groupsOf('carol', undefined, 10)).toEqual([{ group: G1, role: 'member', cursor: 4 }]);
    });

    it('asks again, in the commit’s own step, that the committer is still in and no added user was banned (review L1/L2)', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }], roles: { owner: 'alice', admins: ['bob'] } }));
      // A ban (or a leave, or a lapse) moves no epoch: the banned admin's commit of epoch 1, checked
      // by the handler before it, is refused by the store, and nothing of it is kept.
      await g.ban(G1, 'bob');
      await g.deactivate(G1, 'bob');
      expect(await g.commit(G1, commit(1, 'bob', { adds: [{ user: 'carol', leaf: 2 }], welcome: 'W' }))).toEqual({ ok: false, code: 'not_member' });
      expect(await g.commit(G1, commit(1, 'nobody'))).toEqual({ ok: false, code: 'not_member' });
      // A user banned after the handler checked the add is not added.
      await g.ban(G1, 'dave');
      expect(await g.commit(G1, commit(1, 'alice', { adds: [{ user: 'carol', leaf: 2 }, { user: 'dave', leaf: 3 }] }))).toEqual({ ok: false, code: 'banned', user: 'dave' });
      expect(await g.get(G1)).toMatchObject({ epoch: 1, seq: 2, members: 1 });
      expect(await g.member(G1, 'carol')).toBeUndefined();
      expect(await g.groupsOf('carol', undefined, 10)).toEqual([]);
      expect(await g.welcomeFor(G1, 'carol')).toBeUndefined();
      // The owner's Remove of the banned leaf is taken.
      expect(await g.commit(G1, commit(1, 'alice', { removes: ['bob'], adds: [{ user: 'carol', leaf: 1 }] }))).toEqual({ ok: true, seq: 3 });
    });

    it('takes roles from commits only, whole: an admin removed and added again is an admin again until the roles say otherwise', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      // Roles may name someone who is not in yet: they are an admin once added, as in the members' MLS state.
      await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }], roles: { owner: 'alice', admins: ['bob', 'carol'] } }));
      expect((await g.member(G1, 'bob'))!.role).toBe('admin');
      await g.commit(G1, commit(1, 'alice', { adds: [{ user: 'carol', leaf: 2 }] }));
      expect((await g.member(G1, 'carol'))!.role).toBe('admin');
      await g.commit(G1, commit(2, 'alice', { removes: ['bob'] }));
      await g.commit(G1, commit(3, 'alice', { adds: [{ user: 'bob', leaf: 1 }] }));
      expect((await g.member(G1, 'bob'))!.role).toBe('admin');
      await g.commit(G1, commit(4, 'alice', { roles: { owner: 'alice', admins: [] } }));
      expect((await g.members(G1)).map((m) => [m.user, m.role])).toEqual([['alice', 'owner'], ['bob', 'member'], ['carol', 'member']]);
      // A commit refused for its epoch changes no role.
      expect(await g.commit(G1, commit(4, 'alice', { roles: { owner: 'bob', admins: [] } }))).toEqual({ ok: false, code: 'stale_epoch' });
      expect((await g.get(G1))!.owner).toBe('alice');
    });

    it('changes settings, roles, mutes and the owner, and deletes a group whole', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }] }));
      await g.update(G1, { name: 'Climbing', listed: false, joinPolicy: 'closed', onlyAdminsSend: true });
      expect(await g.get(G1)).toMatchObject({ name: 'Climbing', listed: false, joinPolicy: 'closed', onlyAdminsSend: true, memberChats: true });
      await g.commit(G1, commit(1, 'alice', { roles: { owner: 'alice', admins: ['bob'] } }));
      await g.setMute(G1, 'bob', 5_000_000);
      expect(await g.member(G1, 'bob')).toMatchObject({ role: 'admin', mutedUntil: 5_000_000 });
      await g.setMute(G1, 'bob', null);
      // A transfer is a roles commit: the owner and every member's role follow it.
      await g.commit(G1, commit(2, 'alice', { roles: { owner: 'bob', admins: ['alice'] } }));
      expect((await g.get(G1))!.owner).toBe('bob');
      expect((await g.member(G1, 'alice'))!.role).toBe('admin');
      expect((await g.member(G1, 'bob'))!).toMatchObject({ role: 'owner', mutedUntil: null });
      await g.ban(G1, 'eve');
      await g.delete(G1);
      expect(await g.get(G1)).toBeUndefined();
      expect(await g.members(G1)).toEqual([]);
      expect(await g.readLog(G1, 0, 10)).toEqual([]);
      expect(await g.groupsOf('bob', undefined, 10)).toEqual([]);
      expect(await g.isBanned(G1, 'eve')).toBe(false);
      expect(await g.create(group(G1, 'carol'))).toBe('created');
    });

    it('hands out each KeyPackage once, oldest first, keeps the last as a last resort, and keeps the newest past the bound', async () => {
      const g = (await c.open({ groups: { maxKeyPackages: 3 } })).groups;
      expect(await g.claimKeyPackage('bob')).toBeUndefined();
      expect(await g.addKeyPackages('bob', [1, 2].map((i) => ({ ref: `r${i}`, data: `kp${i}` })))).toBe(2);
      c.clock.now += 1;
      expect(await g.addKeyPackages('bob', [3, 4].map((i) => ({ ref: `r${i}`, data: `kp${i}` })))).toBe(3);
      const claims = await Promise.all([g.claimKeyPackage('bob'), g.claimKeyPackage('bob')]);
      expect(claims.sort()).toEqual(['kp2', 'kp3']);
      expect(await g.keyPackageCount('bob')).toBe(1);
      expect(await g.claimKeyPackage('bob')).toBe('kp4');
      expect(await g.claimKeyPackage('bob')).toBe('kp4');
      expect(await g.keyPackageCount('bob')).toBe(1);
      expect(await g.keyPackageCount('alice')).toBe(0);
    });

    it('member chats: two active members of a group with memberChats share it; not when it is off, after one leaves, or in no common group', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.create(group(G2, 'carol', { memberChats: false }));
      expect(await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }, { user: 'dave', leaf: 2 }] }))).toMatchObject({ ok: true });
      expect(await g.commit(G2, commit(0, 'carol', { adds: [{ user: 'alice', leaf: 1 }, { user: 'erin', leaf: 2 }] }))).toMatchObject({ ok: true });
      expect(await g.sharesChatGroup('alice', 'bob')).toBe(true);
      expect(await g.sharesChatGroup('bob', 'alice')).toBe(true);
      expect(await g.sharesChatGroup('alice', 'alice')).toBe(false);
      // Together only in a group without member chats, or in none.
      expect(await g.sharesChatGroup('alice', 'erin')).toBe(false);
      expect(await g.sharesChatGroup('bob', 'carol')).toBe(false);
      await g.update(G2, { memberChats: true });
      expect(await g.sharesChatGroup('alice', 'erin')).toBe(true);
      await g.update(G1, { memberChats: false });
      expect(await g.sharesChatGroup('alice', 'bob')).toBe(false);
      await g.update(G1, { memberChats: true });
      await g.deactivate(G1, 'bob');
      expect(await g.sharesChatGroup('alice', 'bob')).toBe(false);
      expect(await g.sharesChatGroup('alice', 'dave')).toBe(true);
      await g.commit(G1, commit(1, 'alice', { removes: ['dave'] }));
      expect(await g.sharesChatGroup('dave', 'alice')).toBe(false);
    });
  });
}
