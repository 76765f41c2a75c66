/**
 * Groups on Redis (see ../groups.ts and group-scripts.ts). A group's keys share its hash tag,
 * so its commit (epoch check, membership, log entry) is one script in one slot. Two indexes live
 * elsewhere and are written after the group's script, with single-key commands: a user's groups
 * (`ug:{user}`, for the list at login and the per-user bound) and the directory of listed groups
 * (`gdir`). A crash between the two leaves an index behind the group by one change; README.md says so.
 */
import type { GroupSettings } from '../../../shared/protocol-groups';
import type {
  CommitChange,
  CommitResult,
  GroupCard,
  GroupCreateResult,
  GroupRecord,
  GroupRole,
  GroupStore,
  GroupStoreLimits,
  JoinRequestResult,
  LogEntry,
  MemberRecord,
  Membership,
  NewGroup,
} from '../groups';
import {
  ackScript,
  addKeyPackagesScript,
  appendScript,
  claimKeyPackageScript,
  commitScript,
  createGroupScript,
  patchMemberScript,
  trimOldScript,
} from './group-scripts';
import { sharesChatGroup } from './redis-chat-reach';
import { RedisGroupEnds } from './redis-group-ends';
import { groupKeys as k } from './redis-group-keys';
import type { RedisLink, ScriptRunner } from './redis-script';
import { RedisGroupReceipts } from './redis-group-receipts';
import { RedisGroupAdmission, pairs } from './redis-group-admission';

type StoredMember = Omit<MemberRecord, 'user'>;

/** A member's JSON without the fields only receipts read (redis-group-receipts.ts). */
function storedMember(json: string): StoredMember {
  const { joined: _joined, read: _read, ...m } = JSON.parse(json) as StoredMember & { joined?: number; read?: number };
  return m;
}

/** A glob pattern that matches `text` literally inside a field (HSCAN MATCH). */
const globContains = (text: string) => `*${text.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*\n*`;

/** Most HSCAN steps (of about 500 directory fields each) one search takes. */
const SEARCH_STEPS = 20;

export class RedisGroups implements GroupStore {
  readonly receipts: RedisGroupReceipts;
  readonly #ends: RedisGroupEnds;
  readonly #admission: RedisGroupAdmission;

  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: ScriptRunner,
    private readonly opts: GroupStoreLimits,
  ) {
    this.receipts = new RedisGroupReceipts(redis, scripts, opts.logMaxEntries);
    this.#ends = new RedisGroupEnds((args) => this.#cmd(args), scripts, opts.now);
    this.#admission = new RedisGroupAdmission((args) => this.#cmd(args), scripts, opts);
  }

  #cmd<T>(args: string[]): Promise<T> {
    return this.redis.sendCommand<T>(args);
  }

  #cutoff(): number {
    return this.opts.now() - this.opts.logTtlMs;
  }

  async create(g: NewGroup): Promise<GroupCreateResult> {
    if ((await this.#cmd<number>(['ZCARD', k.userGroups(g.owner)])) >= this.opts.maxGroupsPerUser) return 'too_many_groups';
    const flag = (b: boolean) => (b ? '1' : '0');
    const result = await this.scripts.run<string>(createGroupScript, [k.group(g.id), k.members(g.id), k.log(g.id)], [
      g.owner, flag(g.listed), g.name, g.topic, g.joinPolicy, flag(g.onlyAdminsSend), flag(g.memberChats),
      this.opts.now(), this.opts.logMaxEntries, this.#cutoff(),
    ]);
    if (result !== 'created') return 'exists';
    await this.#cmd(['ZADD', k.userGroups(g.owner), '0', g.id]);
    await this.#swept(g.id, this.opts.now());
    if (g.listed) await this.#cmd(['HSET', k.directory, k.directoryField(g.name, g.id), g.id]);
    return 'created';
  }

  async get(id: string): Promise<GroupRecord | undefined> {
    const f = await this.#cmd<(string | null)[]>(['HMGET', k.group(id), 'epoch', 'owner', 'seq', 'listed', 'name', 'topic', 'joinPolicy', 'onlyAdminsSend', 'memberChats', 'lapsedBelow']);
    if (f[0] === null || f[0] === undefined) return undefined;
    const members = (await this.#rows(id)).filter(([, m]) => m.active).length;
    return {
      id,
      epoch: Number(f[0]),
      owner: f[1]!,
      seq: Number(f[2]),
      listed: f[3] === '1',
      name: f[4] ?? '',
      topic: f[5] ?? '',
      joinPolicy: f[6] === 'closed' ? 'closed' : 'approval',
      onlyAdminsSend: f[7] === '1',
      memberChats: f[8] === '1',
      lapsedBelow: Number(f[9] ?? 0),
      members,
    };
  }

  async #rows(id: string): Promise<[string, StoredMember][]> {
    return pairs(await this.#cmd<Record<string, string>>(['HGETALL', k.members(id)])).map(([user, json]) => [user, storedMember(json)]);
  }

  async member(id: string, user: string): Promise<MemberRecord | undefined> {
    const raw = await this.#cmd<string | null>(['HGET', k.members(id), user]);
    return raw === null ? undefined : { user, ...storedMember(raw) };
  }

  async members(id: string): Promise<MemberRecord[]> {
    return (await this.#rows(id)).map(([user, m]) => ({ user, ...m })).sort((a, b) => a.leaf - b.leaf);
  }

  sharesChatGroup(a: string, b: string): Promise<boolean> {
    return sharesChatGroup((args) => this.#cmd(args), a, b);
  }

  async groupsOf(user: string, after: string | undefined, limit: number): Promise<Membership[]> {
    const ids = await this.#cmd<string[]>(['ZRANGE', k.userGroups(user), after === undefined ? '-' : `(${after}`, '+', 'BYLEX', 'LIMIT', '0', String(limit)]);
    const rows = await Promise.all(ids.map((g) => this.member(g, user)));
    return ids.flatMap((group, i) => {
      const m = rows[i];
      return m?.active ? [{ group, role: m.role, cursor: m.cursor }] : [];
    });
  }

  async search(q: string, limit: number): Promise<GroupCard[]> {
    const found = new Set<string>();
    let cursor = '0';
    // The directory is scanned in steps, each bounded work for Redis, and at most SEARCH_STEPS of
    // them: a query that matches little does not walk a large directory whole (review M6); only
    // the first `limit` found are read.
    let steps = 0;
    do {
      const [next, flat] = await this.#cmd<[string, string[]]>(['HSCAN', k.directory, cursor, 'MATCH', globContains(q.toLowerCase()), 'COUNT', '500']);
      for (const [, id] of pairs(flat)) found.add(id);
      cursor = next;
    } while (cursor !== '0' && found.size < limit && ++steps < SEARCH_STEPS);
    const groups = await Promise.all([...found].slice(0, limit).map((id) => this.get(id)));
    return groups
      .filter((g): g is GroupRecord => g !== undefined && g.listed)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, limit)
      .map((g) => ({ group: g.id, name: g.name, topic: g.topic, members: g.members }));
  }

  async update(id: string, patch: Partial<GroupSettings>): Promise<void> {
    const before = await this.get(id);
    if (!before) return;
    const fields: string[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      fields.push(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
    }
    if (fields.length === 0) return;
    await this.#cmd(['HSET', k.group(id), ...fields]);
    const after = { ...before, ...patch };
    await this.#cmd(['HDEL', k.directory, k.directoryField(before.name, id)]);
    if (after.listed) await this.#cmd(['HSET', k.directory, k.directoryField(after.name, id), id]);
  }

  #patch(id: string, user: string, field: keyof StoredMember, value: unknown): Promise<unknown> {
    return this.scripts.run(patchMemberScript, [k.members(id), k.welcomes(id)], [user, field, JSON.stringify(value)]);
  }

  async setMute(id: string, user: string, until: number | null): Promise<void> {
    await this.#patch(id, user, 'mutedUntil', until);
  }

  async deactivate(id: string, user: string): Promise<void> {
    await this.#patch(id, user, 'active', false);
    // After the patch: an ack then scans again (the lowest active cursor may have risen).
    await this.#cmd(['HDEL', k.group(id), 'ackTrim']);
    await this.#cmd(['ZREM', k.userGroups(user), id]);
  }

  async delete(id: string): Promise<void> {
    const before = await this.get(id);
    const users = await this.#cmd<string[]>(['HKEYS', k.members(id)]);
    await this.#cmd(['DEL', k.group(id), k.members(id), k.log(id), k.requests(id), k.bans(id), k.welcomes(id), k.messages(id), k.messageSeqs(id)]);
    for (const user of users) await this.#cmd(['ZREM', k.userGroups(user), id]);
    if (before) await this.#cmd(['HDEL', k.directory, k.directoryField(before.name, id)]);
    await this.#cmd(['ZREM', k.sweep, id]);
    await this.#ends.forget(id);
  }

  // Join requests and bans: redis-group-admission.ts.
  addRequest(id: string, user: string): Promise<JoinRequestResult> {
    return this.#admission.addRequest(id, user);
  }
  requests(id: string): Promise<string[]> {
    return this.#admission.requests(id);
  }
  approvals(id: string): Promise<string[]> {
    return this.#admission.approvals(id);
  }
  decide(id: string, user: string, accept: boolean): Promise<boolean> {
    return this.#admission.decide(id, user, accept);
  }
  isApproved(id: string, user: string): Promise<boolean> {
    return this.#admission.isApproved(id, user);
  }
  ban(id: string, user: string): Promise<void> {
    return this.#admission.ban(id, user);
  }
  unban(id: string, user: string): Promise<void> {
    return this.#admission.unban(id, user);
  }
  isBanned(id: string, user: string): Promise<boolean> {
    return this.#admission.isBanned(id, user);
  }
  bans(id: string): Promise<string[]> {
    return this.#admission.bans(id);
  }

  async commit(id: string, c: CommitChange): Promise<CommitResult> {
    const keys = [k.group(id), k.members(id), k.log(id), k.requests(id), k.welcomes(id), k.bans(id)];
    const args = [
      c.epoch, c.from, c.data, c.ts, this.opts.maxMembers, this.opts.logMaxEntries, this.#cutoff(), c.welcome ?? '',
      c.roles?.owner ?? '', JSON.stringify(c.roles?.admins ?? []), c.adds.length,
      ...c.adds.flatMap((a) => [a.user, a.leaf]),
      ...c.removes,
    ];
    const result = await this.scripts.run<number | string | [string, string]>(commitScript, keys, args);
    if (Array.isArray(result)) return { ok: false, code: 'banned', user: result[1] };
    if (typeof result === 'string') return { ok: false, code: result as 'stale_epoch' | 'unknown_group' | 'group_full' | 'not_member' };
    await this.#swept(id, c.ts);
    // Removes first: a user added back in the commit that removes their old leaf stays listed (review M5).
    for (const user of c.removes) await this.#cmd(['ZREM', k.userGroups(user), id]);
    for (const a of c.adds) await this.#cmd(['ZADD', k.userGroups(a.user), '0', id]);
    return { ok: true, seq: result };
  }

  async append(id: string, e: Omit<LogEntry, 'seq'>): Promise<number | undefined> {
    const seq = await this.scripts.run<number | null>(appendScript, [k.group(id), k.log(id), k.ends(id)], [
      e.kind, e.from, e.id ?? '', e.data, e.ts, this.opts.logMaxEntries, this.#cutoff(), e.expiresAt ?? '',
    ]);
    if (seq === null) return undefined;
    await this.#swept(id, e.ts);
    if (e.expiresAt !== undefined) await this.#ends.noted(id, e.expiresAt);
    return seq;
  }

  /** The sweep index learns the group's log holds an entry from `ts` (kept if it knows an older one). */
  async #swept(id: string, ts: number): Promise<void> {
    await this.#cmd(['ZADD', k.sweep, 'NX', String(ts), id]);
  }

  async sweepExpired(now: number, limit: number): Promise<number> {
    const cutoff = now - this.opts.logTtlMs;
    const due = await this.#cmd<string[]>(['ZRANGE', k.sweep, '-inf', `(${cutoff}`, 'BYSCORE', 'LIMIT', '0', String(limit)]);
    let deleted = 0;
    for (const id of due) {
      const [n, head] = await this.scripts.run<[number, number]>(trimOldScript, [k.group(id), k.log(id)], [cutoff]);
      deleted += n;
      if (head < 0) await this.#cmd(['ZREM', k.sweep, id]);
      else await this.#cmd(['ZADD', k.sweep, String(head), id]);
    }
    // Then disappearing messages whose own end came before the log's lifetime.
    return deleted + (deleted < limit ? await this.#ends.sweep(now, limit - deleted) : 0);
  }

  readLog(id: string, after: number, limit: number): Promise<LogEntry[]> {
    return this.#ends.readLog(id, after, limit);
  }

  async ack(id: string, user: string, upTo: number): Promise<void> {
    await this.scripts.run(ackScript, [k.group(id), k.members(id), k.log(id), k.welcomes(id)], [user, upTo]);
  }

  async welcomeFor(id: string, user: string): Promise<{ welcome: string; seq: number } | undefined> {
    const [raw, member] = await Promise.all([this.#cmd<string | null>(['HGET', k.welcomes(id), user]), this.member(id, user)]);
    if (raw === null || !member?.active) return undefined;
    const w = JSON.parse(raw) as { w: string; seq: number };
    return { welcome: w.w, seq: w.seq };
  }

  async addKeyPackages(user: string, kps: { ref: string; data: string }[]): Promise<number> {
    return this.scripts.run<number>(addKeyPackagesScript, [k.keyPackages(user)], [this.opts.maxKeyPackages, ...kps.map((kp) => kp.data)]);
  }

  async claimKeyPackage(user: string): Promise<string | undefined> {
    return (await this.scripts.run<string | null>(claimKeyPackageScript, [k.keyPackages(user)], [])) ?? undefined;
  }

  async keyPackageCount(user: string): Promise<number> {
    return this.#cmd<number>(['LLEN', k.keyPackages(user)]);
  }
}
