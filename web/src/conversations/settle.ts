/**
 * Settling what was sent: the server's store or the recipient answered an outbox job (stored,
 * delivered, refused), or the server refused a send outright (a full queue, not a contact). The
 * job leaves the outbox and a message shows its outcome; a modifier's outcome shows nothing.
 */
import type { Database, StoredMessage } from '../storage/db';
import { type ConversationId, dmId } from './conversation-id';
import { type Outcome, applyOutcome } from './message-outcome';
import type { Outbox } from './outbox';

/** Refusals of a `send` that name the message (`ref`): it shows failed, with the words for the code. */
export const SEND_REFUSALS: ReadonlySet<string> = new Set(['queue_full', 'server_full', 'not_contact', 'blocked']);

export interface SettleDeps {
  db: Database;
  outbox: Outbox;
  /** One's own message `id` of `conv` (the copy every reader shares). */
  find: (conv: ConversationId, id: string) => Promise<StoredMessage | undefined>;
  changed: (conv: ConversationId, message?: StoredMessage) => void;
  /** The file transfer layer: a sent file offer reached an outcome. */
  fileOfferSettled: (peer: string, fileId: string, outcome: Outcome) => void;
  /** True for a member chat's peer (not a contact): their `not_contact` reads as `no_shared_group`. */
  memberChat?: (peer: string) => boolean;
}

export class Settler {
  constructor(private readonly d: SettleDeps) {}

  /**
   * A sent job reached the store ('sent'), or the recipient's device took it ('delivered') or
   * refused it ('refused'). A receipt `by` a device settles only a job sent to that device:
   * whoever else names the id (a hostile contact, a confused server) changes nothing. A message
   * shows its outcome at once; storage follows (a reload before it is written resends it from the
   * outbox, and the recipient drops the duplicate). A modifier's outcome shows nothing.
   */
  async settle(id: string, by: string | undefined, outcome: Outcome): Promise<void> {
    const entry = this.d.outbox.get(id);
    if (by !== undefined && entry !== undefined && entry.to !== by) return;
    const peer = by ?? entry?.to;
    if (!peer) return;
    this.d.outbox.forget(id);
    // An entry this tab does not hold (another tab of this profile sent it) is taken for a message.
    // A scheduled one is a message too: its receipts come as any message's (conversations/scheduled.ts).
    const kind = entry?.kind ?? 'message';
    const message = kind === 'message' || kind === 'schedule' ? await this.#settleMessage(peer, id, outcome) : undefined;
    const tx = this.d.db.transaction(['outbox', 'messages'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    // Read again here: another tab of this profile may have queued it, and its recipient is the
    // only one whose answer may remove it.
    const queued = await outbox.get(id);
    await Promise.all([queued?.to === peer ? outbox.delete(id) : undefined, message ? tx.objectStore('messages').put(message) : undefined, tx.done]);
  }

  /** Applies `outcome` to sent message `id`; returns it when it changed. */
  async #settleMessage(peer: string, id: string, outcome: Outcome): Promise<StoredMessage | undefined> {
    const message = await this.d.find(dmId(peer), id);
    if (!message) return undefined;
    const changed = applyOutcome(message, outcome);
    if (changed) this.d.changed(message.conv, message);
    if (message.file) this.d.fileOfferSettled(peer, message.file.fileId, outcome);
    return changed ? message : undefined;
  }

  async fail(id: string, code: string): Promise<void> {
    const entry = this.d.outbox.get(id);
    // A scheduled message's refusals are scheduled.ts's: it knows whether it was held yet.
    if (!entry || entry.kind === 'schedule') return;
    // A full queue (or a full server) may drain: keep the job queued and try again later. A
    // non-contact cannot, nor a user this one blocked (sent before the block, or from another tab).
    if (code === 'not_contact' || code === 'blocked') {
      this.d.outbox.forget(id);
      await this.d.db.delete('outbox', id);
    }
    if (entry.kind !== 'message') return;
    const message = await this.d.find(entry.conv, id);
    // The server says not_contact either way; in a member chat the words say what went: the shared group.
    const words = code === 'not_contact' && this.d.memberChat?.(entry.to) ? 'no_shared_group' : code;
    if (message && message.state !== 'delivered' && message.state !== 'read') await this.failMessage(message, words);
  }

  async failMessage(message: StoredMessage, code: string | undefined): Promise<void> {
    message.state = 'failed';
    if (code) message.error = code;
    this.d.changed(message.conv, message);
    await this.d.db.put('messages', message);
  }
}
