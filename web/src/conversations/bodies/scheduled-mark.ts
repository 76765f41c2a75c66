/**
 * What a received text (or reply) shows of the time its sender scheduled it for. Never later than
 * it arrived: the server holds a scheduled message until its time, so only a sender's own client
 * could claim a time still to come, and the log does not show a message from the future.
 */
import type { StoredMessage } from '../../storage/db';

export function scheduledMark(scheduledFor: number | undefined, now = Date.now()): Pick<StoredMessage, 'scheduledFor'> {
  return scheduledFor === undefined ? {} : { scheduledFor: Math.min(scheduledFor, now) };
}
