/**
 * Scheduled messages (issue 13, item 3), 1:1: a text (or reply) sealed now, its body carrying the
 * intended time, and handed to the server (`schedule`) to hold and deliver then, as an ordinary
 * message with the same id (so the ordinary receipts follow). Each is a `schedule` job of the
 * outbox (routed-sends.ts), so it survives a reload and going offline: the frame the job wants is
 * sent at each login and when it has waited, until the server answers it —
 *   `schedule` until `scheduled` (then the job is `held`: nothing more is sent for it),
 *   `schedule_cancel` (want: cancel) until `unscheduled` (the message is gone),
 *   `schedule_now` (want: now) until `unscheduled` (it went).
 * The message waits at its time (its seq), below whatever is written meanwhile, so once it goes it
 * is where it belongs. How the sender learns it went: `unscheduled` (sent) when online then, its
 * delivered or read receipt, or its time passing here (the server never holds one past its time,
 * and never delivers one early). A job the server never acknowledged whose time passed meanwhile
 * (`schedule_past`: written offline, say) goes at once as an ordinary message, as the outbox would.
 */
import type { Body } from '../../../shared/envelope';
import { LIMITS } from '../../../shared/limits';
import type { ClientFrame } from '../../../shared/protocol';
import type { FrameRoutes } from '../net/frame-router';
import { ParleyError } from '../net/parley-error';
import type { OutboxEntry, StoredMessage } from '../storage/db';
import { replyTo } from './bodies/reply';
import { type ConversationId, dmId } from './conversation-id';
import { applyOutcome } from './message-outcome';
import type { Messenger } from './messenger';
import type { Sealer } from './sealer';

/** As far ahead as the server holds messages by default (SCHEDULE_MAX_AHEAD_SECONDS: a year); it checks again. */
export const MAX_AHEAD_MS = 365 * 86_400_000;

/** How long schedule() waits for the server's answer before leaving the job to the outbox (slow, or gone offline). */
export const ANSWER_WAIT_MS = 5_000;

/** Refusals that end a job: the message shows failed with the words for the code. */
const FINAL = new Set(['schedule_too_far', 'schedule_full', 'not_contact', 'blocked', 'not_member', 'muted', 'admins_only', 'unknown_group', 'bad_mls']);

/** The answer to the first `schedule` of a job: held, left to the outbox (no answer yet), or refused (thrown). */
export type ScheduleResult = 'held' | 'queued';

export interface ScheduledDeps {
  messenger: Messenger;
  /** Seals the 1:1 envelope (for a contact, or a member in a member chat). */
  sealer: Sealer;
  me: () => string;
  send: (frame: ClientFrame) => boolean;
  online: () => boolean;
  now?: () => number;
  /** ANSWER_WAIT_MS unless a test says otherwise. */
  answerWaitMs?: number;
}

/** A group's scheduled job: it keeps the plaintext, which the group's route encrypts at each send. */
const isGroup = (job: OutboxEntry): boolean => job.conv.startsWith('grp:');

/** True while `m`, one's own, waits with the server: the log shows "Scheduled for" with Cancel and Send now. */
export function isScheduled(m: StoredMessage, now = Date.now()): boolean {
  return m.dir === 'out' && m.held === true && m.state !== 'failed' && (m.scheduledFor ?? 0) > now;
}

export class ScheduledSends {
  readonly #now: () => number;
  readonly #waiters = new Map<string, (result: ScheduleResult | ParleyError) => void>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #groupRoute: ((entry: OutboxEntry) => void) | undefined;
  /** Told when one's own held message goes, with when (disappearing.ts `went`: a timer counts from then). */
  went: ((message: StoredMessage, at: number) => void) | undefined;

  constructor(private readonly d: ScheduledDeps) {
    this.#now = d.now ?? Date.now;
    d.messenger.routed.route('schedule', (entry) => this.#route(entry));
  }

  attach(frames: FrameRoutes): void {
    frames.on('scheduled', (f) => this.#held(f.id));
    frames.on('unscheduled', (f) => this.#unscheduled(f.id, f.sent, f.reason));
    frames.on('error', (f) => (f.ref ? this.#refused(f.ref, f.code) : undefined));
  }

  /** Call after the messenger loaded: what went while this page was closed goes now; a timer for the rest. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#releaseDue();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /**
   * Seals `text` for `peer` (a reply to `original` when given) to arrive at `at` (ms), records it
   * and asks the server to hold it. Resolves once the server holds it, or, offline or with no
   * answer within ANSWER_WAIT_MS, once it is queued; throws a bad time (by this clock or the
   * server's), and then keeps nothing.
   */
  async schedule(peer: string, text: string, at: number, original?: StoredMessage): Promise<ScheduleResult> {
    const trimmed = text.trim();
    if (!trimmed) throw new Error('nothing to schedule'); // the composer never asks
    if (trimmed.length > LIMITS.maxTextChars) throw new ParleyError('too_long');
    at = Math.floor(at);
    const body: Body = original ? { ...replyTo(original, trimmed, this.d.me()), scheduledFor: at } : { kind: 'text', text: trimmed, scheduledFor: at };
    return this.scheduleRouted(dmId(peer), peer, body, at, (m) => this.d.sealer.job(peer, m.conv, 'schedule', m.id, body, m.ts, m.seq).env);
  }

  /**
   * Holds `body` (its `scheduledFor` set to `at`) in conversation `conv`, sent `to` a contact or a
   * group: `seal` makes what the job keeps (a 1:1 envelope; a group's plaintext, encrypted by
   * the group's route at each send: routeGroups). As schedule() for the rest.
   */
  async scheduleRouted(conv: ConversationId, to: string, body: Body, at: number, seal: (m: StoredMessage) => string, extra: Pick<StoredMessage, 'mentions'> = {}): Promise<ScheduleResult> {
    const now = this.#now();
    if (!(at > now)) throw new ParleyError('schedule_past');
    if (at > now + MAX_AHEAD_MS) throw new ParleyError('schedule_too_far');
    let answered: Promise<ScheduleResult | ParleyError> | undefined;
    const env = (m: StoredMessage) => {
      // Waited for before the frame leaves (in sendRouted): its answer may come before the record is written.
      answered = new Promise((resolve) => this.#waiters.set(m.id, resolve));
      return seal(m);
    };
    // The message's place is its time (after all written before then); the job's order is now's.
    const message = await this.d.messenger.sendRouted(conv, to, 'schedule', body, env, { ...extra, seq: at * 1000, scheduledFor: at, held: true }, { at, seq: now * 1000 });
    const timer = setTimeout(() => this.#answer(message.id, 'queued'), this.d.online() ? (this.d.answerWaitMs ?? ANSWER_WAIT_MS) : 0);
    const result = await answered!;
    clearTimeout(timer);
    if (result instanceof ParleyError) throw result;
    return result;
  }

  /** Who sends a group's `schedule` frame: the group service, which encrypts the job's plaintext with the group's epoch then. */
  routeGroups(route: (entry: OutboxEntry) => void): void {
    this.#groupRoute = route;
  }

  /** Cancels one's own scheduled message: it is gone once the server says it no longer holds it. */
  async cancel(message: StoredMessage): Promise<void> {
    await this.#want(message, 'cancel');
  }

  /** Sends one's own scheduled message now instead of at its time. */
  async sendNow(message: StoredMessage): Promise<void> {
    const job = this.#job(message.id);
    if (job && !job.held && !job.want) return this.#sendOrdinary(job); // the server may not hold it: it goes as any message
    await this.#want(message, 'now');
  }

  /** What was asked for `id` and not answered yet (the log says "Cancelling…" or "Sending…"). */
  pending(id: string): 'cancel' | 'now' | undefined {
    const want = this.#job(id)?.want;
    return want === 'reseal' ? undefined : want;
  }

  /**
   * Group `conv`'s held message `id` was encrypted at an epoch the group has left: it is
   * cancelled, then held again encrypted at the epoch of then (the group's route), so only the
   * members of now can read it and it never falls further behind than members keep keys for.
   */
  async reseal(id: string): Promise<void> {
    const job = this.#job(id);
    if (!job || !isGroup(job) || !job.held || job.want) return;
    await this.d.messenger.routed.requeue({ ...job, want: 'reseal' });
  }

  #route(entry: OutboxEntry): void {
    if (entry.want === 'cancel' || entry.want === 'reseal') this.d.send({ t: 'schedule_cancel', id: entry.id });
    else if (entry.want === 'now') this.d.send({ t: 'schedule_now', id: entry.id });
    else if (entry.held || entry.at === undefined) return;
    else if (isGroup(entry)) this.#groupRoute?.(entry);
    else this.d.send({ t: 'schedule', id: entry.id, to: entry.to, env: entry.env, at: entry.at, ...(entry.ttl ? { ttl: entry.ttl } : {}) });
  }

  #job(id: string): OutboxEntry | undefined {
    const job = this.d.messenger.routed.job(id);
    return job?.kind === 'schedule' ? job : undefined;
  }

  async #want(message: StoredMessage, want: 'cancel' | 'now'): Promise<void> {
    const job = this.#job(message.id);
    if (!job || job.want === want) return; // it went already (or another tab of this profile holds it)
    await this.d.messenger.routed.requeue({ ...job, want });
    await this.d.messenger.routed.update(job.conv, job.id, () => true); // the log shows what is asked
  }

  #answer(id: string, result: ScheduleResult | ParleyError): void {
    const waiter = this.#waiters.get(id);
    this.#waiters.delete(id);
    waiter?.(result);
  }

  async #held(id: string): Promise<void> {
    const job = this.#job(id);
    if (job && !job.held && !job.want) {
      await this.d.messenger.routed.requeue({ ...job, held: true });
      await this.d.messenger.routed.update(job.conv, id, (m) => applyOutcome(m, 'sent'));
      this.#arm();
    }
    this.#answer(id, 'held');
  }

  async #unscheduled(id: string, sent: boolean, reason?: string): Promise<void> {
    const job = this.#job(id);
    if (!job) return;
    if (sent) await this.#release(job);
    // Cancelled to be sealed again: held anew, encrypted at the group's epoch now (the group's route).
    else if (job.want === 'reseal') await this.d.messenger.routed.requeue({ ...job, held: undefined, want: undefined });
    // Dropped at its time (a group's: removed, muted, the group gone…): it shows failed, and why.
    else if (reason) await this.#fail(job, reason);
    else await this.#gone(job);
  }

  async #refused(id: string, code: string): Promise<void> {
    const job = this.#job(id);
    if (!job) return;
    const first = this.#waiters.has(id) && !job.want;
    if (first && (code === 'schedule_past' || FINAL.has(code))) {
      // Still in the dialog: the user picks another time; nothing is kept.
      await this.#gone(job);
      return this.#answer(id, new ParleyError(code as 'schedule_past'));
    }
    if (code === 'unknown_schedule') {
      // Not held: a cancel of one the server never had is done; otherwise it went already.
      // (A re-seal's cancel that came too late: it went.)
      return job.want === 'cancel' && (job.at ?? 0) > this.#now() ? this.#gone(job) : this.#release(job);
    }
    if (code === 'schedule_past') return this.#sendOrdinary(job);
    if (FINAL.has(code)) return this.#fail(job, code);
    // Anything else (server_full, unavailable…) may pass: the outbox sends it again.
    this.#answer(id, 'queued');
  }

  /** It went (or will at once): an ordinary sent message from now on. */
  async #release(job: OutboxEntry): Promise<void> {
    await this.d.messenger.routed.remove(job.conv, job.id);
    const at = this.#now();
    await this.d.messenger.routed.update(job.conv, job.id, (m) => {
      if (!m.held) return false;
      delete m.held;
      applyOutcome(m, 'sent');
      this.went?.(m, at);
      return true;
    });
  }

  async #gone(job: OutboxEntry): Promise<void> {
    await this.d.messenger.routed.remove(job.conv, job.id);
    await this.d.messenger.actions.deleteForMe(job.conv, 'out', job.id);
  }

  async #fail(job: OutboxEntry, code: string): Promise<void> {
    await this.d.messenger.routed.remove(job.conv, job.id);
    await this.d.messenger.routed.update(job.conv, job.id, (m) => {
      delete m.held;
      m.state = 'failed';
      m.error = code;
      return true;
    });
  }

  /** The same envelope as an ordinary message job: through the contact's Link (a group's plaintext: the group's route), like any send. */
  async #sendOrdinary(job: OutboxEntry): Promise<void> {
    const { at: _at, held: _held, want: _want, ...rest } = job;
    const now = this.#now();
    await this.d.messenger.routed.update(job.conv, job.id, (m) => {
      delete m.held;
      this.went?.(m, now);
      return true;
    });
    await this.d.messenger.routed.requeue({ ...rest, kind: isGroup(job) ? 'group' : 'message' });
  }

  /** Held jobs whose time has come went with the server: shown sent. Then the timer to the next. */
  async #releaseDue(): Promise<void> {
    const now = this.#now();
    for (const job of this.#heldJobs()) if (job.at! <= now) await this.#release(job);
    this.#arm();
  }

  #heldJobs(): OutboxEntry[] {
    return this.d.messenger.routed.ofKind('schedule').filter((j) => j.held && !j.want && j.at !== undefined);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const next = Math.min(...this.#heldJobs().map((j) => j.at!));
    if (!Number.isFinite(next)) return;
    // setTimeout holds at most 2^31-1 ms (24.8 days): a later time is reached in steps.
    const wait = Math.min(Math.max(0, next - this.#now()), 2 ** 31 - 1);
    this.#timer = setTimeout(() => void this.#releaseDue().catch((err) => console.warn('parley: could not show a scheduled message sent', err)), wait);
  }
}
