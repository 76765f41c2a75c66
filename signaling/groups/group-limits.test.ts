/**
 * Group bounds that need a server of their own settings: the groups a user may be in hold for
 * groups they are added to, not only for those they create (review M2).
 */
import { describe, expect, it } from 'vitest';
import { makeContacts } from '../test-support/client';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';

describe('groups per user', () => {
  const h = useServer({ env: { MAX_GROUPS_PER_USER: '2' } });
  const pins: Pins = new Map();

  it('refuses to add someone already in as many groups as they may be (too_many_groups, naming them)', async () => {
    const alice = await GroupMember.of(await h.user('alice'), pins);
    const bob = await GroupMember.of(await h.user('bob'), pins);
    await bob.uploadKeyPackages(2);
    await makeContacts(alice.client, bob.client);
    const first = await alice.create({ listed: false });
    const second = await alice.create({ listed: false });
    expect(await alice.addUsers(first, [bob.name])).toMatchObject({ t: 'group_committed' });
    // bob is in one group and owns one: two in all.
    await bob.create({ listed: false });
    expect(await alice.addUsers(second, [bob.name])).toMatchObject({ t: 'error', code: 'too_many_groups', ref: bob.name });
  });
});
