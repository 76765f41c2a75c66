/**
 * The offline queue on Redis: one stream per recipient (`q:{bob}`), written by one script per
 * enqueue that de-duplicates, checks the recipient's quota, the sender's share, the receipts cap
 * and the memory budget, and appends, all or nothing (queue-scripts.ts). Entries leave the stream
 * only on the recipient's ack (`remove`) or by the sweep once expired. With `appendfsync always`
 * the script's reply comes after the AOF is fsynced: `stored` means on disk.
 */
import type { QueueLimits } from '../limits';
import type { EnqueueResult, QueueItem, QueueStore, QueuedItem } from '../queue';
import { keys } from './redis-keys';
import type { RedisLink, ScriptRunner } from './redis-script';
import { enqueueScript, removeScript, sweepQueueScript } from './queue-scripts';
import type { RoomGauge } from './room-gauge';

export interface RedisQueueOptions extends QueueLimits {
  memory: RoomGauge;
}

/** About what an entry costs in Redis memory beyond its envelope (stream node, fields, the de-duplication entry), until the next reading. */
export const ENTRY_BYTES = 200;

type Entry = [id: string, fields: string[]];

export class RedisQueue implements QueueStore {
  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: ScriptRunner,
    private readonly opts: RedisQueueOptions,
  ) {}

  /**
   * The script is sent before anything is awaited, so calls reach Redis in the order they are
   * made, pipelined on one connection (ScriptRunner keeps that order across a NOSCRIPT).
   */
  async enqueue(recipient: string, items: QueueItem[]): Promise<EnqueueResult> {
    const { opts } = this;
    const now = opts.now();
    const share = opts.senderSharePercent / 100;
    const args: (string | number)[] = [
      now,
      now + opts.ttlMs,
      opts.quotaMessages,
      opts.quotaBytes,
      Math.max(1, Math.floor(opts.quotaMessages * share)),
      Math.max(1, Math.floor(opts.quotaBytes * share)),
      opts.receiptsMax,
      opts.memory.room(),
      ENTRY_BYTES,
    ];
    for (const item of items) args.push(item.kind, item.peer, item.id, item.kind === 'msg' ? item.env : '', item.ts);
    const [result, added] = await this.scripts.run<[EnqueueResult, number]>(
      enqueueScript,
      [keys.queue(recipient), keys.queueIndex(recipient)],
      args,
    );
    if (result === 'stored') {
      opts.memory.add(added);
      // The sweep index may only ever name an expiry at or before the queue's earliest (LT).
      await this.redis.sendCommand(['ZADD', keys.queueSweep, 'LT', String(now + opts.ttlMs), recipient]);
    }
    return result;
  }

  /** The cursor is the stream entry id. */
  async page(recipient: string, after: string | undefined, limit: number): Promise<QueuedItem[]> {
    const now = this.opts.now();
    const page: QueuedItem[] = [];
    let from = after === undefined ? '-' : `(${after}`;
    // Expired entries not yet swept are skipped, so read on until the page is full or the stream ends.
    while (page.length < limit) {
      const want = limit - page.length;
      const batch = await this.redis.sendCommand<Entry[]>(['XRANGE', keys.queue(recipient), from, '+', 'COUNT', String(want)]);
      for (const [id, f] of batch) {
        if (Number(f[9]) > now) page.push(toItem(id, f));
      }
      if (batch.length < want) break;
      from = `(${batch[batch.length - 1]![0]}`;
    }
    return page;
  }

  async remove(recipient: string, kind: QueueItem['kind'], peer: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.scripts.run(removeScript, [keys.queue(recipient), keys.queueIndex(recipient)], [kind, peer, ...ids]);
  }

  async withdraw(recipient: string, sender: string, id: string): Promise<boolean> {
    const removed = await this.scripts.run<number>(removeScript, [keys.queue(recipient), keys.queueIndex(recipient)], ['msg', sender, id]);
    return removed > 0;
  }

  /** Deletes up to `limit` expired entries, recipient by recipient from the sweep index. */
  async sweepExpired(now: number, limit: number): Promise<number> {
    const due = await this.redis.sendCommand<string[]>(['ZRANGE', keys.queueSweep, '-inf', String(now), 'BYSCORE', 'LIMIT', '0', String(limit)]);
    let deleted = 0;
    for (const recipient of due) {
      if (deleted >= limit) break;
      const [n, head] = await this.scripts.run<[number, number]>(
        sweepQueueScript,
        [keys.queue(recipient), keys.queueIndex(recipient)],
        [now, limit - deleted],
      );
      deleted += n;
      await this.#reindex(recipient, head);
    }
    return deleted;
  }

  /**
   * Points the sweep index at the queue's new head. An empty queue leaves the index, then is
   * looked at once more: an enqueue that slipped in between adds itself back after its script,
   * so whichever order the two land in, a queue with entries stays indexed.
   */
  async #reindex(recipient: string, head: number): Promise<void> {
    if (head >= 0) {
      await this.redis.sendCommand(['ZADD', keys.queueSweep, String(head), recipient]);
      return;
    }
    await this.redis.sendCommand(['ZREM', keys.queueSweep, recipient]);
    const [first] = await this.redis.sendCommand<Entry[]>(['XRANGE', keys.queue(recipient), '-', '+', 'COUNT', '1']);
    if (first) await this.redis.sendCommand(['ZADD', keys.queueSweep, 'LT', first[1][9]!, recipient]);
  }
}

function toItem(cursor: string, f: string[]): QueuedItem {
  const [kind, peer, msgId, ts] = [f[1] as QueueItem['kind'], f[3]!, f[5]!, Number(f[7])];
  return kind === 'msg' ? { cursor, kind, peer, id: msgId, env: f[11]!, ts } : { cursor, kind, peer, id: msgId, ts };
}
