/**
 * The admin part inside core's real Groups service (IndexedDB, the log, the outbox, the
 * conversations seam) on a real in-process server: join requests and their decisions, bans,
 * removals and leaving, seen as the UI sees them (views, the conversation, refusal codes).
 * Roles, mutes, transfer and settings: admin-roles.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { adminDevice, code, groupWith, storedMembers } from './admin-test-support';
import { until, useGroupWorld } from './test-device';

const world = useGroupWorld();
const device = (prefix: string) => adminDevice(world, prefix);

describe('join requests', () => {
  it('an approved request ends with the requester a member who reads the next message; a declined one is gone', async () => {
    const owner = await device('owner');
    const asker = await device('asker');
    const other = await device('other');
    const id = await groupWith(owner, []);
    let changes = 0;
    owner.groups.admin.addEventListener('requests', () => changes++);

    expect(await asker.groups.admin.search('  OWLS ')).toEqual([{ group: id, name: 'Night owls', topic: '', members: 1 }]);
    expect(await asker.groups.admin.search('   ')).toEqual([]);
    await asker.groups.admin.requestJoin(id);
    await other.groups.admin.requestJoin(id);
    // Asking again while pending is answered, and not pushed to the admins again.
    await asker.groups.admin.requestJoin(id);
    await until('both requests', () => owner.groups.admin.requests(id).length === 2);
    expect(owner.groups.admin.requests().map((r) => r.user)).toEqual([asker.name, other.name]);

    await owner.groups.admin.decide(id, other.name, false);
    expect(owner.groups.admin.requests(id).map((r) => r.user)).toEqual([asker.name]);
    await owner.groups.admin.decide(id, asker.name, true);
    expect(owner.groups.admin.requests()).toEqual([]);
    expect(changes).toBe(4);

    // The card sent after the Add names the group for the joiner.
    await until('asker joined and has the card', () => asker.groups.view(id)?.name === 'Night owls');
    await owner.groups.send(id, 'welcome aboard');
    await until('asker reads it', async () => (await asker.texts(id)).includes('welcome aboard'));
    expect(other.groups.view(id)).toBeUndefined();
    await owner.groups.admin.refresh(id);
    expect(owner.groups.view(id)?.members?.map((m) => m.user).sort()).toEqual([owner.name, asker.name].sort());
    expect(await code(owner.groups.admin.decide(id, other.name, true))).toBe('no_request');
  });

  it('an approval whose add failed is listed again as approved, also after a reload, and approving it again only adds', async () => {
    const owner = await device('owner');
    const asker = await device('asker');
    const id = await groupWith(owner, []);
    await asker.groups.admin.requestJoin(id);
    await until('the request', () => owner.groups.admin.requests(id).length === 1);
    // The server approves; the claim of the asker's key package then fails (as when the connection drops).
    owner.hold = (f) => {
      if (f.t !== 'kp_claim') return false;
      queueMicrotask(() => owner.router.route({ t: 'error', code: 'unavailable', message: 'gone', ref: id }));
      return true;
    };
    expect(await code(owner.groups.admin.decide(id, asker.name, true))).toBe('unavailable');
    expect(owner.groups.admin.requests(id)).toMatchObject([{ user: asker.name, approved: true }]);
    owner.hold = undefined;
    await world.close(owner);
    const back = await world.reopen(owner.profile);
    // The server lists the unused approval at login, and in the group's state.
    await until('the approval at login', () => back.groups.admin.requests(id).some((r) => r.approved));
    await back.groups.admin.refresh(id);
    expect(back.groups.admin.requests(id)).toMatchObject([{ user: asker.name, approved: true }]);
    const decides = () => back.sent.filter((f) => f.t === 'group_decide').length;
    await back.groups.admin.decide(id, asker.name, true);
    expect(decides()).toBe(0);
    expect(back.groups.admin.requests(id)).toEqual([]);
    await until('asker joined', () => asker.groups.view(id)?.name === 'Night owls');
    await back.groups.admin.refresh(id);
    expect(back.groups.admin.requests(id)).toEqual([]);
  });

  it('requests pending while the admin was away are in its list after refresh', async () => {
    const owner = await device('owner');
    const asker = await device('asker');
    const id = await groupWith(owner, []);
    await world.close(owner);
    await asker.groups.admin.requestJoin(id);
    const back = await world.reopen(owner.profile);
    // Pushed after the login's group list.
    await until('the request at login', () => back.groups.admin.requests(id).length === 1);
    await back.groups.admin.refresh(id);
    expect(back.groups.admin.requests(id).map((r) => r.user)).toEqual([asker.name]);
  });
});

describe('bans, removals and leaving', () => {
  it('a banned user’s request is refused banned; a banned member is cut off and the owner commits the Remove of their leaf', async () => {
    const owner = await device('owner');
    const member = await device('member');
    const stranger = await device('stranger');
    const id = await groupWith(owner, [member]);
    await owner.groups.admin.ban(id, stranger.name);
    expect(owner.groups.admin.bans(id)).toEqual([stranger.name]);
    expect(await code(stranger.groups.admin.requestJoin(id))).toBe('banned');

    await owner.groups.admin.ban(id, member.name);
    await until('member is out', () => member.groups.view(id)?.removed === 'banned');
    await until('the owner removed the leaf', async () => !(await storedMembers(owner, id)).includes(member.name));
    expect(owner.groups.view(id)?.members?.map((m) => m.user)).toEqual([owner.name]);
    expect(owner.groups.admin.bans(id)).toEqual([member.name, stranger.name].sort());

    await owner.groups.admin.unban(id, stranger.name);
    expect(owner.groups.admin.bans(id)).toEqual([member.name]);
    await stranger.groups.admin.requestJoin(id);
    // An unban of someone not banned is refused not_banned by the server: as good as done.
    await owner.groups.admin.unban(id, stranger.name);
  });

  it('a plain member’s remove is refused not_admin; the owner’s remove cuts the member off and the others read on', async () => {
    const owner = await device('owner');
    const a = await device('a');
    const b = await device('b');
    const id = await groupWith(owner, [a, b]);
    expect(await code(a.groups.admin.remove(id, b.name))).toBe('not_admin');
    expect(await code(a.groups.admin.remove(id, owner.name))).toBe('not_admin');
    expect(await code(a.groups.admin.ban(id, b.name))).toBe('not_admin');
    expect(await storedMembers(owner, id)).toContain(b.name);

    await owner.groups.admin.remove(id, b.name);
    await until('b is out', () => b.groups.view(id)?.removed === 'removed');
    const seen = b.client.received.filter((f) => f.t === 'group_log').length;
    await owner.groups.send(id, 'after the kick');
    await until('a reads it', async () => (await a.texts(id)).includes('after the kick'));
    expect(await storedMembers(a, id)).toEqual([owner.name, a.name].sort());
    expect(b.client.received.filter((f) => f.t === 'group_log').length).toBe(seen);
    expect(await b.texts(id)).not.toContain('after the kick');
  });

  it('leave: the owner commits the Remove, the others read on, and the leaver gets nothing more', async () => {
    const owner = await device('owner');
    const a = await device('a');
    const leaver = await device('leaver');
    const id = await groupWith(owner, [a, leaver]);
    expect(await code(owner.groups.admin.leave(id))).toBe('owner_must_transfer');
    await leaver.groups.admin.leave(id);
    expect(leaver.groups.view(id)?.removed).toBe('left');
    await until('the owner removed the leaf', async () => !(await storedMembers(owner, id)).includes(leaver.name));
    await until('a processed the Remove', async () => !(await storedMembers(a, id)).includes(leaver.name));
    const seen = leaver.client.received.filter((f) => f.t === 'group_log').length;
    await owner.groups.send(id, 'just us now');
    await until('a reads it', async () => (await a.texts(id)).includes('just us now'));
    await leaver.client.roundTrip();
    expect(leaver.client.received.filter((f) => f.t === 'group_log').length).toBe(seen);
    expect(await leaver.texts(id)).not.toContain('just us now');
    expect(owner.groups.view(id)?.members?.map((x) => x.user).sort()).toEqual([owner.name, a.name].sort());
    // Still shown as left (nothing after the leave told core otherwise).
    expect(leaver.groups.view(id)?.removed).toBe('left');
  });
});
