/**
 * Which nodes are alive, and who a dead node held. A presence key expires silently, so a node
 * that dies could never tell its users' contacts they went away: instead every node beats (a
 * liveness key `n:<node>` with the presence TTL, and its name in `nodes`) and records the users
 * it holds (`nu:<node>`). On each beat a node looks for nodes whose liveness key is gone and
 * takes their users over one at a time (SPOP: each is taken by exactly one survivor): a user
 * whose presence key still names the dead node, or has expired, went away, and their contacts
 * are told; one who logged in elsewhere meanwhile is left alone.
 */
import type { RedisLink } from '../../store/redis/redis-script';
import { type Presence, parseHolder, presenceKey } from './presence';

const NODES = 'nodes';
const nodeKey = (node: string) => `n:${node}`;
const usersKey = (node: string) => `nu:${node}`;
/** Users taken over from a dead node per SPOP. */
const TAKE_BATCH = 100;

/** Called for each user of a dead node who went away with it: their contacts are told. */
export type WentAway = (user: string) => Promise<void>;

export class NodeRegistry {
  constructor(
    private readonly redis: RedisLink,
    private readonly presence: Presence,
    readonly node: string,
    private readonly ttlMs: number,
  ) {}

  /** This node is alive for another TTL. */
  async beat(): Promise<void> {
    await Promise.all([
      this.redis.sendCommand(['SET', nodeKey(this.node), '1', 'PX', String(this.ttlMs)]),
      this.redis.sendCommand(['SADD', NODES, this.node]),
    ]);
  }

  /** This node holds `user` now (or no longer). */
  async hold(user: string, held: boolean): Promise<void> {
    await this.redis.sendCommand([held ? 'SADD' : 'SREM', usersKey(this.node), user]);
  }

  /** At start: users a previous run under this node's name still held went away with it. */
  async recover(wentAway: WentAway): Promise<void> {
    await this.#takeOver(this.node, wentAway);
  }

  /** Takes over the users of every dead node; resolves when done. */
  async reapDead(wentAway: WentAway): Promise<void> {
    const nodes = await this.redis.sendCommand<string[]>(['SMEMBERS', NODES]);
    for (const node of nodes) {
      if (node === this.node) continue;
      if ((await this.redis.sendCommand<number>(['EXISTS', nodeKey(node)])) === 1) continue;
      await this.#takeOver(node, wentAway);
    }
  }

  async #takeOver(node: string, wentAway: WentAway): Promise<void> {
    for (;;) {
      const users = await this.redis.sendCommand<string[]>(['SPOP', usersKey(node), String(TAKE_BATCH)]);
      if (users.length === 0) break;
      const values = await this.redis.sendCommand<(string | null)[]>(['MGET', ...users.map(presenceKey)]);
      for (const [i, user] of users.entries()) {
        const holder = parseHolder(values[i]);
        if (holder && holder.node !== node) continue; // logged in elsewhere meanwhile
        if (holder && !(await this.presence.releaseFor(user, node, holder.session))) continue;
        await wentAway(user);
      }
    }
    // A node that comes back under the same name beats again and is back in the set.
    await this.redis.sendCommand(['SREM', NODES, node]);
  }
}
