/**
 * Groups end to end on a real server (on SQLite, and on Redis) with Node clients holding real MLS state: the
 * delivery service orders commits by epoch, enforces roles, mutes and bans from what it holds,
 * fans the log out, keeps it for members who are offline, and cuts removed members off at once.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64Url, keyPackages, members, toBase64Url, update } from '../../shared/groups';
import { rawCommit } from '../../shared/groups/test-helpers';
import type { ServerFrameOf } from '../../shared/protocol';
import type { Identity } from '../../shared/identity';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

/** How a suite reaches its server: a new user, or an existing identity logging in again. */
interface Users {
  user(prefix: string): Promise<ParleyClient>;
  login(identity: Identity): Promise<ParleyClient>;
}

function groupRules(name: string, useUsers: () => Users): void {
describe(`groups on ${name}`, () => {
  const h = useUsers();
  const pins: Pins = new Map();
  const member = async (prefix: string, kps = 2) => {
    const m = await GroupMember.of(await h.user(prefix), pins);
    if (kps > 0) await m.uploadKeyPackages(kps);
    return m;
  };

  it('a listed group is found, a request reaches the owner, the approved user is added and everyone reads everyone', async () => {
    const owner = await member('owner');
    const asker = await member('asker');
    const friend = await member('friend');
    await makeContacts(owner.client, friend.client);
    const group = await owner.create({ name: 'Night owls' });
    const hidden = await owner.create({ listed: false });

    asker.client.send({ t: 'group_search', q: 'night OWL' });
    const results = await asker.client.next('group_results');
    expect(results.groups).toEqual([{ group, name: 'Night owls', topic: '', members: 1 }]);
    expect(results.groups.map((g) => g.group)).not.toContain(hidden);

    asker.client.send({ t: 'group_join_request', group });
    await asker.client.next('group_requested');
    expect(await owner.client.next('group_request')).toMatchObject({ group, user: asker.name });
    // Nobody may add a stranger who never asked or was not approved.
    expect(await owner.addUsers(group, [asker.name])).toMatchObject({ t: 'error', code: 'not_contact' });
    owner.client.send({ t: 'group_decide', group, user: asker.name, accept: true });
    expect(await asker.client.next('group_decided')).toMatchObject({ group, accept: true });

    expect(await owner.addUsers(group, [asker.name, friend.name])).toMatchObject({ t: 'group_committed', epoch: 1 });
    // Each whose package was claimed hears how many are left (to top up); none is claimed for a member (review M4).
    expect(await friend.client.next('kp_count')).toEqual({ t: 'kp_count', count: 1 });
    owner.client.send({ t: 'kp_claim', group, users: [friend.name] });
    expect((await owner.client.nextError('already_member')).ref).toBe(friend.name);
    await asker.joinFromWelcome(group);
    await friend.joinFromWelcome(group);

    expect(await owner.send(group, 'hello both')).toMatchObject({ t: 'group_sent' });
    expect(await asker.send(group, 'hi from asker')).toMatchObject({ t: 'group_sent' });
    expect(await friend.readMessages(group, 2)).toEqual(['hello both', 'hi from asker']);
    expect(await asker.readMessages(group, 1)).toEqual(['hello both']);
    expect(await owner.readMessages(group, 1)).toEqual(['hi from asker']);

    owner.client.send({ t: 'group_info', group });
    const state = await owner.client.next('group_state');
    expect(state.members.map((m) => [m.user, m.role]).sort()).toEqual([[asker.name, 'member'], [friend.name, 'member'], [owner.name, 'owner']].sort());
    expect(state.epoch).toBe(1);
  });

  it('orders commits by epoch: of two admins committing at once one wins, the other gets stale_epoch', async () => {
    const owner = await member('owner');
    const admin = await member('boss');
    const c1 = await member('c1');
    const c2 = await member('c2');
    for (const [a, b] of [[owner, admin], [owner, c1], [admin, c2]] as const) await makeContacts(a.client, b.client);
    const group = await owner.create();
    await owner.addUsers(group, [admin.name]);
    await admin.joinFromWelcome(group);
    const promoted = await owner.promote(group, admin.name);
    if (promoted.t !== 'group_committed') throw new Error(`promotion refused: ${promoted.code}`);
    await admin.sync(group, promoted.seq);

    // Both at epoch 1: the server takes the first and refuses the second.
    const [a, b] = await Promise.all([owner.addUsers(group, [c1.name]), admin.addUsers(group, [c2.name])]);
    const codes = [a, b].map((r) => (r.t === 'error' ? r.code : r.t)).sort();
    expect(codes).toEqual(['group_committed', 'stale_epoch']);
    // The loser's state is still at the old epoch: until it processes the winner, it is refused again.
    const [loser, target] = a.t === 'error' ? [owner, c1] : [admin, c2];
    expect(await loser.addUsers(group, [target.name])).toMatchObject({ t: 'error', code: 'stale_epoch' });
  });

  it('enforces roles, mutes and only-admins-send from what the server holds', async () => {
    const owner = await member('owner');
    const admin = await member('boss');
    const plain = await member('plain');
    const other = await member('other');
    for (const m of [admin, plain, other]) await makeContacts(owner.client, m.client);
    await makeContacts(plain.client, other.client);
    const group = await owner.create();
    await owner.addUsers(group, [admin.name, plain.name]);
    await admin.joinFromWelcome(group);
    await plain.joinFromWelcome(group);
    expect(await owner.promote(group, admin.name)).toMatchObject({ t: 'group_committed' });

    // A plain member may not add anyone, nor claim their KeyPackages.
    plain.client.send({ t: 'kp_claim', group, users: [other.name] });
    expect((await plain.client.nextError('not_admin')).ref).toBe(group);
    // An admin may not mute the owner.
    admin.client.send({ t: 'group_mute', group, user: owner.name, until: Date.now() + 3_600_000 });
    expect((await admin.client.nextError('not_owner')).ref).toBe(group);

    admin.client.send({ t: 'group_mute', group, user: plain.name, until: Date.now() + 3_600_000 });
    await plain.client.next((f) => f.t === 'group_log' && f.event?.t === 'mute');
    expect(await plain.send(group, 'can I talk?')).toMatchObject({ t: 'error', code: 'muted' });
    admin.client.send({ t: 'group_mute', group, user: plain.name, until: null });
    await plain.client.next((f) => f.t === 'group_log' && f.event?.t === 'mute' && f.event.until === null);
    expect(await plain.send(group, 'now I can')).toMatchObject({ t: 'group_sent' });

    owner.client.send({ t: 'group_settings', group, onlyAdminsSend: true });
    await plain.client.next((f) => f.t === 'group_log' && f.event?.t === 'settings');
    expect(await plain.send(group, 'and now?')).toMatchObject({ t: 'error', code: 'admins_only' });
    expect(await admin.send(group, 'admins may')).toMatchObject({ t: 'group_sent' });
    // Someone outside the group cannot post into it.
    other.client.send({ t: 'group_send', group, epoch: 1, id: 'outsider-1', env: 'AAAAAAAA' });
    expect((await other.client.nextError('not_member')).ref).toBe('outsider-1');
  });

  it('keeps the log for a member who is offline and hands it over in order at login', async () => {
    const owner = await member('owner');
    const away = await member('away');
    await makeContacts(owner.client, away.client);
    const group = await owner.create();
    await owner.addUsers(group, [away.name]);
    await away.joinFromWelcome(group);
    const identity = away.client.identity!;
    await away.client.close();
    const texts = Array.from({ length: 12 }, (_, i) => `while away ${i}`);
    for (const t of texts) expect(await owner.send(group, t)).toMatchObject({ t: 'group_sent' });

    const back = await GroupMember.of(await h.login(identity), pins);
    back.groups.set(group, away.groups.get(group)!);
    const list = await back.client.next('group_list');
    expect(list.groups).toEqual([expect.objectContaining({ group, role: 'member', epoch: 1 })]);
    expect(await back.readMessages(group, texts.length)).toEqual(texts);
  });

  it('cuts a removed member off at once, and a banned user cannot ask again', async () => {
    const owner = await member('owner');
    const gone = await member('gone');
    const stay = await member('stay');
    for (const m of [gone, stay]) await makeContacts(owner.client, m.client);
    const group = await owner.create();
    await owner.addUsers(group, [gone.name, stay.name]);
    await gone.joinFromWelcome(group);
    await stay.joinFromWelcome(group);

    expect(await owner.removeUsers(group, [gone.name])).toMatchObject({ t: 'group_committed', epoch: 2 });
    expect(await gone.client.next('group_removed')).toEqual({ t: 'group_removed', group, reason: 'removed' });
    expect(await gone.send(group, 'still here?')).toMatchObject({ t: 'error', code: 'not_member' });
    expect(await owner.send(group, 'after the kick')).toMatchObject({ t: 'group_sent' });
    expect(await stay.readMessages(group, 1)).toEqual(['after the kick']);
    await gone.client.roundTrip();
    expect(gone.client.unread('group_log').filter((f) => f.seq > 2)).toEqual([]);

    owner.client.send({ t: 'group_ban', group, user: gone.name });
    await stay.client.next((f) => f.t === 'group_log' && f.event?.t === 'ban');
    gone.client.send({ t: 'group_join_request', group });
    expect((await gone.client.nextError('banned')).ref).toBe(group);
    // Bans are kept and listed: only of accounts that exist (review L12).
    owner.client.send({ t: 'group_ban', group, user: 'nobody-at-all' });
    expect((await owner.client.nextError('unknown_user')).ref).toBe('nobody-at-all');
  });

  it('refuses what members would refuse: a commit sent as a message, a plain member removing one who left, an add across a block', async () => {
    const owner = await member('owner');
    const plain = await member('plain');
    const leaver = await member('leaver');
    const blocked = await member('blocked');
    for (const m of [plain, leaver, blocked]) await makeContacts(owner.client, m.client);
    const group = await owner.create();
    await owner.addUsers(group, [plain.name, leaver.name]);
    await plain.joinFromWelcome(group);
    await leaver.joinFromWelcome(group);
    // A self-update commit dressed as a message never reaches the log (review H4).
    const sneaky = await update(plain.groups.get(group)!);
    plain.client.send({ t: 'group_send', group, epoch: 1, id: 'sneaky-commit', env: toBase64Url(sneaky.commit) });
    expect((await plain.client.nextError('bad_mls')).ref).toBe('sneaky-commit');
    // Someone who left is removed by an admin, as members' own checks require; not by a plain member (review H1).
    leaver.client.send({ t: 'group_leave', group });
    await plain.client.next((f) => f.t === 'group_log' && f.event?.t === 'left');
    const leaf = members(plain.groups.get(group)!).find((m) => m.username === leaver.name)!.leaf;
    const kick = await rawCommit(plain.groups.get(group)!, [{ proposalType: 'remove', remove: { removed: leaf } }]);
    expect(await plain.commit(group, kick.group, kick.commit)).toMatchObject({ t: 'error', code: 'not_admin' });
    expect(await owner.removeUsers(group, [leaver.name])).toMatchObject({ t: 'group_committed', epoch: 2 });
    // A contact who blocked the owner cannot be added by them (answered as for a stranger: review M3).
    blocked.client.send({ t: 'block', username: owner.name });
    await blocked.client.roundTrip();
    owner.client.send({ t: 'kp_claim', group, users: [blocked.name] });
    expect((await owner.client.nextError('not_contact')).ref).toBe(blocked.name);
  });

  it('keeps only KeyPackages that carry the uploader and their identity key', async () => {
    const mallory = await member('mallory', 0);
    const victim = await member('victim', 0);
    const forged = await keyPackages(victim.env, victim.client.sodium, victim.client.identity!, 1);
    mallory.client.send({ t: 'kp_upload', kps: [toBase64Url(forged[0]!.publicPackage)] });
    expect((await mallory.client.nextError('bad_mls')).ref).toBe('kp:0');
    mallory.client.send({ t: 'kp_upload', kps: [toBase64Url(fromBase64Url('AAAAAAAA'))] });
    await mallory.client.nextError('bad_mls');
    expect(await mallory.uploadKeyPackages(1)).toBe(1);
    const counts = mallory.client.received.filter((f): f is ServerFrameOf<'kp_count'> => f.t === 'kp_count');
    expect(counts.map((c) => c.count)).toEqual([1]);
  });
});
}

groupRules('SQLite', () => useServer());
groupRules('Redis', () => {
  const c = useCluster({ nodes: 1 });
  return { user: (prefix) => c.user(0, prefix), login: (identity) => c.login(0, identity) };
});
