/** What every ScheduleStore must do (run on SQLite and on Redis by schedule-store.test.ts). */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { HeldMessage, ScheduleStore } from './schedule-store';

/** Each case gets its own sender names, so stores may be shared between cases. */
const held = (sender: string, at: number, to = 'bob'): HeldMessage => ({ sender, id: randomUUID(), to, env: `env-${at}`, at });
const user = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

export function scheduleContract(open: () => Promise<ScheduleStore>): void {
  it('holds, counts per sender and refuses past the limit; a repeat is a duplicate', async () => {
    const s = await open();
    const a = user('alice');
    const m = held(a, 10_000);
    expect(await s.hold(m, 2)).toBe('held');
    expect(await s.hold(m, 2)).toBe('duplicate');
    expect(await s.hold(held(a, 10_001), 2)).toBe('held');
    expect(await s.hold(held(a, 10_002), 2)).toBe('full');
    expect(await s.hold(m, 2)).toBe('duplicate');
    expect(await s.hold(held(user('carol'), 10_002), 2)).toBe('held');
  });

  it('claims only what is due, oldest first, in pages, and not again until the lease ends', async () => {
    const s = await open();
    const a = user('alice');
    const base = 2_000_000_000_000 + Math.floor(Math.random() * 1e9);
    const ms = [held(a, base + 30), held(a, base + 10), held(a, base + 20), held(a, base + 1000)];
    for (const m of ms) await s.hold(m, 10);
    // Others' messages due earlier may be there too (a shared store): claim until ours show up.
    const mine = (list: HeldMessage[]) => list.filter((m) => m.sender === a);
    expect(mine(await s.claim(base + 9, 1000, 500))).toEqual([]);
    const first = mine(await s.claim(base + 30, 1000, 500));
    expect(first.map((m) => m.at)).toEqual([base + 10, base + 20, base + 30]);
    expect(first[0]).toEqual(ms[1]);
    expect(mine(await s.claim(base + 100, 1000, 500))).toEqual([]);
    // A claimed one is neither cancellable nor advanced; after the lease it is claimable again.
    expect(await s.cancel(a, ms[1]!.id, base + 100)).toBe(false);
    expect(await s.advance(a, ms[1]!.id, base + 100)).toBe(false);
    expect(mine(await s.claim(base + 530, 1000, 500)).map((m) => m.id).sort()).toEqual([ms[0]!.id, ms[1]!.id, ms[2]!.id].sort());
    for (const m of first) await s.remove(a, m.id);
    expect(await s.hold(held(a, base), 3)).toBe('held');
    expect(await s.hold(held(a, base), 3)).toBe('held');
    expect(await s.hold(held(a, base), 3)).toBe('full');
  });

  it('keeps a disappearing message\'s timer', async () => {
    const s = await open();
    const a = user('alice');
    const at = 3_000_000_000_000 + Math.floor(Math.random() * 1e9);
    const timed: HeldMessage = { ...held(a, at), ttl: 3600 };
    expect(await s.hold(timed, 2)).toBe('held');
    expect(await s.hold(held(a, at), 2)).toBe('held');
    const got = (await s.claim(at, 1000, 10)).filter((x) => x.sender === a);
    expect(got).toContainEqual(timed);
    expect(got.filter((x) => x.ttl === undefined).length).toBe(1);
  });

  it('keeps a group message\'s epoch, and counts it with the sender\'s other held messages', async () => {
    const s = await open();
    const a = user('alice');
    const at = 4_000_000_000_000 + Math.floor(Math.random() * 1e9);
    const group: HeldMessage = { ...held(a, at, 'AAAAAAAAAAAAAAAAAAAAAA'), epoch: 7 };
    expect(await s.hold(group, 2)).toBe('held');
    expect(await s.hold(held(a, at), 2)).toBe('held');
    expect(await s.hold(held(a, at), 2)).toBe('full');
    const got = (await s.claim(at, 1000, 10)).filter((x) => x.sender === a);
    expect(got).toContainEqual(group);
    expect(got.filter((x) => x.epoch === undefined).length).toBe(1);
  });

  it('counts group messages per sender, group and epoch; one forgotten frees its place', async () => {
    const s = await open();
    const [a, b] = [user('alice'), user('bob')];
    const at = 5_000_000_000_000 + Math.floor(Math.random() * 1e9);
    const [g, h] = ['AAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBB'];
    const first: HeldMessage = { ...held(a, at, g), epoch: 3 };
    expect(await s.hold(first, 10, 2)).toBe('held');
    expect(await s.hold({ ...held(a, at, g), epoch: 3 }, 10, 2)).toBe('held');
    expect(await s.hold({ ...held(a, at, g), epoch: 3 }, 10, 2)).toBe('epoch_full');
    expect(await s.hold(first, 10, 2)).toBe('duplicate');
    // Another epoch, group or sender, and 1:1 messages, are counted apart.
    expect(await s.hold({ ...held(a, at, g), epoch: 4 }, 10, 2)).toBe('held');
    expect(await s.hold({ ...held(a, at, h), epoch: 3 }, 10, 2)).toBe('held');
    expect(await s.hold({ ...held(b, at, g), epoch: 3 }, 10, 2)).toBe('held');
    expect(await s.hold(held(a, at, g), 10, 2)).toBe('held');
    expect(await s.cancel(a, first.id, at)).toBe(true);
    expect(await s.hold({ ...held(a, at, g), epoch: 3 }, 10, 2)).toBe('held');
    expect(await s.hold({ ...held(a, at, g), epoch: 3 }, 10, 2)).toBe('epoch_full');
  });

  it('pages: at most `limit` a claim', async () => {
    const s = await open();
    const a = user('alice');
    const at = 1_000 + Math.floor(Math.random() * 1000);
    for (let i = 0; i < 5; i++) await s.hold(held(a, at), 10);
    const page = await s.claim(3_000, 2, 1_000_000_000_000_000);
    expect(page.length).toBe(2);
  });

  it('cancels and advances only the sender\'s own unclaimed message', async () => {
    const s = await open();
    const [a, b] = [user('alice'), user('bob')];
    const base = 3_000_000_000_000 + Math.floor(Math.random() * 1e9);
    const m = held(a, base + 1000);
    await s.hold(m, 10);
    expect(await s.cancel(b, m.id, base)).toBe(false);
    expect(await s.advance(b, m.id, base)).toBe(false);
    expect(await s.advance(a, m.id, base)).toBe(true);
    const got = (await s.claim(base, 1000, 10)).filter((x) => x.sender === a);
    expect(got).toEqual([m]);
    await s.remove(a, m.id);
    const n = held(a, base + 5000);
    await s.hold(n, 10);
    expect(await s.cancel(a, n.id, base)).toBe(true);
    expect(await s.cancel(a, n.id, base)).toBe(false);
    expect((await s.claim(base + 10_000, 1000, 10)).filter((x) => x.sender === a)).toEqual([]);
  });

  it('tells when the next message falls due', async () => {
    const s = await open();
    const next = await s.nextDue();
    expect(next === undefined || typeof next === 'number').toBe(true);
    await s.hold(held(user('alice'), 5), 10);
    expect(await s.nextDue()).toBeLessThanOrEqual(5);
  });
}
