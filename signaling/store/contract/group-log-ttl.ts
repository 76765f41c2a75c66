/**
 * The group log's disappearing messages (../groups.ts `expiresAt`, a `group_send` ttl), on every
 * backend: an entry past its own end is served to nobody and swept, and the log around it keeps its
 * order, seqs, trimming, acks and lapse mark (a message that ended is never a lapse).
 */
import { describe, expect, it } from 'vitest';
import { G1, G2, commit, group } from './group-fixtures';
import type { ContractContext } from './harness';

export function groupLogTtlContract(c: ContractContext): void {
  describe('group log: entries with their own end', () => {
    const message = (id: string, ts: number, expiresAt?: number) => ({
      kind: 'message' as const,
      from: 'alice',
      id,
      data: `d-${id}`,
      ts,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    });

    it('serves an entry until its end and never after, swept or not; the seqs around it stay', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }] }));
      const t = c.clock.now;
      expect(await g.append(G1, message('brief', t, t + 1000))).toBe(3);
      expect(await g.append(G1, message('kept', t))).toBe(4);
      expect((await g.readLog(G1, 2, 10)).map((e) => [e.seq, e.id, e.expiresAt])).toEqual([
        [3, 'brief', t + 1000],
        [4, 'kept', undefined],
      ]);
      c.clock.now = t + 999;
      expect((await g.readLog(G1, 2, 10)).map((e) => e.seq)).toEqual([3, 4]);
      c.clock.now = t + 1000;
      // Not swept yet: still never handed over.
      expect((await g.readLog(G1, 2, 10)).map((e) => e.seq)).toEqual([4]);
      expect(await g.sweepExpired(c.clock.now, 100)).toBe(1);
      expect(await g.sweepExpired(c.clock.now, 100)).toBe(0);
      expect((await g.readLog(G1, 0, 10)).map((e) => e.seq)).toEqual([1, 2, 4]);
      // The next entry takes the next seq; acks and their trim work across the gap.
      expect(await g.append(G1, message('next', c.clock.now))).toBe(5);
      await g.ack(G1, 'alice', 5);
      await g.ack(G1, 'bob', 4);
      expect((await g.member(G1, 'bob'))!.cursor).toBe(4);
      expect((await g.readLog(G1, 0, 10)).map((e) => e.seq)).toEqual([5]);
      expect((await g.get(G1))!.seq).toBe(5);
    });

    it('a page skips ended entries and still fills up to its limit', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      const t = c.clock.now;
      for (let i = 0; i < 7; i++) await g.append(G1, message(`brief-${i}`, t, t + 10));
      for (let i = 0; i < 3; i++) await g.append(G1, message(`kept-${i}`, t));
      c.clock.now = t + 10;
      // Seq 1 is the group's `created` event; 2..8 ended.
      expect((await g.readLog(G1, 1, 3)).map((e) => e.id)).toEqual(['kept-0', 'kept-1', 'kept-2']);
      expect((await g.readLog(G1, 0, 2)).map((e) => e.seq)).toEqual([1, 9]);
      expect(await g.readLog(G1, 11, 3)).toEqual([]);
    });

    it('an ended message is no lapse, and the log’s own bounds still end an entry whose end is later', async () => {
      const g = (await c.open({ groups: { logMaxEntries: 3, logTtlMs: 1000 } })).groups;
      await g.create(group(G1, 'alice'));
      await g.create(group(G2, 'bob'));
      const t = c.clock.now;
      await g.commit(G1, commit(0, 'alice'));
      await g.append(G1, message('brief', t, t + 100));
      c.clock.now = t + 100;
      expect(await g.sweepExpired(c.clock.now, 100)).toBe(1);
      expect((await g.get(G1))!.lapsedBelow).toBe(0);
      expect((await g.readLog(G1, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      // A message whose own end is past the log's lifetime goes with the lifetime.
      await g.append(G2, message('long', c.clock.now, c.clock.now + 60_000));
      c.clock.now += 1001;
      await g.sweepExpired(c.clock.now, 100);
      expect(await g.readLog(G2, 0, 10)).toEqual([]);
      expect((await g.get(G2))!.lapsedBelow).toBe(0);
    });

    it('the sweep takes at most its limit, and a deleted group leaves nothing to sweep', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.create(group(G2, 'bob'));
      const t = c.clock.now;
      for (let i = 0; i < 5; i++) await g.append(G1, message(`a-${i}`, t, t + 10));
      await g.append(G2, message('b', t, t + 10));
      c.clock.now = t + 10;
      expect(await g.sweepExpired(c.clock.now, 3)).toBe(3);
      await g.delete(G2);
      expect(await g.sweepExpired(c.clock.now, 100)).toBe(2);
      expect(await g.sweepExpired(c.clock.now, 100)).toBe(0);
      expect((await g.readLog(G1, 0, 10)).map((e) => e.seq)).toEqual([1]);
    });
  });
}
