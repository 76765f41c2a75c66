/**
 * The rules the group UI mirrors (the server enforces them: signaling/groups/): who may act on
 * whom, who counts as muted, the members' order, and what a settings form changed. Pure, so
 * they are tested without a browser.
 */
import type { GroupSettings } from '../../../shared/protocol-groups';
import type { GroupView, MemberView } from '../groups/core';

export const HOUR_MS = 60 * 60 * 1000;

/** Whether `member` is muted at `now`. */
export const isMuted = (member: MemberView, now = Date.now()) => member.mutedUntil !== undefined && member.mutedUntil > now;

/**
 * What this user may do to `target` in a group where they are `me`, as the server decides it
 * (signaling/groups/): the owner acts on everyone else; an admin only on plain members; a member
 * on nobody. Role changes and transfers are the owner's alone.
 */
export function memberActions(me: MemberView | undefined, target: MemberView) {
  const self = me?.user === target.user;
  const moderate = !!me && !self && (me.role === 'owner' || (me.role === 'admin' && target.role === 'member'));
  const owner = !!me && !self && me.role === 'owner';
  return { moderate, roles: owner, transfer: owner };
}

/** The owner first, then admins, then members, each by username. */
export function sortMembers(members: readonly MemberView[]): MemberView[] {
  const rank = { owner: 0, admin: 1, member: 2 } as const;
  return [...members].sort((a, b) => rank[a.role] - rank[b.role] || a.user.localeCompare(b.user));
}

/** What the form changes of `view`'s settings: only the fields that differ are sent. */
export function changedSettings(view: Pick<GroupView, 'name' | 'topic' | 'settings'>, form: GroupSettings): Partial<GroupSettings> {
  const now: GroupSettings = { ...view.settings, name: view.name, topic: view.topic ?? view.settings.topic ?? '' };
  const change: Partial<GroupSettings> = {};
  for (const key of Object.keys(form) as (keyof GroupSettings)[]) {
    if (form[key] !== now[key]) (change as Record<string, unknown>)[key] = form[key];
  }
  return change;
}

