/** The group store's contract for receipts (../group-receipts.ts): read cursors, join seqs and the message index, on every backend. */
import { describe, expect, it } from 'vitest';
import { G1, G2, commit, group } from './group-fixtures';
import type { ContractContext } from './harness';

export function groupReceiptsContract(c: ContractContext): void {
  describe('group receipts', () => {
    it('moves a read cursor forward only, never past the group’s seq, for active members only', async () => {
      const g = (await c.open()).groups;
      await g.create(group(G1, 'alice'));
      await g.commit(G1, commit(0, 'alice', { adds: [{ user: 'bob', leaf: 1 }] }));
      for (let i = 0; i < 3; i++) await g.append(G1, { kind: 'message', from: 'alice', id: `m-${i}`, data: 'x', ts: 1_000_000 });
      expect(await g.receipts.markRead(G1, 'bob', 4)).toBe(4);
      expect(await g.receipts.markRead(G1, 'bob', 3)).toBe(4);
      expect(await g.receipts.markRead(G1, 'bob', 99)).toBe(5);
      expect(await g.receipts.markRead(G1, 'carol', 3)).toBeUndefined();
      expect(await g.receipts.markRead(G2, 'bob', 3)).toBeUndefined();
      await g.ack(G1, 'bob', 4);
      expect(await g.receipts.positions(G1)).toEqual([
        { user: 'alice', joined: 0, cursor: 0, read: 0 },
        { user: 'bob', joined: 2, cursor: 4, read: 5 },
      ]);
      // The ack and the other member writes keep the read cursor.
      await g.ack(G1, 'bob', 5);
      await g.setMute(G1, 'bob', 2_000_000);
      expect((await g.receipts.positions(G1)).find((p) => p.user === 'bob')).toEqual({ user: 'bob', joined: 2, cursor: 5, read: 5 });
      // Gone or inactive: not listed, not moved; added again: starts over.
      await g.deactivate(G1, 'bob');
      expect(await g.receipts.markRead(G1, 'bob', 5)).toBeUndefined();
      expect((await g.receipts.positions(G1)).map((p) => p.user)).toEqual(['alice']);
      await g.commit(G1, commit(1, 'alice', { removes: ['bob'] }));
      await g.commit(G1, commit(2, 'alice', { adds: [{ user: 'bob', leaf: 1 }] }));
      expect((await g.receipts.positions(G1)).find((p) => p.user === 'bob')).toEqual({ user: 'bob', joined: 7, cursor: 7, read: 0 });
    });

    it('keeps each message’s seq and author, the first write of an id, within the log’s count bound, until the group goes', async () => {
      const g = (await c.open({ groups: { logMaxEntries: 3 } })).groups;
      await g.create(group(G1, 'alice'));
      await g.receipts.noteMessage(G1, 'm-1', 2, 'alice');
      await g.receipts.noteMessage(G1, 'm-1', 3, 'mallory');
      await g.receipts.noteMessage(G1, 'm-2', 4, 'bob');
      expect(await g.receipts.message(G1, 'm-1')).toEqual({ seq: 2, from: 'alice' });
      expect(await g.receipts.message(G1, 'm-2')).toEqual({ seq: 4, from: 'bob' });
      expect(await g.receipts.message(G2, 'm-1')).toBeUndefined();
      await g.receipts.noteMessage(G1, 'm-3', 5, 'bob');
      expect(await g.receipts.message(G1, 'm-1')).toBeUndefined();
      expect(await g.receipts.message(G1, 'm-2')).toEqual({ seq: 4, from: 'bob' });
      await g.delete(G1);
      expect(await g.receipts.message(G1, 'm-3')).toBeUndefined();
      expect(await g.receipts.positions(G1)).toEqual([]);
    });
  });
}
