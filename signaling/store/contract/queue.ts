import { describe, expect, it } from 'vitest';
import type { QueueItem } from '../queue';
import { type ContractContext, ids, msg, pending, receipt } from './harness';

export function queueContract(c: ContractContext, reopen: boolean): void {
  describe('offline queue', () => {
    it('returns items in the order they were queued, across peers and kinds, a page at a time', async () => {
      const store = await c.open();
      const t = c.clock.now;
      await store.queue.enqueue('bob', [msg('alice', 'a1', t)]);
      await store.queue.enqueue('bob', [msg('carol', 'c1', t), receipt('carol', 'r1', t)]);
      await store.queue.enqueue('bob', [msg('alice', 'a2', t)]);
      await store.queue.enqueue('dave', [msg('alice', 'd1', t)]);
      expect(ids(await pending(store, 'bob'))).toEqual(['msg:alice:a1', 'msg:carol:c1', 'receipt:carol:r1', 'msg:alice:a2']);
      const all = await pending(store, 'bob');
      expect(all[0]).toEqual({ kind: 'msg', peer: 'alice', id: 'a1', env: 'env-a1', ts: t });
      expect(all[2]).toEqual({ kind: 'receipt', peer: 'carol', id: 'r1', ts: t });
      expect(ids(await pending(store, 'dave'))).toEqual(['msg:alice:d1']);
      // Pages continue after the last cursor read, however a backend spells cursors.
      const first = await store.queue.page('bob', undefined, 2);
      const rest = await store.queue.page('bob', first[1]!.cursor, 10);
      expect(ids([...first, ...rest])).toEqual(ids(all));
    });

    it('queues in the order of the calls, even when they are not awaited one by one', async () => {
      const store = await c.open();
      const t = c.clock.now;
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.queue.enqueue('bob', [msg('alice', `m${i}`, t)])));
      expect(ids(await pending(store, 'bob'))).toEqual(Array.from({ length: 20 }, (_, i) => `msg:alice:m${i}`));
    });

    it('keeps an item until it is removed: delivery alone does not delete (ack-before-delete)', async () => {
      const store = await c.open();
      const t = c.clock.now;
      await store.queue.enqueue('bob', [msg('alice', 'a1', t), msg('alice', 'a2', t), receipt('alice', 'a1', t)]);
      expect(await pending(store, 'bob')).toHaveLength(3);
      expect(await pending(store, 'bob')).toHaveLength(3); // reading is not consuming
      await store.queue.remove('bob', 'msg', 'alice', ['a1']);
      expect(ids(await pending(store, 'bob'))).toEqual(['msg:alice:a2', 'receipt:alice:a1']);
      // A remove names recipient, kind and peer exactly: near misses delete nothing.
      await store.queue.remove('carol', 'msg', 'alice', ['a2']);
      await store.queue.remove('bob', 'receipt', 'alice', ['a2']);
      await store.queue.remove('bob', 'msg', 'carol', ['a2']);
      expect(await pending(store, 'bob')).toHaveLength(2);
      await store.queue.remove('bob', 'msg', 'alice', ['a2', 'unknown']);
      await store.queue.remove('bob', 'receipt', 'alice', ['a1']);
      expect(await pending(store, 'bob')).toEqual([]);
    });

    it('lets a sender withdraw its own queued message, and only that one', async () => {
      const store = await c.open({ quotaMessages: 2 });
      const t = c.clock.now;
      await store.queue.enqueue('bob', [msg('alice', 'a1', t), msg('carol', 'a1', t), receipt('alice', 'a2', t)]);
      // Another sender's message of the same id, a receipt, another recipient: near misses withdraw nothing.
      expect(await store.queue.withdraw('bob', 'dave', 'a1')).toBe(false);
      expect(await store.queue.withdraw('carol', 'alice', 'a1')).toBe(false);
      expect(await store.queue.withdraw('bob', 'alice', 'a2')).toBe(false);
      expect(await store.queue.withdraw('bob', 'alice', 'a1')).toBe(true);
      expect(await store.queue.withdraw('bob', 'alice', 'a1')).toBe(false); // gone already
      expect(ids(await pending(store, 'bob'))).toEqual(['msg:carol:a1', 'receipt:alice:a2']);
      // Its room in the quota is free again.
      expect(await store.queue.enqueue('bob', [msg('alice', 'a3', t)])).toBe('stored');
    });

    it('reports a duplicate id and keeps one copy', async () => {
      const store = await c.open();
      const t = c.clock.now;
      expect(await store.queue.enqueue('bob', [msg('alice', 'a1', t)])).toBe('stored');
      expect(await store.queue.enqueue('bob', [msg('alice', 'a1', t, 'other')])).toBe('duplicate');
      expect(await store.queue.enqueue('bob', [msg('carol', 'a1', t)])).toBe('stored'); // same id, another sender
      expect(ids(await pending(store, 'bob'))).toEqual(['msg:alice:a1', 'msg:carol:a1']);
      expect((await pending(store, 'bob'))[0]).toMatchObject({ env: 'env-a1' });
    });

    it('refuses messages past the per-recipient count quota, all or nothing', async () => {
      const store = await c.open({ quotaMessages: 3 });
      const t = c.clock.now;
      expect(await store.queue.enqueue('bob', [msg('alice', 'a1', t), msg('alice', 'a2', t)])).toBe('stored');
      expect(await store.queue.enqueue('bob', [msg('alice', 'a3', t), msg('alice', 'a4', t)])).toBe('full');
      expect(ids(await pending(store, 'bob'))).toEqual(['msg:alice:a1', 'msg:alice:a2']);
      expect(await store.queue.enqueue('bob', [msg('alice', 'a3', t)])).toBe('stored');
      expect(await store.queue.enqueue('bob', [msg('carol', 'c1', t)])).toBe('full');
      // The quota is per recipient, and receipts do not count against it.
      expect(await store.queue.enqueue('dave', [msg('alice', 'd1', t)])).toBe('stored');
      expect(await store.queue.enqueue('bob', [receipt('carol', 'r1', t)])).toBe('stored');
      // Acknowledging frees room.
      await store.queue.remove('bob', 'msg', 'alice', ['a1']);
      expect(await store.queue.enqueue('bob', [msg('carol', 'c1', t)])).toBe('stored');
    });

    it('refuses messages past the per-recipient byte quota and past one sender\'s share', async () => {
      const store = await c.open({ quotaBytes: 100 });
      const t = c.clock.now;
      expect(await store.queue.enqueue('bob', [msg('alice', 'a1', t, 'x'.repeat(60))])).toBe('stored');
      expect(await store.queue.enqueue('bob', [msg('alice', 'a2', t, 'x'.repeat(41))])).toBe('full');
      expect(await store.queue.enqueue('bob', [msg('alice', 'a2', t, 'x'.repeat(40))])).toBe('stored'); // exactly at the quota
      expect(await store.queue.enqueue('bob', [msg('alice', 'a3', t, 'x')])).toBe('full');
      expect(await store.queue.enqueue('carol', [msg('alice', 'c1', t, 'x'.repeat(100))])).toBe('stored');
      expect(await pending(store, 'bob')).toHaveLength(2);
      const shared = await c.open({ quotaMessages: 4, senderSharePercent: 50 });
      expect(await shared.queue.enqueue('erin', [msg('alice', 's1', t), msg('alice', 's2', t)])).toBe('stored');
      expect(await shared.queue.enqueue('erin', [msg('alice', 's3', t)])).toBe('full');
      expect(await shared.queue.enqueue('erin', [msg('carol', 's3', t)])).toBe('stored');
    });

    it('expires items after the TTL and frees their quota', async () => {
      const store = await c.open({ ttlMs: 1000, quotaMessages: 2 });
      await store.queue.enqueue('bob', [msg('alice', 'old1', c.clock.now), msg('alice', 'old2', c.clock.now)]);
      expect(await store.queue.enqueue('bob', [msg('alice', 'x', c.clock.now)])).toBe('full');
      c.clock.now += 500;
      await store.queue.enqueue('bob', [receipt('carol', 'r1', c.clock.now)]);
      c.clock.now += 499; // 999 ms after the first items
      expect(ids(await pending(store, 'bob'))).toEqual(['msg:alice:old1', 'msg:alice:old2', 'receipt:carol:r1']);
      c.clock.now += 1; // exactly the TTL: expired
      expect(ids(await pending(store, 'bob'))).toEqual(['receipt:carol:r1']);
      expect(await store.queue.enqueue('bob', [msg('alice', 'new1', c.clock.now)])).toBe('stored');
      expect(await store.sweepExpired(c.clock.now, 1000)).toBeGreaterThanOrEqual(2);
      expect(await store.sweepExpired(c.clock.now, 1000)).toBe(0);
      c.clock.now += 1000;
      expect(await pending(store, 'bob')).toEqual([]);
    });

    it("drops a disappearing message when its own end passes, before the queue's TTL, and sweeps it", async () => {
      const store = await c.open({ ttlMs: 60_000, quotaMessages: 10 });
      const t = c.clock.now;
      // Behind an ordinary message (the stream is then not in expiry order), and ahead of one.
      await store.queue.enqueue('bob', [msg('alice', 'long1', t)]);
      await store.queue.enqueue('bob', [{ ...msg('alice', 'brief', t), expiresAt: t + 1000 } as QueueItem]);
      // An end later than the queue's own TTL does not keep it longer.
      await store.queue.enqueue('bob', [{ ...msg('alice', 'capped', t), expiresAt: t + 10 * 60_000 } as QueueItem, msg('carol', 'long2', t)]);
      const all = await pending(store, 'bob');
      expect(ids(all)).toEqual(['msg:alice:long1', 'msg:alice:brief', 'msg:alice:capped', 'msg:carol:long2']);
      // A page never returns the store's own end.
      expect(all[1]).toEqual({ kind: 'msg', peer: 'alice', id: 'brief', env: 'env-brief', ts: t });
      c.clock.now = t + 999;
      expect(ids(await pending(store, 'bob'))).toContain('msg:alice:brief');
      c.clock.now = t + 1000;
      expect(ids(await pending(store, 'bob'))).toEqual(['msg:alice:long1', 'msg:alice:capped', 'msg:carol:long2']);
      // The sweep deletes it though the message ahead of it is still live.
      expect(await store.sweepExpired(c.clock.now, 1000)).toBe(1);
      expect(await store.sweepExpired(c.clock.now, 1000)).toBe(0);
      expect(ids(await pending(store, 'bob'))).toEqual(['msg:alice:long1', 'msg:alice:capped', 'msg:carol:long2']);
      c.clock.now = t + 60_000;
      expect(await pending(store, 'bob')).toEqual([]);
    });

    it.runIf(reopen)('keeps everything across a reopen of the same data', async () => {
      const first = await c.open();
      const t = c.clock.now;
      await first.accounts.create({ username: 'alice', identityKey: 'ka' });
      await first.accounts.create({ username: 'bob', identityKey: 'kb' });
      await first.accounts.create({ username: 'carol', identityKey: 'kc' });
      await first.contacts.add('alice', 'bob');
      await first.contacts.addRequest('carol', 'bob');
      await first.queue.enqueue('bob', [msg('alice', 'a1', t), msg('alice', 'a2', t), receipt('alice', 'z', t)]);
      await first.queue.remove('bob', 'msg', 'alice', ['a1']);
      await first.close();

      const second = await c.open();
      expect(await second.accounts.get('alice')).toEqual({ username: 'alice', identityKey: 'ka' });
      expect(await second.contacts.areContacts('bob', 'alice')).toBe(true);
      expect(await second.contacts.incomingRequests('bob')).toEqual(['carol']);
      expect(ids(await pending(second, 'bob'))).toEqual(['msg:alice:a2', 'receipt:alice:z']);
      // New items still sort after the old ones.
      await second.queue.enqueue('bob', [msg('alice', 'a3', t)]);
      expect(ids(await pending(second, 'bob'))).toEqual(['msg:alice:a2', 'receipt:alice:z', 'msg:alice:a3']);
    });
  });
}
