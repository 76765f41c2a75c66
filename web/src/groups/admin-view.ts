/**
 * What the server's view of a group (`group_state`, and each log `event` after it) changes in the
 * view the UI reads: members with their roles and mutes, the settings, this device's own role.
 * Pure: the service hands the result to `core.patch`.
 */
import type { ServerFrameOf } from '../../../shared/protocol';
import type { GroupEvent, GroupSettings } from '../../../shared/protocol-groups';
import type { GroupView, MemberView } from './core';

export type ViewChange = Partial<Omit<GroupView, 'id' | 'conv'>>;

/** A mute still running at `now`, or none: the server sends no mute that has ended, nor a null one. */
const mutedFrom = (until: number | null | undefined, now: number) => (until !== null && until !== undefined && until > now ? { mutedUntil: until } : {});

function member(user: string, role: MemberView['role'], mutedUntil?: number): MemberView {
  return { user, role, ...(mutedUntil !== undefined ? { mutedUntil } : {}) };
}

/** Defined fields of a settings change over the settings held (the server leaves out what it does not keep). */
function settingsChange(view: GroupView, change: Partial<GroupSettings>): ViewChange {
  const defined = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as Partial<GroupSettings>;
  const out: ViewChange = { settings: { ...view.settings, ...defined } };
  // The sealed card names an unlisted group; the server's name, when it has one, is the same one.
  if (defined.name !== undefined && defined.name !== '') out.name = defined.name;
  if (defined.topic !== undefined) out.topic = defined.topic;
  return out;
}

/** The view after `group_state`: its members replace the ones held, its settings are merged in. */
export function stateChange(view: GroupView, state: ServerFrameOf<'group_state'>, me: string, now = Date.now()): ViewChange {
  const members = state.members.map((m) => member(m.user, m.role, mutedFrom(m.mutedUntil, now).mutedUntil));
  const own = members.find((m) => m.user === me);
  const out = settingsChange(view, state.settings);
  return { ...out, members, ...(own ? { role: own.role } : {}) };
}

/**
 * The view after one log event, or undefined when it changes nothing shown. Members are only
 * changed when known (the first `group_state` brings them); the own role follows `role` and
 * `transfer` events either way.
 */
export function eventChange(view: GroupView, event: GroupEvent, me: string, now = Date.now()): ViewChange | undefined {
  const list = view.members;
  const mapMembers = (f: (m: MemberView) => MemberView | undefined): ViewChange =>
    list ? { members: list.map(f).filter((m): m is MemberView => m !== undefined) } : {};
  switch (event.t) {
    case 'mute':
      return list ? mapMembers((m) => (m.user === event.user ? member(m.user, m.role, mutedFrom(event.until, now).mutedUntil) : m)) : undefined;
    case 'role': {
      const out = mapMembers((m) => (m.user === event.user ? member(m.user, event.role, m.mutedUntil) : m));
      if (event.user === me) out.role = event.role;
      return out.members || out.role ? out : undefined;
    }
    case 'settings':
      return settingsChange(view, event.settings);
    case 'ban':
    case 'left':
      return list ? mapMembers((m) => (m.user === event.user ? undefined : m)) : undefined;
    case 'transfer': {
      const oldOwner = list?.find((m) => m.role === 'owner')?.user ?? (view.role === 'owner' ? me : undefined);
      const out = mapMembers((m) => (m.user === event.user ? member(m.user, 'owner', m.mutedUntil) : m.role === 'owner' ? member(m.user, 'admin', m.mutedUntil) : m));
      if (event.user === me) out.role = 'owner';
      else if (oldOwner === me) out.role = 'admin';
      return out.members || out.role ? out : undefined;
    }
    case 'unban':
    case 'created':
    case 'deleted':
      return undefined;
  }
}
