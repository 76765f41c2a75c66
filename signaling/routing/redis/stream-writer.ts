/**
 * Writing what is owed to a user (a message, receipts) into their durable stream and telling the
 * node that holds them, in one script and one round trip: the store's enqueue (de-duplication,
 * quotas, budget: queue-scripts.ts) with the user's presence key read in the same slot, and, once
 * the entries are appended, a publish to the holder's inbox that carries them, so that node hands
 * them over without reading the stream back (stream-tail.ts). Nothing is published before the
 * entries are written, and with `appendfsync always` the reply (and so the sender's `stored`)
 * comes after the AOF holds them: the publish is only ever a shortcut to what the stream has.
 */
import type { EnqueueResult, QueueItem } from '../../store/queue';
import { ENQUEUE_ITEMS_AT, enqueueLua } from '../../store/redis/queue-scripts';
import type { RedisQueue } from '../../store/redis/redis-queue';
import { RedisScript } from '../../store/redis/redis-script';
import { inboxChannel } from './inbox';
import { presenceKey } from './presence';
import type { StreamEntry } from './stream-entry';

const NODE = ENQUEUE_ITEMS_AT;
/**
 * Read before the enqueue runs. `offline` refuses new messages for someone nobody holds unless
 * the sender may store them (a stored message is paced for the disk, one for someone online is not).
 */
const GATE = `
local holder = redis.call('GET', KEYS[3])
local function gate(fresh)
  if fresh > 0 and not holder and ARGV[${NODE + 1}] ~= '1' then return 'offline' end
  return nil
end`;

/** After the enqueue: the publish to the holder's node (not this one), and the reply. */
const TAIL = `
local node, user, result = ARGV[${NODE}], ARGV[${NODE + 2}], reply[1]
local receivers = 0
local function frame(t) local json = cjson.encode(t) return struct.pack('>I4', #json) .. json end
if holder and (result == 'stored' or result == 'duplicate') then
  local target = string.match(holder, '^(%S+)')
  if target == node then
    receivers = -1
  elseif #written > 0 then
    local items = {}
    for i, w in ipairs(written) do
      local it = w[2]
      items[i] = {w[1], it.kind, it.peer, it.id, it.ts, it.env}
    end
    receivers = redis.call('PUBLISH', '${inboxChannel('')}' .. target, frame({t = 'entries', user = user, items = items}))
  elseif result == 'duplicate' then
    -- The first copy's publish may have been lost with a node: have the holder read the stream.
    receivers = redis.call('PUBLISH', '${inboxChannel('')}' .. target, frame({t = 'poke', user = user}))
  end
end
local seqs, ats = {}, {}
for i, w in ipairs(written) do seqs[i] = w[1]; ats[i] = w[2].at end
return {result, reply[2], wasEmpty and 1 or 0, holder or '', receivers, seqs, ats}`;

/**
 * KEYS q, qi, p. ARGV the enqueue's settings, then this node, offline allowed (1/0), the user,
 * then the items. Returns {result, bytes added, stream was empty, holder, receivers (-1: the
 * holder is this node), seqs appended, the items' places (from 1)}.
 */
export const writeScript = new RedisScript('streamWrite', enqueueLua(NODE + 3, GATE, TAIL));

export interface Written {
  /** The enqueue's result, or `offline`: nobody holds the user and storing was not allowed (nothing written). */
  result: EnqueueResult | 'offline';
  /** The entries appended, in order (receipts over their cap are dropped, so not every item is one). */
  entries: StreamEntry[];
  /** The user's holder is this node (nothing was published): hand the entries over here. */
  here: boolean;
}

export class StreamWriter {
  constructor(
    private readonly queue: RedisQueue,
    private readonly node: string,
  ) {}

  /** Loads the script (the router does this before it takes connections). */
  load(): Promise<void> {
    return this.queue.prepare(writeScript);
  }

  /** Appends `items` to `user`'s stream and tells their node; `offlineOk`: store them even if nobody holds the user. */
  async write(user: string, items: QueueItem[], offlineOk: boolean): Promise<Written> {
    const [result, , , , receivers, seqs, ats] = await this.queue.enqueueThrough<[EnqueueResult | 'offline', number, number, string, number, number[], number[]]>(
      writeScript,
      user,
      items,
      [presenceKey(user)],
      [this.node, offlineOk ? '1' : '0', user],
    );
    const entries = (seqs ?? []).map((seq, i) => ({ seq, item: items[ats![i]! - 1]! }));
    return { result, entries, here: receivers === -1 };
  }
}
