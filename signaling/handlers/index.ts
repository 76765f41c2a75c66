import { login, register } from './auth';
import { block, removeContact, unblock } from './blocks';
import { contactRequest, contactRespond } from './contacts';
import type { HandlerTable } from './context';
import { fileCommit, fileFetch, fileRelease } from './files';
import { ack, receiptAck, refuse, send } from './messages';
import { signal } from './signal';
import { unsend } from './unsend';
import { transient } from './transient';
import { groupHandlers } from '../groups/index';
import { announcementAck } from './announcements';
import { scheduleHandlers } from '../scheduling/schedule-handlers';

/** The dispatch table: one small handler per client frame type. */
export const handlers: HandlerTable = {
  register,
  login,
  contact_request: contactRequest,
  contact_respond: contactRespond,
  remove_contact: removeContact,
  block,
  unblock,
  send,
  ack,
  refuse,
  receipt_ack: receiptAck,
  ping: (_ctx, session) => session.send({ t: 'pong' }),
  signal,
  file_commit: fileCommit,
  file_fetch: fileFetch,
  file_release: fileRelease,
  unsend,
  transient,
  // Groups (issue 12): signaling/groups/
  ...groupHandlers,
  // Operator announcements (issue 13): handlers/announcements.ts
  announcement_ack: announcementAck,
  // Scheduled messages (issue 13): signaling/scheduling/
  ...scheduleHandlers,
};

/** Frames a connection may send before it has logged in. */
export const UNAUTHENTICATED = new Set<keyof HandlerTable>(['register', 'login', 'ping']);
