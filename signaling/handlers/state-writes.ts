/**
 * The pace of account-state writes: block, unblock, remove_contact and unsend each commit to the
 * store (an fsynced transaction on the one event loop in SQLite) and may notify another user, so
 * one connection gets ServerLimits.stateWritesPerSec of them, not the whole frame rate (review H3).
 */
import { ProtocolError } from '../errors';
import type { Session } from '../session';

/** Takes one state write of `session`'s rate, or refuses the frame `rate_limited` (about `ref`). */
export function takeStateWrite(session: Session, ref: string): void {
  if (!session.allowStateWrite()) throw new ProtocolError('rate_limited', 'changing contacts and blocks too fast; slow down', ref);
}
