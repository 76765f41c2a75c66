/**
 * The words of group chats (issue 12), beside strings.ts's: the names here are the UI contract
 * of the issue ("New group", "Group name", "Find groups", "Join requests", "Members", …), which
 * tests and screen readers find things by, so an edit here is an edit of that contract.
 */
import { msg, str } from '@lit/localize';
import type { GroupRemovedReason, GroupRole } from '../../../shared/protocol-groups';

const ROLE: Record<GroupRole, () => string> = {
  owner: () => msg('owner', { id: 'group-role-owner', desc: 'A group member\'s role' }),
  admin: () => msg('admin', { id: 'group-role-admin', desc: 'A group member\'s role' }),
  member: () => msg('member', { id: 'group-role-member', desc: 'A group member\'s role' }),
};

export const tg = {
  // creating
  newGroup: () => msg('New group'),
  groupName: () => msg('Group name'),
  groupTopic: () => msg('Topic', { id: 'group-topic' }),
  listedInSearch: () => msg('Listed in search'),
  listedHint: () => msg('Anyone can find a listed group by its name and ask to join; the server then knows its name and topic.'),
  createGroup: () => msg('Create group'),
  // finding and joining
  findGroups: () => msg('Find groups'),
  search: () => msg('Search', { id: 'group-search-button' }),
  searching: () => msg('Searching…', { id: 'group-searching' }),
  groupResults: () => msg('Groups found'),
  noGroupsFound: () => msg('No listed group has that name.'),
  memberCount: (n: number) => (n === 1 ? msg('1 member') : msg(str`${n} members`, { id: 'group-member-count' })),
  requestToJoin: () => msg('Request to join'),
  requestSent: () => msg('Request sent. An admin of the group decides.', { id: 'group-request-sent' }),
  alreadyIn: () => msg('You are in this group.'),
  // join requests
  joinRequests: () => msg('Join requests'),
  wantsToJoin: (user: string, group: string) => msg(str`${user} wants to join ${group}`),
  approvedNotAdded: (user: string, group: string) => msg(str`${user} was approved for ${group} but is not in it yet`),
  approve: () => msg('Approve'),
  decline: () => msg('Decline', { id: 'group-decline' }),
  // the conversation
  /** A group message's notification title: its author and the group. */
  inGroup: (author: string, group: string) => msg(str`${author} in ${group}`, { id: 'group-notification-title' }),
  group: () => msg('group', { desc: 'Read after a group\'s name in the conversation list' }),
  groupDetails: () => msg('Group details'),
  sinceJoined: () => msg('You see messages from the time you joined.'),
  memberKeyChanged: (name: string) =>
    msg(str`${name}'s safety number has changed in this group. This device keeps the key it first trusted and does not accept the new one, so it cannot read what ${name} sends with it. Compare safety numbers with ${name} before trusting anything new.`, { id: 'group-member-key-changed' }),
  removed: (reason: GroupRemovedReason) =>
    ({
      removed: () => msg('You were removed from this group. You can read what you have, but not write.'),
      banned: () => msg('You were banned from this group. You can read what you have, but not write.'),
      left: () => msg('You left this group. You can read what you have, but not write.'),
      deleted: () => msg('This group was deleted. You can read what you have, but not write.'),
      lapsed: () => msg('You were away longer than this group keeps its history, so this device can no longer follow it. Ask to join again.', { id: 'group-removed-lapsed' }),
    })[reason](),
  /** Beside a group's name in the list once this user is out of it. */
  outBadge: (reason: GroupRemovedReason) =>
    ({
      removed: () => msg('removed', { id: 'group-out-removed' }),
      banned: () => msg('banned', { id: 'group-out-banned' }),
      left: () => msg('left', { id: 'group-out-left' }),
      deleted: () => msg('deleted', { id: 'group-out-deleted' }),
      lapsed: () => msg('out of date', { id: 'group-out-lapsed' }),
    })[reason](),
  adminsOnlyNote: () => msg('Only admins can send in this group.', { id: 'group-admins-only-note' }),
  // details: members and their actions
  members: () => msg('Members'),
  role: (role: GroupRole) => ROLE[role](),
  muted: () => msg('muted', { id: 'group-member-muted', desc: 'Beside a group member who may not send now' }),
  you: () => msg('(you)', { id: 'group-member-you' }),
  actionsFor: (user: string) => msg(str`Actions for ${user}`),
  removeFromGroup: () => msg('Remove from group'),
  ban: () => msg('Ban'),
  unban: () => msg('Unban'),
  mute: () => msg('Mute', { id: 'group-mute' }),
  muteFor: (user: string) => msg(str`Mute ${user} for`),
  oneHour: () => msg('1 hour'),
  oneDay: () => msg('1 day'),
  untilUnmuted: () => msg('until unmuted'),
  unmute: () => msg('Unmute'),
  makeAdmin: () => msg('Make admin'),
  removeAdmin: () => msg('Remove admin'),
  transferOwnership: () => msg('Transfer ownership'),
  banned: () => msg('Banned'),
  loadingMembers: () => msg('Loading members…'),
  // details: the group as a whole
  addMembers: () => msg('Add members'),
  chooseContacts: () => msg('Contacts to add'),
  addChosen: () => msg('Add to group'),
  noContactsToAdd: () => msg('Every contact of yours is in this group already.'),
  leaveGroup: () => msg('Leave group'),
  ownerLeaves: () => msg('As the owner, transfer ownership to another member before you leave.'),
  deleteGroup: () => msg('Delete group'),
  deleteConfirm: () => msg('Delete this group for everyone? Its members can no longer write in it.'),
  deleteConfirmYes: () => msg('Delete for everyone', { id: 'group-delete-yes' }),
  groupSettings: () => msg('Group settings'),
  takesJoinRequests: () => msg('Takes join requests'),
  onlyAdminsSend: () => msg('Only admins can send'),
  memberChats: () => msg('Members can message each other'),
  saveSettings: () => msg('Save settings'),
  saved: () => msg('Saved.', { id: 'group-settings-saved' }),
};
