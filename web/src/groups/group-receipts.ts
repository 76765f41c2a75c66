/**
 * Group receipts, this device's side (issue 12 item 4, "Message info"). Reading: when the user has
 * seen group messages (conversations/receipts.ts tells, from the seen controller: a visible tab,
 * the rows on screen) and sends read receipts, the newest one seen per group goes to the server
 * as `group_read`, at most once per READ_EVERY_MS per group and only when it is newer than the last
 * reported (the server's read cursor never moves back anyway). Asking: `info` asks the server who
 * has one of the user's own messages (`group_receipts`); with read receipts off the answer shows
 * no reads (as in Signal: one who does not send them does not see others').
 */
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import type { Preferences } from '../conversations/preferences';
import type { StoredMessage } from '../storage/db';
import { Asks } from './ask';

/** At most one `group_read` per group this often. */
export const READ_EVERY_MS = 1000;

export interface GroupReceiptsDeps {
  send: (frame: ClientFrame) => boolean;
  preferences: Pick<Preferences, 'sendReadReceipts'>;
  /** Injected in tests. */
  asks?: Asks;
  now?: () => number;
}

/** Where one member is with one message, as this device shows it. */
export type MemberReceipt = { user: string; state: 'read' | 'delivered' | 'pending' };

interface Reading {
  /** The newest message seen and not yet reported: its id and local order. */
  due?: { id: string; order: number };
  /** The local order of the last one reported. */
  sent: number;
  at: number;
  timer?: ReturnType<typeof setTimeout>;
}

const groupOf = (m: StoredMessage) => (m.conv.startsWith('grp:') ? m.conv.slice(4) : undefined);

export class GroupReceipts {
  readonly #reading = new Map<string, Reading>();
  readonly #asks: Asks;
  readonly #now: () => number;

  constructor(private readonly d: GroupReceiptsDeps) {
    this.#asks = d.asks ?? new Asks(d.send);
    this.#now = d.now ?? Date.now;
  }

  /** Frames for this part: the answers to `info`, and refusals of them. */
  offer(frame: ServerFrame): void {
    this.#asks.offer(frame);
  }

  /** The user has seen `messages` (of any conversation; others' group messages count). */
  seen(messages: readonly StoredMessage[]): void {
    if (!this.d.preferences.sendReadReceipts) return;
    for (const m of messages) {
      const group = groupOf(m);
      if (!group || m.dir !== 'in' || m.id.startsWith('seq-')) continue;
      let r = this.#reading.get(group);
      if (!r) this.#reading.set(group, (r = { sent: Number.NEGATIVE_INFINITY, at: Number.NEGATIVE_INFINITY }));
      if (m.seq > r.sent && m.seq > (r.due?.order ?? Number.NEGATIVE_INFINITY)) r.due = { id: m.id, order: m.seq };
    }
    for (const [group, r] of this.#reading) if (r.due && !r.timer) this.#schedule(group, r);
  }

  #schedule(group: string, r: Reading): void {
    const wait = r.at + READ_EVERY_MS - this.#now();
    if (wait > 0) {
      r.timer = setTimeout(() => {
        r.timer = undefined;
        this.#schedule(group, r);
      }, wait);
      return;
    }
    const due = r.due;
    if (!due || !this.d.preferences.sendReadReceipts) return;
    r.due = undefined;
    if (this.d.send({ t: 'group_read', group, id: due.id })) {
      r.sent = due.order;
      r.at = this.#now();
    }
  }

  /** Who has the user's own message `id` of `group`: every member but the user who was in the group then. */
  async info(group: string, id: string): Promise<MemberReceipt[]> {
    const answer = await this.#asks.ask(
      { t: 'group_receipts', group, id },
      (f): f is ServerFrameOf<'group_receipts'> => f.t === 'group_receipts' && f.group === group && f.id === id,
      [id],
    );
    const showRead = this.d.preferences.sendReadReceipts;
    return answer.members.map((m) => ({ user: m.user, state: m.read && showRead ? 'read' : m.delivered ? 'delivered' : 'pending' }));
  }
}
