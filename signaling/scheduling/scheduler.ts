/**
 * Delivers held messages at their time: a timer to the next due one (no busy loop), then pages
 * of due messages claimed from the store (bounded work per step), each handed to the ordinary
 * delivery path (1:1: router.release, the recipient's queue then their live connection; a group:
 * the group_send path, into the group's log) and deleted only once that holds it. The store's clock check means nothing goes out early; a timer
 * that fires early claims nothing and waits again.
 */
import type { Logger } from 'pino';
import type { HELD_GROUP_DROP_REASONS } from '../../shared/protocol-schedule';
import type { HeldMessage, ScheduleStore } from './schedule-store';

/**
 * What became of a due message: handed over (`sent`), dropped by policy at its time (`dropped`,
 * with the reason the sender is told, if any), or not yet (`later`: a queue or the server is full;
 * still held, claimed again when its lease ends).
 */
export type HeldOutcome = { sent: true } | { sent: false; reason?: (typeof HELD_GROUP_DROP_REASONS)[number] } | 'later';

/** Due messages claimed per step. */
export const PAGE = 200;
/** How long a claim keeps others (another node, or this one after a crash) from delivering it again. */
export const LEASE_MS = 30_000;
/** The longest the timer sleeps: another node may have held an earlier message meanwhile (cluster). */
const MAX_SLEEP_MS = 5_000;

export interface SchedulerDeps {
  store: ScheduleStore;
  log: Logger;
  /** Asks policy again and hands it to its delivery path. */
  deliver(m: HeldMessage, now: number): Promise<HeldOutcome>;
  /** Tells the sender, if online, that it went (or was dropped): `unscheduled`. */
  settled(m: HeldMessage, outcome: Exclude<HeldOutcome, 'later'>): void;
  now?: () => number;
}

export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #running = false;
  #again = false;
  #stopped = false;
  readonly #now: () => number;

  constructor(private readonly deps: SchedulerDeps) {
    this.#now = deps.now ?? Date.now;
  }

  start(): void {
    this.#stopped = false;
    this.wake(this.#now());
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Something is due at `at` (a new hold, or `schedule_now`): make sure the timer fires by then. */
  wake(at: number): void {
    if (this.#stopped || at >= this.#wakeAt) return;
    clearTimeout(this.#timer);
    this.#wakeAt = at;
    this.#timer = setTimeout(() => this.#run(), Math.max(0, at - this.#now()));
    this.#timer.unref();
  }

  #run(): void {
    this.#timer = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#step()
      .catch((err: unknown) => this.deps.log.warn({ err: String(err) }, 'delivering scheduled messages failed; trying again soon'))
      .finally(() => {
        this.#running = false;
        if (this.#again) {
          this.#again = false;
          this.wake(this.#now());
        }
      });
  }

  /** One page; then the next page on a later turn of the event loop, or the timer to the next due one. */
  async #step(): Promise<void> {
    try {
      const now = this.#now();
      const due = await this.deps.store.claim(now, PAGE, LEASE_MS);
      for (const m of due) await this.#deliver(m, now);
      if (due.length === PAGE) {
        this.#again = true;
        return;
      }
      const next = await this.deps.store.nextDue();
      const cap = this.#now() + MAX_SLEEP_MS;
      this.wake(next === undefined ? cap : Math.min(next, cap));
    } catch (err) {
      this.wake(this.#now() + 1000);
      throw err;
    }
  }

  async #deliver(m: HeldMessage, now: number): Promise<void> {
    const outcome = await this.deps.deliver(m, now);
    if (outcome === 'later') {
      this.deps.log.warn('a scheduled message could not be delivered yet; trying again later');
      return;
    }
    await this.deps.store.remove(m.sender, m.id);
    this.deps.settled(m, outcome);
  }
}
