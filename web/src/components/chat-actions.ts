/**
 * The message actions that send something (react, edit, delete for everyone), for a message of
 * either kind of conversation: a contact's goes through the messenger, a group's through the
 * group service (its jobs are MLS-encrypted there). The menus, the reactions row and the
 * composer call these, so a group offers the same actions under the same names as a 1:1 chat.
 */
import type { ConversationId } from '../conversations/conversation-id';
import type { GroupView } from '../groups/core';
import type { StoredMessage } from '../storage/db';
import type { Services } from './context';
import { convGroup } from './group-ids';
import { isMuted } from './group-rules';

/**
 * Whether this user (`me`) may send anything in group `view` now, as the server decides it: still
 * in it, not muted, and not a plain member where only admins send. Where not, the menu offers
 * only what stays on this device (Copy, Delete for me): a reaction or an edit would be refused.
 */
export function maySendIn(view: GroupView | undefined, me: string | undefined, now = Date.now()): boolean {
  if (!view || view.removed) return false;
  if (view.settings.onlyAdminsSend && view.role === 'member') return false;
  const mine = view.members?.find((m) => m.user === me);
  return !(mine && isMuted(mine, now));
}

type Acting = Pick<Services, 'messenger' | 'groups'>;

/** Reacts to `m` with `emoji`, or takes that reaction back (`remove`). */
export function react(s: Acting, m: StoredMessage, emoji: string, remove: boolean): Promise<void> {
  const group = convGroup(m.conv);
  return group ? s.groups.chat.react(group, m.id, emoji, remove, m.dir) : s.messenger.actions.react(m.conv, m.id, emoji, remove, m.dir);
}

/** Changes the text of one's own message `id` of `conv`. */
export function edit(s: Acting, conv: ConversationId, id: string, text: string): Promise<void> {
  const group = convGroup(conv);
  return group ? s.groups.chat.edit(group, id, text) : s.messenger.actions.edit(conv, id, text);
}

/** Deletes one's own message `m` for everyone in its conversation. */
export function deleteForEveryone(s: Acting, m: StoredMessage): Promise<void> {
  const group = convGroup(m.conv);
  return group ? s.groups.chat.deleteForEveryone(group, m.id) : s.messenger.actions.deleteForEveryone(m.conv, m.id);
}
