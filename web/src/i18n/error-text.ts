/**
 * The words a user sees for every error code, the server's and this client's (net/parley-error.ts):
 * one text per code, and the map is exhaustive (a new code is a compile error here until it has
 * its words). The server's own `message` is English for developers and is never shown. Codes a
 * user should never meet (a frame the app itself got wrong) read as a plain fault, and so does
 * anything thrown that is not a ParleyError.
 */
import { msg, str } from '@lit/localize';
import { type ErrorDetail, ParleyError, type ParleyErrorCode } from '../net/parley-error';
import { formatBytes, t } from './strings';

const fault = () => msg('Something went wrong in Parley. Try again.');

const TEXT: Record<ParleyErrorCode, (d: ErrorDetail) => string> = {
  bad_frame: fault,
  unknown_type: fault,
  too_large: () => msg('That was too large to send.'),
  rate_limited: () => msg('Too much at once. Wait a moment and try again.'),
  auth_required: fault,
  already_authenticated: fault,
  bad_username: () => msg('A username is 3–32 characters of a–z, 0–9, _ and -.'),
  username_taken: () => msg('That username is taken. Try another one.'),
  unknown_user: (d) => (d.peer ? msg(str`There is no user named ${d.peer}.`) : msg('There is no user with that name.')),
  bad_signature: () => msg('This browser could not prove it holds the account. Restore it from a backup.'),
  not_contact: () => msg('Not delivered: you are no longer contacts.'),
  no_request: () => msg('That request is no longer pending.'),
  queue_full: () => msg('Their mailbox is full; Parley will try again.'),
  slow_consumer: () => msg('The connection could not keep up and was reset.'),
  peer_offline: () => msg('They are offline.'),
  recipient_busy: () => msg('They are not keeping up; Parley will try again.'),
  relay_limit: () => msg('Sending faster than the server allows; Parley slows down and goes on.'),
  file_too_large: () => msg('This file is over the server’s size limit.'),
  file_not_found: () => msg('The server no longer has this file.'),
  file_incomplete: () => msg('The file did not reach the server whole; Parley sends it again.'),
  server_full: () => msg('The server has no room to keep this now. It goes when they are online, or try again later.'),
  requests_full: () => msg('Too many requests are waiting right now. Try again later.'),
  request_cooldown: () => msg('They declined your request recently. You can ask again in a few days.'),
  registration_limited: () => msg('Too many accounts were created from your network recently. Try again later.'),
  username_reserved: () => msg('That name is reserved. Choose another one.'),
  unsupported_version: () => msg('This page is older than the Parley server. Reload it to get the new version.'),
  internal: fault,
  // Cluster mode: the server's store was out of reach for a moment; the outbox keeps a message and sends it again.
  unavailable: () => msg('The server is unavailable for a moment. Parley tries again.'),
  blocked: () => msg('Not sent: you blocked them. Unblock them to send messages.'),
  blocks_full: () => msg('You have blocked as many people as Parley allows. Unblock someone first.'),
  // Scheduled messages (issue 13)
  schedule_past: () => msg('That time has already passed. Choose a later one.', { id: 'schedule-error-past', desc: 'Error: the chosen time for a scheduled message is not in the future.' }),
  schedule_too_far: () => msg('That is too far ahead. Messages can be scheduled up to a year ahead.', { id: 'schedule-error-too-far', desc: 'Error: a scheduled message was set further ahead than the server allows.' }),
  schedule_full: () => msg('You have as many scheduled messages as Parley allows. Send or cancel one first.', { id: 'schedule-error-full', desc: 'Error: the per-user limit of pending scheduled messages is reached.' }),
  unknown_schedule: () => msg('That scheduled message has already been sent or cancelled.', { id: 'schedule-error-unknown', desc: 'Error: cancel or send-now on a scheduled message the server no longer holds.' }),
  offline: () => msg('Not connected to the server. Parley is reconnecting; try again in a moment.'),
  unreachable: () => msg('Cannot reach the Parley server. Check your connection and try again.'),
  too_long: () => msg('That message is too long.'),
  untrusted: () => msg('Their safety number changed. Compare it and accept the new key before sending.'),
  delete_too_late: () => msg('A message can be deleted for everyone only within a day of sending it.'),
  refused: () => msg('Not delivered: it could not be opened on their device.'),
  file_not_stored: () =>
    msg('Not sent: the server could not keep this file for them (out of room, or over its limits). Send it again once they are online.'),
  file_waits: () =>
    msg('They went offline before this file could go, and the server could not keep it: it goes once you are both online, with this tab open.'),
  offline_file_too_large: (d) => t.offlineFileTooLarge(d.peer ?? '', formatBytes(d.limit ?? 0), (d.names ?? []).join(', ')),
  not_a_backup: () => msg('This file is not a Parley identity backup.'),
  wrong_passphrase: () => msg('Wrong passphrase, or the file is damaged.'),
  // Member chats (issue 12): a temporary chat whose shared group went, or stopped allowing it.
  no_shared_group: () => msg('Not delivered: you no longer share a group that lets members message each other. Add them as a contact to go on.'),
  // Groups (issue 12): the server's refusals of group frames.
  unknown_group: () => msg('That group no longer exists.'),
  group_exists: () => msg('The group could not be created. Try again.'),
  not_member: () => msg('You are not a member of this group.'),
  not_admin: () => msg('Only the group’s owner and admins can do that.'),
  not_owner: () => msg('Only the group’s owner can do that.'),
  owner_must_transfer: () => msg('Transfer ownership to another member before you leave the group.'),
  already_member: () => msg('Already a member of this group.'),
  stale_epoch: () => msg('The group changed meanwhile. Parley tries again.'),
  muted: () => msg('You are muted in this group.'),
  admins_only: () => msg('Only admins can send in this group.'),
  banned: () => msg('You are banned from this group.'),
  group_closed: () => msg('This group does not take join requests.'),
  no_key_package: () => msg('They cannot be added right now: their app has not been online recently.'),
  group_full: () => msg('The group is full.'),
  too_many_groups: () => msg('You are in as many groups as this server allows.'),
  bad_mls: () => msg('The group’s encryption did not check out on the server; the change was not made.'),
  tree_missing: () => msg('The group’s member list did not reach the server whole; the members were not added. Try again.'),
  tree_part: () => msg('The group’s member list did not reach the server whole; the members were not added. Try again.'),
  tree_gone: () => msg('This invitation has expired. Ask an admin of the group to add you again.'),
  group_files_full: () => msg('This group has no room for more files now. Delete some of its files, or wait for old ones to expire.'),
  not_author: () => msg('Only the author of a message can see who has it.'),
  unknown_message: () => msg('The server no longer knows who has this message.'),
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
