/**
 * Read receipts, sending side: the user has seen messages (the conversation open in a visible
 * tab, the messages shown: the component layer says when). Each such message is marked read here,
 * durably, once; unless the user turned read receipts off, its id joins a batch for its sender,
 * sent READ_BATCH_MS later as durable `read` jobs of at most LIMITS.maxReadIds ids (a screenful
 * read at once costs one envelope, not one per message). A message read while receipts were off
 * is never reported later.
 */
import type { Body } from '../../../shared/envelope';
import { LIMITS } from '../../../shared/limits';
import type { Database, ExpiringMessage, OutboxKind, StoredMessage } from '../storage/db';
import { dmPeer } from './conversation-id';

/** Ids seen within this long of each other go in one receipt. */
export const READ_BATCH_MS = 300;

export interface ReceiptDeps {
  db: Database;
  /** Sends a durable outbox job (Messenger.sendJob). */
  sendJob: (peer: string, kind: OutboxKind, body: Body) => Promise<void>;
  /** The user's choice, read when a batch is made. */
  sendReceipts: () => boolean;
  /** Group messages just read here: their read cursor goes to the server (groups/group-receipts.ts). */
  groupSeen?: (messages: readonly StoredMessage[]) => void;
  /**
   * Messages just read here, changed before they are written (a disappearing one's clock starts:
   * disappearing.ts); what it returns is written to `expiring` with them.
   */
  read?: (messages: readonly StoredMessage[]) => ExpiringMessage[];
}

export class Receipts {
  readonly #queued = new Map<string, Set<string>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves when the batch being sent has gone into the outbox (tests and sign-out wait for it). */
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly d: ReceiptDeps) {}

  /** The user has seen `messages` (any of a conversation's; those received and not yet read count). */
  async seen(messages: readonly StoredMessage[]): Promise<void> {
    const fresh = messages.filter((m) => m.dir === 'in' && m.state === 'delivered');
    if (fresh.length === 0) return;
    for (const m of fresh) m.state = 'read';
    const expiring = this.d.read?.(fresh) ?? [];
    const tx = this.d.db.transaction(['messages', 'expiring'], 'readwrite');
    const [stored, times] = [tx.objectStore('messages'), tx.objectStore('expiring')];
    await Promise.all([...fresh.map((m) => stored.put(m)), ...expiring.map((e) => times.put(e)), tx.done]);
    if (!this.d.sendReceipts()) return;
    this.d.groupSeen?.(fresh.filter((f) => dmPeer(f.conv) === undefined));
    // A group's messages are not reported one to one: a receipt sealed to their author would tell
    // them what the group has not been told. Their read cursor goes to the server (groupSeen).
    for (const m of fresh.filter((f) => dmPeer(f.conv) !== undefined)) {
      let ids = this.#queued.get(m.peer);
      if (!ids) this.#queued.set(m.peer, (ids = new Set()));
      ids.add(m.id);
    }
    this.#timer ??= setTimeout(() => (this.#flushing = this.#flush()), READ_BATCH_MS);
  }

  /** Sends what is queued now (and resolves once it is in the outbox). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#flushing;
    await this.#flush();
  }

  async #flush(): Promise<void> {
    this.#timer = undefined;
    const queued = [...this.#queued];
    this.#queued.clear();
    for (const [peer, set] of queued) {
      const ids = [...set];
      for (let i = 0; i < ids.length; i += LIMITS.maxReadIds) {
        await this.d.sendJob(peer, 'read', { kind: 'read', ids: ids.slice(i, i + LIMITS.maxReadIds) }).catch((err) => {
          console.warn(`parley: could not send a read receipt to ${peer}`, err);
        });
      }
    }
  }
}
