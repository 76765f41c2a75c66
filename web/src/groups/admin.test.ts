/**
 * GroupAdmin on a real Parley server, each user a device with real MLS state (admin-test-device.ts):
 * the rules the UI relies on, end to end — requests, decisions, bans, removals, mutes, roles,
 * transfer, leaving and settings — and that every refusal is a ParleyError with the server's code.
 */
import { describe, expect, it } from 'vitest';
import { members, rolesOf } from '../../../shared/groups/index';
import { makeContacts } from '../../../signaling/test-support/client';
import { useServer } from '../../../signaling/test-support/harness';
import { ParleyError } from '../net/parley-error';
import { MUTE_FOREVER } from './core';
import { type Pins, TestDevice, waitFor } from './admin-test-device';

const h = useServer();
const pins: Pins = new Map();

/** Devices for new users; the first is made a contact of each of the others (so it may add them directly). */
async function devices(...prefixes: string[]): Promise<TestDevice[]> {
  const clients = [];
  for (const p of prefixes) clients.push(await h.user(p));
  for (const c of clients.slice(1)) await makeContacts(clients[0]!, c);
  return Promise.all(clients.map((c) => TestDevice.start(c, pins)));
}

/** A group of `owner` with `others` added directly, every device joined and its view refreshed. */
async function groupOf(owner: TestDevice, others: TestDevice[], name = 'Night owls'): Promise<string> {
  const id = await owner.create(name);
  if (others.length > 0) await owner.admin.addMembers(id, others.map((d) => d.me));
  for (const d of others) await waitFor(() => d.groups.has(id));
  for (const d of [owner, ...others]) await d.admin.refresh(id);
  return id;
}

const mlsMembers = (d: TestDevice, id: string) => members(d.groups.get(id)!).map((m) => m.username).sort();
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof ParleyError ? e.code : `not a ParleyError: ${String(e)}`),
  );

describe('join requests', () => {
  it('an approved request ends with the requester a member who reads the next message; a declined one leaves nothing', async () => {
    const [owner, asker, declined] = await devices('owner', 'asker', 'declined');
    const id = await groupOf(owner!, []);
    let changes = 0;
    owner!.admin.addEventListener('requests', () => changes++);

    expect(await asker!.admin.search('  NIGHT ')).toContainEqual({ group: id, name: 'Night owls', topic: '', members: 1 });
    await asker!.admin.requestJoin(id);
    await declined!.admin.requestJoin(id);
    await waitFor(() => owner!.admin.requests(id).length === 2);
    expect(owner!.admin.requests().map((r) => r.user)).toEqual([asker!.me, declined!.me]);
    expect(changes).toBe(2);

    await owner!.admin.decide(id, declined!.me, false);
    expect(owner!.admin.requests(id).map((r) => r.user)).toEqual([asker!.me]);
    await owner!.admin.decide(id, asker!.me, true);
    expect(owner!.admin.requests(id)).toEqual([]);
    expect(changes).toBe(4);

    await waitFor(() => asker!.groups.has(id));
    await owner!.sendText(id, 'welcome aboard');
    expect(await asker!.read(id, 1)).toEqual(['welcome aboard']);
    // The card sent after the Add names the group for the joiner.
    expect(asker!.view(id)?.name).toBe('Night owls');
    await owner!.admin.refresh(id);
    expect(owner!.view(id)?.members?.map((m) => m.user).sort()).toEqual([owner!.me, asker!.me].sort());
    expect(declined!.groups.has(id)).toBe(false);
    // Deciding again is refused: nothing is pending.
    expect(await code(owner!.admin.decide(id, declined!.me, true))).toBe('no_request');
  });

  it('a banned user’s request is refused banned; a banned member is cut off and the owner commits the Remove of their leaf', async () => {
    const [owner, member, stranger] = await devices('owner', 'member', 'stranger');
    const id = await groupOf(owner!, [member!]);
    await owner!.admin.ban(id, stranger!.me);
    expect(owner!.admin.bans(id)).toEqual([stranger!.me]);
    expect(await code(stranger!.admin.requestJoin(id))).toBe('banned');

    await owner!.admin.ban(id, member!.me);
    await waitFor(() => member!.view(id)?.removed === 'banned');
    await waitFor(() => !mlsMembers(owner!, id).includes(member!.me));
    expect(owner!.view(id)?.members?.map((m) => m.user)).toEqual([owner!.me]);
    expect(owner!.admin.bans(id)).toEqual([member!.me, stranger!.me].sort());

    await owner!.admin.unban(id, stranger!.me);
    expect(owner!.admin.bans(id)).toEqual([member!.me]);
    await stranger!.admin.requestJoin(id);
    // An unban of someone not banned has no answer of its own, and still settles.
    await owner!.admin.unban(id, stranger!.me);
  });
});

describe('removing, muting and roles', () => {
  it('a plain member’s remove is refused not_admin; an admin’s remove cuts the member off and the others read on', async () => {
    const [owner, a, b] = await devices('owner', 'a', 'b');
    const id = await groupOf(owner!, [a!, b!]);
    expect(await code(a!.admin.remove(id, b!.me))).toBe('not_admin');
    expect(await code(a!.admin.mute(id, b!.me, MUTE_FOREVER))).toBe('not_admin');
    expect(mlsMembers(owner!, id)).toContain(b!.me);

    await owner!.admin.remove(id, b!.me);
    await waitFor(() => b!.view(id)?.removed === 'removed');
    const seen = b!.entries.get(id)?.length ?? 0;
    await owner!.sendText(id, 'after the kick');
    expect(await a!.read(id, 1)).toEqual(['after the kick']);
    expect(mlsMembers(a!, id)).toEqual([owner!.me, a!.me].sort());
    expect(b!.entries.get(id)?.length ?? 0).toBe(seen);
  });

  it('setRole: the roles commit lands and every device agrees; an admin may not mute the owner, and a muted member’s send is refused', async () => {
    const [owner, adm, m] = await devices('owner', 'adm', 'm');
    const id = await groupOf(owner!, [adm!, m!]);
    await owner!.admin.setRole(id, adm!.me, 'admin');
    const expected = { owner: owner!.me, admins: [adm!.me] };
    expect(rolesOf(owner!.groups.get(id)!)).toEqual(expected);
    await waitFor(() => rolesOf(adm!.groups.get(id)!).admins.length === 1 && rolesOf(m!.groups.get(id)!).admins.length === 1);
    expect(rolesOf(adm!.groups.get(id)!)).toEqual(expected);
    expect(rolesOf(m!.groups.get(id)!)).toEqual(expected);
    expect(adm!.view(id)?.role).toBe('admin');

    expect(await code(adm!.admin.mute(id, owner!.me, MUTE_FOREVER))).toBe('not_owner');
    expect(await code(adm!.admin.setRole(id, m!.me, 'admin'))).toBe('not_owner');
    const hour = Date.now() + 3_600_000;
    await adm!.admin.mute(id, m!.me, hour);
    expect(adm!.view(id)?.members?.find((x) => x.user === m!.me)?.mutedUntil).toBe(hour);
    await waitFor(() => m!.view(id)?.members?.find((x) => x.user === m!.me)?.mutedUntil === hour);
    expect(await code(m!.sendText(id, 'let me speak'))).toBe('muted');
    await adm!.admin.mute(id, m!.me, null);
    expect(adm!.view(id)?.members?.find((x) => x.user === m!.me)?.mutedUntil).toBeUndefined();
    await m!.sendText(id, 'thanks');
    expect(await owner!.read(id, 1)).toEqual(['thanks']);

    await owner!.admin.setRole(id, adm!.me, 'member');
    await waitFor(() => rolesOf(m!.groups.get(id)!).admins.length === 0);
    expect(rolesOf(adm!.groups.get(id)!)).toEqual({ owner: owner!.me, admins: [] });
    expect(adm!.view(id)?.role).toBe('member');
  });

  it('a transfer: every device agrees on the new owner; the old owner, now an admin, may leave and the new owner commits the Remove', async () => {
    const [owner, heir, m] = await devices('owner', 'heir', 'm');
    const id = await groupOf(owner!, [heir!, m!]);
    expect(await code(owner!.admin.leave(id))).toBe('owner_must_transfer');
    await owner!.admin.transfer(id, heir!.me);
    const expected = { owner: heir!.me, admins: [owner!.me] };
    await waitFor(() => rolesOf(m!.groups.get(id)!).owner === heir!.me && rolesOf(heir!.groups.get(id)!).owner === heir!.me);
    expect(rolesOf(m!.groups.get(id)!)).toEqual(expected);
    expect(owner!.view(id)?.role).toBe('admin');
    await waitFor(() => heir!.view(id)?.role === 'owner');

    await owner!.admin.leave(id);
    await waitFor(() => !mlsMembers(m!, id).includes(owner!.me));
    // The departed admin holds no admin role in the MLS state either.
    await waitFor(() => rolesOf(m!.groups.get(id)!).admins.length === 0);
    expect(mlsMembers(heir!, id)).toEqual([heir!.me, m!.me].sort());
  });
});

describe('leaving and settings', () => {
  it('leave: the owner commits the Remove, and the leaver gets nothing more', async () => {
    const [owner, a, leaver] = await devices('owner', 'a', 'leaver');
    const id = await groupOf(owner!, [a!, leaver!]);
    await leaver!.admin.leave(id);
    expect(leaver!.view(id)?.removed).toBe('left');
    const seen = leaver!.entries.get(id)?.length ?? 0;
    await waitFor(() => !mlsMembers(owner!, id).includes(leaver!.me));
    await waitFor(() => !mlsMembers(a!, id).includes(leaver!.me));
    expect(owner!.view(id)?.members?.map((x) => x.user).sort()).toEqual([owner!.me, a!.me].sort());
    await owner!.sendText(id, 'just us now');
    expect(await a!.read(id, 1)).toEqual(['just us now']);
    await leaver!.roundTrip();
    expect(leaver!.entries.get(id)?.length ?? 0).toBe(seen);
    expect(await code(leaver!.sendText(id, 'still here?'))).toBe('not_member');
  });

  it('a rename reaches members in the card; settings reach their views and the server enforces them', async () => {
    const [owner, a] = await devices('owner', 'a');
    const id = await groupOf(owner!, [a!], 'Secret');
    await owner!.admin.updateSettings(id, { listed: false });
    await owner!.admin.updateSettings(id, { name: 'Secret club', onlyAdminsSend: true });
    expect(owner!.view(id)?.name).toBe('Secret club');
    await waitFor(() => a!.view(id)?.name === 'Secret club');
    await waitFor(() => a!.view(id)?.settings.onlyAdminsSend === true);
    expect(await a!.admin.search('Secret')).toEqual([]);
    expect(await code(a!.sendText(id, 'hello?'))).toBe('admins_only');
    expect(await code(a!.admin.updateSettings(id, { onlyAdminsSend: false }))).toBe('not_admin');
    expect(await code(a!.admin.deleteGroup(id))).toBe('not_admin');
    await owner!.admin.deleteGroup(id);
    await waitFor(() => a!.view(id)?.removed === 'deleted');
  });
});
