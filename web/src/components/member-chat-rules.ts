/**
 * Member chats (issue 12, item 5), what the UI decides: whether a member of a group may be
 * written to from its member list, and whether a chat with someone who is not a contact is open
 * now (the server decides for real, at each send: signaling/policy.ts).
 */
import type { GroupView, MemberView } from '../groups/core';

/**
 * What the member list offers for `member`: `open` (a contact: their chat), `member-chat` (not a
 * contact, the group lets members message each other), or nothing (oneself, a group this device
 * is out of, or one that does not allow it).
 */
export function messageAction(view: GroupView, me: string | undefined, member: MemberView, isContact: boolean): 'open' | 'member-chat' | undefined {
  if (member.user === me) return undefined;
  if (isContact) return 'open';
  if (view.removed || !view.settings.memberChats) return undefined;
  return 'member-chat';
}

/** Whether this device shares a group with `user` that lets members message each other (as far as it knows). */
export function sharesChatGroup(groups: readonly GroupView[], user: string): boolean {
  return groups.some((g) => !g.removed && g.settings.memberChats && !!g.members?.some((m) => m.user === user));
}
