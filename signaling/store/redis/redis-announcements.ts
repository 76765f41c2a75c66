/**
 * Announcements on Redis (../announcements.ts). The announcements are shared by every user, so
 * their keys share one hash tag, `{ann}`: `ann:seq:{ann}` (the last id given), `ann:items:{ann}`
 * (a zset, id → the announcement's JSON, which holds its expiry). Adding is one script: the
 * next id, the entry, and the trim to the count and age bounds. A user's cursor is in their own
 * slot (`ac:{alice}`), moved by a script that never lets it go back; it is clamped to the newest
 * id read just before (two commands, as the two keys are in different slots).
 */
import type { Announcement, AnnouncementLimits, AnnouncementStore } from '../announcements';
import { type RedisLink, RedisScript, type ScriptRunner } from './redis-script';

export const announcementKeys = {
  seq: 'ann:seq:{ann}',
  items: 'ann:items:{ann}',
  cursor: (user: string) => `ac:{${user}}`,
} as const;

/** KEYS seq, items. ARGV text, now, expires, keep. The new id. */
export const addAnnouncementScript = new RedisScript(
  'announcementAdd',
  `
local id = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], id, cjson.encode({id = id, text = ARGV[1], ts = tonumber(ARGV[2]), x = tonumber(ARGV[3])}))
local n = redis.call('ZCARD', KEYS[2])
local keep = tonumber(ARGV[4])
if n > keep then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - keep - 1) end
return id
`,
);

/** KEYS cursor. ARGV id. The cursor moves up to id, never back; the cursor after. */
export const ackAnnouncementScript = new RedisScript(
  'announcementAck',
  `
local at = tonumber(redis.call('GET', KEYS[1]) or '0')
local to = tonumber(ARGV[1])
if to > at then redis.call('SET', KEYS[1], to); at = to end
return at
`,
);

export const ANNOUNCEMENT_SCRIPTS = [addAnnouncementScript, ackAnnouncementScript];

interface Stored {
  id: number;
  text: string;
  ts: number;
  x: number;
}

export class RedisAnnouncements implements AnnouncementStore {
  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: ScriptRunner,
    private readonly limits: AnnouncementLimits & { now: () => number },
  ) {}

  async add(text: string): Promise<Announcement> {
    const now = this.limits.now();
    const k = announcementKeys;
    const id = Number(await this.scripts.run<number>(addAnnouncementScript, [k.seq, k.items], [text, now, now + this.limits.ttlMs, this.limits.maxKept]));
    return { id, text, ts: now };
  }

  async pendingFor(user: string): Promise<Announcement[]> {
    const cursor = Number((await this.redis.sendCommand<string | null>(['GET', announcementKeys.cursor(user)])) ?? 0);
    const raw = await this.redis.sendCommand<string[]>(['ZRANGEBYSCORE', announcementKeys.items, `(${cursor}`, '+inf']);
    const now = this.limits.now();
    return raw
      .map((json) => JSON.parse(json) as Stored)
      .filter((a) => a.x > now)
      .map(({ id, text, ts }) => ({ id, text, ts }));
  }

  async ack(user: string, id: number): Promise<number> {
    const newest = Number((await this.redis.sendCommand<string | null>(['GET', announcementKeys.seq])) ?? 0);
    if (newest === 0) return Number((await this.redis.sendCommand<string | null>(['GET', announcementKeys.cursor(user)])) ?? 0);
    return Number(await this.scripts.run<number>(ackAnnouncementScript, [announcementKeys.cursor(user)], [Math.min(id, newest)]));
  }
}
