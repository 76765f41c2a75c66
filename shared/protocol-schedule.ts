/**
 * Scheduled messages (issue 13, item 3), 1:1: a sealed envelope handed to the server now, held
 * and delivered at `at` as if sent then (an ordinary `deliver`, the same id, the ordinary
 * receipts). The sealed body itself carries the intended time (`scheduledFor` in a text body), so
 * a recipient can tell; the server never opens it. Spliced into protocol.ts's unions like the
 * group frames, so each frame is still spelled once. This file must not import protocol.ts.
 *
 * Groups: `schedule` names `group` and `epoch` instead of `to`; `env` is then the MLS application
 * message (PrivateMessage) made now, as for `group_send`. At its time the server posts it as a
 * live `group_send` from the sender (policy and log seq then), or drops it and says why.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { GroupId } from './protocol-groups';
import { USERNAME_PATTERN } from './username';

const User = z.string().regex(USERNAME_PATTERN);
/** As protocol.ts's MessageId and SealedEnvelope. */
const Id = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);
const Env = z.string().min(1).max(LIMITS.maxEnvelopeChars).regex(/^[A-Za-z0-9_-]+$/);
/** Milliseconds since the epoch (the server checks it against its own clock and limits). */
const At = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Epoch = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** As `send`'s: a disappearing message's timer (s); its queued copy ends that long after it is delivered. */
const Ttl = z.number().int().min(1).max(LIMITS.maxSendTtlSeconds);

/** Why a held group message was dropped at its time (the codes `group_send` would have answered then). */
export const HELD_GROUP_DROP_REASONS = ['not_member', 'muted', 'admins_only', 'unknown_group', 'stale_epoch'] as const;

export const ScheduleClientFrames = [
  /**
   * Hold sealed message `id` for contact `to` (or, with `group` and `epoch` instead, MLS message
   * `env` of that epoch for group `group`) and deliver it at `at`; answered `scheduled` (a repeat too).
   * `ttl`: as `send`'s (a group's: as `group_send`'s), counted from `at` (when it is delivered or posted).
   */
  z
    .object({ t: z.literal('schedule'), id: Id, to: User.optional(), group: GroupId.optional(), epoch: Epoch.optional(), env: Env, at: At, ttl: Ttl.optional() })
    .refine((f) => (f.to === undefined) === (f.group !== undefined) && (f.group === undefined) === (f.epoch === undefined), {
      message: 'needs `to`, or `group` and `epoch`',
    }),
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
   * A group message refused at its time is dropped: `sent: false` with the `reason` a live
   * `group_send` would have been refused with then (`stale_epoch`: the group moved on further
   * than members keep keys for, so no one could read it).
   */
  z.object({ t: z.literal('unscheduled'), id: Id, sent: z.boolean(), reason: z.enum(HELD_GROUP_DROP_REASONS).optional() }),
] as const;

export const SCHEDULE_ERROR_CODES = [
  'schedule_past', // `at` is not in the future (by the server's clock)
  'schedule_too_far', // `at` is further ahead than the server holds messages (SCHEDULE_MAX_AHEAD_SECONDS)
  'schedule_full', // this user already has as many held messages as one may (SCHEDULE_MAX_PENDING)
  'unknown_schedule', // no held message of yours with that id (never scheduled, cancelled, or already sent)
] as const;
