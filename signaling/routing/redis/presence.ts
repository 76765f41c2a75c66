/**
 * Presence in cluster mode: `p:{alice}` names the node and connection holding alice's live
 * socket (`<node> <session> <welcomed 0|1>`), expiring unless that node refreshes it, so a dead
 * node's users vanish within the TTL. Claiming is `SET … GET`: the value it replaces names the
 * connection to close. Releasing and refreshing compare the holder first, so a node never
 * deletes or extends a key another node's login has taken. `send` reads the key and publishes
 * to the holder's inbox in one script (one round trip, and no publish to a node that let go).
 */
import { type RedisLink, RedisScript, ScriptRunner } from '../../store/redis/redis-script';
import { inboxChannel } from './inbox';

/** The presence key of `user` (hash-tagged like the store's keys: the user's slot). */
export const presenceKey = (user: string): string => `p:{${user}}`;

export interface Holder {
  node: string;
  session: number;
  welcomed: boolean;
}

/** Parses a presence value; undefined when there is none (or it is not one). */
export function parseHolder(value: string | null | undefined): Holder | undefined {
  const m = value ? /^(\S+) (\d+) ([01])$/.exec(value) : null;
  return m ? { node: m[1]!, session: Number(m[2]), welcomed: m[3] === '1' } : undefined;
}

/** KEYS p. ARGV holder prefix (`<node> <session> `). Deletes the key if it still names that connection; 1 if it did. */
const releaseScript = new RedisScript(
  'presenceRelease',
  `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`,
);

/**
 * KEYS p. ARGV prefix, value, ttl ms. Sets the value again (and its expiry) if the key names
 * that connection or has expired; 0 if another connection holds it.
 */
const refreshScript = new RedisScript(
  'presenceRefresh',
  `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`,
);

/**
 * KEYS p. ARGV this node, message. Publishes the message to the holder's inbox unless the holder
 * is this node. Returns {value or '', receivers (-1: the holder is this node)}.
 */
const sendScript = new RedisScript(
  'presenceSend',
  `local v = redis.call('GET', KEYS[1])
if not v then return {'', 0} end
local node = string.match(v, '^(%S+)')
if node == ARGV[1] then return {v, -1} end
return {v, redis.call('PUBLISH', '${inboxChannel('')}' .. node, ARGV[2])}`,
);

export const PRESENCE_SCRIPTS = [releaseScript, refreshScript, sendScript];

export class Presence {
  readonly #scripts: ScriptRunner;

  constructor(
    private readonly redis: RedisLink,
    readonly node: string,
    /** How long a key lives unless refreshed: how long a dead node's users still look online. */
    private readonly ttlMs: number,
  ) {
    this.#scripts = new ScriptRunner(redis, PRESENCE_SCRIPTS);
  }

  load(): Promise<void> {
    return this.#scripts.load();
  }

  #prefix(session: number): string {
    return `${this.node} ${session} `;
  }

  #value(session: number, welcomed: boolean): string {
    return `${this.#prefix(session)}${welcomed ? 1 : 0}`;
  }

  /** Makes connection `session` of this node `user`'s holder; resolves with the holder it replaced. */
  async claim(user: string, session: number): Promise<Holder | undefined> {
    const before = await this.redis.sendCommand<string | null>(['SET', presenceKey(user), this.#value(session, false), 'GET', 'PX', String(this.ttlMs)]);
    return parseHolder(before);
  }

  /** Extends (or sets again, after an expiry) the key of a connection that still holds `user`; false if another holds it. */
  async refresh(user: string, session: number, welcomed: boolean): Promise<boolean> {
    const held = await this.#scripts.run<number>(refreshScript, [presenceKey(user)], [this.#prefix(session), this.#value(session, welcomed), this.ttlMs]);
    return held === 1;
  }

  /** Deletes `user`'s key if connection `session` of this node still holds it; true if it did. */
  async release(user: string, session: number): Promise<boolean> {
    return (await this.#scripts.run<number>(releaseScript, [presenceKey(user)], [this.#prefix(session)])) === 1;
  }

  /** Deletes `user`'s key if it still names connection `session` of `node`; true if it did (or if there is no key). */
  async releaseFor(user: string, node: string, session: number): Promise<boolean> {
    return (await this.#scripts.run<number>(releaseScript, [presenceKey(user)], [`${node} ${session} `])) === 1;
  }

  /** The holders of `users`, in order (undefined: offline). */
  async holders(users: readonly string[]): Promise<(Holder | undefined)[]> {
    if (users.length === 0) return [];
    const values = await this.redis.sendCommand<(string | null)[]>(['MGET', ...users.map(presenceKey)]);
    return values.map(parseHolder);
  }

  /**
   * Publishes `message` to the inbox of `user`'s holder. `here`: this node holds them;
   * `none`: nobody does, or the holder's node is not listening (dead); `sent`: a node heard it.
   */
  async send(user: string, message: Buffer): Promise<{ to: 'here' | 'none' | 'sent'; holder: Holder | undefined }> {
    const [value, receivers] = await this.#scripts.run<[string, number]>(sendScript, [presenceKey(user)], [this.node, message]);
    const holder = parseHolder(value);
    if (!holder) return { to: 'none', holder };
    return { to: receivers < 0 ? 'here' : receivers === 0 ? 'none' : 'sent', holder };
  }
}
