/**
 * Scheduled messages (issue 13, item 3), 1:1: a sealed envelope handed to the server now, held
 * and delivered at `at` as if sent then (an ordinary `deliver`, the same id, the ordinary
 * receipts). The sealed body itself carries the intended time (`scheduledFor` in a text body), so
 * a recipient can tell; the server never opens it. Spliced into protocol.ts's unions like the
 * group frames, so each frame is still spelled once. This file must not import protocol.ts.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { USERNAME_PATTERN } from './username';

const User = z.string().regex(USERNAME_PATTERN);
/** As protocol.ts's MessageId and SealedEnvelope. */
const Id = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);
const Env = z.string().min(1).max(LIMITS.maxEnvelopeChars).regex(/^[A-Za-z0-9_-]+$/);
/** Milliseconds since the epoch (the server checks it against its own clock and limits). */
const At = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const ScheduleClientFrames = [
  /** Hold sealed message `id` for contact `to` and deliver it at `at`; answered `scheduled` (a repeat too). */
  z.object({ t: z.literal('schedule'), id: Id, to: User, env: Env, at: At }),
  /** Drop a held message of this user's; answered `unscheduled` (sent: false), or `unknown_schedule`. */
  z.object({ t: z.literal('schedule_cancel'), id: Id }),
  /** Deliver a held message of this user's now; answered `unscheduled` (sent: true), or `unknown_schedule`. */
  z.object({ t: z.literal('schedule_now'), id: Id }),
] as const;

export const ScheduleServerFrames = [
  /** The server holds message `id` durably and delivers it at `at`. */
  z.object({ t: z.literal('scheduled'), id: Id, at: At }),
  /**
   * Message `id` is no longer held: cancelled (`sent: false`), or handed to the recipient's
   * delivery (`sent: true`, after `schedule_now` or when its time came; the receipts follow).
   */
  z.object({ t: z.literal('unscheduled'), id: Id, sent: z.boolean() }),
] as const;

export const SCHEDULE_ERROR_CODES = [
  'schedule_past', // `at` is not in the future (by the server's clock)
  'schedule_too_far', // `at` is further ahead than the server holds messages (SCHEDULE_MAX_AHEAD_SECONDS)
  'schedule_full', // this user already has as many held messages as one may (SCHEDULE_MAX_PENDING)
  'unknown_schedule', // no held message of yours with that id (never scheduled, cancelled, or already sent)
] as const;
