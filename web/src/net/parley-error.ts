/**
 * The one error type of the browser app: every expected failure, whether the server refused
 * something (its ErrorCode) or this client did (its own codes below), is a ParleyError with a
 * stable code, and every code has exactly one text for the user (i18n/error-text.ts, exhaustive).
 * The server's English `message` is for developers: it is never kept here, so it cannot reach
 * the UI. Anything else thrown is a fault, and reads as one.
 */
import type { ErrorCode, ServerFrameOf } from '../../../shared/protocol';

/** Codes this client gives failures of its own (or of the user's input). */
export const CLIENT_ERROR_CODES = [
  /** Not connected to the server right now. */
  'offline',
  /** The server could not be reached at all. */
  'unreachable',
  /** A message over LIMITS.maxTextChars. */
  'too_long',
  /** The contact's key changed and is not accepted yet: nothing can be sealed for them. */
  'untrusted',
  /** Delete for everyone asked for after DELETE_FOR_EVERYONE_MS. */
  'delete_too_late',
  /** The recipient's device could not open the message. */
  'refused',
  /** The server could not keep a file for a contact who is offline. */
  'file_not_stored',
  /** A live file offer the server kept for a contact who went, with no copy: it goes once both are online. */
  'file_waits',
  /** Files over the server's limit for a contact who is offline (detail: names, limit). */
  'offline_file_too_large',
  /** The chosen file is not a Parley backup. */
  'not_a_backup',
  /** The backup's passphrase is wrong (or the file is damaged). */
  'wrong_passphrase',
  /** Member chats: a send to a member who is not a contact was refused (`not_contact`): no group they share lets members message each other any more. */
  'no_shared_group',
  /** Broadcast lists (conversations/broadcasts.ts): too many lists, or too many recipients in one. */
  'broadcast_limit',
] as const;

export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type ParleyErrorCode = ErrorCode | ClientErrorCode;

/** What some codes' texts name (a file's names, a limit, a username). */
export interface ErrorDetail {
  names?: string[];
  limit?: number;
  peer?: string;
}

export class ParleyError extends Error {
  constructor(
    readonly code: ParleyErrorCode,
    readonly detail: ErrorDetail = {},
  ) {
    super(code);
    this.name = 'ParleyError';
  }

  /** The error a server's refusal stands for: its code, never its words. */
  static fromFrame(frame: ServerFrameOf<'error'>, detail: ErrorDetail = {}): ParleyError {
    return new ParleyError(frame.code, detail);
  }
}
