/**
 * Messages for one recipient go to Redis in batches: while one write to their stream is in
 * flight, the next messages for them wait and then go together in one script call (one read and
 * one write of the counters, one presence read, one publish for the lot, where each message alone
 * costs all of them). A recipient with nothing in flight has their batch issued at the end of this
 * turn of the event loop (setImmediate), after every socket read of the turn, so frames that came
 * together share it. So batches grow with the load, as Nagle's algorithm does, and a lone message
 * waits at most one turn.
 *
 * One write per recipient at a time also keeps their messages in the order they came, across
 * what the batch's reply may ask for: the enqueue is all or nothing (queue-scripts.ts), so a batch
 * refused as a whole for a quota (`full`, `server_full`) is written again one message at a time
 * before anything after it, each then getting its own answer (one sender's share must not refuse
 * another sender's message, nor one message too many refuse those that fit).
 */
import type { EnqueueResult, QueueItem } from '../../store/queue';
import type { StreamEntry } from './stream-entry';
import type { Written } from './stream-writer';

export type MessageItem = Extract<QueueItem, { kind: 'msg' }>;

/** What a message's write came to: the enqueue's result for it, or `offline` (nobody holds the recipient; nothing written). */
export type ItemResult = EnqueueResult | 'offline';

/** Most messages in one script call, and most envelope bytes (one call holds Redis's one thread while it runs). */
export const BATCH_ITEMS = 64;
export const BATCH_BYTES = 256 * 1024;

/**
 * A message waiting for its write, with whose it is (`S`: the sender's connection). Told through
 * BatchDeps.done, not a promise: tens of thousands wait at once under load, and each promise and
 * closure would live as long, for the garbage collector to copy.
 */
interface Waiting<S> {
  item: MessageItem;
  offlineOk: boolean;
  sender: S;
}

interface Lane<S> {
  waiting: Waiting<S>[];
  busy: boolean;
}

export interface BatchDeps<S> {
  /** One write of `items` to `to`'s stream (StreamWriter.write). */
  write(to: string, items: MessageItem[], offlineOk: boolean): Promise<Written>;
  /** What a write appended (maybe nothing), when this node holds the recipient (ClusterDelivery.arrived). */
  landed(to: string, entries: StreamEntry[]): void;
  /** What came of one message's write: its result, or (result undefined) the error the write failed with. */
  done(to: string, item: MessageItem, offlineOk: boolean, sender: S, result: ItemResult | undefined, err?: unknown): void;
  /** A `done` or `landed` that threw: told here, and the rest of the batch and the lane go on. */
  fault(err: unknown): void;
}

export class WriteBatcher<S> {
  readonly #lanes = new Map<string, Lane<S>>();
  /** Recipients whose first batch waits for the end of this turn. */
  readonly #due = new Set<string>();
  #scheduled = false;

  constructor(private readonly deps: BatchDeps<S>) {}

  /** Writes `item` to `to`'s stream with the next batch; BatchDeps.done says what came of it. */
  write(to: string, item: MessageItem, offlineOk: boolean, sender: S): void {
    let lane = this.#lanes.get(to);
    if (!lane) {
      lane = { waiting: [], busy: false };
      this.#lanes.set(to, lane);
    }
    lane.waiting.push({ item, offlineOk, sender });
    if (!lane.busy && !this.#due.has(to)) {
      this.#due.add(to);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#issueDue);
      }
    }
  }

  /** How many recipients have messages waiting or in flight (for tests: 0 once all are answered). */
  get pending(): number {
    return this.#lanes.size;
  }

  readonly #issueDue = (): void => {
    this.#scheduled = false;
    const due = [...this.#due];
    this.#due.clear();
    for (const to of due) void this.#drain(to);
  };

  /** Writes `to`'s waiting messages, a batch at a time, until none wait. */
  async #drain(to: string): Promise<void> {
    const lane = this.#lanes.get(to)!;
    lane.busy = true;
    while (lane.waiting.length > 0) {
      const batch = take(lane.waiting);
      try {
        await this.#writeBatch(to, batch);
      } catch (err) {
        // Only the batch's own write throws, before anything of it was answered (answers never throw).
        for (const w of batch) this.#done(to, w, undefined, err);
      }
    }
    this.#lanes.delete(to);
  }

  async #writeBatch(to: string, batch: Waiting<S>[]): Promise<void> {
    const written = await this.deps.write(to, batch.map((w) => w.item), batch[0]!.offlineOk);
    const { result } = written;
    if ((result === 'full' || result === 'server_full') && batch.length > 1) {
      // Each alone, in order (issued together: one connection keeps their order), for its own answer.
      const alone = batch.map((w) => this.deps.write(to, [w.item], w.offlineOk));
      for (const [i, w] of batch.entries()) {
        try {
          const one = await alone[i]!;
          this.#landed(to, one);
          this.#done(to, w, one.result);
        } catch (err) {
          this.#done(to, w, undefined, err);
        }
      }
      return;
    }
    this.#landed(to, written);
    if (result !== 'stored') {
      for (const w of batch) this.#done(to, w, result);
      return;
    }
    // A stored batch may hold repeats of messages queued before: those were not appended again.
    const appended = written.entries.length === batch.length ? undefined : new Set(written.entries.map((e) => e.item));
    for (const w of batch) this.#done(to, w, !appended || appended.has(w.item) ? 'stored' : 'duplicate');
  }

  #done(to: string, w: Waiting<S>, result: ItemResult | undefined, err?: unknown): void {
    try {
      this.deps.done(to, w.item, w.offlineOk, w.sender, result, err);
    } catch (fault) {
      this.deps.fault(fault);
    }
  }

  /** Told even with no entries (a repeat here): the first copy's hand-over may have been lost, so the stream is read. */
  #landed(to: string, written: Written): void {
    try {
      if (written.here) this.deps.landed(to, written.entries);
    } catch (fault) {
      this.deps.fault(fault);
    }
  }
}

/** The next batch: the longest run from the front with one `offlineOk`, within the limits. */
function take<S>(waiting: Waiting<S>[]): Waiting<S>[] {
  const offlineOk = waiting[0]!.offlineOk;
  let n = 0;
  let bytes = 0;
  while (n < waiting.length && n < BATCH_ITEMS && waiting[n]!.offlineOk === offlineOk) {
    bytes += waiting[n]!.item.env.length;
    if (n > 0 && bytes > BATCH_BYTES) break;
    n++;
  }
  return waiting.splice(0, n);
}
