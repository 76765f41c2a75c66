/**
 * The groups' delivery service, shared by the group handlers: appending to a group's log and
 * fanning the entry out to its active members wherever they are connected (router.deliver, so it
 * crosses nodes), each connection's feed, per-connection rates, and what a member is told at login.
 */
import type { Logger } from 'pino';
import type { GroupEvent } from '../../shared/protocol-groups';
import { GROUP_LIMITS } from '../../shared/limits';
import type { ServerFrameOf } from '../../shared/protocol';
import { ProtocolError } from '../errors';
import { TokenBucket } from '../rate-limiter';
import type { GroupNotice, Router } from '../routing/router';
import type { Session } from '../session';
import type { Store } from '../store/store';
import type { LogEntry } from '../store/groups';
import { GroupFeed, logFrame } from './feed';
import { welcomeFrame } from './big-commits';
import type { GroupSettingsConfig } from './group-settings';
import type { MlsInspector } from './mls-inspect';

interface Rates {
  searches: TokenBucket;
  sends: TokenBucket;
  actions: TokenBucket;
  /** group_read and group_receipts (handlers-receipts.ts). */
  receipts: TokenBucket;
}

/**
 * A client sends at most one group_read per group a second and asks group_receipts every few
 * seconds while "Message info" is open: this leaves room for several groups at once.
 */
const RECEIPTS_PER_SEC = 5;
const RECEIPTS_BURST = 30;

/** What a log entry costs the store beyond its data (row, indexes, ids), about. */
export const ENTRY_BYTES = 200;

export class GroupService {
  readonly #rates = new WeakMap<Session, Rates>();

  constructor(
    readonly store: Store,
    private readonly router: Router,
    readonly settings: GroupSettingsConfig,
    private readonly log: Logger,
    private readonly maxBufferedBytes: number,
    /** Reads the public parts of KeyPackages and commits. */
    readonly mls: MlsInspector,
  ) {}

  #ratesOf(session: Session): Rates {
    let r = this.#rates.get(session);
    if (!r) {
      const s = this.settings;
      r = {
        searches: new TokenBucket(s.searchesPerMinute / 60, s.searchesPerMinute),
        sends: new TokenBucket(s.sendsPerSec, s.sendsBurst),
        actions: new TokenBucket(s.actionsPerMinute / 60, Math.max(10, Math.ceil(s.actionsPerMinute / 6))),
        receipts: new TokenBucket(RECEIPTS_PER_SEC, RECEIPTS_BURST),
      };
      this.#rates.set(session, r);
    }
    return r;
  }

  /** Takes one of the connection's `kind` of group frames, or refuses with `rate_limited`. */
  rate(session: Session, kind: keyof Rates, ref: string): void {
    if (!this.#ratesOf(session)[kind].take()) throw new ProtocolError('rate_limited', `too many group ${kind}; slow down`, ref);
  }

  /**
   * Refuses with `server_full` (ref `ref`) a write of about `bytes` that the store has no room
   * for (review H2: group logs, commits, Welcomes and KeyPackages count against the same budget
   * as queued messages and files); otherwise counts them as stored.
   */
  reserve(bytes: number, ref: string): void {
    if (!this.store.room.fits(bytes)) throw new ProtocolError('server_full', 'the server is out of room; try again later', ref);
    this.store.room.add(bytes);
  }

  /** Appends an entry and hands it to every active member's live connection; its seq. */
  async append(group: string, entry: Omit<LogEntry, 'seq'>): Promise<number> {
    const seq = await this.store.groups.append(group, entry);
    if (seq === undefined) throw new ProtocolError('unknown_group', 'no such group', group);
    await this.fanOut(group, { ...entry, seq });
    // Who wrote which message, for "Message info" (the log's copy goes once everyone has it). Before
    // the sender hears `group_sent`, so it can ask at once; a failure costs only that message's info.
    if (entry.kind === 'message' && entry.id) {
      await this.store.groups.receipts.noteMessage(group, entry.id, seq, entry.from).catch((err: Error) => {
        this.log.warn({ group, err: err.message }, 'group receipts: message index write failed');
      });
    }
    return seq;
  }

  /** A server-state change as a log entry of kind `event`. */
  event(group: string, from: string, event: GroupEvent): Promise<number> {
    return this.append(group, { kind: 'event', from, data: JSON.stringify(event), ts: Date.now() });
  }

  /** Tells every active member (the sender too: its other state follows the same order) about `entry`. */
  async fanOut(group: string, entry: LogEntry): Promise<void> {
    const frame = logFrame(group, entry);
    const members = await this.store.groups.members(group);
    await Promise.all(members.filter((m) => m.active).map((m) => this.router.deliver(m.user, { t: 'notice', frame })));
  }

  /** A notice for `user`'s live connection, if any (dropped when offline: the next login reads the store). */
  async tell(user: string, frame: GroupNotice): Promise<void> {
    await this.router.deliver(user, { t: 'notice', frame });
  }

  /** The same notice for each owner and admin of `group`. */
  async tellAdmins(group: string, frame: GroupNotice): Promise<void> {
    const members = await this.store.groups.members(group);
    await Promise.all(members.filter((m) => m.active && m.role !== 'member').map((m) => this.tell(m.user, frame)));
  }

  /**
   * After the welcome at login: the connection's feed, then the user's groups in pages
   * (`group_list`), each with its waiting Welcome, pending requests for an admin, and its log from
   * the cursor. Nothing is read whole: a page of groups at a time, the logs through the feed.
   */
  async login(session: Session): Promise<void> {
    const user = session.username!;
    const feed = new GroupFeed(session, this.store.groups, {
      windowEntries: this.settings.windowEntries,
      windowBytes: Math.floor(this.maxBufferedBytes / 2),
      pageEntries: this.settings.pageEntries,
      maxBufferedBytes: this.maxBufferedBytes,
    }, this.log, (group) => this.lapse(user, group));
    session.groupFeed = feed;
    let after: string | undefined;
    for (;;) {
      const page = await this.store.groups.groupsOf(user, after, GROUP_LIMITS.maxGroupsPerListFrame);
      const records = await Promise.all(page.map((m) => this.store.groups.get(m.group)));
      const groups = page.flatMap((m, i) => {
        const g = records[i];
        return g ? [{ group: m.group, role: m.role, epoch: g.epoch, seq: g.seq, cursor: m.cursor, lapsedBelow: g.lapsedBelow }] : [];
      });
      const more = page.length === GROUP_LIMITS.maxGroupsPerListFrame;
      if (session.closed) return;
      session.send({ t: 'group_list', groups: groups.map(({ lapsedBelow: _, ...g }) => g), more });
      for (const g of groups) {
        if (g.lapsedBelow > g.cursor) await this.lapse(user, g.group);
        else await this.#catchUp(session, feed, g);
      }
      if (!more) return;
      after = page.at(-1)!.group;
    }
  }

  async #catchUp(session: Session, feed: GroupFeed, g: { group: string; role: string; cursor: number }): Promise<void> {
    const user = session.username!;
    const welcome = await this.store.groups.welcomeFor(g.group, user);
    if (welcome) session.send(welcomeFrame(g.group, welcome.welcome, welcome.seq));
    if (g.role !== 'member') {
      for (const frame of await this.requestFrames(g.group)) session.send(frame);
    }
    await feed.start(g.group, g.cursor);
  }

  /**
   * `user` is behind a commit the log's bounds dropped (away longer than the log keeps, or past its
   * count; review M1): their MLS state can never reach the group's epoch. They are out, as if they
   * had left (told `group_removed` reason `lapsed`; the `left` event has the owner or an admin
   * commit the Remove of their leaf), and may ask to join again or be added.
   */
  async lapse(user: string, group: string): Promise<void> {
    if (!(await this.store.groups.member(group, user))?.active) return;
    await this.store.groups.deactivate(group, user);
    await this.tell(user, { t: 'group_removed', group, reason: 'lapsed' });
    await this.event(group, user, { t: 'left', user });
    this.log.info({ group, user }, 'group member lapsed: behind a commit the log no longer holds');
  }

  /** The pending join requests of `group`, and approvals not used yet, with each requester's identity key. */
  async requestFrames(group: string): Promise<ServerFrameOf<'group_request'>[]> {
    const [pending, approved] = await Promise.all([this.store.groups.requests(group), this.store.groups.approvals(group)]);
    const users = [...approved, ...pending];
    const accounts = await Promise.all(users.map((u) => this.store.accounts.get(u)));
    return users.flatMap((user, i) => {
      const a = accounts[i];
      if (!a) return [];
      return [{ t: 'group_request' as const, group, user, identityKey: a.identityKey, ...(i < approved.length ? { approved: true as const } : {}) }];
    });
  }
}
