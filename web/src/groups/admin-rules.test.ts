import { describe, expect, it } from 'vitest';
import { actRefusal, removalCommitter, rolesAfterTransfer, rolesWithRole, settingsChange } from './admin-rules';

describe('who may act on whom', () => {
  it('mirrors the server: plain members act on nobody, admins on plain members, the owner on anyone', () => {
    expect(actRefusal('member', 'member')).toBe('not_admin');
    expect(actRefusal('member', 'owner')).toBe('not_admin');
    expect(actRefusal('admin', 'member')).toBeUndefined();
    expect(actRefusal('admin', 'admin')).toBe('not_owner');
    expect(actRefusal('admin', 'owner')).toBe('not_owner');
    expect(actRefusal('owner', 'admin')).toBeUndefined();
    expect(actRefusal('owner', 'member')).toBeUndefined();
    expect(actRefusal(undefined, 'member')).toBe('not_member');
  });
});

describe('who commits the Remove of a member who left or was banned', () => {
  const roles = { owner: 'olga', admins: ['zed', 'adam'] };

  it('is the owner while the owner is in the group', () => {
    expect(removalCommitter(roles, ['olga', 'adam', 'zed', 'mia', 'leaver'], 'leaver')).toBe('olga');
    expect(removalCommitter(roles, ['olga', 'adam', 'zed', 'mia'], 'zed')).toBe('olga');
  });

  it('is the first admin by username when the owner is gone, never the one gone', () => {
    expect(removalCommitter(roles, ['zed', 'adam', 'mia', 'leaver'], 'leaver')).toBe('adam');
    expect(removalCommitter(roles, ['zed', 'adam', 'mia'], 'adam')).toBe('zed');
    // The owner is the one gone (an old owner's leaf after a transfer the MLS state did not see yet).
    expect(removalCommitter(roles, ['olga', 'zed', 'mia'], 'olga')).toBe('zed');
  });

  it('is nobody when no owner or admin is left (plain members may not remove others)', () => {
    expect(removalCommitter(roles, ['mia', 'leaver'], 'leaver')).toBeUndefined();
  });
});

describe('roles after a change', () => {
  const roles = { owner: 'olga', admins: ['zed'] };

  it('adds or drops an admin, keeping the list sorted, and says when nothing changes', () => {
    expect(rolesWithRole(roles, 'adam', 'admin')).toEqual({ owner: 'olga', admins: ['adam', 'zed'] });
    expect(rolesWithRole(roles, 'zed', 'member')).toEqual({ owner: 'olga', admins: [] });
    expect(rolesWithRole(roles, 'zed', 'admin')).toBeUndefined();
    expect(rolesWithRole(roles, 'mia', 'member')).toBeUndefined();
    expect(rolesWithRole(roles, 'olga', 'member')).toBeUndefined();
  });

  it('a transfer makes the new owner owner and the old owner an admin, as the server does', () => {
    expect(rolesAfterTransfer(roles, 'zed')).toEqual({ owner: 'zed', admins: ['olga'] });
    expect(rolesAfterTransfer(roles, 'mia')).toEqual({ owner: 'mia', admins: ['olga', 'zed'] });
    expect(rolesAfterTransfer(roles, 'olga')).toBeUndefined();
  });
});

describe('what of a settings change the server learns', () => {
  const base = { listed: false, name: 'Secret', topic: '', joinPolicy: 'approval' as const, onlyAdminsSend: false, memberChats: false };
  const unlisted = { name: 'Secret', settings: base };
  const listed = { name: 'Open', topic: 'hi', settings: { ...base, listed: true, name: 'Open', topic: 'hi' } };

  it('an unlisted group’s name and topic never go to the server, only in the card', () => {
    expect(settingsChange(unlisted, { name: 'Secret club', topic: 't', onlyAdminsSend: true })).toEqual({ toServer: { onlyAdminsSend: true }, renamed: true });
    expect(settingsChange(listed, { listed: false, name: 'Hidden now' })).toEqual({ toServer: { listed: false }, renamed: true });
  });

  it('a listed group’s do; listing a group gives the server its card', () => {
    expect(settingsChange(listed, { name: 'Opener' })).toEqual({ toServer: { name: 'Opener' }, renamed: true });
    expect(settingsChange(unlisted, { listed: true })).toEqual({ toServer: { listed: true, name: 'Secret', topic: '' }, renamed: false });
    expect(settingsChange(listed, { name: 'Open', joinPolicy: 'closed' })).toEqual({ toServer: { name: 'Open', joinPolicy: 'closed' }, renamed: false });
  });
});
