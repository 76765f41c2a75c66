/** The store's contract for operator announcements (../announcements.ts), on every backend. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './harness';

export function announcementsContract(c: ContractContext): void {
  describe('announcements', () => {
    it('gives each user what is above their cursor, oldest first; the cursor moves forward only, never past the newest id', async () => {
      const a = (await c.open()).announcements;
      expect(await a.pendingFor('alice')).toEqual([]);
      // Nothing to acknowledge yet: the cursor stays where it is.
      expect(await a.ack('alice', 5)).toBe(0);
      const first = await a.add('Maintenance tonight');
      c.clock.now += 10;
      const second = await a.add('第二条 <b>not html</b>');
      expect(second.id).toBeGreaterThan(first.id);
      expect(await a.pendingFor('alice')).toEqual([
        { id: first.id, text: 'Maintenance tonight', ts: 1_000_000 },
        { id: second.id, text: '第二条 <b>not html</b>', ts: 1_000_010 },
      ]);
      expect(await a.ack('alice', first.id)).toBe(first.id);
      expect((await a.pendingFor('alice')).map((x) => x.id)).toEqual([second.id]);
      expect(await a.ack('alice', first.id - 1)).toBe(first.id);
      expect(await a.ack('alice', 1_000_000)).toBe(second.id);
      expect(await a.pendingFor('alice')).toEqual([]);
      // Another user's cursor is their own.
      expect((await a.pendingFor('bob')).map((x) => x.id)).toEqual([first.id, second.id]);
      // One added later is above the cursor even after an ack that asked for more.
      const third = await a.add('third');
      expect((await a.pendingFor('alice')).map((x) => x.id)).toEqual([third.id]);
    });

    it('keeps at most maxKept (the oldest go first) and none past its expiry', async () => {
      const a = (await c.open({ announcements: { maxKept: 3, ttlMs: 1000 } })).announcements;
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await a.add(`n${i}`)).id);
      expect((await a.pendingFor('carol')).map((x) => x.text)).toEqual(['n2', 'n3', 'n4']);
      c.clock.now += 500;
      await a.add('late');
      c.clock.now += 600;
      expect((await a.pendingFor('carol')).map((x) => x.text)).toEqual(['late']);
      c.clock.now += 1000;
      expect(await a.pendingFor('carol')).toEqual([]);
      // Ids are never reused after a trim, so a cursor never hides a new one.
      expect((await a.add('after')).id).toBeGreaterThan(Math.max(...ids));
    });

    it('keeps announcements and cursors across a reopen', async () => {
      const a = (await c.open()).announcements;
      const one = await a.add('kept');
      await a.add('two');
      await a.ack('dave', one.id);
      const again = (await c.open()).announcements;
      expect((await again.pendingFor('dave')).map((x) => x.text)).toEqual(['two']);
    });
  });
}
