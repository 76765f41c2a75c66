/**
 * What the components call of the group service (web/src/groups/README.md, "What the UI calls"),
 * spelled as a face of its own: the components depend on these methods only, so the service's
 * parts (core's `Groups`, admin's `GroupAdmin`) can grow without the UI seeing more, and the
 * composition root's `groups: Groups` is checked against it by the compiler.
 */
import type { Body } from '../../../shared/envelope';
import type { StoredMessage } from '../storage/db';
import type { GroupSettings } from '../../../shared/protocol-groups';
import type { GroupCard, GroupView, JoinRequestView, NewGroup } from '../groups/core';

/** The admin part: directory, join requests, membership and roles. Fires `requests`. */
export interface GroupAdminFace extends EventTarget {
  search(q: string): Promise<GroupCard[]>;
  requestJoin(id: string): Promise<void>;
  /** Pending requests of group `id`, or of every group this user administers. */
  requests(id?: string): JoinRequestView[];
  decide(id: string, user: string, accept: boolean): Promise<void>;
  /** Who is banned from group `id`, as last heard (owners and admins only). */
  bans(id: string): string[];
  addMembers(id: string, users: string[]): Promise<void>;
  remove(id: string, user: string): Promise<void>;
  ban(id: string, user: string): Promise<void>;
  unban(id: string, user: string): Promise<void>;
  /** `until` in ms; MUTE_FOREVER for "until unmuted"; null unmutes. */
  mute(id: string, user: string, until: number | null): Promise<void>;
  setRole(id: string, user: string, role: 'admin' | 'member'): Promise<void>;
  transfer(id: string, user: string): Promise<void>;
  leave(id: string): Promise<void>;
  deleteGroup(id: string): Promise<void>;
  updateSettings(id: string, settings: Partial<GroupSettings>): Promise<void>;
  /** Asks the server for the group's state (members, settings; requests for admins). */
  refresh(id: string): Promise<void>;
}

/** Messages and message actions in a group (web/src/groups/group-chat.ts). */
export interface GroupChatFace {
  /** Usernames of the group's current members (its MLS state), this user included. */
  memberNames(id: string): string[];
  /** The identity key `user` has in group `id`'s MLS state (their leaf's signature key), or undefined. */
  memberKey(id: string, user: string): Uint8Array | undefined;
  react(id: string, target: string, emoji: string, remove?: boolean, dir?: 'in' | 'out'): Promise<void>;
  edit(id: string, target: string, text: string): Promise<void>;
  deleteForEveryone(id: string, target: string): Promise<void>;
  /** A message for `text` in group `id` as send() would seal it, `scheduledFor` set (a scheduled one): its body, mentions and plaintext. */
  compose(
    id: string,
    text: string,
    reply?: { id: string; author: string; text: string },
    scheduledFor?: number,
  ): { body: Body; named: Pick<StoredMessage, 'mentions'>; encode: (m: StoredMessage) => string } | undefined;
}

/** The group service. Fires `groups` (detail: the group id, or undefined for the whole list). */
export interface GroupsFace extends EventTarget {
  list(): GroupView[];
  view(id: string): GroupView | undefined;
  create(group: NewGroup): Promise<string>;
  send(id: string, text: string, reply?: { id: string; author: string; text: string }): Promise<void>;
  /** True when a group showed `user` with another key than the one this device trusts for them (refused). */
  keyChanged(user: string): boolean;
  /** How many users this device has seen with a changed key (grows when one more is refused). */
  readonly keyChanges: number;
  readonly admin: GroupAdminFace;
  readonly chat: GroupChatFace;
}
