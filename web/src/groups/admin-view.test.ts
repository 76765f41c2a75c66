import { describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '../../../shared/protocol';
import type { GroupView } from './core';
import { eventChange, stateChange } from './admin-view';

const NOW = 1_000_000;
const settings = { listed: true, name: 'Hikers', topic: '', joinPolicy: 'approval' as const, onlyAdminsSend: false, memberChats: false };

function view(over: Partial<GroupView> = {}): GroupView {
  return {
    id: 'g',
    conv: 'grp:g',
    name: 'Hikers',
    role: 'admin',
    settings,
    joinedAt: 0,
    members: [
      { user: 'olga', role: 'owner' },
      { user: 'me', role: 'admin' },
      { user: 'mia', role: 'member', mutedUntil: NOW + 5 },
    ],
    ...over,
  };
}

describe('the view after group_state', () => {
  it('takes the members, the own role and the settings; ended mutes are not shown; an unlisted group keeps its sealed name', () => {
    const state: ServerFrameOf<'group_state'> = {
      t: 'group_state',
      group: 'g',
      epoch: 3,
      seq: 9,
      settings: { listed: false, joinPolicy: 'closed', onlyAdminsSend: true, memberChats: false },
      members: [
        { user: 'olga', role: 'owner' },
        { user: 'me', role: 'member' },
        { user: 'bo', role: 'member', mutedUntil: NOW - 1 },
        { user: 'cy', role: 'member', mutedUntil: NOW + 60_000 },
      ],
    };
    const change = stateChange(view(), state, 'me', NOW);
    expect(change.role).toBe('member');
    expect(change.members).toEqual([
      { user: 'olga', role: 'owner' },
      { user: 'me', role: 'member' },
      { user: 'bo', role: 'member' },
      { user: 'cy', role: 'member', mutedUntil: NOW + 60_000 },
    ]);
    expect(change.settings).toEqual({ ...settings, listed: false, joinPolicy: 'closed', onlyAdminsSend: true });
    expect(change.name).toBeUndefined();
  });
});

describe('the view after a log event', () => {
  it('mute and unmute', () => {
    expect(eventChange(view(), { t: 'mute', user: 'olga', until: NOW + 10 }, 'me', NOW)?.members?.[0]).toEqual({ user: 'olga', role: 'owner', mutedUntil: NOW + 10 });
    expect(eventChange(view(), { t: 'mute', user: 'mia', until: null }, 'me', NOW)?.members?.[2]).toEqual({ user: 'mia', role: 'member' });
  });

  it('a role change of this device changes its own role too', () => {
    const change = eventChange(view(), { t: 'role', user: 'me', role: 'member' }, 'me', NOW);
    expect(change?.role).toBe('member');
    expect(change?.members?.[1]).toEqual({ user: 'me', role: 'member' });
    expect(eventChange(view({ members: undefined }), { t: 'role', user: 'mia', role: 'admin' }, 'me', NOW)).toBeUndefined();
  });

  it('ban and left take the member out', () => {
    expect(eventChange(view(), { t: 'ban', user: 'mia' }, 'me', NOW)?.members?.map((m) => m.user)).toEqual(['olga', 'me']);
    expect(eventChange(view(), { t: 'left', user: 'olga' }, 'me', NOW)?.members?.map((m) => m.user)).toEqual(['me', 'mia']);
  });

  it('a transfer makes the new owner owner and the old one admin, and this device follows', () => {
    const change = eventChange(view(), { t: 'transfer', user: 'me' }, 'me', NOW);
    expect(change?.role).toBe('owner');
    expect(change?.members?.map((m) => [m.user, m.role])).toEqual([['olga', 'admin'], ['me', 'owner'], ['mia', 'member']]);
    const ownerSide = eventChange(view({ role: 'owner', members: undefined }), { t: 'transfer', user: 'mia' }, 'me', NOW);
    expect(ownerSide).toEqual({ role: 'admin' });
  });

  it('settings: a rename of a listed group names it; what the server left out stays', () => {
    const change = eventChange(view(), { t: 'settings', settings: { name: 'Climbers', onlyAdminsSend: true } }, 'me', NOW);
    expect(change).toEqual({ settings: { ...settings, name: 'Climbers', onlyAdminsSend: true }, name: 'Climbers' });
    expect(eventChange(view(), { t: 'unban', user: 'x' }, 'me', NOW)).toBeUndefined();
  });
});
