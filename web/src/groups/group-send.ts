/**
 * What this device puts into its groups: messages (outbox jobs of kind `group`, whose plaintext
 * is encrypted with the group's current epoch at each (re)send, in the group's line, the state
 * saved before the frame leaves), the sealed card, and commits (GroupCore.commit: built from the
 * current state, sent, adopted on `group_committed`; on `stale_epoch` built again once the log
 * has moved the group past that epoch, at most COMMIT_TRIES times).
 */
import { type CommitResult, type Group, encrypt, epochOf, inspectCommit, toBase64Url } from '../../../shared/groups/index';
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import type { Messenger } from '../conversations/messenger';
import { ParleyError } from '../net/parley-error';
import type { TimerSetting } from '../conversations/disappearing';
import type { OutboxEntry } from '../storage/db';
import type { Asks } from './ask';
import { stageTree } from './group-tree';
import { commitFrame } from './big-commits';
import { encodeCard, plaintextBytes } from './group-body';
import type { GroupStore, Held } from './group-store';

export const COMMIT_TRIES = 5;
/** How long a commit refused `stale_epoch` waits for the log to bring the winner before building again. */
export const EPOCH_WAIT_MS = 5_000;
/** A message refused `stale_epoch` is sent again (re-encrypted) at most this many times in a row. */
export const STALE_RESENDS = 3;

/** Refusals of a `group_send` (ref = the message id) that end it: the message shows failed. */
export const GROUP_SEND_REFUSALS: ReadonlySet<string> = new Set(['muted', 'admins_only', 'not_member', 'unknown_group', 'bad_frame']);

export interface SendDeps {
  store: GroupStore;
  messenger: Messenger;
  asks: Asks;
  send: (frame: ClientFrame) => boolean;
  /** The group's disappearing-messages setting held here, for the card (group-body.ts). */
  timer?: (id: string) => TimerSetting | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class GroupSender {
  /** Message id → stale_epoch refusals in a row. */
  readonly #stale = new Map<string, number>();

  constructor(private readonly d: SendDeps) {}

  /** The outbox's route for `group` jobs: encrypts the job's plaintext now and sends it. */
  route(entry: OutboxEntry): void {
    void this.d.store
      .run(entry.to, async () => {
        const held = this.d.store.get(entry.to);
        if (!held?.group || held.record.removed) return this.d.messenger.routed.fail(entry.conv, entry.id, 'not_member');
        const env = await this.#encrypt(held, entry.env);
        // A disappearing message's timer: the server keeps its log entry no longer (stamped in Messenger.sendRouted).
        const ttl = entry.ttl ? { ttl: entry.ttl } : {};
        this.d.send({ t: 'group_send', group: entry.to, epoch: epochOf(held.group), id: entry.id, env, ...ttl });
      })
      .catch((err) => console.warn(`parley: could not send message ${entry.id} to group ${entry.to}`, err));
  }

  /**
   * The route of a scheduled group message (conversations/scheduled.ts): its plaintext encrypted
   * now, with the group's current epoch, and handed to the server to hold until the job's time.
   * A resend (no answer yet, or `stale_epoch`) encrypts again at the epoch of then.
   */
  routeScheduled(entry: OutboxEntry): void {
    void this.d.store
      .run(entry.to, async () => {
        const held = this.d.store.get(entry.to);
        if (!held?.group || held.record.removed) return this.d.messenger.routed.fail(entry.conv, entry.id, 'not_member');
        const env = await this.#encrypt(held, entry.env);
        const epoch = epochOf(held.group);
        // Kept on the job before it is sent (the answer's requeue copies it): heldBehind reads it, also after a reload.
        await this.d.messenger.routed.note({ ...entry, epoch });
        this.d.send({ t: 'schedule', group: entry.to, epoch, id: entry.id, env, at: entry.at!, ...(entry.ttl ? { ttl: entry.ttl } : {}) });
      })
      .catch((err) => console.warn(`parley: could not schedule message ${entry.id} in group ${entry.to}`, err));
  }

  /**
   * Scheduled messages of group `id` the server holds encrypted at an epoch before the group's
   * current one, for the caller to seal again (conversations/scheduled.ts: a re-seal encrypts anew
   * through routeScheduled, which notes the new epoch on the job). Read from the outbox's jobs, so
   * one held before a reload (or by another tab of this profile) is found too.
   */
  heldBehind(id: string): string[] {
    const group = this.d.store.get(id)?.group;
    if (!group) return [];
    const now = epochOf(group);
    return this.d.messenger.routed
      .ofKind('schedule')
      .filter((j) => j.to === id && j.conv === `grp:${id}` && j.held && j.epoch !== undefined && j.epoch < now)
      .map((j) => j.id);
  }

  /** A `group_send` was refused (`error` with ref = its id); false when the id is no group job. */
  async refused(f: ServerFrameOf<'error'>): Promise<boolean> {
    const entry = f.ref ? this.d.messenger.routed.job(f.ref) : undefined;
    if (!entry) return false;
    if (GROUP_SEND_REFUSALS.has(f.code)) {
      this.#stale.delete(entry.id);
      await this.d.messenger.routed.fail(entry.conv, entry.id, f.code);
    } else if (f.code === 'stale_epoch') {
      // The group moved on more than one epoch: once the log got this device there, seal it again.
      const n = (this.#stale.get(entry.id) ?? 0) + 1;
      this.#stale.set(entry.id, n);
      if (n <= STALE_RESENDS) setTimeout(() => this.route(entry), 200 * n);
      // Still behind after that (the log is slow to bring this device up, or it refused a commit):
      // it waits for the outbox's next resend, and says why meanwhile rather than only "sending".
      else {
        await this.d.messenger.routed.update(entry.conv, entry.id, (m) => {
          if (m.state !== 'sending' || m.error === f.code) return false;
          m.error = f.code;
          return true;
        });
      }
    }
    // Anything else (rate_limited, unavailable) waits in the outbox for the next resend.
    return true;
  }

  /** The server took message `id`: it leaves the outbox and shows sent. */
  async sent(f: ServerFrameOf<'group_sent'>): Promise<void> {
    this.#stale.delete(f.id);
    await this.d.messenger.routed.settle(`grp:${f.group}`, f.id, 'sent');
  }

  /** Sends the group's name and topic, sealed, to every member (after an Add, on a rename). */
  async card(id: string): Promise<void> {
    await this.d.store.run(id, async () => {
      const held = this.#active(id);
      const timer = this.d.timer?.(id);
      const card = { name: held.record.name || held.record.settings.name, ...(held.record.topic ? { topic: held.record.topic } : {}), ...(timer ? { timer } : {}) };
      const mid = `card-${crypto.randomUUID()}`;
      const env = await this.#encrypt(held, encodeCard(card, Date.now(), mid));
      await this.d.asks.ask(
        { t: 'group_send', group: id, epoch: epochOf(held.group!), id: mid, env },
        (f): f is ServerFrameOf<'group_sent'> => f.t === 'group_sent' && f.id === mid,
        [mid, id],
      );
    });
  }

  async commit(id: string, build: (group: Group) => Promise<CommitResult>): Promise<void> {
    for (let attempt = 0; attempt < COMMIT_TRIES; attempt++) {
      const stale = await this.d.store.run(id, () => this.#commitOnce(id, build));
      if (stale === undefined) return;
      await this.#epochPast(id, stale);
    }
    throw new ParleyError('stale_epoch');
  }

  /** One try, in the group's line: undefined when it was taken, the epoch it was made for when another commit won that epoch. */
  async #commitOnce(id: string, build: (group: Group) => Promise<CommitResult>): Promise<number | undefined> {
    const held = this.#active(id);
    const epoch = epochOf(held.group!);
    const out = await build(held.group!);
    const added = (await inspectCommit(out.commit)).adds.map((a) => a.username);
    // Kept before it leaves: should the answer be lost, the log's copy of the commit is adopted with it (group-log.ts).
    held.pendingCommit = out;
    await this.d.store.save(held);
    // An Add's Welcome carries no tree: the new epoch's goes first, in parts (group-tree.ts).
    if (out.tree) stageTree(this.d.send, id, epoch + 1, out.tree);
    // Over a frame, the commit is staged in parts first (big-commits.ts).
    const frame = commitFrame(this.d.send, id, epoch, out.commit, out.welcome);
    try {
      await this.d.asks.ask(frame, (f: ServerFrame): f is ServerFrameOf<'group_committed'> => f.t === 'group_committed' && f.group === id, [id, ...added]);
    } catch (err) {
      // Unanswered (`unavailable`): the server may have taken it; the log tells (group-log.ts). Otherwise it is forgotten.
      if (!(err instanceof ParleyError && err.code === 'unavailable')) {
        held.pendingCommit = undefined;
        await this.d.store.save(held);
      }
      if (err instanceof ParleyError && err.code === 'stale_epoch') return epoch;
      throw err;
    }
    if (held.pendingCommit === out) {
      held.pendingCommit = undefined;
      held.group = out.group;
      await this.d.store.save(held, out.consumed);
    }
    return undefined;
  }

  /** Waits (outside the line, so the log can move it) until group `id` is past `epoch`, or EPOCH_WAIT_MS. */
  async #epochPast(id: string, epoch: number): Promise<void> {
    for (let waited = 0; waited < EPOCH_WAIT_MS; waited += 50) {
      const group = this.d.store.get(id)?.group;
      if (!group || epochOf(group) > epoch) return;
      await sleep(50);
    }
  }

  #active(id: string): Held {
    const held = this.d.store.get(id);
    if (!held) throw new ParleyError('unknown_group');
    if (!held.group || held.record.removed) throw new ParleyError('not_member');
    return held;
  }

  /** Encrypts `plaintext` with the group's current epoch; the advanced state is saved before it is sent. */
  async #encrypt(held: Held, plaintext: string): Promise<string> {
    const out = await encrypt(held.group!, plaintextBytes(plaintext));
    held.group = out.group;
    await this.d.store.save(held, out.consumed);
    return toBase64Url(out.message);
  }
}
