/**
 * The words of group chats (issue 12), beside strings.ts's: the names here are the UI contract
 * of the issue ("New group", "Group name", "Find groups", "Join requests", "Members", …), which
 * tests and screen readers find things by, so an edit here is an edit of that contract.
 */
import { msg, str } from '@lit/localize';
import type { GroupRemovedReason, GroupRole } from '../../../shared/protocol-groups';
import { pluralOf } from './formats';
import { activeLocale } from './locale';

const ROLE: Record<GroupRole, () => string> = {
  owner: () => msg('owner', { id: 'group-role-owner', desc: 'A group member\'s role' }),
  admin: () => msg('admin', { id: 'group-role-admin', desc: 'A group member\'s role' }),
  member: () => msg('member', { id: 'group-role-member', desc: 'A group member\'s role' }),
};

export const tg = {
  // creating
  newGroup: () => msg('New group', { id: 'group-new-group' }),
  groupName: () => msg('Group name', { id: 'group-name' }),
  groupTopic: () => msg('Topic', { id: 'group-topic' }),
  listedInSearch: () => msg('Listed in search', { id: 'group-listed-in-search' }),
  listedHint: () => msg('Anyone can find a listed group by its name and ask to join; the server then knows its name and topic.', { id: 'group-listed-hint' }),
  createGroup: () => msg('Create group', { id: 'group-create-group' }),
  // finding and joining
  findGroups: () => msg('Find groups', { id: 'group-find-groups' }),
  search: () => msg('Search', { id: 'group-search-button' }),
  searching: () => msg('Searching…', { id: 'group-searching' }),
  groupResults: () => msg('Groups found', { id: 'group-results' }),
  noGroupsFound: () => msg('No listed group has that name.', { id: 'group-no-groups-found' }),
  /** By the active locale's plural rules: English has "1 member" and "2 members", Chinese one form (1 位成员, 2 位成员). */
  memberCount: (n: number) =>
    pluralOf(n, activeLocale()) === 'one'
      ? msg(str`${n} member`, { id: 'group-member-count-one', desc: 'The singular form, as the language\'s plural rules call it' })
      : msg(str`${n} members`, { id: 'group-member-count' }),
  requestToJoin: () => msg('Request to join', { id: 'group-request-to-join' }),
  requestSent: () => msg('Request sent. An admin of the group decides.', { id: 'group-request-sent' }),
  requestDeclined: () => msg('An admin declined your request. You may ask again.', { id: 'group-request-declined', desc: 'Shown in a group search result when an admin declined the join request just made.' }),
  alreadyIn: () => msg('You are in this group.', { id: 'group-already-in' }),
  // join requests
  joinRequests: () => msg('Join requests', { id: 'group-join-requests' }),
  wantsToJoin: (user: string, group: string) => msg(str`${user} wants to join ${group}`, { id: 'group-wants-to-join' }),
  approvedNotAdded: (user: string, group: string) => msg(str`${user} was approved for ${group} but is not in it yet`, { id: 'group-approved-not-added' }),
  approve: () => msg('Approve', { id: 'group-approve' }),
  decline: () => msg('Decline', { id: 'group-decline' }),
  // the conversation
  /** A group message's notification title: its author and the group. */
  inGroup: (author: string, group: string) => msg(str`${author} in ${group}`, { id: 'group-notification-title' }),
  group: () => msg('group', { id: 'group-kind', desc: 'Read after a group\'s name in the conversation list' }),
  groupDetails: () => msg('Group details', { id: 'group-details' }),
  sinceJoined: () => msg('You see messages from the time you joined.', { id: 'group-since-joined' }),
  memberKeyChanged: (name: string) =>
    msg(str`${name}'s safety number has changed in this group. This device keeps the key it first trusted and does not accept the new one, so it cannot read what ${name} sends with it, nor follow a change of the group made with the new key: the group may stop updating on this device. Compare safety numbers with ${name} before trusting anything new.`, { id: 'group-member-key-changed' }),
  removed: (reason: GroupRemovedReason) =>
    ({
      removed: () => msg('You were removed from this group. You can read what you have, but not write.', { id: 'group-removed-removed' }),
      banned: () => msg('You were banned from this group. You can read what you have, but not write.', { id: 'group-removed-banned' }),
      left: () => msg('You left this group. You can read what you have, but not write.', { id: 'group-removed-left' }),
      deleted: () => msg('This group was deleted. You can read what you have, but not write.', { id: 'group-removed-deleted' }),
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
  members: () => msg('Members', { id: 'group-members' }),
  role: (role: GroupRole) => ROLE[role](),
  muted: () => msg('muted', { id: 'group-member-muted', desc: 'Beside a group member who may not send now' }),
  you: () => msg('(you)', { id: 'group-member-you' }),
  actionsFor: (user: string) => msg(str`Actions for ${user}`, { id: 'group-actions-for' }),
  removeFromGroup: () => msg('Remove from group', { id: 'group-remove-from-group' }),
  ban: () => msg('Ban', { id: 'group-ban' }),
  unban: () => msg('Unban', { id: 'group-unban' }),
  mute: () => msg('Mute', { id: 'group-mute' }),
  muteFor: (user: string) => msg(str`Mute ${user} for`, { id: 'group-mute-for', desc: 'Label of the mute duration choice; the duration follows' }),
  oneHour: () => msg('1 hour', { id: 'group-one-hour', desc: 'A mute duration' }),
  oneDay: () => msg('1 day', { id: 'group-one-day', desc: 'A mute duration' }),
  untilUnmuted: () => msg('until unmuted', { id: 'group-until-unmuted', desc: 'A mute duration' }),
  unmute: () => msg('Unmute', { id: 'group-unmute' }),
  makeAdmin: () => msg('Make admin', { id: 'group-make-admin' }),
  removeAdmin: () => msg('Remove admin', { id: 'group-remove-admin' }),
  transferOwnership: () => msg('Transfer ownership', { id: 'group-transfer-ownership' }),
  banned: () => msg('Banned', { id: 'group-banned' }),
  loadingMembers: () => msg('Loading members…', { id: 'group-loading-members' }),
  // details: the group as a whole
  addMembers: () => msg('Add members', { id: 'group-add-members' }),
  chooseContacts: () => msg('Contacts to add', { id: 'group-choose-contacts' }),
  addChosen: () => msg('Add to group', { id: 'group-add-chosen' }),
  noContactsToAdd: () => msg('Every contact of yours is in this group already.', { id: 'group-no-contacts-to-add' }),
  leaveGroup: () => msg('Leave group', { id: 'group-leave-group' }),
  ownerLeaves: () => msg('As the owner, transfer ownership to another member before you leave.', { id: 'group-owner-leaves' }),
  deleteGroup: () => msg('Delete group', { id: 'group-delete-group' }),
  deleteConfirm: () => msg('Delete this group for everyone? Its members can no longer write in it.', { id: 'group-delete-confirm' }),
  deleteConfirmYes: () => msg('Delete for everyone', { id: 'group-delete-yes' }),
  groupSettings: () => msg('Group settings', { id: 'group-settings' }),
  takesJoinRequests: () => msg('Takes join requests', { id: 'group-takes-join-requests' }),
  onlyAdminsSend: () => msg('Only admins can send', { id: 'group-only-admins-send' }),
  memberChats: () => msg('Members can message each other', { id: 'group-member-chats' }),
  saveSettings: () => msg('Save settings', { id: 'group-save-settings' }),
  saved: () => msg('Saved.', { id: 'group-settings-saved' }),
};
