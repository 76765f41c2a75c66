/**
 * The words a user sees for each of the server's error codes: one text per code, and the map is
 * exhaustive (a new code in shared/protocol.ts is a compile error here until it has its words).
 * The server's own `message` is English for developers and is never shown. Codes a user should
 * never meet (a frame the app itself got wrong) read as a plain fault.
 */
import { msg } from '@lit/localize';
import type { ErrorCode } from '../../../shared/protocol';

const fault = () => msg('Something went wrong in Parley. Try again.');

const TEXT: Record<ErrorCode, () => string> = {
  bad_frame: fault,
  unknown_type: fault,
  too_large: () => msg('That was too large to send.'),
  rate_limited: () => msg('Too much at once. Wait a moment and try again.'),
  auth_required: fault,
  already_authenticated: fault,
  bad_username: () => msg('A username is 3–32 characters of a–z, 0–9, _ and -.'),
  username_taken: () => msg('That username is taken. Try another one.'),
  unknown_user: () => msg('There is no user with that name.'),
  bad_signature: () => msg('This browser could not prove it holds the account. Restore it from a backup.'),
  not_contact: () => msg('You are not contacts.'),
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
  internal: fault,
};

/** What to tell the user about `code`; a code this version does not know reads as a fault. */
export function errorText(code: string): string {
  return (TEXT[code as ErrorCode] ?? fault)();
}
