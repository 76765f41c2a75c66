/**
 * Receiving: open what a contact sent (whichever path it came by), de-duplicate it, and hand its
 * body to its module (bodies/registry.ts): content is stored as a message of the conversation,
 * with any modifiers that were waiting for it applied first; a modifier is applied to its target,
 * or kept until the target arrives (pending.ts). The answer owed to the sender is decided only
 * after the result is safely in IndexedDB.
 */
import { type FileOffer, openEnvelope } from '../../../shared/envelope';
import { publicKeyFromB64 } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';
import type { Account } from '../identity/account';
import type { Contacts } from '../identity/contacts';
import type { IDBPObjectStore } from 'idb';
import type { Database, Direction, ParleyDB, StoredMessage } from '../storage/db';
import { type ReceivedBody, bodyModule } from './bodies/registry';
import { resolveQuote } from './bodies/reply';
import { shownTime } from './clock';
import { type ConversationId, dmId } from './conversation-id';
import type { ConversationStates } from './conversation-states';
import type { History } from './history';
import { applyMarks } from './marks';
import { keepPending, takePending } from './pending';

/** What the sender is owed: `ack` (stored, or a duplicate), `refuse` (it did not open), or nothing yet (`hold`). */
export type Answer = 'ack' | 'refuse' | 'hold';

export interface ReceiveDeps {
  db: Database;
  sodium: Sodium;
  account: Account;
  contacts: Contacts;
  states: ConversationStates;
  nextSeq: () => number;
  /** The conversations' history: the copy of a message every reader shares (the one a modifier changes). */
  history: History;
  /** Adds a stored message to the shared copies and tells the UI. */
  remember: (message: StoredMessage) => Promise<StoredMessage>;
  /** Tells the UI a conversation's messages changed (`message`, when one did). */
  changed: (conv: ConversationId, message?: StoredMessage) => void;
  /** The file layer, told of a new offer before it is acknowledged (a reload cannot lose it). */
  fileOffer: (peer: string, offer: FileOffer, ts: number) => Promise<void>;
  /** A body about its sender, not a message (profile, typing): handled before it is acknowledged. */
  control: (from: string, body: ReceivedBody, ts: number) => Promise<void>;
  /** A new message from a contact was stored (notifications, typing). */
  arrived: (message: StoredMessage) => void;
}

type MessageStore = IDBPObjectStore<ParleyDB, ['messages', 'pending'], 'messages', 'readwrite'>;

export class Receiver {
  constructor(private readonly d: ReceiveDeps) {}

  async receive(from: string, id: string, env: string): Promise<Answer> {
    const { db, sodium, account, contacts } = this.d;
    const contact = contacts.get(from);
    // Hold (do not answer) messages from a contact whose key changed until the user decides.
    if (!contact || contact.changedKey) return 'hold';
    const me = account.identity!;
    const conv = dmId(from);
    // The replay check and the write share one transaction: one round trip to storage before the
    // acknowledgement, not two.
    const tx = db.transaction(['messages', 'pending'], 'readwrite');
    const messages = tx.objectStore('messages');
    // An id of one of this device's own messages counts as seen too: a contact who reuses it (they
    // received it) would otherwise make "Edit" or "Delete for everyone" find their copy (review M1).
    const seen = {
      has: async (_from: string, mid: string) =>
        (await messages.getKey([conv, 'in', mid])) !== undefined || (await messages.getKey([conv, 'out', mid])) !== undefined,
    };
    const opened = await openEnvelope(sodium, env, { from, to: me.username, id }, publicKeyFromB64(sodium, contact.identityKey), me.secretKey, seen);
    if (!opened.ok) {
      await tx.done;
      if (opened.reason !== 'replay') console.warn(`parley: refused a ${opened.reason} envelope from ${from}`);
      // A duplicate: the sender may forget it. Forged, or not for this conversation: refused.
      return opened.reason === 'replay' ? 'ack' : 'refuse';
    }
    const { body, ts } = opened.value;
    const module = bodyModule(body);
    if (module.role === 'control') {
      await tx.done;
      await this.d.control(from, body, ts);
      return 'ack';
    }
    if (module.role === 'marks') {
      const changed = await applyMarks(tx, module, this.d.history, { conv, id, body, ctx: { from, me: me.username, ts } });
      await tx.done;
      for (const m of changed) this.d.changed(conv, m);
      return 'ack';
    }
    if (module.role === 'modifier') {
      const target = module.target(body);
      const message = await this.#target(messages, conv, target, module.authorOnly ? 'in' : undefined);
      const changed = message !== undefined && module.apply(message, body, { from, me: me.username, ts });
      if (changed) await messages.put(message);
      else if (!message) {
        const kept = await keepPending(tx, { conv, target, id, from, ts, body, kept: Date.now() });
        if (!kept) console.warn(`parley: dropped a ${body.kind} from ${from}: too many wait for their message`);
      }
      await tx.done;
      if (changed) this.d.changed(conv, message);
      return 'ack';
    }
    const message: StoredMessage = { conv, peer: from, dir: 'in', id, seq: this.d.nextSeq(), ts: shownTime(ts), ...module.show(body), state: 'delivered' };
    if (message.reply) resolveQuote(message, await this.#target(messages, conv, message.reply.id), me.username);
    for (const waiting of await takePending(tx, conv, id)) this.#applyWaiting(message, waiting.body as ReceivedBody, { from: waiting.from, me: me.username, ts: waiting.ts });
    await Promise.all([messages.put(message), tx.done]);
    if (body.kind === 'file') await this.d.fileOffer(from, body, ts);
    await this.d.remember(message);
    await this.d.states.arrived(conv);
    this.d.arrived(message);
    return 'ack';
  }

  /**
   * The message a modifier changes (of direction `only`, when given), read in the receive's own
   * transaction (awaiting any other would let it commit): the copy already held when there is one.
   */
  async #target(messages: MessageStore, conv: ConversationId, id: string, only?: Direction): Promise<StoredMessage | undefined> {
    const { history } = this.d;
    const dirs: readonly Direction[] = only ? [only] : ['in', 'out'];
    for (const dir of dirs) {
      const found = history.held(conv, dir, id) ?? (await messages.get([conv, dir, id]));
      if (found) return history.adopt(found);
    }
    return undefined;
  }

  #applyWaiting(message: StoredMessage, body: ReceivedBody, ctx: { from: string; me: string; ts: number }): void {
    const module = bodyModule(body);
    if (module.role === 'modifier' || module.role === 'marks') module.apply(message, body, ctx);
  }
}
