// Disappearing messages in a group, on a real server (in this process): the owner's timer notice
// sets the timer on every member's device and shows there; what is sent then carries it in the
// sealed body and as the group_send's ttl, and goes from the sender a timer after sending and
// from a member a timer after reading. A plain member may not set it: refused on their device,
// and a notice forged past that check is neither applied nor shown by the others. A member added
// later learns the setting from the card that follows their Add (only an owner's or admin's counts).
import { describe, expect, it } from 'vitest';
import type { Disappearing } from '../../../shared/envelope';
import { DisappearingMessages } from '../conversations/disappearing';
import type { ArrivedEvent } from '../conversations/messenger';
import { ParleyError } from '../net/parley-error';
import { encodeBody, encodeCard } from './group-body';
import { type GroupDevice, addMembers, befriend, until, useGroupWorld } from './test-device';

const world = useGroupWorld();
const DAY = 86_400;
const conv = (id: string) => `grp:${id}` as const;

/** Disappearing messages wired on `d` as the app wires them (app-services.ts), on a clock the test moves. */
function wire(d: GroupDevice) {
  const clock = { now: Date.now() };
  const disappearing = new DisappearingMessages({
    db: d.db,
    messenger: d.messenger,
    me: () => d.name,
    now: () => clock.now,
    groupNotice: (group, body) => d.groups.chat.sendNotice(group, body),
  });
  d.messenger.stamp = disappearing.stamp;
  d.groups.timers = disappearing;
  d.messenger.addEventListener('arrived', (e) => disappearing.arrived((e as ArrivedEvent).message));
  return { d, disappearing, clock };
}

async function trio() {
  const [alice, bob, carol] = [await world.device('alice'), await world.device('bob'), await world.device('carol')];
  await befriend(alice, bob);
  await befriend(alice, carol);
  const id = await alice.groups.create({ name: 'Brief', listed: false });
  await addMembers(alice, id, [bob, carol]);
  return { alice: wire(alice), bob: wire(bob), carol: wire(carol), id };
}

const messages = (d: GroupDevice, id: string) => d.messenger.conversation(conv(id));

describe('disappearing messages in a group', () => {
  it('the owner’s notice sets every member’s timer; what is sent then carries it and goes a timer after sending or reading', async () => {
    const { alice, bob, carol, id } = await trio();
    await alice.disappearing.set(conv(id), DAY);
    expect(alice.disappearing.timerOf(conv(id))).toBe(DAY);
    for (const m of [bob, carol]) {
      await until(`${m.d.name} has the notice`, () => m.disappearing.timerOf(conv(id)) === DAY);
      expect((await messages(m.d, id)).map((x) => [x.peer, x.disappearing])).toEqual([[alice.d.name, DAY]]);
    }

    await alice.d.groups.send(id, 'for a day');
    const sent = (await messages(alice.d, id)).find((m) => m.text === 'for a day')!;
    const frameOf = (mid: string) => alice.d.sent.find((f) => f.t === 'group_send' && f.id === mid);
    await until('the message went out', () => frameOf(sent.id) !== undefined);
    expect(frameOf(sent.id)).toMatchObject({ t: 'group_send', ttl: DAY });
    // The notice itself is no disappearing message.
    const noticeId = (await messages(alice.d, id)).find((m) => m.disappearing === DAY)!.id;
    expect(frameOf(noticeId)).not.toHaveProperty('ttl');
    expect(sent).toMatchObject({ expiresIn: DAY, expiresAt: sent.ts + DAY * 1000 });
    await until('bob has it', async () => (await messages(bob.d, id)).some((m) => m.text === 'for a day'));
    const got = (await messages(bob.d, id)).find((m) => m.text === 'for a day')!;
    expect(got).toMatchObject({ expiresIn: DAY, state: 'delivered' });
    expect(got.expiresAt).toBeUndefined();

    // Read at bob: its clock starts then.
    const [entry] = bob.disappearing.read([got]);
    expect(entry).toEqual({ conv: conv(id), dir: 'in', id: got.id, at: bob.clock.now + DAY * 1000 });
    await bob.d.db.put('messages', got);
    await bob.d.db.put('expiring', entry!);
    bob.clock.now += DAY * 1000;
    await bob.disappearing.expiry.sweep();
    expect((await messages(bob.d, id)).map((m) => m.text)).not.toContain('for a day');
    // And at alice a day after sending.
    alice.clock.now = sent.ts + DAY * 1000;
    await alice.disappearing.expiry.sweep();
    expect((await messages(alice.d, id)).map((m) => m.text)).not.toContain('for a day');
    for (const m of [alice, bob]) m.disappearing.stop();
  });

  it('a scheduled message carries it too (body and the schedule’s ttl), and goes from the sender a timer after its time', async () => {
    const { alice, bob, id } = await trio();
    await alice.disappearing.set(conv(id), DAY);
    await until('bob has the timer', () => bob.disappearing.timerOf(conv(id)) === DAY);
    const at = Date.now() + 1500;
    const out = alice.d.groups.chat.compose(id, 'later, for a day', undefined, at)!;
    expect(await alice.d.scheduled.scheduleRouted(conv(id), id, out.body, at, out.encode, out.named)).toBe('held');
    const frame = alice.d.sent.find((f) => f.t === 'schedule');
    expect(frame).toMatchObject({ t: 'schedule', group: id, at, ttl: DAY });
    const mine = (await messages(alice.d, id)).find((m) => m.text === 'later, for a day')!;
    expect(mine).toMatchObject({ expiresIn: DAY, expiresAt: at + DAY * 1000 });
    await until('bob has it at its time', async () => (await messages(bob.d, id)).some((m) => m.text === 'later, for a day'), 10_000);
    expect((await messages(bob.d, id)).find((m) => m.text === 'later, for a day')).toMatchObject({ expiresIn: DAY });
  });

  it('a plain member may not set it: refused on their device, and a forged notice is neither applied nor shown', async () => {
    const { alice, bob, carol, id } = await trio();
    await expect(bob.disappearing.set(conv(id), DAY)).rejects.toEqual(new ParleyError('not_admin'));
    expect(bob.d.sent.filter((f) => f.t === 'group_send')).toHaveLength(0);
    expect(bob.disappearing.timerOf(conv(id))).toBe(0);

    // A hostile client sends it anyway, then a text, so the others are known to be past it.
    const notice: Disappearing = { kind: 'disappearing', seconds: DAY };
    const mid = crypto.randomUUID();
    bob.d.messenger.routed.send({ id: mid, kind: 'group', conv: conv(id), to: id, env: encodeBody(notice, Date.now(), mid), seq: 1 });
    // And a card with a timer: a plain member's card changes nothing.
    const cid = `card-${crypto.randomUUID()}`;
    const card = encodeCard({ name: 'Taken', timer: { seconds: DAY, ts: Date.now(), by: bob.d.name } }, Date.now(), cid);
    bob.d.messenger.routed.send({ id: cid, kind: 'group', conv: conv(id), to: id, env: card, seq: 2 });
    await bob.d.groups.send(id, 'after');
    for (const m of [alice, carol]) {
      await until(`${m.d.name} read bob`, async () => (await messages(m.d, id)).some((x) => x.text === 'after'));
      expect(m.disappearing.timerOf(conv(id))).toBe(0);
      expect((await messages(m.d, id)).map((x) => x.id)).not.toContain(mid);
      expect(m.d.groups.log.skipped.filter((s) => s.why === 'not_admin').map((s) => s.group)).toEqual([id]);
      expect(m.d.groups.view(id)?.name).toBe('Brief');
    }
  });

  it('a member added after the notice learns the timer from the card that follows their Add, and sends under it', async () => {
    const { alice, id } = await trio();
    await alice.disappearing.set(conv(id), DAY);
    const dave = wire(await world.device('dave'));
    await befriend(alice.d, dave.d);
    await addMembers(alice.d, id, [dave.d]);
    await until('dave has the timer', () => dave.disappearing.timerOf(conv(id)) === DAY);
    expect(dave.disappearing.setting(conv(id))).toEqual(alice.disappearing.setting(conv(id)));
    // No notice of its own: dave was not there when it was set.
    expect((await messages(dave.d, id)).filter((m) => m.disappearing !== undefined)).toEqual([]);
    await dave.d.groups.send(id, 'from dave');
    const sent = (await messages(dave.d, id)).find((m) => m.text === 'from dave')!;
    expect(sent.expiresIn).toBe(DAY);
    await until('dave’s went with its ttl', () => dave.d.sent.some((f) => f.t === 'group_send' && f.id === sent.id && f.ttl === DAY));
    dave.disappearing.stop();
  });
});
