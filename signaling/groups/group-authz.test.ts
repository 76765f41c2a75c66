/**
 * Who may do what in a group, on SQLite and on Redis, asked of the server directly: Node clients
 * send the raw frames (and commits made by rawCommit, which skips the MLS module's own checks) a
 * misbehaving client could send, so each refusal here is the server's (policy.ts), not a client's.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { members, setRoles } from '../../shared/groups';
import { rawCommit } from '../../shared/groups/test-helpers';
import type { ServerFrameOf } from '../../shared/protocol';
import { ParleyClient, makeContacts, newIdentity, uniqueName } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';
import { type InProcessServer, startInProcess } from '../test-support/in-process';

type Log = ServerFrameOf<'group_log'>;

function authzRules(name: string, useUsers: () => { user(prefix: string): Promise<ParleyClient> }): void {
  describe(`group authorization on ${name}`, () => {
    const h = useUsers();
    const pins: Pins = new Map();
    const member = async (prefix: string) => GroupMember.ready(await h.user(prefix), pins);
    const stateOf = async (m: GroupMember, group: string) => {
      m.client.send({ t: 'group_info', group });
      return m.client.next((f): f is ServerFrameOf<'group_state'> => f.t === 'group_state' && f.group === group);
    };

    /** An owner, two admins and a plain member, all in one group at its latest epoch. */
    const adminsGroup = async () => {
      const owner = await member('owner');
      const a1 = await member('boss');
      const a2 = await member('chief');
      const plain = await member('plain');
      for (const m of [a1, a2, plain]) await makeContacts(owner.client, m.client);
      const group = await owner.create();
      expect(await owner.addUsers(group, [a1.name, a2.name, plain.name])).toMatchObject({ t: 'group_committed' });
      for (const m of [a1, a2, plain]) await m.joinFromWelcome(group);
      const out = await setRoles(owner.groups.get(group)!, { owner: owner.name, admins: [a1.name, a2.name] });
      const made = await owner.commit(group, out.group, out.commit);
      if (made.t !== 'group_committed') throw new Error(`the roles commit was refused: ${made.code}`);
      for (const m of [a1, a2, plain]) await m.sync(group, made.seq);
      return { owner, a1, a2, plain, group };
    };
    const leafOf = (m: GroupMember, group: string, user: string) => members(m.groups.get(group)!).find((x) => x.username === user)!.leaf;

    it('refuses an admin’s commit that removes the owner or another admin (not_owner), and takes one that removes a plain member', async () => {
      const { owner, a1, a2, plain, group } = await adminsGroup();
      for (const target of [owner, a2]) {
        const kick = await rawCommit(a1.groups.get(group)!, [{ proposalType: 'remove', remove: { removed: leafOf(a1, group, target.name) } }]);
        expect(await a1.commit(group, kick.group, kick.commit)).toMatchObject({ t: 'error', code: 'not_owner', ref: group });
      }
      const roles = (await stateOf(owner, group)).members.map((m) => [m.user, m.role]).sort();
      expect(roles).toEqual([[owner.name, 'owner'], [a1.name, 'admin'], [a2.name, 'admin'], [plain.name, 'member']].sort());
      // What an admin may remove, the same commit shape is taken.
      const kick = await rawCommit(a1.groups.get(group)!, [{ proposalType: 'remove', remove: { removed: leafOf(a1, group, plain.name) } }]);
      expect(await a1.commit(group, kick.group, kick.commit)).toMatchObject({ t: 'group_committed' });
      expect(await plain.client.next('group_removed')).toMatchObject({ group, reason: 'removed' });
    });

    it('refuses an admin muting or banning another admin or the owner (not_owner); the owner may', async () => {
      const { owner, a1, a2, plain, group } = await adminsGroup();
      const until = Date.now() + 3_600_000;
      for (const target of [a2, owner]) {
        a1.client.send({ t: 'group_mute', group, user: target.name, until });
        expect((await a1.client.nextError('not_owner')).ref).toBe(group);
        a1.client.send({ t: 'group_ban', group, user: target.name });
        expect((await a1.client.nextError('not_owner')).ref).toBe(group);
      }
      // Nothing changed: a2 still sends, is not muted, and no mute or ban was logged.
      expect(await a2.send(group, 'still free')).toMatchObject({ t: 'group_sent' });
      const state = await stateOf(owner, group);
      expect(state.members.find((m) => m.user === a2.name)).toEqual({ user: a2.name, role: 'admin' });
      expect(state.bans).toEqual([]);
      await plain.client.roundTrip();
      expect(plain.client.received.filter((f) => f.t === 'group_log' && (f.event?.t === 'mute' || f.event?.t === 'ban'))).toEqual([]);
      // The owner outranks admins.
      owner.client.send({ t: 'group_mute', group, user: a2.name, until });
      await a2.client.next((f): f is Log => f.t === 'group_log' && f.event?.t === 'mute' && f.event.user === a2.name);
      expect(await a2.send(group, 'muted now?')).toMatchObject({ t: 'error', code: 'muted' });
      owner.client.send({ t: 'group_ban', group, user: a2.name });
      expect(await a2.client.next('group_removed')).toMatchObject({ group, reason: 'banned' });
    });

    it('refuses a plain member’s settings, decisions and delete; an owner leaving without a transfer; an unban of no one banned; a request to a closed group', async () => {
      const owner = await member('owner');
      const plain = await member('plain');
      const asker = await member('asker');
      await makeContacts(owner.client, plain.client);
      const group = await owner.create({ name: 'Strict' });
      await owner.addUsers(group, [plain.name]);
      await plain.joinFromWelcome(group);
      asker.client.send({ t: 'group_join_request', group });
      await asker.client.next('group_requested');
      await owner.client.next((f) => f.t === 'group_request' && f.user === asker.name);

      plain.client.send({ t: 'group_settings', group, onlyAdminsSend: true });
      expect((await plain.client.nextError('not_admin')).ref).toBe(group);
      for (const accept of [true, false]) {
        plain.client.send({ t: 'group_decide', group, user: asker.name, accept });
        expect((await plain.client.nextError('not_admin')).ref).toBe(group);
      }
      plain.client.send({ t: 'group_delete', group });
      expect((await plain.client.nextError('not_admin')).ref).toBe(group);
      // None of it took: the setting is off, the request pending, the group there.
      const state = await stateOf(owner, group);
      expect(state.settings.onlyAdminsSend).toBe(false);
      expect(state.requests?.map((r) => r.user)).toEqual([asker.name]);
      expect(await plain.send(group, 'still open')).toMatchObject({ t: 'group_sent' });

      owner.client.send({ t: 'group_leave', group });
      expect((await owner.client.nextError('owner_must_transfer')).ref).toBe(group);
      expect((await stateOf(owner, group)).members.find((m) => m.user === owner.name)?.role).toBe('owner');

      owner.client.send({ t: 'group_unban', group, user: asker.name });
      expect((await owner.client.nextError('not_banned')).ref).toBe(asker.name);

      owner.client.send({ t: 'group_settings', group, joinPolicy: 'closed' });
      await owner.client.next((f): f is Log => f.t === 'group_log' && f.event?.t === 'settings');
      const late = await member('late');
      late.client.send({ t: 'group_join_request', group });
      expect((await late.client.nextError('group_closed')).ref).toBe(group);
      await owner.client.roundTrip();
      expect(owner.client.unread('group_request')).toEqual([]);
    });
  });
}

authzRules('SQLite', () => useServer());
authzRules('Redis', () => {
  const c = useCluster({ nodes: 1 });
  return { user: (prefix) => c.user(0, prefix) };
});

/**
 * A ban moves no epoch, so the epoch the store checks does not order it against a commit the
 * handler has already checked: the store asks again in the commit's own step (review L1/L2; the
 * store contract checks it on both backends). Here the store is slowed (in-process, SQLite) so the
 * ban lands while the commit waits.
 */
describe('a ban that lands while a commit waits on the store', () => {
  let srv: InProcessServer;
  const clients: ParleyClient[] = [];
  const pins: Pins = new Map();
  beforeAll(async () => {
    srv = await startInProcess();
  });
  afterEach(async () => {
    srv.delays.clear();
    await Promise.all(clients.splice(0).map((c) => c.close(500)));
  });
  afterAll(async () => {
    expect(srv.errors).toEqual([]);
    await srv.stop();
  });
  const member = async (prefix: string) => {
    const client = await ParleyClient.register(srv.port, await newIdentity(uniqueName(prefix)));
    clients.push(client);
    const m = await GroupMember.of(client, pins);
    await m.uploadKeyPackages(2);
    return m;
  };
  /** The next store commit waits `ms`; resolves once it has started waiting. */
  const holdNextCommit = (ms: number) =>
    new Promise<void>((reached) => {
      srv.delays.set('groups.commit', () => {
        srv.delays.delete('groups.commit');
        reached();
        return ms;
      });
    });

  it('refuses the commit of an admin banned meanwhile (not_member), and one adding a user banned meanwhile (banned, naming them)', async () => {
    const owner = await member('owner');
    const a1 = await member('boss');
    const a2 = await member('chief');
    const carol = await member('carol');
    const dave = await member('dave');
    for (const m of [a1, a2, dave]) await makeContacts(owner.client, m.client);
    await makeContacts(a1.client, carol.client);
    const group = await owner.create();
    await owner.addUsers(group, [a1.name, a2.name]);
    for (const m of [a1, a2]) await m.joinFromWelcome(group);
    const out = await setRoles(owner.groups.get(group)!, { owner: owner.name, admins: [a1.name, a2.name] });
    const made = await owner.commit(group, out.group, out.commit);
    if (made.t !== 'group_committed') throw new Error(`the roles commit was refused: ${made.code}`);
    for (const m of [a1, a2]) await m.sync(group, made.seq);

    let held = holdNextCommit(1_000);
    const adding = a1.addUsers(group, [carol.name]);
    await held;
    owner.client.send({ t: 'group_ban', group, user: a1.name });
    expect(await a1.client.next('group_removed')).toMatchObject({ group, reason: 'banned' });
    expect(await adding).toMatchObject({ t: 'error', code: 'not_member', ref: group });
    await carol.client.roundTrip();
    expect(carol.client.unread('group_welcome')).toEqual([]);

    held = holdNextCommit(1_000);
    const addingDave = owner.addUsers(group, [dave.name]);
    await held;
    a2.client.send({ t: 'group_ban', group, user: dave.name });
    await a2.client.next((f): f is Log => f.t === 'group_log' && f.event?.t === 'ban' && f.event.user === dave.name);
    expect(await addingDave).toMatchObject({ t: 'error', code: 'banned', ref: dave.name });
    owner.client.send({ t: 'group_info', group });
    const state = await owner.client.next('group_state');
    expect(state.members.map((m) => m.user).sort()).toEqual([owner.name, a2.name].sort());
    expect(state.epoch).toBe(2);
  });
});
