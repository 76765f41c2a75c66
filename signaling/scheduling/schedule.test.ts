/**
 * Scheduled messages on the real server (SQLite): held sealed, delivered at their time and never
 * before, to an online or an offline recipient, across a SIGKILL; cancel, send now, limits, and a
 * block made meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '../../shared/protocol';
import { wentOffline } from '../test-support/client';
import { useServer } from '../test-support/harness';
import { deliverOf, scheduleText, sealScheduled, sleep } from '../test-support/scheduling';

describe('scheduled messages (SQLite)', () => {
  const h = useServer({ env: { SCHEDULE_MAX_PENDING: '3', SCHEDULE_MAX_AHEAD_SECONDS: '3600' } });

  it('delivers to an online recipient at its time, not before, then the ordinary receipt by the same id', async () => {
    const [a, b] = await h.pair();
    const at = Date.now() + 1500;
    const id = await scheduleText(a, b, at, 'at its time');
    // A second one just after: the store must not hand it over with the first.
    const later = await scheduleText(a, b, at + 1500, 'a little later');
    await sleep(at - Date.now() - 300);
    await b.roundTrip();
    expect(b.received.some(deliverOf(id))).toBe(false);
    const got = (await b.next(deliverOf(id) as never, 4000)) as ServerFrameOf<'deliver'>;
    expect(Date.now()).toBeGreaterThanOrEqual(at);
    expect(got.ts).toBeGreaterThanOrEqual(at);
    expect(await b.openText(got, a.identity!)).toBe('at its time');
    expect(await a.next('unscheduled')).toEqual({ t: 'unscheduled', id, sent: true });
    b.send({ t: 'ack', from: a.username, ids: [id] });
    expect(await a.next('delivered')).toEqual({ t: 'delivered', by: b.username, ids: [id] });
    const second = (await b.next(deliverOf(later) as never, 4000)) as ServerFrameOf<'deliver'>;
    expect(second.ts).toBeGreaterThanOrEqual(at + 1500);
  });

  it('delivers to a recipient who was offline, while the sender is gone too', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    await b.close();
    await a.next(wentOffline(bob.username));
    const at = Date.now() + 1000;
    const id = await scheduleText(a, b, at, 'while you were away');
    await a.close();
    await sleep(at - Date.now() + 500);
    const b2 = await h.login(bob);
    const got = (await b2.next(deliverOf(id) as never)) as ServerFrameOf<'deliver'>;
    expect(got.ts).toBeGreaterThanOrEqual(at);
  });

  it('a disappearing one\'s queued copy ends its timer after its time (not after it was scheduled); a ttl out of bounds is a bad frame', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    await b.close();
    await a.next(wentOffline(bob.username));
    // Due 1.5 s from now: a 1 s timer then ends at +2.5 s, a 3 s one at +4.5 s.
    const at = Date.now() + 1500;
    const brief = await scheduleText(a, b, at, 'gone a second after its time', 1);
    const longer = await scheduleText(a, b, at, 'still there', 3);
    await sleep(at + 1300 - Date.now());
    const b2 = await h.login(bob);
    const first = (await b2.next('deliver', 4000)) as ServerFrameOf<'deliver'>;
    await b2.roundTrip();
    expect([first, ...b2.unread('deliver')].map((f) => (f as ServerFrameOf<'deliver'>).id)).toEqual([longer]);
    expect(brief).not.toBe(longer);
    a.send({ t: 'schedule', id: randomUUID(), to: bob.username, env: 'abc', at: at + 60_000, ttl: 0 } as never);
    await a.nextError('bad_frame');
  });

  it('survives a SIGKILL and delivers on time after the restart', async () => {
    const [a, b] = await h.pair();
    const [alice, bob] = [a.identity!, b.identity!];
    const at = Date.now() + 2500;
    const id = await scheduleText(a, b, at, 'after the crash');
    await h.server.restart('SIGKILL');
    const b2 = await h.login(bob);
    await h.login(alice);
    const got = (await b2.next(deliverOf(id) as never, 6000)) as ServerFrameOf<'deliver'>;
    expect(Date.now()).toBeGreaterThanOrEqual(at);
    expect(await b2.openText(got, alice)).toBe('after the crash');
  });

  it('never delivers a cancelled message; send now delivers at once', async () => {
    const [a, b] = await h.pair();
    const cancelled = await scheduleText(a, b, Date.now() + 1000, 'cancelled');
    const now = await scheduleText(a, b, Date.now() + 600_000, 'right now');
    a.send({ t: 'schedule_cancel', id: cancelled });
    expect(await a.next('unscheduled')).toEqual({ t: 'unscheduled', id: cancelled, sent: false });
    const asked = Date.now();
    a.send({ t: 'schedule_now', id: now });
    await b.next(deliverOf(now) as never, 2000);
    expect(Date.now() - asked).toBeLessThan(1500);
    expect(await a.next('unscheduled')).toEqual({ t: 'unscheduled', id: now, sent: true });
    await sleep(1800);
    await b.roundTrip();
    expect(b.received.some(deliverOf(cancelled))).toBe(false);
    // Neither is held any more: both are unknown now.
    a.send({ t: 'schedule_cancel', id: now });
    expect((await a.nextError('unknown_schedule')).ref).toBe(now);
  });

  it('refuses a past time, one too far ahead, too many, a stranger, and someone else\'s id', async () => {
    const [a, b] = await h.pair();
    const env = 'sealed_envelope_text';
    const ask = async (at: number, code: string, to = b.username) => {
      const id = randomUUID();
      a.send({ t: 'schedule', id, to, env, at });
      const err = await a.next('error');
      expect([err.code, err.ref]).toEqual([code, id]);
    };
    await ask(Date.now() - 1000, 'schedule_past');
    await ask(Date.now() + 3_700_000, 'schedule_too_far');
    const stranger = await h.user('stranger');
    await ask(Date.now() + 60_000, 'not_contact', stranger.username);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await scheduleText(a, b, Date.now() + 60_000, `pending ${i}`));
    await ask(Date.now() + 60_000, 'schedule_full');
    // Bob may not cancel or hasten Alice's.
    b.send({ t: 'schedule_cancel', id: ids[0]! });
    expect((await b.nextError('unknown_schedule')).ref).toBe(ids[0]);
    b.send({ t: 'schedule_now', id: ids[1]! });
    expect((await b.nextError('unknown_schedule')).ref).toBe(ids[1]);
    for (const id of ids) {
      a.send({ t: 'schedule_cancel', id });
      expect(await a.next('unscheduled')).toEqual({ t: 'unscheduled', id, sent: false });
    }
    a.send({ t: 'schedule', id: randomUUID(), to: b.username, env, at: 'soon' } as never);
    expect((await a.nextError('bad_frame')).code).toBe('bad_frame');
  });

  it('drops a message whose recipient blocked the sender before its time', async () => {
    const [a, b] = await h.pair();
    const id = await scheduleText(a, b, Date.now() + 1000, 'blocked meanwhile');
    b.send({ t: 'block', username: a.username });
    await b.next('blocked');
    await sleep(1800);
    await b.roundTrip();
    expect(b.received.some(deliverOf(id))).toBe(false);
    b.send({ t: 'unblock', username: a.username });
    await b.next('unblocked');
    await sleep(300);
    await b.roundTrip();
    expect(b.received.some(deliverOf(id))).toBe(false);
  });

  it('drops a message to someone who is no longer a contact at its time', async () => {
    const [a, b] = await h.pair();
    const id = await scheduleText(a, b, Date.now() + 1000, 'no longer contacts');
    b.send({ t: 'remove_contact', username: a.username });
    await b.next('contact_removed');
    await sleep(1800);
    await b.roundTrip();
    expect(b.received.some(deliverOf(id))).toBe(false);
    expect(await a.next('unscheduled')).toEqual({ t: 'unscheduled', id, sent: true });
  });
});

describe('scheduled messages and the server’s room', () => {
  // A volume that must keep more free space than any disk has: nothing more may be stored.
  const h = useServer({ env: { DISK_MIN_FREE_BYTES: String(2 ** 52) } });

  it('refuses to hold one with server_full when the disk has no room, as the queue does', async () => {
    const [a, b] = await h.pair();
    const at = Date.now() + 60_000;
    const { id, env } = sealScheduled(a, b, at, 'no room');
    a.send({ t: 'schedule', id, to: b.username, env, at });
    expect((await a.nextError('server_full')).ref).toBe(id);
  });
});
