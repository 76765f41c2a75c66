/**
 * The cluster's schedule store, in the same Redis as the queue (so the same durability: with
 * `appendfsync always` a reply means fsynced). Every key carries one hash tag, `{sched}`, so each
 * script touches one slot: the due index must span all users. Claiming is one script that moves
 * due entries a lease ahead and marks them claimed, so of several nodes exactly one gets each; a
 * node that dies holding a claim loses nothing, as the entry falls due again when the lease ends.
 */
import type { RedisLink, ScriptRunner } from '../store/redis/redis-script';
import { RedisScript } from '../store/redis/redis-script';
import type { HeldMessage, HoldResult, ScheduleStore } from './schedule-store';

/** Group messages add: per sender, group and epoch, how many are held (`e`), and each one's such field (`f`). */
const KEYS = ['{sched}:due', '{sched}:m', '{sched}:n', '{sched}:c', '{sched}:e', '{sched}:f'];

/**
 * KEYS: due, messages, counts, claimed, epoch counts, epoch fields. ARGV: member, message JSON,
 * at, max pending, sender, epoch field ('' for a 1:1 message), max per epoch.
 */
const HOLD = new RedisScript('schedule_hold', `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'duplicate' end
if tonumber(redis.call('HGET', KEYS[3], ARGV[5]) or '0') >= tonumber(ARGV[4]) then return 'full' end
if ARGV[6] ~= '' then
  if tonumber(redis.call('HGET', KEYS[5], ARGV[6]) or '0') >= tonumber(ARGV[7]) then return 'epoch_full' end
  redis.call('HINCRBY', KEYS[5], ARGV[6], 1)
  redis.call('HSET', KEYS[6], ARGV[1], ARGV[6])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HINCRBY', KEYS[3], ARGV[5], 1)
return 'held'`);

/** ARGV: now, limit, lease end. Returns the claimed messages' JSON. */
const CLAIM = new RedisScript('schedule_claim', `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, m in ipairs(due) do
  redis.call('ZADD', KEYS[1], ARGV[3], m)
  redis.call('SADD', KEYS[4], m)
  out[#out + 1] = redis.call('HGET', KEYS[2], m)
end
return out`);

/** ARGV: member, sender, mode (remove: any; cancel: unclaimed only). */
const REMOVE = new RedisScript('schedule_remove', `
if ARGV[3] == 'cancel' and redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 1 then return 0 end
if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
if redis.call('HINCRBY', KEYS[3], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[3], ARGV[2]) end
local field = redis.call('HGET', KEYS[6], ARGV[1])
if field then
  redis.call('HDEL', KEYS[6], ARGV[1])
  if redis.call('HINCRBY', KEYS[5], field, -1) <= 0 then redis.call('HDEL', KEYS[5], field) end
end
return 1`);

/** ARGV: member, now. */
const ADVANCE = new RedisScript('schedule_advance', `
if redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1`);

export const SCHEDULE_SCRIPTS = [HOLD, CLAIM, REMOVE, ADVANCE];

/** Usernames and ids never hold a space. */
const member = (sender: string, id: string) => `${sender} ${id}`;

export class RedisSchedule implements ScheduleStore {
  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: ScriptRunner,
  ) {}

  static async open(redis: RedisLink, scripts: ScriptRunner): Promise<RedisSchedule> {
    for (const s of SCHEDULE_SCRIPTS) await scripts.add(s);
    return new RedisSchedule(redis, scripts);
  }

  async hold(m: HeldMessage, maxPending: number, maxPerEpoch = Number.MAX_SAFE_INTEGER): Promise<HoldResult> {
    const json = JSON.stringify({ sender: m.sender, id: m.id, to: m.to, env: m.env, at: m.at, ...(m.epoch !== undefined ? { epoch: m.epoch } : {}), ...(m.ttl !== undefined ? { ttl: m.ttl } : {}) });
    const field = m.epoch === undefined ? '' : `${m.sender} ${m.to} ${m.epoch}`;
    return this.scripts.run<HoldResult>(HOLD, KEYS, [member(m.sender, m.id), json, m.at, maxPending, m.sender, field, Math.min(maxPerEpoch, Number.MAX_SAFE_INTEGER)]);
  }

  async claim(now: number, limit: number, leaseMs: number): Promise<HeldMessage[]> {
    const rows = await this.scripts.run<(string | null)[]>(CLAIM, KEYS, [now, limit, now + leaseMs]);
    return rows.filter((r): r is string => typeof r === 'string').map((r) => JSON.parse(r) as HeldMessage);
  }

  async remove(sender: string, id: string): Promise<void> {
    await this.scripts.run(REMOVE, KEYS, [member(sender, id), sender, 'remove']);
  }

  async cancel(sender: string, id: string): Promise<boolean> {
    return (await this.scripts.run<number>(REMOVE, KEYS, [member(sender, id), sender, 'cancel'])) === 1;
  }

  async advance(sender: string, id: string, now: number): Promise<boolean> {
    return (await this.scripts.run<number>(ADVANCE, KEYS, [member(sender, id), now])) === 1;
  }

  async nextDue(): Promise<number | undefined> {
    const r = await this.redis.sendCommand<unknown[]>(['ZRANGE', KEYS[0]!, '0', '0', 'WITHSCORES']);
    // RESP2 replies flat ([member, score]); RESP3 pairs them ([[member, score]]).
    const flat = r.flat();
    return flat.length === 2 ? Number(flat[1]) : undefined;
  }

  /** The store's connection is the Redis store's; it closes it. */
  async close(): Promise<void> {}
}
