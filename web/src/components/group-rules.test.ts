// The group UI offers an action only where the server would allow it (issue 12: admins do not act
// on the owner or other admins; roles and transfers are the owner's), and sends only what changed.
import { describe, expect, it } from 'vitest';
import type { GroupSettings } from '../../../shared/protocol-groups';
import { changedSettings, isMuted, memberActions, sortMembers } from './group-rules';

const owner = { user: 'alice', role: 'owner' as const };
const admin = { user: 'bob', role: 'admin' as const };
const admin2 = { user: 'dave', role: 'admin' as const };
const member = { user: 'carol', role: 'member' as const };
const none = { moderate: false, roles: false, transfer: false };

describe('memberActions', () => {
  it('lets the owner act on everyone else, with roles and transfer', () => {
    expect(memberActions(owner, admin)).toEqual({ moderate: true, roles: true, transfer: true });
    expect(memberActions(owner, member)).toEqual({ moderate: true, roles: true, transfer: true });
    expect(memberActions(owner, owner)).toEqual(none);
  });

  it('lets an admin moderate plain members only, never the owner or another admin', () => {
    expect(memberActions(admin, member)).toEqual({ moderate: true, roles: false, transfer: false });
    expect(memberActions(admin, owner)).toEqual(none);
    expect(memberActions(admin, admin2)).toEqual(none);
    expect(memberActions(admin, admin)).toEqual(none);
  });

  it('gives a member, or someone not in the member list, nothing', () => {
    expect(memberActions(member, { user: 'erin', role: 'member' })).toEqual(none);
    expect(memberActions(member, owner)).toEqual(none);
    expect(memberActions(undefined, member)).toEqual(none);
  });
});

describe('isMuted and sortMembers', () => {
  it('counts a mute until its time, and lists the owner, then admins, then members by name', () => {
    expect(isMuted({ ...member, mutedUntil: 2_000 }, 1_000)).toBe(true);
    expect(isMuted({ ...member, mutedUntil: 1_000 }, 1_000)).toBe(false);
    expect(isMuted(member, 1_000)).toBe(false);
    expect(sortMembers([member, admin2, owner, admin]).map((m) => m.user)).toEqual(['alice', 'bob', 'dave', 'carol']);
  });
});

describe('changedSettings', () => {
  const settings: GroupSettings = { listed: true, name: 'Book club', topic: 'novels', joinPolicy: 'approval', onlyAdminsSend: false, memberChats: true };
  const view = { name: 'Book club', topic: 'novels', settings };

  it('sends nothing when nothing changed, and only the fields that did', () => {
    expect(changedSettings(view, { ...settings })).toEqual({});
    expect(changedSettings(view, { ...settings, name: 'Readers', joinPolicy: 'closed', onlyAdminsSend: true })).toEqual({ name: 'Readers', joinPolicy: 'closed', onlyAdminsSend: true });
  });

  it('compares with the name and topic from the sealed card, which the server does not know for unlisted groups', () => {
    const unlisted = { name: 'Family', topic: 'us', settings: { ...settings, listed: false, name: '', topic: '' } };
    expect(changedSettings(unlisted, { ...unlisted.settings, name: 'Family', topic: 'us' })).toEqual({});
  });
});
