/**
 * The admin part inside core's real Groups service on a real in-process server: roles (the
 * server's, then the roles commit every member verifies), mutes, transfer, settings and delete.
 * Requests, bans, removals and leaving: admin-groups.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { rolesOf } from '../../../shared/groups/index';
import { adminDevice, code, groupWith, lastSend, stored, storedMembers } from './admin-test-support';
import { MUTE_FOREVER } from './core';
import { until, useGroupWorld } from './test-device';

const world = useGroupWorld();
const device = (prefix: string) => adminDevice(world, prefix);
const mutedUntil = (d: Awaited<ReturnType<typeof device>>, id: string, user: string) => d.groups.view(id)?.members?.find((m) => m.user === user)?.mutedUntil;

describe('roles and mutes', () => {
  it('setRole: the roles commit lands and every device agrees; an admin cannot mute the owner; a muted member’s send fails muted', async () => {
    const owner = await device('owner');
    const adm = await device('adm');
    const m = await device('m');
    const id = await groupWith(owner, [adm, m]);
    await owner.groups.admin.setRole(id, adm.name, 'admin');
    const expected = { owner: owner.name, admins: [adm.name] };
    expect(rolesOf(await stored(owner, id))).toEqual(expected);
    await until('the roles commit reached both', async () => rolesOf(await stored(adm, id)).admins.length === 1 && rolesOf(await stored(m, id)).admins.length === 1);
    expect(rolesOf(await stored(adm, id))).toEqual(expected);
    expect(rolesOf(await stored(m, id))).toEqual(expected);
    await until('adm sees itself admin', () => adm.groups.view(id)?.role === 'admin');

    expect(await code(adm.groups.admin.mute(id, owner.name, MUTE_FOREVER))).toBe('not_owner');
    expect(await code(adm.groups.admin.setRole(id, m.name, 'admin'))).toBe('not_owner');
    expect(await code(m.groups.admin.mute(id, adm.name, MUTE_FOREVER))).toBe('not_admin');
    const hour = Date.now() + 3_600_000;
    await adm.groups.admin.mute(id, m.name, hour);
    expect(mutedUntil(adm, id, m.name)).toBe(hour);
    await until('m sees its mute', () => mutedUntil(m, id, m.name) === hour);
    await m.groups.send(id, 'can I talk?');
    expect(await lastSend(m, id)).toEqual({ state: 'failed', error: 'muted' });

    await adm.groups.admin.mute(id, m.name, null);
    expect(mutedUntil(adm, id, m.name)).toBeUndefined();
    await m.groups.send(id, 'thanks');
    await until('the owner reads it', async () => (await owner.texts(id)).includes('thanks'));

    await owner.groups.admin.setRole(id, adm.name, 'member');
    await until('the demotion reached m', async () => rolesOf(await stored(m, id)).admins.length === 0);
    expect(rolesOf(await stored(adm, id))).toEqual({ owner: owner.name, admins: [] });
    await until('adm sees itself a member', () => adm.groups.view(id)?.role === 'member');
  });

  it('a transfer: every device agrees on the new owner; the old owner, now an admin, may leave and the new owner commits the Remove', async () => {
    const owner = await device('owner');
    const heir = await device('heir');
    const m = await device('m');
    const id = await groupWith(owner, [heir, m]);
    expect(await code(owner.groups.admin.transfer(id, 'stranger_x1'))).toBe('not_member');
    expect(await code(heir.groups.admin.transfer(id, m.name))).toBe('not_owner');
    await owner.groups.admin.transfer(id, heir.name);
    const expected = { owner: heir.name, admins: [owner.name] };
    await until('the roles commit reached both', async () => rolesOf(await stored(m, id)).owner === heir.name && rolesOf(await stored(heir, id)).owner === heir.name);
    expect(rolesOf(await stored(m, id))).toEqual(expected);
    expect(owner.groups.view(id)?.role).toBe('admin');
    await until('heir sees itself owner', () => heir.groups.view(id)?.role === 'owner');

    await owner.groups.admin.leave(id);
    await until('m processed the Remove', async () => !(await storedMembers(m, id)).includes(owner.name));
    // The departed admin keeps no admin role in the MLS state either.
    await until('and the roles after it', async () => rolesOf(await stored(m, id)).admins.length === 0);
    expect(await storedMembers(heir, id)).toEqual([heir.name, m.name].sort());
  });
});

describe('what an admin may do to whom', () => {
  it('an admin removes a plain member but not the owner or another admin; a member an admin bans is removed from MLS by the owner’s device', async () => {
    const owner = await device('owner');
    const adm = await device('adm');
    const adm2 = await device('adm2');
    const m = await device('m');
    const n = await device('n');
    const id = await groupWith(owner, [adm, adm2, m, n]);
    await owner.groups.admin.setRole(id, adm.name, 'admin');
    await owner.groups.admin.setRole(id, adm2.name, 'admin');
    await until('adm has both roles commits', async () => rolesOf(await stored(adm, id)).admins.length === 2);
    await adm.groups.admin.refresh(id);

    expect(await code(adm.groups.admin.remove(id, owner.name))).toBe('not_owner');
    expect(await code(adm.groups.admin.remove(id, adm2.name))).toBe('not_owner');
    expect(await code(adm.groups.admin.ban(id, adm2.name))).toBe('not_owner');
    await adm.groups.admin.remove(id, m.name);
    await until('m is out', () => m.groups.view(id)?.removed === 'removed');
    await until('the owner processed it', async () => !(await storedMembers(owner, id)).includes(m.name));

    const commits = (d: typeof owner) => d.sent.filter((f) => f.t === 'group_commit').length;
    const [ownerBefore, admBefore] = [commits(owner), commits(adm)];
    await adm.groups.admin.ban(id, n.name);
    await until('n is out', () => n.groups.view(id)?.removed === 'banned');
    await until('n’s leaf removed', async () => !(await storedMembers(adm, id)).includes(n.name));
    // The owner's device committed the Remove (removalCommitter), not the admin who banned.
    expect([commits(owner) - ownerBefore, commits(adm) - admBefore]).toEqual([1, 0]);
  });
});

describe('settings and delete', () => {
  it('a rename reaches members in the card; settings reach their views and the server enforces them; the owner deletes', async () => {
    const owner = await device('owner');
    const a = await device('a');
    const id = await groupWith(owner, [a], 'Secret', false);
    await owner.groups.admin.updateSettings(id, { name: 'Secret club', onlyAdminsSend: true });
    expect(owner.groups.view(id)?.name).toBe('Secret club');
    await until('a has the new name', () => a.groups.view(id)?.name === 'Secret club');
    await until('a has the setting', () => a.groups.view(id)?.settings.onlyAdminsSend === true);
    expect(await a.groups.admin.search('Secret')).toEqual([]);
    // An unlisted group's new name went in the card only, never to the server.
    expect(owner.sent.filter((f) => f.t === 'group_settings').map((f) => Object.keys(f).sort())).toEqual([['group', 'onlyAdminsSend', 't']]);
    await a.groups.send(id, 'hello?');
    expect(await lastSend(a, id)).toEqual({ state: 'failed', error: 'admins_only' });
    expect(await code(a.groups.admin.updateSettings(id, { onlyAdminsSend: false }))).toBe('not_admin');
    expect(await code(a.groups.admin.deleteGroup(id))).toBe('not_admin');

    // Listing it gives the server its card, so it is found under its name.
    await owner.groups.admin.updateSettings(id, { listed: true });
    expect(await a.groups.admin.search('secret CLUB')).toEqual([{ group: id, name: 'Secret club', topic: '', members: 2 }]);
    await until('a sees it listed', () => a.groups.view(id)?.settings.listed === true);

    await owner.groups.admin.deleteGroup(id);
    expect(owner.groups.view(id)?.removed).toBe('deleted');
    await until('a sees it deleted', () => a.groups.view(id)?.removed === 'deleted');
  });
});
