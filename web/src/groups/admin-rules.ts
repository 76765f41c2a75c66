/**
 * The pure rules of the admin part (README.md "Removal after leave/ban"; PROTOCOL.md
 * "Administration"): who may act on whom, which member commits the Remove of someone who left or
 * was banned, and what the roles extension becomes after a role change or a transfer. Kept apart
 * from the service so each rule is tested on its own.
 */
import type { GroupRole, GroupSettings } from '../../../shared/protocol-groups';
import type { Roles } from '../../../shared/groups/index';
import type { GroupView } from './core';

/**
 * Why an actor of role `actor` may not remove, ban or mute a member of role `target`, as the
 * server words it (signaling/policy.ts `requireAdmin`, `requireOutranks`), or undefined when it
 * may. Checked before a Remove is built, since the MLS module refuses such a commit on this device
 * with no server code to show.
 */
export function actRefusal(actor: GroupRole | undefined, target: GroupRole | undefined): 'not_member' | 'not_admin' | 'not_owner' | undefined {
  if (actor === undefined) return 'not_member';
  if (actor === 'member') return 'not_admin';
  if (target !== undefined && target !== 'member' && actor !== 'owner') return 'not_owner';
  return undefined;
}

/**
 * The member who commits the Remove of `gone`'s leaf: the owner, or when the owner is not among
 * `members` (or is the one gone) the first admin by username; undefined when nobody is left who
 * may. Decided from the MLS state every member holds for the epoch, so all agree on one committer
 * and no two race for the same Remove.
 */
export function removalCommitter(roles: Roles, members: readonly string[], gone: string): string | undefined {
  const present = new Set(members.filter((m) => m !== gone));
  if (present.has(roles.owner)) return roles.owner;
  // Without the owner, only an admin may remove (and MLS lets an admin remove plain members only).
  return [...roles.admins].filter((a) => present.has(a)).sort()[0];
}

/** The roles after the owner makes `user` an admin or a plain member again; undefined when unchanged. */
export function rolesWithRole(roles: Roles, user: string, role: 'admin' | 'member'): Roles | undefined {
  if (user === roles.owner) return undefined;
  const has = roles.admins.includes(user);
  if ((role === 'admin') === has) return undefined;
  const admins = role === 'admin' ? [...roles.admins, user] : roles.admins.filter((a) => a !== user);
  return { owner: roles.owner, admins: admins.sort() };
}

/** The roles after the owner hands the group to `to`: `to` owns it, the old owner is an admin (as the server does). */
export function rolesAfterTransfer(roles: Roles, to: string): Roles | undefined {
  if (to === roles.owner) return undefined;
  const admins = [...new Set([...roles.admins.filter((a) => a !== to), roles.owner])].sort();
  return { owner: to, admins };
}

/**
 * What of a settings change goes to the server, and whether it renames the group (then the card
 * goes in the group). The server learns the name and topic of a listed group only: an unlisted
 * group's travel in the card alone, and a group being listed gives the server its card now.
 * `renamed` is decided before the change, since a listed group's settings event names it in the view.
 */
export function settingsChange(view: Pick<GroupView, 'name' | 'topic' | 'settings'>, change: Partial<GroupSettings>): { toServer: Partial<GroupSettings>; renamed: boolean } {
  const { name, topic, ...rest } = change;
  const listed = change.listed ?? view.settings.listed;
  const toServer: Partial<GroupSettings> = { ...rest };
  if (listed) {
    const listing = change.listed === true && !view.settings.listed;
    if (name !== undefined || listing) toServer.name = name ?? view.name;
    if (topic !== undefined || listing) toServer.topic = topic ?? view.topic ?? '';
  }
  const renamed = (name !== undefined && name !== view.name) || (topic !== undefined && topic !== (view.topic ?? ''));
  return { toServer, renamed };
}
