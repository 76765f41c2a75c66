/**
 * Groups on SQLite (see ../groups.ts). better-sqlite3 is synchronous, so a method's transaction
 * is done before its promise returns: a commit's epoch check and its writes cannot interleave
 * with another commit's.
 */
import type Database from 'better-sqlite3';
import type { GroupSettings } from '../../../shared/protocol-groups';
import type {
  CommitChange,
  CommitResult,
  GroupCard,
  GroupCreateResult,
  GroupRecord,
  GroupStore,
  GroupStoreLimits,
  JoinRequestResult,
  LogEntry,
  MemberRecord,
  Membership,
  NewGroup,
} from '../groups';
import { RelaxedCommits } from './relaxed';
import { SqliteKeyPackages } from './sqlite-key-packages';
import { type GroupRow, type MemberRow, groupStatements } from './sqlite-group-statements';
import { SqliteGroupReceipts } from './sqlite-group-receipts';
import { SqliteGroupAdmission } from './sqlite-group-admission';

const toGroup = (r: GroupRow): GroupRecord => ({
  id: r.id,
  epoch: r.epoch,
  owner: r.owner,
  seq: r.seq,
  listed: r.listed === 1,
  name: r.name,
  topic: r.topic,
  joinPolicy: r.join_policy,
  onlyAdminsSend: r.only_admins_send === 1,
  memberChats: r.member_chats === 1,
  lapsedBelow: r.lapsed_below,
  members: r.members,
});

const toMember = (r: MemberRow): MemberRecord => ({
  user: r.user,
  role: r.role,
  leaf: r.leaf,
  mutedUntil: r.muted_until,
  cursor: r.cursor,
  active: r.active === 1,
});

/** Column for each settings field. */
const COLUMN: Record<keyof GroupSettings, string> = {
  listed: 'listed',
  name: 'name',
  topic: 'topic',
  joinPolicy: 'join_policy',
  onlyAdminsSend: 'only_admins_send',
  memberChats: 'member_chats',
};

/** `%`, `_` and the escape itself stand for themselves in a LIKE pattern. */
const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class SqliteGroups implements GroupStore {
  readonly #db: Database.Database;
  readonly #kps: SqliteKeyPackages;
  readonly #q;

  readonly #relaxed: RelaxedCommits;
  readonly #admission: SqliteGroupAdmission;
  readonly receipts: SqliteGroupReceipts;
  /**
   * Per group, the lowest active cursor when the log was last trimmed by acknowledgements (the
   * entries up to it went). Only a member at or below it can raise it, so other members' acks
   * skip the scan; a member going inactive or removed forgets it (the lowest may rise then).
   */
  readonly #ackTrim = new Map<string, number>();

  constructor(
    db: Database.Database,
    private readonly opts: GroupStoreLimits,
  ) {
    this.#db = db;
    this.#relaxed = new RelaxedCommits(db);
    this.#kps = new SqliteKeyPackages(db, opts);
    this.#q = groupStatements(db);
    this.#admission = new SqliteGroupAdmission(db, this.#q, opts);
    this.receipts = new SqliteGroupReceipts(db, this.#relaxed, opts.logMaxEntries);
  }

  async create(g: NewGroup): Promise<GroupCreateResult> {
    return this.#db.transaction((): GroupCreateResult => {
      if (this.#q.exists.get(g.id)) return 'exists';
      if (this.#q.countOf.get(g.owner)!.n >= this.opts.maxGroupsPerUser) return 'too_many_groups';
      const flag = (b: boolean) => (b ? 1 : 0);
      this.#q.insertGroup.run({ ...g, listed: flag(g.listed), onlyAdminsSend: flag(g.onlyAdminsSend), memberChats: flag(g.memberChats), now: this.opts.now() });
      this.#q.insertMember.run(g.id, g.owner, 'owner', 0, 0);
      this.#appendIn(g.id, { kind: 'event', from: g.owner, data: JSON.stringify({ t: 'created' }), ts: this.opts.now() });
      return 'created';
    })();
  }

  async get(id: string): Promise<GroupRecord | undefined> {
    const row = this.#q.group.get(id);
    return row ? toGroup(row) : undefined;
  }

  async member(id: string, user: string): Promise<MemberRecord | undefined> {
    const row = this.#q.member.get(id, user);
    return row ? toMember(row) : undefined;
  }

  async members(id: string): Promise<MemberRecord[]> {
    return this.#q.members.all(id).map(toMember);
  }

  async sharesChatGroup(a: string, b: string): Promise<boolean> {
    return a !== b && this.#q.sharesChatGroup.get(b, a) !== undefined;
  }

  async groupsOf(user: string, after: string | undefined, limit: number): Promise<Membership[]> {
    return this.#q.groupsOf.all(user, after ?? '', limit).map((r) => ({ group: r.group_id, role: r.role, cursor: r.cursor }));
  }

  async search(q: string, limit: number): Promise<GroupCard[]> {
    return this.#q.search.all(likePattern(q), limit).map((r) => ({ group: r.id, name: r.name, topic: r.topic, members: r.members }));
  }

  async update(id: string, patch: Partial<GroupSettings>): Promise<void> {
    const entries = Object.entries(patch).filter(([k, v]) => v !== undefined && k in COLUMN) as [keyof GroupSettings, unknown][];
    if (entries.length === 0) return;
    const sets = entries.map(([k]) => `${COLUMN[k]} = ?`).join(', ');
    const values = entries.map(([, v]) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
    this.#db.prepare(`UPDATE groups SET ${sets} WHERE id = ?`).run(...values, id);
  }

  async setMute(id: string, user: string, until: number | null): Promise<void> {
    this.#q.setMute.run(until, id, user);
  }

  async deactivate(id: string, user: string): Promise<void> {
    this.#q.deactivate.run(id, user);
    this.#ackTrim.delete(id);
  }

  async delete(id: string): Promise<void> {
    this.#ackTrim.delete(id);
    this.#db.transaction(() => {
      for (const table of ['group_log', 'group_members', 'group_requests', 'group_bans', 'group_messages']) {
        this.#db.prepare(`DELETE FROM ${table} WHERE group_id = ?`).run(id);
      }
      this.#db.prepare('DELETE FROM groups WHERE id = ?').run(id);
    })();
  }

  // Join requests and bans: sqlite-group-admission.ts.
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
    return this.#db.transaction((): CommitResult => {
      const group = this.#q.group.get(id);
      if (!group) return { ok: false, code: 'unknown_group' };
      if (group.epoch !== c.epoch) return { ok: false, code: 'stale_epoch' };
      const rows = this.#q.members.all(id);
      // Bans, leaves and lapses do not move the epoch: asked again here, not only by the handler.
      if (!rows.some((r) => r.user === c.from && r.active === 1)) return { ok: false, code: 'not_member' };
      const banned = c.adds.find((a) => this.#q.banned.get(id, a.user) !== undefined);
      if (banned) return { ok: false, code: 'banned', user: banned.user };
      const removed = new Set(c.removes);
      const staying = rows.filter((r) => r.active === 1 && !removed.has(r.user)).length;
      if (staying + c.adds.length > this.opts.maxMembers) return { ok: false, code: 'group_full' };
      for (const user of c.removes) this.#q.deleteMember.run(id, user);
      if (c.removes.length > 0) this.#ackTrim.delete(id);
      this.#q.setEpoch.run(c.epoch + 1, id);
      const seq = this.#appendIn(id, { kind: 'commit', from: c.from, data: c.data, ts: c.ts });
      for (const add of c.adds) {
        this.#q.insertMember.run(id, add.user, 'member', add.leaf, seq);
        this.#q.dropRequest.run(id, add.user);
        if (c.welcome) this.#q.setWelcome.run(c.welcome, seq, id, add.user);
      }
      if (c.roles) this.#q.setRoles.run(c.roles.owner, JSON.stringify(c.roles.admins), id);
      if (c.roles || c.adds.length > 0) this.#q.deriveRoles.run(id);
      return { ok: true, seq };
    })();
  }

  async append(id: string, entry: Omit<LogEntry, 'seq'>): Promise<number | undefined> {
    return this.#db.transaction(() => (this.#q.exists.get(id) ? this.#appendIn(id, entry) : undefined))();
  }

  /** Inside a transaction: the next seq, the entry, and the bounds (age and count) applied. */
  #appendIn(id: string, e: Omit<LogEntry, 'seq'>): number {
    this.#q.bump.run(id);
    const seq = this.#q.seqOf.get(id)!.seq;
    this.#q.insertLog.run(id, seq, e.kind, e.from, e.id ?? null, e.data, e.ts, e.expiresAt ?? null);
    const below = seq - this.opts.logMaxEntries;
    const cutoff = this.opts.now() - this.opts.logTtlMs;
    const lapsed = Math.max(this.#q.lastCommitBelow.get(id, below)?.s ?? 0, this.#q.lastCommitOlder.get(id, cutoff)?.s ?? 0);
    if (lapsed > 0) this.#q.markLapsed.run(lapsed, id);
    this.#q.trimBelow.run(id, below);
    this.#q.trimOlder.run(id, cutoff);
    return seq;
  }

  async readLog(id: string, after: number, limit: number): Promise<LogEntry[]> {
    return this.#q.readLog.all(id, after, this.opts.now(), limit).map((r) => ({
      seq: r.seq,
      kind: r.kind,
      from: r.sender,
      ...(r.msg_id !== null ? { id: r.msg_id } : {}),
      data: r.data,
      ts: r.ts,
      ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    }));
  }

  /**
   * Moves the cursor without an fsync of its own (relaxed.ts): every member acknowledges every
   * entry, and one fsync each made the disk the pace of a group's fan-out (the group bench: most
   * of the server's CPU). A cursor lost to a power cut only hands entries over again, which the
   * client recognises by seq.
   */
  async ack(id: string, user: string, upTo: number): Promise<void> {
    this.#relaxed.run(() =>
      this.#db.transaction(() => {
        const seq = this.#q.seqOf.get(id)?.seq;
        if (seq === undefined) return;
        const to = Math.min(upTo, seq);
        const before = this.#q.cursorOf.get(id, user)?.cursor;
        this.#q.moveCursor.run(to, id, user);
        this.#q.clearWelcome.run(id, user, to);
        const trimmed = this.#ackTrim.get(id);
        if (trimmed !== undefined && (before === undefined || before > trimmed)) return;
        const min = this.#q.minCursor.get(id)?.c;
        if (min === null || min === undefined) return;
        this.#q.trimBelow.run(id, min);
        this.#ackTrim.set(id, min);
      })(),
    );
  }

  async welcomeFor(id: string, user: string): Promise<{ welcome: string; seq: number } | undefined> {
    const row = this.#q.welcome.get(id, user);
    return row?.welcome && row.welcome_seq !== null ? { welcome: row.welcome, seq: row.welcome_seq } : undefined;
  }

  addKeyPackages(user: string, kps: { ref: string; data: string }[]): Promise<number> {
    return this.#kps.add(user, kps);
  }

  claimKeyPackage(user: string): Promise<string | undefined> {
    return this.#kps.claim(user);
  }

  keyPackageCount(user: string): Promise<number> {
    return this.#kps.count(user);
  }

  async sweepExpired(now: number, limit: number): Promise<number> {
    const cutoff = now - this.opts.logTtlMs;
    return this.#db.transaction(() => {
      this.#q.markLapsedOlder.run({ cutoff });
      const old = this.#q.sweep.run(cutoff, limit).changes;
      // Then disappearing messages whose own end came first: a gap in the log, as a trim leaves.
      return old + (old < limit ? this.#q.sweepEnded.run(now, limit - old).changes : 0);
    })();
  }
}
