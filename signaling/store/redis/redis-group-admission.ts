/**
 * Who may come into a group on Redis (see ../groups.ts): pending join requests, approvals and
 * bans, in the group's slot (`grq:`, `gb:`; redis-group-keys.ts). Kept apart from redis-groups.ts
 * because none of it touches the log or the epoch, as on SQLite (sqlite-group-admission.ts).
 */
import type { GroupStoreLimits, JoinRequestResult } from '../groups';
import { addRequestScript, decideScript } from './group-scripts';
import { groupKeys as k } from './redis-group-keys';
import type { ScriptRunner } from './redis-script';

/** A hash reply as pairs: HGETALL comes as an object from node-redis, HSCAN and stream fields as flat arrays. */
export function pairs(flat: string[] | Record<string, string>): [string, string][] {
  if (!Array.isArray(flat)) return Object.entries(flat);
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

export class RedisGroupAdmission {
  constructor(
    private readonly cmd: <T>(args: string[]) => Promise<T>,
    private readonly scripts: ScriptRunner,
    private readonly opts: Pick<GroupStoreLimits, 'requestsMax' | 'requestTtlMs' | 'now'>,
  ) {}

  async addRequest(id: string, user: string): Promise<JoinRequestResult> {
    return this.scripts.run<JoinRequestResult>(addRequestScript, [k.requests(id)], [user, this.opts.now(), this.opts.requestsMax, this.opts.now() - this.opts.requestTtlMs]);
  }

  async requests(id: string): Promise<string[]> {
    return this.#requestsWhere(id, false);
  }

  async approvals(id: string): Promise<string[]> {
    return this.#requestsWhere(id, true);
  }

  async #requestsWhere(id: string, approved: boolean): Promise<string[]> {
    return pairs(await this.cmd<Record<string, string>>(['HGETALL', k.requests(id)]))
      .map(([user, json]) => ({ user, ...(JSON.parse(json) as { ts: number; approved: boolean }) }))
      .filter((r) => r.approved === approved)
      .sort((a, b) => a.ts - b.ts || (a.user < b.user ? -1 : 1))
      .map((r) => r.user);
  }

  async decide(id: string, user: string, accept: boolean): Promise<boolean> {
    return (await this.scripts.run<number>(decideScript, [k.requests(id)], [user, accept ? '1' : '0'])) === 1;
  }

  async isApproved(id: string, user: string): Promise<boolean> {
    const raw = await this.cmd<string | null>(['HGET', k.requests(id), user]);
    return raw !== null && (JSON.parse(raw) as { approved: boolean }).approved;
  }

  async ban(id: string, user: string): Promise<void> {
    await this.cmd(['HSET', k.bans(id), user, String(this.opts.now())]);
    await this.cmd(['HDEL', k.requests(id), user]);
  }

  async unban(id: string, user: string): Promise<void> {
    await this.cmd(['HDEL', k.bans(id), user]);
  }

  async isBanned(id: string, user: string): Promise<boolean> {
    return (await this.cmd<number>(['HEXISTS', k.bans(id), user])) === 1;
  }

  async bans(id: string): Promise<string[]> {
    return pairs(await this.cmd<Record<string, string>>(['HGETALL', k.bans(id)]))
      .sort((a, b) => Number(a[1]) - Number(b[1]) || (a[0] < b[0] ? -1 : 1))
      .map(([user]) => user);
  }
}
