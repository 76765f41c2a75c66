/**
 * Conversations: seal and send through the contact's Link, keep every sent envelope as a job in
 * the outbox until the server's store or the recipient answers it, and receive what arrives
 * (receive.ts), answering only after it is safely in IndexedDB: an acknowledgement for what
 * opened (or was a duplicate), a refusal for what did not, so its sender never sees "delivered"
 * for a message thrown away. Which path an envelope took is the Link's business, never this one's.
 */
import { type Body, type FileOffer, sealEnvelope } from '../../../shared/envelope';
import { publicKeyFromB64 } from '../../../shared/identity';
import { LIMITS } from '../../../shared/limits';
import type { Sodium } from '../../../shared/sodium';
import type { Account } from '../identity/account';
import type { Contacts } from '../identity/contacts';
import { Batcher } from '../net/batcher';
import type { Connection } from '../net/connection';
import type { FrameRoutes } from '../net/frame-router';
import { ParleyError } from '../net/parley-error';
import type { Links } from '../peer/links';
import { type Database, type OutboxEntry, type OutboxKind, type StoredMessage, createSequencer } from '../storage/db';
import { type ReceivedBody, bodyModule } from './bodies/registry';
import { type ConversationId, dmId } from './conversation-id';
import { type ModifierBody, sendModifier } from './modifiers';
import { ConversationStates } from './conversation-states';
import { type Outcome, applyOutcome } from './message-outcome';
import { expirePending } from './pending';
import { Outbox, RESEND_AFTER_MS } from './outbox';
import { Receiver } from './receive';

/** Refusals of a `send` that name the message (`ref`): it shows failed, with the words for the code. */
const SEND_REFUSALS: ReadonlySet<string> = new Set(['queue_full', 'server_full', 'not_contact']);

/** One's own message may be deleted for everyone for this long after it was sent. */
export const DELETE_FOR_EVERYONE_MS = 24 * 3600 * 1000;

/** Fired with the conversation whose messages changed. */
export class ConversationEvent extends Event {
  constructor(readonly conv: ConversationId) {
    super('conversation');
  }
}

/** Fired ('arrived') with each new message a contact sent, once it is stored. */
export class ArrivedEvent extends Event {
  constructor(readonly message: StoredMessage) {
    super('arrived');
  }
}

/** Handles a body about its sender (profile, typing); awaited before the envelope is acknowledged. */
export type ControlHandler = (from: string, body: ReceivedBody, ts: number) => void | Promise<void>;

/** A sealed offer recorded and shown, not yet sent (see holdFileOffer). */
export interface HeldOffer {
  readonly id: string;
  /** Seals and sends it now. */
  release(): Promise<void>;
  /** It will never go: shown failed, with `code` as the reason when given. */
  fail(code?: string): Promise<void>;
}

export class Messenger extends EventTarget {
  readonly #cache = new Map<ConversationId, Promise<StoredMessage[]>>();
  /** Unread counts and drafts, per conversation. */
  readonly states: ConversationStates;
  readonly #nextSeq = createSequencer();
  readonly #outbox: Outbox;
  readonly #receiver: Receiver;
  /** What this device owes the senders of what it received: one ack (or refusal) per peer and turn. */
  readonly #answers: Batcher<'ack' | 'refuse'>;
  /** Set by the file transfer layer: a contact offered a file (called once per new offer; `ts` is the sender's clock). */
  onFileOffer: ((peer: string, offer: FileOffer, ts?: number) => Promise<void>) | undefined;
  /** Set by the file transfer layer: a sent file offer reached an outcome (called for each one that applies). */
  onFileOfferSettled: ((peer: string, fileId: string, outcome: Outcome) => void) | undefined;
  #retryTimer: ReturnType<typeof setInterval> | undefined;
  readonly #controls = new Map<string, ControlHandler>();

  constructor(
    private readonly db: Database,
    private readonly sodium: Sodium,
    private readonly account: Account,
    private readonly contacts: Contacts,
    private readonly connection: Connection,
    private readonly links: Links,
  ) {
    super();
    this.states = new ConversationStates(db);
    this.#outbox = new Outbox(db, (entry) => this.links.get(entry.to).send(entry.id, entry.env));
    this.#answers = new Batcher((answer, peer, ids) => (answer === 'ack' ? links.get(peer).ack(ids) : links.get(peer).refuse(ids)));
    this.#receiver = new Receiver({
      db,
      sodium,
      account,
      contacts,
      states: this.states,
      nextSeq: this.#nextSeq,
      conversation: (conv) => this.conversation(conv),
      remember: (message) => this.#remember(message),
      changed: (conv) => this.#changed(conv),
      fileOffer: async (peer, offer, ts) => this.onFileOffer?.(peer, offer, ts),
      control: async (from, body, ts) => this.#controls.get(body.kind)?.(from, body, ts),
      arrived: (message) => this.dispatchEvent(new ArrivedEvent(message)),
    });
    links.deliverTo({
      envelope: async (peer, id, env) => {
        const answer = await this.#receiver.receive(peer, id, env);
        if (answer !== 'hold') this.#answers.queue(answer, peer, [id]);
      },
      outcome: async (ids, outcome, by) => {
        for (const id of ids) await this.#settle(id, by, outcome);
      },
    });
  }

  /** Reads the outbox and the conversations' states; call once, before start(). */
  async load(): Promise<void> {
    await Promise.all([this.states.load(), this.#outbox.load(), expirePending(this.db)]);
  }

  start(): void {
    this.#retryTimer = setInterval(() => {
      if (this.connection.online) void this.#outbox.resendStale().catch((err) => console.warn('parley: could not read the outbox', err));
    }, RESEND_AFTER_MS);
  }

  stop(): void {
    clearInterval(this.#retryTimer);
  }

  /**
   * Subscribes to the server's frames about messages that are not the link's: the login (what
   * waits goes again) and the refusals of a send that name the message.
   */
  attach(frames: FrameRoutes): void {
    frames.on('welcome', () => this.#outbox.resendAll());
    frames.on('error', (f) => {
      if (f.ref && SEND_REFUSALS.has(f.code)) return this.#fail(f.ref, f.code);
    });
  }

  /** The messages of conversation `conv`, oldest first (loaded from IndexedDB once). */
  conversation(conv: ConversationId): Promise<StoredMessage[]> {
    let list = this.#cache.get(conv);
    if (!list) {
      list = this.db.getAllFromIndex('messages', 'byConv', IDBKeyRange.bound([conv, -Infinity], [conv, Infinity]));
      this.#cache.set(conv, list);
    }
    return list;
  }

  /** Seals `text` for `peer`, records it, and sends it (or leaves it queued until online). */
  async send(peer: string, text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (trimmed.length > LIMITS.maxTextChars) throw new ParleyError('too_long');
    const body: Body = { kind: 'text', text: trimmed };
    const message = this.#draft(peer, body);
    await this.#record(message, this.#seal(message, body));
  }

  /** Sends a file offer (the chunks follow through the file transfer layer). */
  async sendFileOffer(peer: string, offer: FileOffer): Promise<void> {
    const message = this.#draft(peer, offer);
    await this.#record(message, this.#seal(message, offer));
  }

  /**
   * Records a file offer and shows it ("sending") at once, but seals and sends it only on
   * release(): a file left with the server is offered once its chunks are committed, so nobody
   * is told of a file the server cannot give them yet. Not kept in the outbox until then: an offer
   * whose upload a reload cut short is never sent (see failFileOffer).
   */
  async holdFileOffer(peer: string, offer: FileOffer): Promise<HeldOffer> {
    const message = await this.#record(this.#draft(peer, offer), undefined);
    return {
      id: message.id,
      release: async () => {
        if (message.state !== 'sending') return;
        if (!this.contacts.trusted(peer)) return this.#failMessage(message, undefined); // their key changed meanwhile
        message.ts = Date.now(); // sealed now: its age tells the receiver how fresh the stored copy is
        const entry = this.#seal(message, offer);
        const stored = this.db.put('outbox', entry);
        this.#outbox.add(entry);
        await this.#recorded(message, Promise.all([stored, this.db.put('messages', message)]));
      },
      fail: (code) => this.#failMessage(message, code),
    };
  }

  /** A held offer of `fileId` whose upload ended with an earlier visit of this page: it will never go. */
  async failFileOffer(peer: string, fileId: string): Promise<void> {
    const message = (await this.conversation(dmId(peer))).find((m) => m.dir === 'out' && m.file?.fileId === fileId && m.state === 'sending');
    if (message && !(await this.db.getKey('outbox', message.id))) await this.#failMessage(message, undefined);
  }

  /** Shows why a sent file message has not reached its recipient yet (its state stays). */
  async noteFileOffer(peer: string, fileId: string, code: string): Promise<void> {
    const message = (await this.conversation(dmId(peer))).find((m) => m.dir === 'out' && m.file?.fileId === fileId);
    if (!message || message.state === 'delivered' || message.state === 'read' || message.state === 'failed') return;
    message.error = code;
    this.#changed(message.conv);
    await this.db.put('messages', message);
  }

  /** Who handles bodies of `kind` about their sender (profile, typing): one handler per kind. */
  onControl(kind: ReceivedBody['kind'], handler: ControlHandler): void {
    this.#controls.set(kind, handler);
  }

  /**
   * Seals `body` for `peer` as a durable outbox job of `kind` that is no message of its own (read
   * receipts, profile): sent now or when online, resent until the server's store or `peer` answers.
   */
  async sendJob(peer: string, kind: OutboxKind, body: Body): Promise<void> {
    const entry = this.#sealJob(peer, dmId(peer), kind, crypto.randomUUID(), body, Date.now(), this.#nextSeq());
    const stored = this.db.add('outbox', entry);
    this.#outbox.add(entry);
    await stored.catch((err) => {
      this.#outbox.forget(entry.id);
      throw err;
    });
  }

  /** Reacts to message `target` of `conv` with `emoji`, or takes the reaction back (`remove`). */
  react(conv: ConversationId, target: string, emoji: string, remove = false): Promise<void> {
    return this.#modify(conv, { kind: 'reaction', target, emoji, ...(remove ? { remove } : {}) });
  }

  /** Deletes one's own message `target` for everyone, within DELETE_FOR_EVERYONE_MS of sending it. */
  async deleteForEveryone(conv: ConversationId, target: string): Promise<void> {
    const message = (await this.conversation(conv)).find((m) => m.dir === 'out' && m.id === target);
    if (!message || message.deleted) return;
    if (Date.now() - message.ts > DELETE_FOR_EVERYONE_MS) throw new ParleyError('delete_too_late');
    await this.#modify(conv, { kind: 'delete', target });
  }

  #modify(conv: ConversationId, body: ModifierBody): Promise<void> {
    return sendModifier(
      {
        db: this.db,
        me: this.account.identity!.username,
        conversation: (c) => this.conversation(c),
        seal: (peer, id, ts) => this.#sealJob(peer, conv, body.kind, id, body, ts, this.#nextSeq()),
        outbox: this.#outbox,
        changed: (c) => this.#changed(c),
      },
      conv,
      body,
    );
  }

  /**
   * Adds a message already written to IndexedDB to the loaded conversation (which may include it,
   * read back from storage); returns the conversation's copy, the one to change later.
   */
  async #remember(message: StoredMessage): Promise<StoredMessage> {
    const list = await this.conversation(message.conv);
    let shown = list.find((m) => m.dir === message.dir && m.id === message.id);
    if (!shown) list.push((shown = message));
    this.#changed(message.conv);
    return shown;
  }

  #draft(peer: string, body: Body): StoredMessage {
    if (!this.contacts.trusted(peer)) throw new ParleyError('untrusted');
    const module = bodyModule(body);
    if (module.role !== 'content') throw new Error(`${body.kind} is not a message`);
    return { conv: dmId(peer), peer, dir: 'out', id: crypto.randomUUID(), seq: this.#nextSeq(), ts: Date.now(), ...module.show(body), state: 'sending' };
  }

  #seal(message: StoredMessage, body: Body): OutboxEntry {
    return this.#sealJob(message.peer, message.conv, 'message', message.id, body, message.ts, message.seq);
  }

  #sealJob(peer: string, conv: ConversationId, kind: OutboxKind, id: string, body: Body, ts: number, seq: number): OutboxEntry {
    const contact = this.contacts.trusted(peer);
    if (!contact) throw new ParleyError('untrusted');
    const me = this.account.identity!;
    const env = sealEnvelope(this.sodium, { from: me.username, to: peer, id }, body, me.secretKey, publicKeyFromB64(this.sodium, contact.identityKey), ts);
    return { id, kind, conv, to: peer, env, seq };
  }

  /** Records `message` (and sends `entry`, kept in the outbox, when given); returns the conversation's copy. */
  async #record(message: StoredMessage, entry: OutboxEntry | undefined): Promise<StoredMessage> {
    const tx = this.db.transaction(['messages', 'outbox'], 'readwrite');
    const stored = Promise.all([tx.objectStore('messages').add(message), entry ? tx.objectStore('outbox').add(entry) : undefined, tx.done]);
    // The frame leaves while the transaction commits (committing took most of the time to send, on
    // a busy tab). Whatever answers it reads or writes these stores in a later transaction, which
    // IndexedDB runs after this one; a resend reads the outbox the same way.
    if (entry) this.#outbox.add(entry);
    const shown = await this.#remember(message);
    await this.#recorded(shown, stored);
    return shown;
  }

  async #recorded(message: StoredMessage, stored: Promise<unknown>): Promise<void> {
    try {
      await stored;
    } catch (err) {
      // Not recorded (out of room, say): it may still arrive, but it is not sent again. The
      // conversation shows it failed unless a receipt says otherwise.
      this.#outbox.forget(message.id);
      if (message.state === 'sending') {
        message.state = 'failed';
        this.#changed(message.conv);
      }
      throw err;
    }
  }

  /**
   * A sent job reached the store ('sent'), or the recipient's device took it ('delivered') or
   * refused it ('refused'). A receipt `by` a device settles only a job sent to that device:
   * whoever else names the id (a hostile contact, a confused server) changes nothing. A message
   * shows its outcome at once; storage follows (a reload before it is written resends it from the
   * outbox, and the recipient drops the duplicate). A modifier's outcome shows nothing.
   */
  async #settle(id: string, by: string | undefined, outcome: Outcome): Promise<void> {
    const entry = this.#outbox.get(id);
    if (by !== undefined && entry !== undefined && entry.to !== by) return;
    const peer = by ?? entry?.to;
    if (!peer) return;
    this.#outbox.forget(id);
    // An entry this tab does not hold (another tab of this profile sent it) is taken for a message.
    const message = (entry?.kind ?? 'message') === 'message' ? await this.#settleMessage(peer, id, outcome) : undefined;
    const tx = this.db.transaction(['outbox', 'messages'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    // Read again here: another tab of this profile may have queued it, and its recipient is the
    // only one whose answer may remove it.
    const queued = await outbox.get(id);
    await Promise.all([queued?.to === peer ? outbox.delete(id) : undefined, message ? tx.objectStore('messages').put(message) : undefined, tx.done]);
  }

  /** Applies `outcome` to sent message `id`; returns it when it changed. */
  async #settleMessage(peer: string, id: string, outcome: Outcome): Promise<StoredMessage | undefined> {
    const message = (await this.conversation(dmId(peer))).find((m) => m.dir === 'out' && m.id === id);
    if (!message) return undefined;
    const changed = applyOutcome(message, outcome);
    if (changed) this.#changed(message.conv);
    if (message.file) this.onFileOfferSettled?.(peer, message.file.fileId, outcome);
    return changed ? message : undefined;
  }

  async #fail(id: string, code: string): Promise<void> {
    const entry = this.#outbox.get(id);
    if (!entry) return;
    // A full queue (or a full server) may drain: keep the job queued and try again later. A non-contact cannot.
    if (code === 'not_contact') {
      this.#outbox.forget(id);
      await this.db.delete('outbox', id);
    }
    if (entry.kind !== 'message') return;
    const message = (await this.conversation(entry.conv)).find((m) => m.dir === 'out' && m.id === id);
    if (message && message.state !== 'delivered' && message.state !== 'read') await this.#failMessage(message, code);
  }

  async #failMessage(message: StoredMessage, code: string | undefined): Promise<void> {
    message.state = 'failed';
    if (code) message.error = code;
    this.#changed(message.conv);
    await this.db.put('messages', message);
  }

  #changed(conv: ConversationId): void {
    this.dispatchEvent(new ConversationEvent(conv));
  }
}
