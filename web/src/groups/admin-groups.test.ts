/**
 * The admin part inside core's real Groups service (groups.ts: IndexedDB, the log, the outbox,
 * the conversations seam) on a real in-process server: the rules the UI relies on, seen the way
 * the UI sees them — views, the conversation's messages, failed sends with their code.
 * admin.test.ts covers every admin method on lighter devices; this file checks the two parts fit.
 */
import { describe, expect, it } from 'vitest';
import { deserialize, groupEnv, members, rolesOf } from '../../../shared/groups/index';
import { loadSodium } from '../../../shared/sodium';
import { ParleyError } from '../net/parley-error';
import { MUTE_FOREVER } from './core';
import { type GroupDevice, befriend, until, useGroupWorld } from './test-device';

const world = useGroupWorld();

/**
 * A device whose admin part also hears the pushed frames (join requests, decisions). Groups.attach
 * does not call `admin.attach` yet (the report asks core for that line); calling it twice is harmless.
 */
async function device(prefix: string): Promise<GroupDevice> {
  const d = await world.device(prefix);
  d.groups.admin.attach(d.router);
  return d;
}

/** The MLS state of group `id` as this device's IndexedDB holds it. */
async function stored(d: GroupDevice, id: string) {
  const record = await d.db.get('groups', id);
  if (!record?.state) throw new Error('no stored state');
  return deserialize(await groupEnv(() => true), await loadSodium(), d.profile.identity, record.state);
}
const storedMembers = async (d: GroupDevice, id: string) => members(await stored(d, id)).map((m) => m.username).sort();

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof ParleyError ? e.code : `not a ParleyError: ${String(e)}`),
  );

/** `owner`'s new listed group with `others` (its contacts) added through the admin part, every view refreshed. */
async function groupWith(owner: GroupDevice, others: GroupDevice[]): Promise<string> {
  for (const o of others) await befriend(owner, o);
  const id = await owner.groups.create({ name: 'Night owls', listed: true });
  if (others.length > 0) await owner.groups.admin.addMembers(id, others.map((o) => o.name));
  for (const o of others) await until(`${o.name} joined`, () => o.groups.view(id)?.name === 'Night owls');
  for (const d of [owner, ...others]) await d.groups.admin.refresh(id);
  return id;
}

describe('GroupAdmin in Groups', () => {
  it('an approved request ends with the requester a member who reads the next message; a declined one is gone', async () => {
    const owner = await device('owner');
    const asker = await device('asker');
    const other = await device('other');
    const id = await groupWith(owner, []);
    expect((await asker.groups.admin.search('owls')).map((c) => c.group)).toEqual([id]);
    await asker.groups.admin.requestJoin(id);
    await other.groups.admin.requestJoin(id);
    await until('both requests', () => owner.groups.admin.requests(id).length === 2);

    await owner.groups.admin.decide(id, other.name, false);
    await owner.groups.admin.decide(id, asker.name, true);
    expect(owner.groups.admin.requests()).toEqual([]);
    await until('asker joined and has the card', () => asker.groups.view(id)?.name === 'Night owls');
    await owner.groups.send(id, 'welcome aboard');
    await until('asker reads it', async () => (await asker.texts(id)).includes('welcome aboard'));
    expect(other.groups.view(id)).toBeUndefined();
    await owner.groups.admin.refresh(id);
    expect(owner.groups.view(id)?.members?.map((m) => m.user).sort()).toEqual([owner.name, asker.name].sort());
  });

  it('a banned user’s request is refused banned; a non-admin’s remove is refused not_admin', async () => {
    const owner = await device('owner');
    const member = await device('member');
    const banned = await device('banned');
    const id = await groupWith(owner, [member]);
    await owner.groups.admin.ban(id, banned.name);
    expect(await code(banned.groups.admin.requestJoin(id))).toBe('banned');
    expect(await code(member.groups.admin.remove(id, owner.name))).toBe('not_admin');
    expect(await code(member.groups.admin.ban(id, owner.name))).toBe('not_admin');
    expect(await storedMembers(owner, id)).toEqual([owner.name, member.name].sort());
  });

  it('setRole: the roles commit lands and both devices agree; an admin cannot mute the owner; a muted member’s send fails muted', async () => {
    const owner = await device('owner');
    const adm = await device('adm');
    const m = await device('m');
    const id = await groupWith(owner, [adm, m]);
    await owner.groups.admin.setRole(id, adm.name, 'admin');
    const expected = { owner: owner.name, admins: [adm.name] };
    await until('the roles commit reached both', async () => rolesOf(await stored(adm, id)).admins.length === 1 && rolesOf(await stored(m, id)).admins.length === 1);
    expect(rolesOf(await stored(owner, id))).toEqual(expected);
    expect(rolesOf(await stored(adm, id))).toEqual(expected);
    await until('adm sees itself admin', () => adm.groups.view(id)?.role === 'admin');

    expect(await code(adm.groups.admin.mute(id, owner.name, MUTE_FOREVER))).toBe('not_owner');
    await adm.groups.admin.mute(id, m.name, Date.now() + 3_600_000);
    await until('m sees the mute', () => m.groups.view(id)?.members?.find((x) => x.user === m.name)?.mutedUntil !== undefined);
    await m.groups.send(id, 'can I talk?');
    await until('the message failed', async () => (await m.messenger.conversation(`grp:${id}`))[0]?.state === 'failed');
    expect((await m.messenger.conversation(`grp:${id}`))[0]).toMatchObject({ state: 'failed', error: 'muted' });
  });

  it('leave: the owner commits the Remove, the others read on, and the leaver gets nothing more', async () => {
    const owner = await device('owner');
    const a = await device('a');
    const leaver = await device('leaver');
    const id = await groupWith(owner, [a, leaver]);
    await leaver.groups.admin.leave(id);
    expect(leaver.groups.view(id)?.removed).toBe('left');
    await until('the owner removed the leaf', async () => !(await storedMembers(owner, id)).includes(leaver.name));
    await until('a processed the Remove', async () => !(await storedMembers(a, id)).includes(leaver.name));
    const seen = leaver.client.received.filter((f) => f.t === 'group_log').length;
    await owner.groups.send(id, 'just us now');
    await until('a reads it', async () => (await a.texts(id)).includes('just us now'));
    expect(leaver.client.received.filter((f) => f.t === 'group_log').length).toBe(seen);
    expect(await leaver.texts(id)).not.toContain('just us now');
    expect(owner.groups.view(id)?.members?.map((x) => x.user).sort()).toEqual([owner.name, a.name].sort());
  });
});
