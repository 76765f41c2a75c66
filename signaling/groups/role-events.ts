/**
 * Roles change only through commits (review H3): the owner commits the MLS roles extension, the
 * server takes the new owner and admins from that commit in the same transaction, and then tells
 * members (and those offline, in order) what changed as `transfer` and `role` log events, the
 * same events the clients' views already read. Pure, so the rule is tested apart.
 */
import { ProtocolError } from '../errors';
import type { GroupRole, MemberRecord } from '../store/groups';
import type { GroupEvent } from '../../shared/protocol-groups';

export interface RolesChange {
  owner: string;
  admins: string[];
}

const roleIn = (roles: RolesChange, user: string): GroupRole => (user === roles.owner ? 'owner' : roles.admins.includes(user) ? 'admin' : 'member');

/**
 * Refuses roles the server would not order: the new owner must be an active member the commit
 * keeps (members check that the owner is a member; a departed one could never act).
 */
export function checkRoles(roles: RolesChange, rows: readonly MemberRecord[], removed: readonly string[], group: string): void {
  const owner = rows.find((m) => m.user === roles.owner);
  if (!owner?.active || removed.includes(roles.owner)) throw new ProtocolError('bad_mls', 'the new owner must be a member who stays', group);
}

/**
 * The events that tell what a roles commit changed, for the members the group has after it:
 * `transfer` when the owner changes (which also makes the old owner an admin, as the views read
 * it), then `role` for each other member whose role differs from that.
 */
export function roleEvents(roles: RolesChange, rows: readonly MemberRecord[], removed: readonly string[], added: readonly string[]): GroupEvent[] {
  const before = new Map<string, GroupRole>(rows.filter((m) => !removed.includes(m.user)).map((m) => [m.user, m.role]));
  for (const user of added) before.set(user, 'member');
  const events: GroupEvent[] = [];
  const oldOwner = rows.find((m) => m.role === 'owner')?.user;
  if (oldOwner !== roles.owner) {
    events.push({ t: 'transfer', user: roles.owner });
    before.set(roles.owner, 'owner');
    if (oldOwner && before.has(oldOwner)) before.set(oldOwner, 'admin');
  }
  for (const [user, was] of [...before].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const now = roleIn(roles, user);
    if (now !== was) events.push({ t: 'role', user, role: now });
  }
  return events;
}
