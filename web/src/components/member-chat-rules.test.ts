// Where the member list offers "Message" (member-chat-rules.ts): a contact's chat always (not on
// oneself); a member who is not a contact only while the group allows member chats and this
// device is still in it. And whether a member chat is open: a held group that allows it lists them.
import { describe, expect, it } from 'vitest';
import type { GroupSettings } from '../../../shared/protocol-groups';
import type { GroupView } from '../groups/core';
import { messageAction, sharesChatGroup } from './member-chat-rules';

const settings: GroupSettings = { listed: false, name: '', topic: '', joinPolicy: 'approval', onlyAdminsSend: false, memberChats: true };
const view = (more: Partial<GroupView> = {}): GroupView => ({
  id: 'g1',
  conv: 'grp:g1',
  name: 'Climbers',
  role: 'member',
  settings,
  members: [{ user: 'ann', role: 'owner' }, { user: 'ben', role: 'member' }],
  joinedAt: 0,
  ...more,
} as GroupView);

describe('member chat rules', () => {
  it('offers Message on others only: their chat for a contact, a member chat when the group allows it', () => {
    const ben = { user: 'ben', role: 'member' as const };
    expect(messageAction(view(), 'ben', ben, false)).toBeUndefined();
    expect(messageAction(view(), 'ann', ben, false)).toBe('member-chat');
    expect(messageAction(view(), 'ann', ben, true)).toBe('open');
    expect(messageAction(view({ settings: { ...settings, memberChats: false } }), 'ann', ben, false)).toBeUndefined();
    expect(messageAction(view({ settings: { ...settings, memberChats: false } }), 'ann', ben, true)).toBe('open');
    expect(messageAction(view({ removed: 'left' }), 'ann', ben, false)).toBeUndefined();
  });

  it('knows a member chat is open only while a held group that allows it lists both', () => {
    expect(sharesChatGroup([view()], 'ben')).toBe(true);
    expect(sharesChatGroup([view()], 'cat')).toBe(false);
    expect(sharesChatGroup([view({ settings: { ...settings, memberChats: false } })], 'ben')).toBe(false);
    expect(sharesChatGroup([view({ removed: 'removed' })], 'ben')).toBe(false);
    expect(sharesChatGroup([view({ members: undefined })], 'ben')).toBe(false);
  });
});
