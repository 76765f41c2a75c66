// Member chats in the browser on a real server (issue 12, item 5): two members of a group with
// "Members can message each other" on, who are not contacts, chat 1:1 with sealed envelopes,
// each reading the other with the key pinned in the group; receipts come back; once the setting
// is off the next send fails with not_contact and the history stays.
import { describe, expect, it } from 'vitest';
import { dmId } from '../conversations/conversation-id';
import { addMembers, befriend, until, useGroupWorld } from './test-device';

const world = useGroupWorld();

describe('member chats', () => {
  it('lets two members who are not contacts chat both ways while the group allows it, and fails the send once it does not', async () => {
    const owner = await world.device('owner');
    const ann = await world.device('ann');
    const ben = await world.device('ben');
    await befriend(owner, ann);
    await befriend(owner, ben);
    const id = await owner.groups.create({ name: 'Climbers', listed: false });
    await owner.groups.admin.updateSettings(id, { memberChats: true });
    await addMembers(owner, id, [ann, ben]);
    expect(ann.contacts.get(ben.name)).toBeUndefined();
    // Each learns the other's key from the group (MLS authentication, first seen): wait for it.
    await until('keys pinned', () => ann.messenger.keys.keyOf(ben.name) !== undefined && ben.messenger.keys.keyOf(ann.name) !== undefined);
    expect(ann.messenger.keys.isMemberChat(ben.name)).toBe(true);

    await ann.messenger.send(ben.name, 'hello from the group');
    await until('ben has it', async () => (await ben.messenger.conversation(dmId(ann.name))).length === 1);
    const atBen = await ben.messenger.conversation(dmId(ann.name));
    expect(atBen[0]).toMatchObject({ dir: 'in', peer: ann.name, text: 'hello from the group' });
    await until('delivered to ben', async () => (await ann.messenger.conversation(dmId(ben.name)))[0]?.state === 'delivered');
    await ben.messenger.send(ann.name, 'hi back', atBen[0]);
    await until('ann has the reply', async () => (await ann.messenger.conversation(dmId(ben.name))).length === 2);
    expect((await ann.messenger.conversation(dmId(ben.name)))[1]).toMatchObject({ dir: 'in', text: 'hi back', reply: { text: 'hello from the group' } });

    await owner.groups.admin.updateSettings(id, { memberChats: false });
    await ann.messenger.send(ben.name, 'after the setting went off');
    await until('the send failed', async () => (await ann.messenger.conversation(dmId(ben.name)))[2]?.state === 'failed');
    const mine = await ann.messenger.conversation(dmId(ben.name));
    expect(mine[2]).toMatchObject({ state: 'failed', error: 'no_shared_group' });
    // The history stays.
    expect(mine.map((m) => m.text)).toEqual(['hello from the group', 'hi back', 'after the setting went off']);
  });

  it('reads a member chat message that came before the group that pins its sender (offline meanwhile, both at one login)', async () => {
    const owner = await world.device('owner');
    const ann = await world.device('ann');
    const ben = await world.device('ben');
    await befriend(owner, ann);
    await befriend(owner, ben);
    const id = await owner.groups.create({ name: 'Sailors', listed: false });
    await owner.groups.admin.updateSettings(id, { memberChats: true });
    await addMembers(owner, id, [ann]);
    // ben is offline when he is added and when ann writes to him.
    const profile = ben.profile;
    await world.close(ben);
    await owner.groups.admin.addMembers(id, [profile.identity.username]);
    await until('ann knows ben', () => ann.messenger.keys.keyOf(profile.identity.username) !== undefined);
    await ann.messenger.send(profile.identity.username, 'welcome aboard');
    await until('stored for ben', async () => (await ann.messenger.conversation(dmId(profile.identity.username)))[0]?.state === 'sent');
    const back = await world.reopen(profile);
    await until('ben reads it', async () => (await back.messenger.conversation(dmId(ann.name))).length === 1);
    await until('delivered to ben', async () => (await ann.messenger.conversation(dmId(back.name)))[0]?.state === 'delivered');
  });
});
