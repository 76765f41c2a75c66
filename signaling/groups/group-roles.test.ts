/**
 * Roles change only through commits (review H3), on SQLite and on Redis: the server takes the
 * owner and admins from the owner's roles commit, in the same step as the epoch, and logs what
 * changed as `role` / `transfer` events after it. There is no frame that changes a role on the
 * server alone, so the server's roles cannot drift from the MLS roles every member checks.
 */
import { describe, expect, it } from 'vitest';
import { setRoles } from '../../shared/groups';
import { rolesExtension } from '../../shared/groups/roles';
import { rawCommit } from '../../shared/groups/test-helpers';
import type { ServerFrameOf } from '../../shared/protocol';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

type Log = ServerFrameOf<'group_log'>;

function roleRules(name: string, useUsers: () => { user(prefix: string): Promise<ParleyClient> }): void {
  describe(`group roles on ${name}`, () => {
    const h = useUsers();
    const pins: Pins = new Map();
    const member = async (prefix: string) => GroupMember.ready(await h.user(prefix), pins);
    const roleOf = async (m: GroupMember, group: string, user: string) => {
      m.client.send({ t: 'group_info', group });
      const state = await m.client.next((f): f is ServerFrameOf<'group_state'> => f.t === 'group_state' && f.group === group);
      return state.members.find((x) => x.user === user)?.role;
    };

    it('takes roles from the owner’s roles commit, logs them as events, and has no frame that sets them alone', async () => {
      const owner = await member('owner');
      const bob = await member('bob');
      const carol = await member('carol');
      for (const m of [bob, carol]) await makeContacts(owner.client, m.client);
      const group = await owner.create();
      await owner.addUsers(group, [bob.name, carol.name]);
      await bob.joinFromWelcome(group);

      // The old frames are gone: a role is not the server's to set without a commit.
      bob.client.send({ t: 'group_role', group, user: bob.name, role: 'admin' } as never);
      await bob.client.nextError('unknown_type');
      expect(await roleOf(owner, group, bob.name)).toBe('member');

      const made = await owner.promote(group, bob.name);
      expect(made).toMatchObject({ t: 'group_committed' });
      const event = await bob.client.next((f): f is Log => f.t === 'group_log' && f.kind === 'event' && f.event?.t === 'role');
      expect(event.event).toEqual({ t: 'role', user: bob.name, role: 'admin' });
      expect(event.seq).toBe(made.t === 'group_committed' ? made.seq + 1 : -1);
      expect(await roleOf(owner, group, bob.name)).toBe('admin');
      // The server's admin is the MLS admin: bob's claim passes the admin check (carol is in already).
      bob.client.send({ t: 'kp_claim', group, users: [carol.name] });
      expect((await bob.client.nextError('already_member')).ref).toBe(carol.name);

      // A transfer is one roles commit; the old owner becomes an admin and may then leave.
      const roles = { owner: bob.name, admins: [owner.name] };
      const out = await setRoles(owner.groups.get(group)!, roles);
      expect(await owner.commit(group, out.group, out.commit)).toMatchObject({ t: 'group_committed' });
      const transfer = await bob.client.next((f): f is Log => f.t === 'group_log' && f.event?.t === 'transfer');
      expect(transfer.event).toEqual({ t: 'transfer', user: bob.name });
      expect(await roleOf(owner, group, bob.name)).toBe('owner');
      expect(await roleOf(owner, group, owner.name)).toBe('admin');
      owner.client.send({ t: 'group_leave', group });
      await owner.client.next((f) => f.t === 'group_removed' && f.group === group);
    });

    it('refuses a roles commit from an admin, and one whose new owner is not a member', async () => {
      const owner = await member('owner');
      const admin = await member('boss');
      await makeContacts(owner.client, admin.client);
      const group = await owner.create();
      await owner.addUsers(group, [admin.name]);
      await admin.joinFromWelcome(group);
      const made = await owner.promote(group, admin.name);
      // The roles commit, then its role event: the admin processes both.
      await admin.sync(group, made.t === 'group_committed' ? made.seq + 1 : Number.NaN);

      // An admin making themselves owner: members would refuse it, so the server does first.
      const grab = await rawCommit(admin.groups.get(group)!, [
        { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [rolesExtension({ owner: admin.name, admins: [] })] } },
      ]);
      expect(await admin.commit(group, grab.group, grab.commit)).toMatchObject({ t: 'error', code: 'not_owner' });
      // The owner handing the group to someone outside it.
      const away = await rawCommit(owner.groups.get(group)!, [
        { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [rolesExtension({ owner: 'nobody', admins: [] })] } },
      ]);
      expect(await owner.commit(group, away.group, away.commit)).toMatchObject({ t: 'error', code: 'bad_mls' });
      expect(await roleOf(owner, group, owner.name)).toBe('owner');
      expect(await roleOf(owner, group, admin.name)).toBe('admin');
    });
  });
}

roleRules('SQLite', () => useServer());
roleRules('Redis', () => {
  const c = useCluster({ nodes: 1 });
  return { user: (prefix) => c.user(0, prefix) };
});
