// Scheduled messages on a fake IndexedDB with real sealing: a scheduled text is sealed now (its
// body carries the time), kept as an outbox job and its message waits at its time; `schedule` is
// sent until the server answers, again after a reload; Cancel and Send now are sent until
// answered; the message becomes an ordinary sent one when it goes (live, by its receipt, or by its
// time passing; a cancel too late leaves it sent), and is gone when cancelled; a bad time is
// refused and keeps nothing; a reply quotes as any reply.
import { describe, expect, it } from 'vitest';
import type { ClientFrame, ServerFrame } from '../../../shared/protocol';
import { ParleyError } from '../net/parley-error';
import { createSequencer } from '../storage/db';
import { dmId } from './conversation-id';
import { DisappearingMessages } from './disappearing';
import { ANSWER_WAIT_MS, ScheduledSends, isScheduled } from './scheduled';
import { Sealer } from './sealer';
import { useTestWorld } from './test-device';

const world = useTestWorld();
const welcome = { t: 'welcome', contacts: [], incoming: [], outgoing: [], iceServers: [], offlineFileMaxBytes: 0 } as never;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alice's device with its scheduled sends; `online` says whether schedule() waits for an answer. */
async function alice(online = true, answerWaitMs?: number) {
  const device = await world.device('alice');
  const net = { online };
  const scheduled = new ScheduledSends({
    messenger: device.messenger,
    sealer: new Sealer(world.s, device.account, device.messenger.keys, createSequencer()),
    me: () => 'alice',
    send: (f) => device.frames.push(f) > 0,
    online: () => net.online,
    answerWaitMs,
  });
  scheduled.attach(device.net.router);
  await scheduled.start();
  const framesOf = <T extends ClientFrame['t']>(t: T) => device.frames.filter((f): f is Extract<ClientFrame, { t: T }> => f.t === t);
  const mine = async (id: string) => (await device.messenger.conversation(dmId('bob'))).find((m) => m.id === id);
  return { ...device, scheduled, net, framesOf, mine, answer: (f: ServerFrame) => device.handle(f) };
}

/** Schedules `text` for `at` and answers `scheduled` as the server does; returns the message id. */
async function held(a: Awaited<ReturnType<typeof alice>>, text: string, at: number): Promise<string> {
  const result = a.scheduled.schedule('bob', text, at);
  await expect.poll(() => a.framesOf('schedule').length).toBeGreaterThan(0);
  const id = a.framesOf('schedule').at(-1)!.id;
  await a.answer({ t: 'scheduled', id, at });
  expect(await result).toBe('held');
  return id;
}

describe('scheduling a message', () => {
  it('seals it now with its time, hands it to the server, and shows it held at its place in time', async () => {
    const a = await alice();
    const at = Date.now() + 3_600_000;
    const id = await held(a, '  see you at noon  ', at);
    const frame = a.framesOf('schedule')[0]!;
    expect(frame).toMatchObject({ to: 'bob', at });
    expect(await world.open('alice', 'bob', id, frame.env)).toEqual({ kind: 'text', text: 'see you at noon', scheduledFor: at });
    const m = (await a.mine(id))!;
    expect(m).toMatchObject({ state: 'sent', held: true, scheduledFor: at, seq: at * 1000 });
    expect(isScheduled(m)).toBe(true);
    // Held: a login sends nothing more for it (a repeat after it went would hold it again).
    await a.answer(welcome);
    expect(a.framesOf('schedule')).toHaveLength(1);
    expect(a.framesOf('send')).toHaveLength(0);
  });

  it('keeps one scheduled offline through a reload and sends it at the next login until the server holds it', async () => {
    const a = await alice(false);
    const at = Date.now() + 60_000;
    expect(await a.scheduled.schedule('bob', 'later', at)).toBe('queued');
    const id = a.framesOf('schedule')[0]!.id;
    expect((await a.mine(id))?.state).toBe('sending');

    const b = await alice(); // the page reloaded
    expect((await b.mine(id))?.held).toBe(true);
    await b.answer(welcome);
    expect(b.framesOf('schedule').map((f) => f.id)).toEqual([id]);
    await b.answer({ t: 'scheduled', id, at });
    expect(await b.mine(id)).toMatchObject({ state: 'sent', held: true });
  });

  it('refuses a bad time by its own clock and by the server’s, keeping nothing', async () => {
    const a = await alice();
    await expect(a.scheduled.schedule('bob', 'too late', Date.now() - 1)).rejects.toMatchObject({ code: 'schedule_past' });
    await expect(a.scheduled.schedule('bob', 'too far', Date.now() + 400 * 86_400_000)).rejects.toMatchObject({ code: 'schedule_too_far' });
    expect(a.frames).toHaveLength(0);

    const result = a.scheduled.schedule('bob', 'server says no', Date.now() + 60_000);
    await expect.poll(() => a.framesOf('schedule').length).toBe(1);
    const id = a.framesOf('schedule')[0]!.id;
    await a.answer({ t: 'error', code: 'schedule_full', message: 'full', ref: id });
    await expect(result).rejects.toBeInstanceOf(ParleyError);
    await expect(result).rejects.toMatchObject({ code: 'schedule_full' });
    expect(await a.mine(id)).toBeUndefined();
    expect(a.scheduled.pending(id)).toBeUndefined();
  });

  it('sends one whose time passed before the server had it as an ordinary message', async () => {
    const a = await alice(false);
    const at = Date.now() + 100;
    await a.scheduled.schedule('bob', 'written offline', at);
    const id = a.framesOf('schedule')[0]!.id;
    await sleep(150);
    await a.answer({ t: 'error', code: 'schedule_past', message: 'past', ref: id });
    expect(a.framesOf('send').map((f) => f.id)).toEqual([id]);
    expect((await a.mine(id))?.held).toBeUndefined();
  });

  it('leaves it to the outbox when the server does not answer in time', async () => {
    expect(ANSWER_WAIT_MS).toBeLessThanOrEqual(10_000);
    const a = await alice(true, 200);
    const started = Date.now();
    expect(await a.scheduled.schedule('bob', 'slow server', Date.now() + 60_000)).toBe('queued');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    // Its answer, when it comes, still holds it.
    const id = a.framesOf('schedule')[0]!.id;
    await a.answer({ t: 'scheduled', id, at: a.framesOf('schedule')[0]!.at });
    expect((await a.mine(id))?.state).toBe('sent');
  });
});

describe('a held message', () => {
  it('is gone once the server confirms a cancel, which is sent again until it does', async () => {
    const a = await alice();
    const id = await held(a, 'never mind', Date.now() + 60_000);
    await a.scheduled.cancel((await a.mine(id))!);
    expect(a.framesOf('schedule_cancel').map((f) => f.id)).toEqual([id]);
    expect(a.scheduled.pending(id)).toBe('cancel');
    await a.answer(welcome);
    expect(a.framesOf('schedule_cancel')).toHaveLength(2);
    await a.answer({ t: 'unscheduled', id, sent: false });
    expect(await a.mine(id)).toBeUndefined();
    expect(a.scheduled.pending(id)).toBeUndefined();
    expect(await world.db.get('outbox', id)).toBeUndefined();
  });

  it('goes at once with Send now, then shows as an ordinary sent message that its receipts reach', async () => {
    const a = await alice();
    const id = await held(a, 'now please', Date.now() + 60_000);
    await a.scheduled.sendNow((await a.mine(id))!);
    expect(a.framesOf('schedule_now').map((f) => f.id)).toEqual([id]);
    await a.answer({ t: 'unscheduled', id, sent: true });
    const m = (await a.mine(id))!;
    expect(m.held).toBeUndefined();
    expect(isScheduled(m)).toBe(false);
    await a.answer({ t: 'delivered', by: 'bob', ids: [id] });
    expect((await a.mine(id))?.state).toBe('delivered');
  });

  it('shows as sent once its time passes, while this page was open or closed', async () => {
    const a = await alice();
    const soon = await held(a, 'soon', Date.now() + 300);
    expect((await a.mine(soon))?.held).toBe(true);
    await expect.poll(async () => (await a.mine(soon))?.held, { timeout: 2000 }).toBeUndefined();
    expect(await world.db.get('outbox', soon)).toBeUndefined();

    const later = await held(a, 'while away', Date.now() + 200);
    a.scheduled.stop(); // the page closed
    await sleep(300);
    const b = await alice(); // and opened again after its time
    expect((await b.mine(later))?.held).toBeUndefined();
    expect((await b.mine(later))?.state).toBe('sent');
  });

  it('stays sent when a cancel comes too late (the server no longer holds it)', async () => {
    const a = await alice();
    const id = await held(a, 'too late to cancel', Date.now() + 150);
    a.scheduled.stop(); // no local timer: only the server's answer decides
    await a.scheduled.cancel((await a.mine(id))!);
    await sleep(200);
    await a.answer({ t: 'error', code: 'unknown_schedule', message: 'gone', ref: id });
    expect(await a.mine(id)).toMatchObject({ state: 'sent' });
    expect((await a.mine(id))?.held).toBeUndefined();
  });

  it('schedules a reply, quoting the original', async () => {
    const a = await alice();
    await a.handle({ t: 'deliver', from: 'bob', id: 'bob-question-1', env: world.seal('bob', 'alice', 'bob-question-1', { kind: 'text', text: 'lunch?' }), ts: 1 });
    const original = await a.mine('bob-question-1');
    expect(original).toBeDefined();
    const at = Date.now() + 60_000;
    const result = a.scheduled.schedule('bob', 'tomorrow', at, original);
    await expect.poll(() => a.framesOf('schedule').length).toBe(1);
    const frame = a.framesOf('schedule')[0]!;
    await a.answer({ t: 'scheduled', id: frame.id, at });
    await result;
    expect(await world.open('alice', 'bob', frame.id, frame.env)).toEqual({ kind: 'reply', text: 'tomorrow', quote: { id: 'bob-question-1', author: 'bob', text: 'lunch?' }, scheduledFor: at });
    expect((await a.mine(frame.id))?.reply?.id).toBe('bob-question-1');
  });

  it('is settled by a delivered receipt even when the `scheduled` answer was lost', async () => {
    const a = await alice(false);
    await a.scheduled.schedule('bob', 'answer lost', Date.now() + 60_000);
    const id = a.framesOf('schedule')[0]!.id;
    await a.answer({ t: 'delivered', by: 'bob', ids: [id] });
    const m = (await a.mine(id))!;
    expect(m).toMatchObject({ state: 'delivered' });
    expect(m.held).toBeUndefined();
  });
});

describe('receiving a scheduled message', () => {
  it('keeps the time it was scheduled for, never one later than its arrival', async () => {
    const bob = await world.device('bob');
    const on = Date.now() - 60_000;
    await bob.handle({ t: 'deliver', from: 'alice', id: 'sched-in-01', env: world.seal('alice', 'bob', 'sched-in-01', { kind: 'text', text: 'on time', scheduledFor: on }), ts: 1 });
    // A hostile sender's own client could claim a time still to come: shown as now at most.
    await bob.handle({ t: 'deliver', from: 'alice', id: 'sched-in-02', env: world.seal('alice', 'bob', 'sched-in-02', { kind: 'text', text: 'from the future', scheduledFor: Date.now() + 3_600_000 }), ts: 1 });
    const got = await bob.messenger.conversation(dmId('alice'));
    expect(got.find((m) => m.id === 'sched-in-01')?.scheduledFor).toBe(on);
    expect(got.find((m) => m.id === 'sched-in-02')?.scheduledFor).toBeLessThanOrEqual(Date.now());
    expect(got.every((m) => !m.held)).toBe(true);
  });
});

describe('scheduling in a conversation whose disappearing timer is on', () => {
  it('carries the timer (body and the schedule’s ttl), and goes from the sender a timer after its time, not after it was written', async () => {
    const a = await alice();
    const clock = { now: Date.now() };
    const disappearing = new DisappearingMessages({ db: world.db, messenger: a.messenger, me: () => 'alice', now: () => clock.now });
    a.messenger.stamp = disappearing.stamp;
    await disappearing.load();
    const HOUR = 3600;
    await disappearing.set(dmId('bob'), HOUR);
    const at = Date.now() + 86_400_000;
    const id = await held(a, 'tomorrow, for an hour', at);
    const frame = a.framesOf('schedule').at(-1)!;
    expect(frame.ttl).toBe(HOUR);
    expect(await world.open('alice', 'bob', id, frame.env)).toEqual({ kind: 'text', text: 'tomorrow, for an hour', scheduledFor: at, expiresIn: HOUR });
    expect(await a.mine(id)).toMatchObject({ expiresIn: HOUR, expiresAt: at + HOUR * 1000 });
    // An hour after it was written it is still there (it has not even gone yet); an hour after its time it is gone.
    clock.now = Date.now() + HOUR * 1000 + 1;
    await disappearing.expiry.sweep();
    expect(await a.mine(id)).toBeDefined();
    clock.now = at + HOUR * 1000;
    await disappearing.expiry.sweep();
    expect(await a.mine(id)).toBeUndefined();
    disappearing.stop();
  });

  it('sent early with Send now, goes from the sender a timer after it went, not after its time', async () => {
    const a = await alice();
    const clock = { now: Date.now() };
    const disappearing = new DisappearingMessages({ db: world.db, messenger: a.messenger, me: () => 'alice', now: () => clock.now });
    a.messenger.stamp = disappearing.stamp;
    a.scheduled.went = disappearing.went;
    await disappearing.load();
    const HOUR = 3600;
    await disappearing.set(dmId('bob'), HOUR);
    const at = Date.now() + 86_400_000;
    const id = await held(a, 'tomorrow, or now', at);
    await a.scheduled.sendNow((await a.mine(id))!);
    const sentAt = Date.now();
    await a.answer({ t: 'unscheduled', id, sent: true });
    const m = (await a.mine(id))!;
    expect(m.expiresAt).toBeGreaterThanOrEqual(sentAt + HOUR * 1000);
    expect(m.expiresAt).toBeLessThan(at);
    clock.now = Date.now() + HOUR * 1000 + 1000;
    await disappearing.expiry.sweep();
    expect(await a.mine(id)).toBeUndefined();
    disappearing.stop();
  });
});
