/**
 * Disappearing messages, as in Signal: each conversation, 1:1 or group, has a timer (off, 1 hour,
 * 1 day, 1 week). Setting it is a sealed notice of its own (bodies/disappearing.ts) that everyone
 * in it shows and applies to what they send; of two settings made at once the later by its sealed
 * time wins everywhere (equal times: the author whose name sorts last), whichever arrives first.
 * In a group only the owner and admins set it: members' devices pass over anyone else's notice
 * (groups/group-log.ts), since the server cannot see it.
 *
 * A message sent while the timer is on carries it in its sealed body (`expiresIn`, seconds) and
 * in its send frame (`ttl`: the server's queue keeps it no longer). It is deleted, as "delete for
 * me" deletes (its file too), from the sender's device that long after it was sent and from the
 * recipient's that long after it was read (seen in a visible tab: receipts.ts); expiry.ts keeps
 * the times and does the deleting, across reloads.
 */
import { type Body, DISAPPEARING_TIMERS, type Disappearing } from '../../../shared/envelope';
import type { Database, ExpiringMessage, StoredMessage } from '../storage/db';
import { TIMED_KINDS } from './bodies/disappearing';
import { type ConversationId, convGroup, dmPeer } from './conversation-id';
import { Expiry } from './expiry';
import type { Messenger } from './messenger';

export type Timer = (typeof DISAPPEARING_TIMERS)[number];

export const isTimer = (n: unknown): n is Timer => DISAPPEARING_TIMERS.includes(n as Timer);

/**
 * TEST SWITCH: `localStorage['parley:test:disappearing-scale'] = '0.0001'` makes every timer last
 * that fraction of its time on this page (1 day: about 9 s), so e2e/disappearing.spec.ts can watch
 * messages go. Not a user setting (none reaches it); the sealed timer and the server's `ttl` stay
 * the real ones. Only a factor in (0, 1] counts: it can shorten a timer, never lengthen one.
 */
export const DISAPPEARING_SCALE_TEST_SWITCH = 'parley:test:disappearing-scale';

function testScale(): number {
  try {
    const scale = Number(globalThis.localStorage?.getItem(DISAPPEARING_SCALE_TEST_SWITCH));
    return scale > 0 && scale <= 1 ? scale : 1;
  } catch {
    return 1;
  }
}

/** How long a timer of `seconds` lasts here, in ms. */
export function lifetimeMs(seconds: number, scale = testScale()): number {
  return Math.round(seconds * 1000 * scale);
}

/** A conversation's timer, who set it and when (their sealed time): kept in `settings`. */
export interface TimerSetting {
  seconds: Timer;
  ts: number;
  by: string;
}

const KEY_PREFIX = 'disappearing:';

/** Whether setting `a` wins over `b`: the later, then (a tie) the author whose name sorts last. */
const wins = (a: TimerSetting, b: TimerSetting) => a.ts > b.ts || (a.ts === b.ts && a.by > b.by);

/** A conversation's timer changed (`disappearing` on DisappearingMessages). */
export class DisappearingEvent extends Event {
  constructor(readonly conv: ConversationId) {
    super('disappearing');
  }
}

export interface DisappearingDeps {
  db: Database;
  messenger: Pick<Messenger, 'sendContent' | 'actions'>;
  /** This user's name (the author of settings made here). */
  me: () => string;
  /**
   * Sends a group's timer notice (the group service: it refuses unless this user is an owner or
   * admin there); the conversation's copy. Absent: groups have no timer to set here.
   */
  groupNotice?: (group: string, body: Disappearing) => Promise<StoredMessage>;
  now?: () => number;
}

/** Reports `disappearing` (DisappearingEvent) when a conversation's timer changes. */
export class DisappearingMessages extends EventTarget {
  readonly #timers = new Map<ConversationId, TimerSetting>();
  readonly expiry: Expiry;

  constructor(private readonly d: DisappearingDeps) {
    super();
    // Gone as "delete for me" goes: remembered as deleted (a copy sent again stays so), its file too.
    this.expiry = new Expiry({ db: d.db, remove: (conv, dir, id) => d.messenger.actions.deleteForMe(conv, dir, id), now: d.now });
  }

  #now(): number {
    return this.d.now?.() ?? Date.now();
  }

  /** Reads every conversation's timer (one small record each); call before anything is sent. */
  async load(): Promise<void> {
    const range = IDBKeyRange.bound(KEY_PREFIX, `${KEY_PREFIX}\uffff`);
    let cursor = await this.d.db.transaction('settings').store.openCursor(range);
    while (cursor) {
      const setting = cursor.value as TimerSetting;
      if (isTimer(setting?.seconds)) this.#timers.set(String(cursor.key).slice(KEY_PREFIX.length) as ConversationId, setting);
      cursor = await cursor.continue();
    }
  }

  /** Deletes what is due (what went while the tab was closed, too), then as each falls due. */
  start(): Promise<void> {
    return this.expiry.start().catch((err) => console.warn('parley: could not read the disappearing messages', err));
  }

  stop(): void {
    this.expiry.stop();
  }

  /** The timer of `conv`, in seconds (0: off). */
  timerOf(conv: ConversationId): Timer {
    return this.#timers.get(conv)?.seconds ?? 0;
  }

  /** The setting that holds in `conv` (who set it, when), if any. */
  setting(conv: ConversationId): TimerSetting | undefined {
    return this.#timers.get(conv);
  }

  /**
   * A setting learnt other than by its notice (a group's card: groups/group-log.ts, sent only by
   * an owner or admin), kept unless a later one is held; no notice shows.
   */
  adopt(conv: ConversationId, setting: TimerSetting): void {
    if (!isTimer(setting.seconds)) return;
    this.#apply(conv, { seconds: setting.seconds, ts: setting.ts, by: setting.by }).catch((err) => console.warn('parley: could not keep a disappearing-messages setting', err));
  }

  /** Sets the timer of `conv` (1:1 or group): a sealed notice everyone in it shows, and the setting here. */
  async set(conv: ConversationId, seconds: Timer): Promise<void> {
    const body = { kind: 'disappearing', seconds } as const;
    const peer = dmPeer(conv);
    const group = convGroup(conv);
    let notice: StoredMessage;
    if (peer !== undefined) notice = await this.d.messenger.sendContent(peer, body);
    else if (group !== undefined && this.d.groupNotice) notice = await this.d.groupNotice(group, body);
    else throw new Error(`no disappearing-messages timer in ${conv}`);
    await this.#apply(notice.conv, { seconds, ts: notice.ts, by: this.d.me() });
  }

  /**
   * The sealer's stamp (Messenger.stamp): a new text, reply or file of a conversation whose timer
   * is on carries it, and goes from here that long after now (a scheduled one: after its time).
   */
  readonly stamp = (body: Body, message: StoredMessage): void => {
    const seconds = this.timerOf(message.conv);
    if (!seconds || !TIMED_KINDS.has(body.kind)) return;
    (body as { expiresIn?: number }).expiresIn = seconds;
    message.expiresIn = seconds;
    this.#start(message, message.scheduledFor ?? message.ts);
  };

  /**
   * One's own scheduled message went at `at` (ScheduledSends `went`), maybe before its time (Send
   * now): its clock counts from then, so it goes from here no later than a timer after `at`.
   */
  readonly went = (message: StoredMessage, at: number): void => {
    if (message.dir !== 'out' || !message.expiresIn) return;
    if (message.expiresAt !== undefined && message.expiresAt <= at + lifetimeMs(message.expiresIn)) return;
    this.#start(message, at);
  };

  /**
   * The read receipts' hook (Receipts `read`): a received disappearing message's clock starts when
   * it is read. Returns the entries to keep in `expiring`, written with the messages marked read
   * (one transaction: a tab closed at once still deletes them at its next start).
   */
  readonly read = (messages: readonly StoredMessage[]): ExpiringMessage[] => {
    const now = this.#now();
    const entries: ExpiringMessage[] = [];
    for (const m of messages) {
      // The timer the message claims, in a group too (its author's setting, as in 1:1).
      if (m.dir !== 'in' || !m.expiresIn || m.expiresAt !== undefined) continue;
      m.expiresAt = now + lifetimeMs(m.expiresIn);
      entries.push({ conv: m.conv, dir: m.dir, id: m.id, at: m.expiresAt });
      this.expiry.expect(m.expiresAt);
    }
    return entries;
  };

  /**
   * A message arrived (Messenger `arrived`): a notice sets its conversation's timer, unless a later
   * setting is held (a group's notice reaches here only from an owner or admin: group-log.ts).
   */
  arrived(message: StoredMessage): void {
    if (message.dir !== 'in' || !isTimer(message.disappearing)) return;
    const setting = { seconds: message.disappearing, ts: message.ts, by: message.peer };
    this.#apply(message.conv, setting).catch((err) => console.warn('parley: could not keep a disappearing-messages setting', err));
  }

  /**
   * A sent message's time: its `expiring` entry's write is issued before the message's own (the
   * stamp runs while it is drafted), and removing one whose record never got written is harmless.
   */
  #start(m: StoredMessage, from: number): void {
    m.expiresAt = from + lifetimeMs(m.expiresIn!);
    this.expiry.track(m.conv, m.dir, m.id, m.expiresAt).catch((err) => console.warn('parley: could not keep when a message disappears', err));
  }

  async #apply(conv: ConversationId, setting: TimerSetting): Promise<void> {
    const held = this.#timers.get(conv);
    if (held && !wins(setting, held)) return;
    this.#timers.set(conv, setting);
    this.dispatchEvent(new DisappearingEvent(conv));
    await this.d.db.put('settings', setting, KEY_PREFIX + conv);
  }
}
