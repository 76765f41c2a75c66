// Whether the message menu of a group offers what sends (Reply, React, Edit, Delete for
// everyone): only while the user may send there, as the server decides it.
import { describe, expect, it } from 'vitest';
import type { GroupView } from '../groups/core';
import { DEFAULT_SETTINGS } from '../groups/group-store';
import { maySendIn } from './chat-actions';

const view = (change: Partial<GroupView> = {}): GroupView => ({ id: 'g', conv: 'grp:g', name: 'G', role: 'member', settings: { ...DEFAULT_SETTINGS }, joinedAt: 0, ...change });

describe('maySendIn', () => {
  it('allows a member in, refuses one out, muted, or a member where only admins send', () => {
    expect(maySendIn(view(), 'bob', 10)).toBe(true);
    expect(maySendIn(undefined, 'bob', 10)).toBe(false);
    expect(maySendIn(view({ removed: 'left' }), 'bob', 10)).toBe(false);
    expect(maySendIn(view({ settings: { ...DEFAULT_SETTINGS, onlyAdminsSend: true } }), 'bob', 10)).toBe(false);
    expect(maySendIn(view({ role: 'admin', settings: { ...DEFAULT_SETTINGS, onlyAdminsSend: true } }), 'bob', 10)).toBe(true);
    expect(maySendIn(view({ members: [{ user: 'bob', role: 'member', mutedUntil: 20 }] }), 'bob', 10)).toBe(false);
    // A mute that ended, or someone else's, does not hold this user back.
    expect(maySendIn(view({ members: [{ user: 'bob', role: 'member', mutedUntil: 5 }] }), 'bob', 10)).toBe(true);
    expect(maySendIn(view({ members: [{ user: 'carol', role: 'member', mutedUntil: 20 }] }), 'bob', 10)).toBe(true);
  });
});
