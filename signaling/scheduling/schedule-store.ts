/**
 * Where scheduled messages wait (issue 13, item 3): sealed envelopes held until their time,
 * durably (written before the sender is answered). Claiming due messages moves their next try a
 * lease ahead instead of deleting them, so a message is deleted only once the recipient's queue
 * holds it: a crash in between delivers it twice (clients de-duplicate by id), never not at all.
 */

export interface HeldMessage {
  sender: string;
  id: string;
  /** The recipient; for a group message (`epoch` set) the group. */
  to: string;
  /** A group message's MLS epoch, as it was sealed (absent for a 1:1 message). */
  epoch?: number;
  env: string;
  /** When the sender wants it delivered (ms since the epoch). */
  at: number;
  /** A disappearing 1:1 message's timer (s): its queued copy ends that long after delivery. */
  ttl?: number;
}

/**
 * `held`: new; `duplicate`: this sender already holds that id (nothing changed); `full`: over the
 * per-user count; `epoch_full`: a group message over the count per sender, group and epoch.
 */
export type HoldResult = 'held' | 'duplicate' | 'full' | 'epoch_full';

export interface ScheduleStore {
  /**
   * Holds `m` unless its sender already holds `maxPending` messages, or (a group message) already
   * holds `maxPerEpoch` for that group and epoch.
   */
  hold(m: HeldMessage, maxPending: number, maxPerEpoch?: number): Promise<HoldResult>;
  /**
   * Up to `limit` messages due at `now` (never one whose `at` is later), oldest first; each is
   * claimed until `now + leaseMs` (not returned again, nor cancellable, until then).
   */
  claim(now: number, limit: number, leaseMs: number): Promise<HeldMessage[]>;
  /** Forget a message (delivered, or dropped). */
  remove(sender: string, id: string): Promise<void>;
  /** Drops `sender`'s unclaimed message `id`; false when there is none (never held, someone else's, or being delivered). */
  cancel(sender: string, id: string, now: number): Promise<boolean>;
  /** Makes `sender`'s unclaimed message `id` due at `now`; false when there is none. */
  advance(sender: string, id: string, now: number): Promise<boolean>;
  /** When the next message falls due (a claimed one: when its lease ends), or undefined when none is held. */
  nextDue(): Promise<number | undefined>;
  close(): Promise<void>;
}
