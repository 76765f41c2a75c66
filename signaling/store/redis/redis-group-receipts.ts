/**
 * Group receipts on Redis (../group-receipts.ts). The read cursor and the seq that added a member
 * are fields of the member's JSON in `gm:` (the other member scripts decode and re-encode it
 * whole, so they keep them; an add writes a fresh row, so a member added again starts over). The
 * message index is `gmi:` (id → `<seq> <author>`) with `gms:` (ids by seq) to trim it to the
 * log's count bound. Each write is one script in the group's slot.
 */
import type { GroupReceiptStore, MemberPosition } from '../group-receipts';
import { groupKeys as k } from './redis-group-keys';
import { type RedisLink, RedisScript, type ScriptRunner } from './redis-script';

/** KEYS gmi, gms. ARGV id, seq, author, keep-above. The first write of an id wins; ids at or below keep-above go. */
export const noteMessageScript = new RedisScript(
  'groupNoteMessage',
  `
local gmi, gms = KEYS[1], KEYS[2]
if redis.call('HSETNX', gmi, ARGV[1], ARGV[2] .. ' ' .. ARGV[3]) == 1 then redis.call('ZADD', gms, ARGV[2], ARGV[1]) end
local old = redis.call('ZRANGEBYSCORE', gms, '-inf', ARGV[4], 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('HDEL', gmi, unpack(old))
  redis.call('ZREM', gms, unpack(old))
end
return 0
`,
);

/** KEYS g, gm. ARGV user, seq. The read cursor moves to min(seq, the group's seq), never back; the cursor after, or false. */
export const markReadScript = new RedisScript(
  'groupMarkRead',
  `
local g, gm = KEYS[1], KEYS[2]
local seq = redis.call('HGET', g, 'seq')
local raw = redis.call('HGET', gm, ARGV[1])
if not seq or not raw then return false end
local m = cjson.decode(raw)
if not m.active then return false end
local to = math.min(tonumber(ARGV[2]), tonumber(seq))
if to > (m.read or 0) then m.read = to; redis.call('HSET', gm, ARGV[1], cjson.encode(m)) end
return m.read or 0
`,
);

export const RECEIPT_SCRIPTS = [noteMessageScript, markReadScript];

interface StoredPosition {
  leaf: number;
  cursor: number;
  joined?: number;
  read?: number;
  active: boolean;
}

export class RedisGroupReceipts implements GroupReceiptStore {
  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: ScriptRunner,
    /** The log's count bound: the index keeps no more per group. */
    private readonly maxEntries: number,
  ) {}

  async noteMessage(group: string, id: string, seq: number, from: string): Promise<void> {
    await this.scripts.run(noteMessageScript, [k.messages(group), k.messageSeqs(group)], [id, seq, from, seq - this.maxEntries]);
  }

  async message(group: string, id: string): Promise<{ seq: number; from: string } | undefined> {
    const raw = await this.redis.sendCommand<string | null>(['HGET', k.messages(group), id]);
    if (raw === null) return undefined;
    const [seq, from] = raw.split(' ');
    return { seq: Number(seq), from: from! };
  }

  async markRead(group: string, user: string, seq: number): Promise<number | undefined> {
    const after = await this.scripts.run<number | null>(markReadScript, [k.group(group), k.members(group)], [user, seq]);
    return after === null ? undefined : Number(after);
  }

  async positions(group: string): Promise<MemberPosition[]> {
    const flat = await this.redis.sendCommand<Record<string, string> | string[]>(['HGETALL', k.members(group)]);
    const entries: [string, string][] = Array.isArray(flat) ? Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]) : Object.entries(flat);
    return entries
      .map(([user, json]) => ({ user, m: JSON.parse(json) as StoredPosition }))
      .filter(({ m }) => m.active)
      .sort((a, b) => a.m.leaf - b.m.leaf)
      .map(({ user, m }) => ({ user, joined: m.joined ?? 0, cursor: m.cursor, read: m.read ?? 0 }));
  }
}
