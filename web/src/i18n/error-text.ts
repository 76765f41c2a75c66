/**
 * The words a user sees for every error code, the server's and this client's (net/parley-error.ts):
 * one text per code, and the map is exhaustive (a new code is a compile error here until it has
 * its words). The server's own `message` is English for developers and is never shown. Codes a
 * user should never meet (a frame the app itself got wrong) read as a plain fault, and so does
 * anything thrown that is not a ParleyError.
 */
import { msg, str } from '@lit/localize';
import { type ErrorDetail, ParleyError, type ParleyErrorCode } from '../net/parley-error';
import { GROUP_LIMITS } from '../../../shared/limits';
import { BROADCAST_LIMITS } from '../conversations/broadcast-limits';
import { formatBytes, formatList } from './formats';
import { activeLocale } from './locale';
import { t } from './strings';

const fault = () => msg('Something went wrong in Parley. Try again.', { id: 'error-fault' });

const TEXT: Record<ParleyErrorCode, (d: ErrorDetail) => string> = {
  bad_frame: fault,
  unknown_type: fault,
  too_large: () => msg('That was too large to send.', { id: 'error-too-large' }),
  rate_limited: () => msg('Too much at once. Wait a moment and try again.', { id: 'error-rate-limited' }),
  auth_required: fault,
  already_authenticated: fault,
  bad_username: () => msg('A username is 3–32 characters of a–z, 0–9, _ and -.', { id: 'error-bad-username' }),
  username_taken: () => msg('That username is taken. Try another one.', { id: 'error-username-taken' }),
  unknown_user: (d) => (d.peer ? msg(str`There is no user named ${d.peer}.`, { id: 'error-unknown-user' }) : msg('There is no user with that name.', { id: 'error-unknown-user-anon' })),
  bad_signature: () => msg('This browser could not prove it holds the account. Restore it from a backup.', { id: 'error-bad-signature' }),
  not_contact: () => msg('Not delivered: you are no longer contacts.', { id: 'error-not-contact' }),
  no_request: () => msg('That request is no longer pending.', { id: 'error-no-request' }),
  queue_full: () => msg('Their mailbox is full; Parley will try again.', { id: 'error-queue-full' }),
  slow_consumer: () => msg('The connection could not keep up and was reset.', { id: 'error-slow-consumer' }),
  peer_offline: () => msg('They are offline.', { id: 'error-peer-offline' }),
  recipient_busy: () => msg('They are not keeping up; Parley will try again.', { id: 'error-recipient-busy' }),
  relay_limit: () => msg('Sending faster than the server allows; Parley slows down and goes on.', { id: 'error-relay-limit' }),
  file_too_large: () => msg('This file is over the server’s size limit.', { id: 'error-file-too-large' }),
  file_not_found: () => msg('The server no longer has this file.', { id: 'error-file-not-found' }),
  file_incomplete: () => msg('The file did not reach the server whole; Parley sends it again.', { id: 'error-file-incomplete' }),
  server_full: () => msg('The server has no room to keep this now. It goes when they are online, or try again later.', { id: 'error-server-full' }),
  requests_full: () => msg('Too many requests are waiting right now. Try again later.', { id: 'error-requests-full' }),
  request_cooldown: () => msg('They declined your request recently. You can ask again in a few days.', { id: 'error-request-cooldown' }),
  registration_limited: () => msg('Too many accounts were created from your network recently. Try again later.', { id: 'error-registration-limited' }),
  username_reserved: () => msg('That name is reserved. Choose another one.', { id: 'error-username-reserved' }),
  unsupported_version: () => msg('This page is older than the Parley server. Reload it to get the new version.', { id: 'error-unsupported-version' }),
  internal: fault,
  // Cluster mode: the server's store was out of reach for a moment; the outbox keeps a message and sends it again.
  unavailable: () => msg('The server is unavailable for a moment. Parley tries again.', { id: 'error-unavailable' }),
  blocked: () => msg('Not sent: you blocked them. Unblock them to send messages.', { id: 'error-blocked' }),
  blocks_full: () => msg('You have blocked as many people as Parley allows. Unblock someone first.', { id: 'error-blocks-full' }),
  offline: () => msg('Not connected to the server. Parley is reconnecting; try again in a moment.', { id: 'error-offline' }),
  unreachable: () => msg('Cannot reach the Parley server. Check your connection and try again.', { id: 'error-unreachable' }),
  too_long: () => msg('That message is too long.', { id: 'error-too-long' }),
  untrusted: () => msg('Their safety number changed. Compare it and accept the new key before sending.', { id: 'error-untrusted' }),
  delete_too_late: () => msg('A message can be deleted for everyone only within a day of sending it.', { id: 'error-delete-too-late' }),
  refused: () => msg('Not delivered: it could not be opened on their device.', { id: 'error-refused' }),
  // Scheduled messages (issue 13)
  schedule_past: () => msg('That time has already passed. Choose a later one.', { id: 'schedule-error-past', desc: 'Error: the chosen time for a scheduled message is not in the future.' }),
  schedule_too_far: () => msg('That is too far ahead. Messages can be scheduled up to a year ahead.', { id: 'schedule-error-too-far', desc: 'Error: a scheduled message was set further ahead than the server allows.' }),
  schedule_full: () => msg('You have as many scheduled messages as Parley allows. Send or cancel one first.', { id: 'schedule-error-full', desc: 'Error: the per-user limit of pending scheduled messages is reached.' }),
  unknown_schedule: () => msg('That scheduled message has already been sent or cancelled.', { id: 'schedule-error-unknown', desc: 'Error: cancel or send-now on a scheduled message the server no longer holds.' }),
  file_not_stored: () =>
    msg('Not sent: the server could not keep this file for them (out of room, or over its limits). Send it again once they are online.', { id: 'error-file-not-stored' }),
  file_waits: () =>
    msg('They went offline before this file could go, and the server could not keep it: it goes once you are both online, with this tab open.', { id: 'error-file-waits' }),
  offline_file_too_large: (d) => t.offlineFileTooLarge(d.peer ?? '', formatBytes(d.limit ?? 0, activeLocale()), formatList(d.names ?? [], activeLocale())),
  not_a_backup: () => msg('This file is not a Parley identity backup.', { id: 'error-not-a-backup' }),
  wrong_passphrase: () => msg('Wrong passphrase, or the file is damaged.', { id: 'error-wrong-passphrase' }),
  // Member chats (issue 12): a temporary chat whose shared group went, or stopped allowing it.
  no_shared_group: () => msg('Not delivered: you no longer share a group that lets members message each other. Add them as a contact to go on.', { id: 'error-no-shared-group' }),
  // Broadcast lists (issue 13): bounds of this device's lists.
  broadcast_limit: () =>
    msg(str`A broadcast list has at most ${BROADCAST_LIMITS.maxRecipients} recipients, and you can keep up to ${BROADCAST_LIMITS.maxLists} lists.`, {
      id: 'error-broadcast-limit',
      desc: 'Error: creating or editing a broadcast list beyond its limits.',
    }),
  // Groups (issue 12): the server's refusals of group frames.
  unknown_group: () => msg('That group no longer exists.', { id: 'error-unknown-group' }),
  group_exists: () => msg('The group could not be created. Try again.', { id: 'error-group-exists' }),
  not_member: () => msg('You are not a member of this group.', { id: 'error-not-member' }),
  not_admin: () => msg('Only the group’s owner and admins can do that.', { id: 'error-not-admin' }),
  not_owner: () => msg('Only the group’s owner can do that.', { id: 'error-not-owner' }),
  owner_must_transfer: () => msg('Transfer ownership to another member before you leave the group.', { id: 'error-owner-must-transfer' }),
  already_member: () => msg('Already a member of this group.', { id: 'error-already-member' }),
  stale_epoch: () => msg('The group changed meanwhile. Parley tries again.', { id: 'error-stale-epoch' }),
  muted: () => msg('You are muted in this group.', { id: 'error-muted' }),
  admins_only: () => msg('Only admins can send in this group.', { id: 'error-admins-only' }),
  banned: () => msg('You are banned from this group.', { id: 'error-banned' }),
  group_closed: () => msg('This group does not take join requests.', { id: 'error-group-closed' }),
  no_key_package: () => msg('They cannot be added right now: their app has not been online recently.', { id: 'error-no-key-package' }),
  group_full: () => msg('The group is full.', { id: 'error-group-full' }),
  name_too_long: () => msg(str`A group name is at most ${GROUP_LIMITS.maxGroupNameChars} characters.`, { id: 'error-name-too-long' }),
  topic_too_long: () => msg(str`A group topic is at most ${GROUP_LIMITS.maxGroupTopicChars} characters.`, { id: 'error-topic-too-long' }),
  too_many_groups: () => msg('You are in as many groups as this server allows.', { id: 'error-too-many-groups' }),
  bad_mls: () => msg('The group’s encryption did not check out on the server; the change was not made.', { id: 'error-bad-mls' }),
  tree_missing: () => msg('The group’s member list did not reach the server whole; the members were not added. Try again.', { id: 'error-tree-missing' }),
  tree_part: () => msg('The group’s member list did not reach the server whole; the members were not added. Try again.', { id: 'error-tree-part' }),
  not_banned: () => msg('That person is not banned from this group.', { id: 'error-not-banned' }),
  commit_part: () => msg('The change to the group did not reach the server whole, so it was not made. Try again.', { id: 'error-commit-part' }),
  tree_gone: () => msg('This invitation has expired. Ask an admin of the group to add you again.', { id: 'error-tree-gone' }),
  group_files_full: () => msg('This group has no room for more files now. Delete some of its files, or wait for old ones to expire.', { id: 'error-group-files-full' }),
  not_author: () => msg('Only the author of a message can see who has it.', { id: 'error-not-author' }),
  unknown_message: () => msg('The server no longer knows who has this message.', { id: 'error-unknown-message' }),
};

/**
 * What to tell the user about `error`: a ParleyError or a bare code (as a message keeps it) in
 * the words for its code; a code this version does not know, or anything else, as a fault.
 */
export function errorText(error: unknown): string {
  if (error instanceof ParleyError) return (TEXT[error.code] ?? fault)(error.detail);
  if (typeof error === 'string') return (TEXT[error as ParleyErrorCode] ?? fault)({});
  return fault();
}
