/**
 * One connection's view of its groups' logs: every entry after the member's cursor, in seq order,
 * each once, however it comes. Live entries arrive from any node in any order (two senders'
 * appends race; pub/sub from two nodes is not ordered); whenever one is not the next expected,
 * or the connection's windows are full, the feed reads the gap from the store instead, a page at
 * a time. So the store is the truth and live delivery is only the fast path.
 *
 * Bounds: per group at most `windowEntries` entries handed over and not acknowledged, per
 * connection at most `windowBytes`; past them the rest wait in the store until `group_ack`. The
 * feed holds only seqs and sizes in memory, never entries beyond the page being sent.
 */
import type { Logger } from 'pino';
import type { GroupEvent } from '../../shared/protocol-groups';
import type { ServerFrameOf } from '../../shared/protocol';
import type { Session } from '../session';
import type { GroupStore, LogEntry } from '../store/groups';
import { announcedBytes, announcedParts } from './big-commits';

type FeedFrame = ServerFrameOf<'group_log' | 'group_welcome' | 'group_removed'>;

export interface FeedLimits {
  windowEntries: number;
  windowBytes: number;
  pageEntries: number;
  maxBufferedBytes: number;
}

interface GroupState {
  /** The next seq this connection should get. */
  next: number;
  /** Sent and not acknowledged: seq → bytes (at most `windowEntries`). */
  unacked: Map<number, number>;
  pumping: boolean;
  /** Something arrived while pumping: read again before stopping. */
  again: boolean;
  /** Stopped at a full window: an acknowledgement resumes it. */
  blocked: boolean;
}

/** The wire form of a stored entry. */
export function logFrame(group: string, e: LogEntry): ServerFrameOf<'group_log'> {
  const base = { t: 'group_log' as const, group, seq: e.seq, kind: e.kind, from: e.from, ts: e.ts, ...(e.id ? { id: e.id } : {}) };
  // A commit over a frame goes out without its data: the member fetches it (big-commits.ts).
  const parts = announcedParts(e);
  if (parts !== undefined) return { ...base, parts };
  if (e.kind !== 'event') return { ...base, data: e.data };
  return { ...base, event: JSON.parse(e.data) as GroupEvent };
}

const frameBytes = (f: ServerFrameOf<'group_log'>) => (f.data?.length ?? announcedBytes(f.parts ?? 0)) + 200;

export class GroupFeed {
  readonly #groups = new Map<string, GroupState>();
  #inflightBytes = 0;

  constructor(
    private readonly session: Session,
    private readonly store: GroupStore,
    private readonly limits: FeedLimits,
    private readonly log: Logger,
    /** The member is behind a commit the store no longer has (review M1): it is out, to be added again. */
    private readonly onLapse: (group: string) => Promise<void>,
  ) {}

  /** Starts (or keeps) delivering `group` after `cursor`, and reads what is waiting. */
  async start(group: string, cursor: number): Promise<void> {
    if (!this.#groups.has(group)) this.#groups.set(group, { next: cursor + 1, unacked: new Map(), pumping: false, again: false, blocked: false });
    await this.#pump(group);
  }

  /** Something for this connection's user from the router (a live entry, a Welcome, a removal). */
  arrive(frame: FeedFrame): void {
    if (frame.t === 'group_removed') {
      this.#forget(frame.group);
      this.session.send(frame);
      return;
    }
    if (frame.t === 'group_welcome') {
      this.session.send(frame);
      void this.start(frame.group, frame.seq);
      return;
    }
    const st = this.#groups.get(frame.group);
    // Not known here yet (added on another node a moment ago): the store says where to start.
    if (!st) return void this.#discover(frame.group);
    if (frame.seq < st.next) return;
    if (st.pumping) {
      st.again = true;
      return;
    }
    if (frame.seq > st.next || !this.#room(st) || this.session.buffered > this.limits.maxBufferedBytes / 2) {
      void this.#pump(frame.group);
      return;
    }
    this.#send(st, frame);
  }

  /** The member stored everything up to `upTo`: room in the windows, and blocked groups resume. */
  acked(group: string, upTo: number): void {
    const st = this.#groups.get(group);
    if (st) {
      for (const [seq, bytes] of st.unacked) {
        if (seq > upTo) continue;
        st.unacked.delete(seq);
        this.#inflightBytes -= bytes;
      }
    }
    for (const [g, s] of this.#groups) if (s.blocked) void this.#pump(g);
  }

  /** The user is no longer in `group` (told by the router, or the user's own leave). */
  #forget(group: string): void {
    const st = this.#groups.get(group);
    if (!st) return;
    for (const bytes of st.unacked.values()) this.#inflightBytes -= bytes;
    this.#groups.delete(group);
  }

  async #discover(group: string): Promise<void> {
    try {
      const m = await this.store.member(group, this.session.username!);
      if (m?.active && !this.#groups.has(group)) await this.start(group, m.cursor);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, session: this.session.id }, 'group feed: membership read failed');
    }
  }

  #room(st: GroupState): boolean {
    return st.unacked.size < this.limits.windowEntries && this.#inflightBytes < this.limits.windowBytes;
  }

  #send(st: GroupState, frame: ServerFrameOf<'group_log'>): void {
    const bytes = frameBytes(frame);
    st.unacked.set(frame.seq, bytes);
    this.#inflightBytes += bytes;
    st.next = frame.seq + 1;
    this.session.send(frame);
  }

  /** Reads the store after `next` until caught up or a window is full; one reader per group. */
  async #pump(group: string): Promise<void> {
    const st = this.#groups.get(group);
    if (!st) return;
    if (st.pumping) {
      st.again = true;
      return;
    }
    st.pumping = true;
    st.blocked = false;
    try {
      await this.#drain(group, st);
    } catch (err) {
      // The next acknowledgement or live entry tries again; nothing is lost (the store has it).
      st.blocked = true;
      this.log.warn({ err: (err as Error).message, session: this.session.id }, 'group feed: log read failed');
    } finally {
      st.pumping = false;
    }
  }

  async #drain(group: string, st: GroupState): Promise<void> {
    for (;;) {
      st.again = false;
      if (this.session.closed || this.#groups.get(group) !== st) return;
      if (!this.#room(st)) {
        st.blocked = true;
        return;
      }
      // A removed member is cut off at once, also from what it had not read yet.
      const m = await this.store.member(group, this.session.username!);
      if (!m?.active) return this.#forget(group);
      const want = Math.min(this.limits.pageEntries, this.limits.windowEntries - st.unacked.size);
      const page = await this.store.readLog(group, st.next - 1, want);
      // A gap: what is missing went by the log's bounds. Past a commit, MLS cannot go on from here.
      if (page.length > 0 && page[0]!.seq > st.next && ((await this.store.get(group))?.lapsedBelow ?? 0) >= st.next) {
        this.#forget(group);
        return this.onLapse(group);
      }
      for (const e of page) {
        if (this.session.buffered > this.limits.maxBufferedBytes / 2) await this.session.drained();
        if (this.session.closed || this.#groups.get(group) !== st) return;
        if (e.seq >= st.next) this.#send(st, logFrame(group, e));
      }
      if (page.length < want && !st.again) return;
    }
  }
}
