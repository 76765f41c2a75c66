/**
 * The scheduled-message frames (issue 13, item 3), 1:1 and groups (group-held.ts): `schedule`
 * asks policy now (and the scheduler asks again at its time), checks the time against the server's clock and limits,
 * and answers only once the store holds it. Cancel and send-now act on the sender's own held
 * messages only, and only while they are still held (not being delivered).
 */
import { ProtocolError } from '../errors';
import type { Handler } from '../handlers/context';
import { requireReach } from '../policy';
import { HELD_PER_EPOCH, checkHeldGroup } from './group-held';

export const schedule: Handler<'schedule'> = async (ctx, session, f) => {
  const now = Date.now();
  const { settings, store, scheduler } = ctx.schedule;
  if (f.at <= now) throw new ProtocolError('schedule_past', 'that time has passed (by the server clock)', f.id);
  if (f.at > now + settings.maxAheadMs) throw new ProtocolError('schedule_too_far', `at most ${Math.round(settings.maxAheadMs / 86_400_000)} days ahead`, f.id);
  // The frame's schema makes it either `to` or `group` with `epoch`.
  if (f.group !== undefined) await checkHeldGroup(ctx, session, { group: f.group, epoch: f.epoch!, id: f.id, env: f.env });
  // As a blocked send: answered as if held, and dropped.
  else if (requireReach(session, f.to!, f.id) === 'unseen') {
    session.send({ t: 'scheduled', id: f.id, at: f.at });
    return;
  }
  // Held messages take the disk (or Redis memory) as queued ones do: the same budget and free space.
  if (!ctx.store.room.fits(f.env.length)) throw new ProtocolError('server_full', 'the server is out of room; try again later', f.id);
  const ttl = f.ttl !== undefined ? { ttl: f.ttl } : {};
  const target = f.group !== undefined ? { to: f.group, epoch: f.epoch!, ...ttl } : { to: f.to!, ...ttl };
  const held = await store.hold({ sender: session.username!, id: f.id, ...target, env: f.env, at: f.at }, settings.maxPending, HELD_PER_EPOCH);
  if (held === 'full') throw new ProtocolError('schedule_full', `you have ${settings.maxPending} scheduled messages already`, f.id);
  if (held === 'epoch_full') throw new ProtocolError('schedule_full', `at most ${HELD_PER_EPOCH} scheduled messages per group until its next commit`, f.id);
  if (held !== 'duplicate') ctx.store.room.add(f.env.length);
  scheduler.wake(f.at);
  session.send({ t: 'scheduled', id: f.id, at: f.at });
};

export const scheduleCancel: Handler<'schedule_cancel'> = async (ctx, session, f) => {
  if (!(await ctx.schedule.store.cancel(session.username!, f.id, Date.now()))) {
    throw new ProtocolError('unknown_schedule', 'no scheduled message of yours with that id is still held', f.id);
  }
  session.send({ t: 'unscheduled', id: f.id, sent: false });
};

/** Made due now; the scheduler delivers it and answers `unscheduled` (sent) as at its time. */
export const scheduleNow: Handler<'schedule_now'> = async (ctx, session, f) => {
  const now = Date.now();
  if (!(await ctx.schedule.store.advance(session.username!, f.id, now))) {
    throw new ProtocolError('unknown_schedule', 'no scheduled message of yours with that id is still held', f.id);
  }
  ctx.schedule.scheduler.wake(now);
};

export const scheduleHandlers = { schedule, schedule_cancel: scheduleCancel, schedule_now: scheduleNow };
