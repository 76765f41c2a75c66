/**
 * Receiving: open what a contact sent (whichever path it came by), de-duplicate it, and hand its
 * body to its module; a body opened elsewhere (a group's, by MLS) takes the second step only (bodies/registry.ts): content is stored as a message of the conversation,
 * with any modifiers that were waiting for it applied first; a modifier is applied to its target,
 * or kept until the target arrives (pending.ts). The answer owed to the sender is decided only
 * after the result is safely in IndexedDB.
 */
import { type FileOffer, openEnvelope } from '../../../shared/envelope';
import { publicKeyFromB64 } from '../../../shared/identity';
import type { Sodium } from '../../../shared/sodium';
import type { Account } from '../identity/account';
import type { IDBPObjectStore } from 'idb';
import type { Database, Direction, ParleyDB, StoredMessage } from '../storage/db';
import { type ModifierModule, type ReceivedBody, bodyModule } from './bodies/registry';
import { resolveQuote } from './bodies/reply';
import { shownTime } from './clock';
import { type ConversationId, dmId } from './conversation-id';
import type { ConversationStates } from './conversation-states';
import type { History } from './history';
import { type MarksArrival, applyMarks } from './marks';
import { wasForgotten } from './forgotten';
import { type ReceiveTx, applyWaiting, keepPending } from './pending';
import { followQuotes } from './quotes';
import type { PeerKeys } from './peer-keys';

/** What the sender is owed: `ack` (stored, or a duplicate), `refuse` (it did not open), or nothing yet (`hold`). */
export type Answer = 'ack' | 'refuse' | 'hold';

export interface ReceiveDeps {
  db: Database;
  sodium: Sodium;
  account: Account;
  /** The sender's key: a contact's trusted one, or a member's pinned one (member chats). */
  keys: PeerKeys;
  states: ConversationStates;
  nextSeq: () => number;
  /** The conversations' history: the copy of a message every reader shares (the one a modifier changes). */
  history: History;
  /** Adds a stored message to the shared copies and tells the UI. */
  remember: (message: StoredMessage) => Promise<StoredMessage>;
  /** Tells the UI a conversation's messages changed (`message`, when one did). */
  changed: (conv: ConversationId, message?: StoredMessage) => void;
  /** The file layer, told of a new offer before it is acknowledged (a reload cannot lose it). */
  /** `conv` tells a group's file (grp:<id>: fetched from the group's copy) from a contact's. */
  fileOffer: (peer: string, offer: FileOffer, ts: number, conv: ConversationId) => Promise<void>;
  /** A body about its sender, not a message (profile, typing): handled before it is acknowledged. */
  control: (from: string, body: ReceivedBody, ts: number) => Promise<void>;
  /** A new message from a contact was stored (notifications, typing). */
  arrived: (message: StoredMessage) => void;
  /** A modifier (a delete) took a message's file away: the file layer lets go of it. */
  fileGone: (fileId: string) => void;
}

/** An authentic body, opened by whichever path brought it, for conversation `conv`. */
export interface OpenedBody {
  conv: ConversationId;
  /** Its author (a contact, or a group member). */
  from: string;
  id: string;
  body: ReceivedBody;
  /** Its sender's clock (ms). */
  ts: number;
  /** A group message's @mentions, already checked by the group service (kept on the stored message). */
  mentions?: string[];
}

type MessageStore = IDBPObjectStore<ParleyDB, ['messages', 'pending'], 'messages', 'readwrite'>;

export class Receiver {
  constructor(private readonly d: ReceiveDeps) {}

  async receive(from: string, id: string, env: string): Promise<Answer> {
    const { sodium, account, keys } = this.d;
    const key = keys.keyOf(from);
    // Hold (do not answer) messages from a contact whose key changed until the user decides, and
    // from anyone else this device has no key for (met in no group yet): they come again.
    if (!key) return 'hold';
    const me = account.identity!;
    const conv = dmId(from);
    // The replay check and the write share one transaction: one round trip to storage before the
    // acknowledgement, not two.
    const tx = this.#tx();
    const seen = { has: (_from: string, mid: string) => this.#seen(tx, conv, mid) };
    const opened = await openEnvelope(sodium, env, { from, to: me.username, id }, publicKeyFromB64(sodium, key), me.secretKey, seen);
    if (!opened.ok) {
      await tx.done;
      if (opened.reason !== 'replay') console.warn(`parley: refused a ${opened.reason} envelope from ${from}`);
      // A duplicate: the sender may forget it. Forged, or not for this conversation: refused.
      return opened.reason === 'replay' ? 'ack' : 'refuse';
    }
    // Files travel between contacts only (their chunks do: PROTOCOL.md "Member chats"): an offer
    // in a member chat could never complete, so it is refused unopened.
    if (opened.value.body.kind === 'file' && keys.isMemberChat(from)) {
      await tx.done;
      return 'refuse';
    }
    await this.#store(tx, { conv, from, id, body: opened.value.body, ts: opened.value.ts });
    return 'ack';
  }

  /**
   * Stores a body that was opened elsewhere (a group's MLS message: the group service checked its
   * sender) in conversation `conv`, as `from`'s: the same registry, waiting modifiers, quotes,
   * unread count and events as a contact's envelope. An id already here (or deleted for me) is a
   * duplicate and changes nothing. Resolves once it is in IndexedDB.
   */
  async receiveOpened(opened: OpenedBody): Promise<'stored' | 'duplicate'> {
    const tx = this.#tx();
    if (await this.#seen(tx, opened.conv, opened.id)) {
      await tx.done;
      return 'duplicate';
    }
    await this.#store(tx, opened);
    return 'stored';
  }

  #tx(): ReceiveTx {
    return this.d.db.transaction(['messages', 'pending', 'forgotten'], 'readwrite');
  }

  /**
   * A message deleted for me counts as seen: a copy that comes again stays deleted. So does an id
   * of one of this device's own messages: a contact who reuses it (they received it) would
   * otherwise make "Edit" or "Delete for everyone" find their copy (review M1).
   */
  async #seen(tx: ReceiveTx, conv: ConversationId, id: string): Promise<boolean> {
    const messages = tx.objectStore('messages');
    return (
      (await messages.getKey([conv, 'in', id])) !== undefined ||
      (await messages.getKey([conv, 'out', id])) !== undefined ||
      (await wasForgotten(tx, [conv, 'in', id]))
    );
  }

  /** Hands an authentic, new body to its module and stores the result in `tx`, which it ends. */
  async #store(tx: ReceiveTx, { conv, from, id, body, ts, mentions }: OpenedBody): Promise<void> {
    const me = this.d.account.identity!;
    const messages = tx.objectStore('messages');
    const module = bodyModule(body);
    if (module.role === 'control') {
      await tx.done;
      await this.d.control(from, body, ts);
      return;
    }
    if (module.role === 'marks') {
      const changed = await applyMarks(tx, module, this.d.history, { conv, id, body, ctx: { from, me: me.username, ts } });
      await tx.done;
      for (const m of changed) this.d.changed(conv, m);
      return;
    }
    if (module.role === 'modifier') {
      const changed = await this.#modify(tx, module, { conv, id, body, ctx: { from, me: me.username, ts } });
      await tx.done;
      for (const m of changed) this.d.changed(conv, m);
      return;
    }
    const message: StoredMessage = { conv, peer: from, dir: 'in', id, seq: this.d.nextSeq(), ts: shownTime(ts), ...module.show(body), ...(mentions?.length ? { mentions } : {}), state: 'delivered' };
    if (message.reply) resolveQuote(message, await this.#target(messages, conv, message.reply.id), me.username);
    await applyWaiting(tx, message, me.username);
    // Replies that came before it showed their sender's claim of it: they quote it now.
    const requoted = await followQuotes(messages, this.d.history, message, me.username);
    await Promise.all([messages.put(message), tx.done]);
    for (const reply of requoted) this.d.changed(conv, reply);
    // Not when a delete that waited for it took the file away: nothing of it is fetched.
    if (body.kind === 'file' && message.file) await this.d.fileOffer(from, body, ts, conv);
    // The count and the preview in one write, begun before the UI is told (whose preview then follows nothing new).
    const arrived = this.d.states.arrived(conv, message);
    await this.d.remember(message);
    await arrived;
    this.d.arrived(message);
  }

  /**
   * Applies a modifier to its target, and the target's quotes in replies to what it now is
   * (quotes.ts); one whose target is not here waits for it, unless it was deleted for me
   * (forgotten.ts). Returns the messages changed.
   */
  async #modify(tx: ReceiveTx, module: ModifierModule<ReceivedBody>, a: MarksArrival): Promise<StoredMessage[]> {
    const { conv, body, ctx } = a;
    const messages = tx.objectStore('messages');
    const target = module.target(body);
    const message = await this.#target(messages, conv, target, module.authorOnly ? 'in' : undefined);
    if (message) {
      const file = message.file?.fileId;
      if (!module.apply(message, body, ctx)) return [];
      await messages.put(message);
      if (file && !message.file) this.d.fileGone(file); // not awaited: its own stores, not this transaction's
      const requoted = body.kind === 'reaction' ? [] : await followQuotes(messages, this.d.history, message, ctx.me);
      return [message, ...requoted];
    }
    if ((await wasForgotten(tx, [conv, 'in', target])) || (await wasForgotten(tx, [conv, 'out', target]))) return [];
    // A group's log is in order: a target not here now (sent before this device joined, or never
    // sent) never comes, so nothing waits for it, and a member cannot fill 'pending' with such.
    if (conv.startsWith('grp:')) return [];
    const kept = await keepPending(tx, { conv, target, id: a.id, from: ctx.from, ts: ctx.ts, body, kept: Date.now() });
    if (!kept) console.warn(`parley: dropped a ${body.kind} from ${ctx.from}: too many wait for their message`);
    return [];
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
}
