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
import type { Arg, RedisLink, RedisScript, ScriptRunner } from './redis-script';
import { enqueueScript, removeScript, sweepQueueScript } from './queue-scripts';
import type { RoomGauge } from './room-gauge';

export interface RedisQueueOptions extends QueueLimits {
  memory: RoomGauge;
  /** Told when the sweep index could not be written (the queue's entries are stored all the same). */
  onIndexError?: (err: unknown) => void;
}

/** About what an entry costs in Redis memory beyond its envelope (stream node, fields, the de-duplication entry), until the next reading. */
export const ENTRY_BYTES = 200;

type Entry = [id: string, fields: string[]];

/** One connection the queue writes through, with its script runner. */
export interface QueueLane {
  redis: RedisLink;
  scripts: ScriptRunner;
}

/**
 * Which lane a recipient's queue goes through (FNV-1a of the name): always the same one, so every
 * call on one queue from this node reaches Redis in the order it was made.
 */
function laneOf(recipient: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < recipient.length; i++) h = Math.imul(h ^ recipient.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

/**
 * The queue's calls go through several connections (lanes), a recipient's always through the same
 * one. Redis reads at most 16 KiB of one connection's calls per turn of its loop, and with
 * `appendfsync always` a turn ends with an fsync: on one connection, a node's writes would be
 * capped at 16 KiB per fsync however many were waiting.
 */
export class RedisQueue implements QueueStore {
  constructor(
    private readonly lanes: readonly QueueLane[],
    private readonly opts: RedisQueueOptions,
  ) {}

  #lane(recipient: string): QueueLane {
    return this.lanes[this.lanes.length === 1 ? 0 : laneOf(recipient, this.lanes.length)]!;
  }

  /** The first lane: what is not one recipient's (the sweep index) goes through it. */
  get #main(): RedisLink {
    return this.lanes[0]!.redis;
  }

  /**
   * The script is sent before anything is awaited, so calls reach Redis in the order they are
   * made, pipelined on one connection (ScriptRunner keeps that order across a NOSCRIPT).
   */
  async enqueue(recipient: string, items: QueueItem[]): Promise<EnqueueResult> {
    const [result] = await this.enqueueThrough<[EnqueueResult]>(enqueueScript, recipient, items, [], []);
    return result;
  }

  /** Makes `script` (built with enqueueLua) one this queue runs: call before {@link enqueueThrough}. */
  async prepare(script: RedisScript): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.scripts.add(script)));
  }

  /**
   * {@link enqueue} through `script`, a script built with enqueueLua around the same enqueue
   * (`extraKeys` after q and qi, `args` between the settings and the items): its whole reply, whose
   * first three are the enqueue's (result, bytes added, 1 if the stream was empty before).
   */
  async enqueueThrough<T extends unknown[]>(script: RedisScript, recipient: string, items: QueueItem[], extraKeys: string[], args: Arg[]): Promise<T> {
    const { opts } = this;
    const now = opts.now();
    const share = opts.senderSharePercent / 100;
    const all: Arg[] = [
      now,
      now + opts.ttlMs,
      opts.quotaMessages,
      opts.quotaBytes,
      Math.max(1, Math.floor(opts.quotaMessages * share)),
      Math.max(1, Math.floor(opts.quotaBytes * share)),
      opts.receiptsMax,
      opts.memory.room(),
      ENTRY_BYTES,
      ...args,
    ];
    const expires = now + opts.ttlMs;
    // Each entry's own end: a disappearing message's comes first when it is sooner (queue.ts messageItem).
    const ends = items.map((item) => (item.kind === 'msg' && item.expiresAt !== undefined ? Math.min(expires, item.expiresAt) : expires));
    items.forEach((item, i) => all.push(item.kind, item.peer, item.id, item.kind === 'msg' ? item.env : '', item.ts, ends[i]!));
    const lane = this.#lane(recipient);
    const reply = await lane.scripts.run<T>(script, [keys.queue(recipient), keys.queueIndex(recipient), ...extraKeys], all);
    if (reply[0] === 'stored') {
      opts.memory.add(reply[1] as number);
      // The sweep index may only ever name an expiry at or before the queue's earliest (LT). A
      // queue that had entries is indexed already, at or before them: only the first entry of an
      // empty one needs it (the sweep's reindex looks once more after emptying a queue). Not
      // awaited: the caller's answer must not wait for it, or answers would overtake each other.
      // On the first lane, where the sweep reads the index, so a sweep asked after this sees it.
      if (reply[2] === 1 || ends.some((end) => end < expires)) {
        this.#main.sendCommand(['ZADD', keys.queueSweep, 'LT', String(Math.min(...ends)), recipient]).catch((err: unknown) => opts.onIndexError?.(err));
      }
    }
    return reply;
  }

  /** The cursor is the stream entry id. */
  async page(recipient: string, after: string | undefined, limit: number): Promise<QueuedItem[]> {
    const now = this.opts.now();
    const page: QueuedItem[] = [];
    let from = after === undefined ? '-' : `(${after}`;
    // Expired entries not yet swept are skipped, so read on until the page is full or the stream ends.
    while (page.length < limit) {
      const want = limit - page.length;
      const batch = await this.#lane(recipient).redis.sendCommand<Entry[]>(['XRANGE', keys.queue(recipient), from, '+', 'COUNT', String(want)]);
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
    await this.#lane(recipient).scripts.run(removeScript, [keys.queue(recipient), keys.queueIndex(recipient)], [kind, peer, ...ids]);
  }

  async withdraw(recipient: string, sender: string, id: string): Promise<boolean> {
    const removed = await this.#lane(recipient).scripts.run<number>(removeScript, [keys.queue(recipient), keys.queueIndex(recipient)], ['msg', sender, id]);
    return removed > 0;
  }

  /** Deletes up to `limit` expired entries, recipient by recipient from the sweep index. */
  async sweepExpired(now: number, limit: number): Promise<number> {
    const due = await this.#main.sendCommand<string[]>(['ZRANGE', keys.queueSweep, '-inf', String(now), 'BYSCORE', 'LIMIT', '0', String(limit)]);
    let deleted = 0;
    for (const recipient of due) {
      if (deleted >= limit) break;
      const [n, head] = await this.#lane(recipient).scripts.run<[number, number]>(
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
    const lane = this.#lane(recipient).redis;
    if (head >= 0) {
      await lane.sendCommand(['ZADD', keys.queueSweep, String(head), recipient]);
      return;
    }
    await lane.sendCommand(['ZREM', keys.queueSweep, recipient]);
    const [first] = await lane.sendCommand<Entry[]>(['XRANGE', keys.queue(recipient), '-', '+', 'COUNT', '1']);
    if (first) await lane.sendCommand(['ZADD', keys.queueSweep, 'LT', first[1][9]!, recipient]);
  }
}

function toItem(cursor: string, f: string[]): QueuedItem {
  const [kind, peer, msgId, ts] = [f[1] as QueueItem['kind'], f[3]!, f[5]!, Number(f[7])];
  return kind === 'msg' ? { cursor, kind, peer, id: msgId, env: f[11]!, ts } : { cursor, kind, peer, id: msgId, ts };
}

/** The cursor of the entry appended as `seq` (its stream entry id, `<seq>-0`: queue-scripts.ts). */
export const seqCursor = (seq: number): string => `${seq}-0`;

/** The seq of a cursor of this queue (NaN for anything else). */
export const cursorSeq = (cursor: string): number => (cursor.endsWith('-0') ? Number(cursor.slice(0, -2)) : Number.NaN);
