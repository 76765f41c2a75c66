/** The group store's contract for the log (../groups.ts): order, cursors, trimming and its bounds, on every backend. */
import { describe, expect, it } from 'vitest';
import { G1, G2, commit, group } from './group-fixtures';
import type { ContractContext } from './harness';

export function groupLogContract(c: ContractContext): void {
  describe('group log', () => {
    it('keeps the log in order, reads it after a cursor, and trims what every active member passed', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }], welcome: 'W' }));
      for (let i = 0; i < 3; i++) expect(await g.append(G1, { kind: 'message', from: 'alice', id: `message-${i}`, data: `m${i}`, ts: 1_000_000 + i })).toBe(3 + i);
      expect(await g.append('DDDDDDDDDDDDDDDDDDDDDA', { kind: 'message', from: 'x', data: 'm', ts: 1 })).toBeUndefined();
      expect((await g.readLog(G1, 2, 2)).map((e) => [e.seq, e.id, e.data])).toEqual([
        [3, 'message-0', 'm0'],
        [4, 'message-1', 'm1'],
      ]);
      await g.ack(G1, 'bob', 4);
      expect(await g.welcomeFor(G1, 'bob')).toBeUndefined();
      expect((await g.member(G1, 'bob'))!.cursor).toBe(4);
      // alice has read nothing: nothing goes yet. A cursor never moves back, nor past the end.
      expect((await g.readLog(G1, 0, 10)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      await g.ack(G1, 'bob', 1);
      await g.ack(G1, 'alice', 99);
      expect((await g.member(G1, 'alice'))!.cursor).toBe(5);
      expect((await g.readLog(G1, 0, 10)).map((e) => e.seq)).toEqual([5]);
      // An inactive member does not hold the log back.
      await g.deactivate(G1, 'bob');
      expect((await g.member(G1, 'bob'))!.active).toBe(false);
      expect((await g.get(G1))!.members).toBe(1);
      await g.append(G1, { kind: 'message', from: 'alice', id: 'message-9', data: 'm9', ts: 1_000_010 });
      await g.ack(G1, 'alice', 6);
      expect(await g.readLog(G1, 0, 10)).toEqual([]);
    });

    it('trims what the slowest active member passed, whoever acknowledges in whatever order', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }, { user: 'carol', leaf: 2 }] }));
      for (let i = 0; i < 4; i++) await g.append(G1, { kind: 'message', from: 'alice', id: `message-${i}`, data: 'm', ts: 1_000_000 });
      const seqs = async () => (await g.readLog(G1, 0, 10)).map((e) => e.seq);
      await g.ack(G1, 'alice', 6);
      await g.ack(G1, 'carol', 4);
      expect(await seqs()).toEqual([3, 4, 5, 6]); // bob (at 2) holds it back
      await g.ack(G1, 'bob', 5);
      expect(await seqs()).toEqual([5, 6]); // carol is now the slowest
      await g.ack(G1, 'alice', 6);
      expect(await seqs()).toEqual([5, 6]);
      await g.ack(G1, 'carol', 6);
      expect(await seqs()).toEqual([6]);
      // The slowest removed by a commit: the next ack trims to the next slowest.
      await g.commit(G1, commit(1, 'alice', { removes: ['bob'] }));
      await g.ack(G1, 'carol', 7);
      await g.ack(G1, 'alice', 7);
      expect(await seqs()).toEqual([]);
    });

    it('drops log entries past the count and age bounds', async () => {
      const g = (await c.open({ groups: { logMaxEntries: 3, logTtlMs: 1000 } })).groups;
      await g.create(group(G1, 'alice'));
      for (let i = 0; i < 4; i++) await g.append(G1, { kind: 'message', from: 'alice', id: `message-${i}`, data: 'm', ts: c.clock.now });
      expect((await g.readLog(G1, 0, 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
      c.clock.now += 2000;
      await g.append(G1, { kind: 'message', from: 'alice', id: 'message-x', data: 'm', ts: c.clock.now });
      expect((await g.readLog(G1, 0, 10)).map((e) => e.seq)).toEqual([6]);
    });

    it('remembers the newest commit the bounds dropped, not messages nor what acknowledgements trimmed (review M1)', async () => {
      const g = (await c.open({ groups: { logMaxEntries: 3, logTtlMs: 1000 } })).groups;
      await g.create(group(G1, 'alice'));
      await g.create(group(G2, 'bob'));
      // Trimmed by acknowledgement (alice, the only member, passed it): nobody lapses.
      const first = await g.commit(G1, commit(0, 'alice'));
      await g.ack(G1, 'alice', first.ok ? first.seq : 0);
      await g.append(G1, { kind: 'message', from: 'alice', id: 'm-1', data: 'm', ts: c.clock.now });
      expect((await g.get(G1))!.lapsedBelow).toBe(0);
      // Dropped by the count bound: a commit at seq 4, then three messages push it out (alice's cursor is at 2).
      await g.commit(G1, commit(1, 'alice'));
      for (let i = 0; i < 2; i++) await g.append(G1, { kind: 'message', from: 'alice', id: `m-${i + 2}`, data: 'm', ts: c.clock.now });
      expect((await g.get(G1))!.lapsedBelow).toBe(0);
      await g.append(G1, { kind: 'message', from: 'alice', id: 'm-4', data: 'm', ts: c.clock.now });
      expect((await g.get(G1))!.lapsedBelow).toBe(4);
      // Dropped by age, by the sweep, in a group nobody writes to.
      await g.commit(G2, commit(0, 'bob'));
      c.clock.now += 2000;
      await g.sweepExpired(c.clock.now, 100);
      expect((await g.get(G2))!.lapsedBelow).toBe(2);
    });

    it('sweeps log entries past the age bound from groups nobody writes to', async () => {
      const g = (await c.open({ groups: { logTtlMs: 1000 } })).groups;
      await g.create(group(G1, 'alice'));
      await g.create(group(G2, 'bob'));
      await g.append(G1, { kind: 'message', from: 'alice', id: 'message-1', data: 'm', ts: c.clock.now });
      c.clock.now += 600;
      await g.append(G2, { kind: 'message', from: 'bob', id: 'message-2', data: 'm', ts: c.clock.now });
      c.clock.now += 600;
      expect(await g.sweepExpired(c.clock.now, 100)).toBe(3);
      expect(await g.readLog(G1, 0, 10)).toEqual([]);
      expect((await g.readLog(G2, 0, 10)).map((e) => e.seq)).toEqual([2]);
      c.clock.now += 1000;
      expect(await g.sweepExpired(c.clock.now, 100)).toBe(1);
      expect(await g.sweepExpired(c.clock.now, 100)).toBe(0);
    });
  });
}
