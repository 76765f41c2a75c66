/**
 * 1:1 messages: seal and send through the contact's Link, keep every sent message in the
 * outbox until the server's store or the recipient answers it, open and de-duplicate what
 * arrives, and answer only after the message is safely in IndexedDB: an acknowledgement for what
 * opened (or was a duplicate), a refusal for what did not, so its sender never sees "delivered"
 * for a message thrown away.
 */
import { type Body, type FileOffer, openEnvelope, sealEnvelope } from '../../../shared/envelope';
import { publicKeyFromB64 } from '../../../shared/identity';
import { LIMITS } from '../../../shared/limits';
import type { Sodium } from '../../../shared/sodium';
import type { Account } from '../identity/account';
import { Batcher } from '../net/batcher';
import type { Connection } from '../net/connection';
import type { FrameRoutes } from '../net/frame-router';
import type { Contacts } from '../identity/contacts';
import { type Database, type OutboxEntry, type StoredMessage, createSequencer } from '../storage/db';
import { type ConversationId, dmId } from './conversation-id';
import { ConversationStates } from './conversation-states';
import { type Outcome, applyOutcome, display } from './message-outcome';
import type { Links } from '../peer/links';

/** Refusals of a `send` that name the message (`ref`): it shows failed, with the words for the code. */
const SEND_REFUSALS: ReadonlySet<string> = new Set(['queue_full', 'server_full', 'not_contact']);

/** Fired with the conversation whose messages changed. */
export class ConversationEvent extends Event {
  constructor(readonly conv: ConversationId) {
    super('conversation');
  }
}

export class SendError extends Error {}

/** A sealed offer recorded and shown, not yet sent (see holdFileOffer). */
export interface HeldOffer {
  readonly id: string;
  /** Seals and sends it now. */
  release(): Promise<void>;
  /** It will never go: shown failed, with `code` as the reason when given. */
  fail(code?: string): Promise<void>;
}

/** Outbox entries older than this that are still unacknowledged are sent again. */
const RESEND_AFTER_MS = 10_000;

export class Messenger extends EventTarget {
  readonly #cache = new Map<ConversationId, Promise<StoredMessage[]>>();
  /** Unread counts and drafts, per conversation. */
  readonly states: ConversationStates;
  readonly #nextSeq = createSequencer();
  /**
   * The outbox, mirrored in memory (loaded at start, in send order): at login what waits goes out
   * at once, with no read of IndexedDB first (on a tab busy logging in that read took tens of ms).
   */
  readonly #outbox = new Map<string, OutboxEntry>();
  /** What this device owes the senders of what it received: one ack (or refusal) per peer and turn. */
  readonly #answers: Batcher<'ack' | 'refuse'>;
  /** Set by the file transfer layer: a contact offered a file (called once per new offer; `ts` is the sender's clock). */
  onFileOffer: ((peer: string, offer: FileOffer, ts?: number) => Promise<void>) | undefined;
  /** Set by the file transfer layer: a sent file offer reached an outcome (called for each one that applies). */
  onFileOfferSettled: ((peer: string, fileId: string, outcome: Outcome) => void) | undefined;
  #retryTimer: ReturnType<typeof setInterval> | undefined;

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
    this.#answers = new Batcher((answer, peer, ids) => (answer === 'ack' ? links.get(peer).ack(ids) : links.get(peer).refuse(ids)));
    links.deliverTo({
      envelope: (peer, id, env) => this.#receive(peer, id, env),
      outcome: async (ids, outcome, by) => {
        for (const id of ids) await this.#settle(id, by, outcome);
      },
    });
  }

  /** Reads the outbox; call once, before start(). */
  async load(): Promise<void> {
    await this.states.load();
    for (const entry of await this.db.getAllFromIndex('outbox', 'bySeq')) this.#outbox.set(entry.id, entry);
  }

  start(): void {
    this.#retryTimer = setInterval(() => void this.#resendStale().catch((err) => console.warn('parley: could not read the outbox', err)), RESEND_AFTER_MS);
  }

  stop(): void {
    clearInterval(this.#retryTimer);
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

  /** Seals `text` for `peer`, records it, and sends it (or leaves it queued until online). */
  async send(peer: string, text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (trimmed.length > LIMITS.maxTextChars) throw new SendError('too_long');
    const message = this.#draft(peer, { kind: 'text', text: trimmed });
    await this.#record(message, this.#seal(message, { kind: 'text', text: trimmed }));
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
        this.#outbox.set(entry.id, entry);
        const stored = this.db.put('outbox', entry);
        this.links.get(peer).send(entry.id, entry.env);
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
    if (!message || message.state === 'delivered' || message.state === 'failed') return;
    message.error = code;
    this.#changed(message.conv);
    await this.db.put('messages', message);
  }

  #draft(peer: string, body: Body): StoredMessage {
    if (!this.contacts.trusted(peer)) throw new SendError('untrusted');
    return { conv: dmId(peer), peer, dir: 'out', id: crypto.randomUUID(), seq: this.#nextSeq(), ts: Date.now(), ...display(body), state: 'sending' };
  }

  #seal(message: StoredMessage, body: Body): OutboxEntry {
    const contact = this.contacts.trusted(message.peer);
    if (!contact) throw new SendError('untrusted');
    const me = this.account.identity!;
    const { conv, peer, id, ts, seq } = message;
    const env = sealEnvelope(this.sodium, { from: me.username, to: peer, id }, body, me.secretKey, publicKeyFromB64(this.sodium, contact.identityKey), ts);
    return { id, kind: 'message', conv, to: peer, env, seq };
  }

  /** Records `message` (and sends `entry`, kept in the outbox, when given); returns the conversation's copy. */
  async #record(message: StoredMessage, entry: OutboxEntry | undefined): Promise<StoredMessage> {
    if (entry) this.#outbox.set(entry.id, entry);
    const tx = this.db.transaction(['messages', 'outbox'], 'readwrite');
    const stored = Promise.all([tx.objectStore('messages').add(message), entry ? tx.objectStore('outbox').add(entry) : undefined, tx.done]);
    // The frame leaves while the transaction commits (committing took most of the time to send, on
    // a busy tab). Whatever answers it reads or writes these stores in a later transaction, which
    // IndexedDB runs after this one; a resend reads the outbox the same way.
    if (entry) this.links.get(message.peer).send(entry.id, entry.env);
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
      this.#outbox.delete(message.id);
      if (message.state === 'sending') {
        message.state = 'failed';
        this.#changed(message.conv);
      }
      throw err;
    }
  }

  /**
   * Subscribes to the server's frames about messages that are not the link's: the login (what
   * waits goes again) and the refusals of a send that name the message.
   */
  attach(frames: FrameRoutes): void {
    frames.on('welcome', () => this.#resendAll());
    frames.on('error', (f) => {
      if (f.ref && SEND_REFUSALS.has(f.code)) return this.#fail(f.ref, f.code);
    });
  }

  async #receive(from: string, id: string, env: string): Promise<void> {
    const contact = this.contacts.get(from);
    // Hold (do not answer) messages from a contact whose key changed until the user decides.
    if (!contact || contact.changedKey) return;
    const me = this.account.identity!;
    // The replay check and the write share one transaction: one round trip to storage before the
    // acknowledgement, not two (nothing but the check's own request is awaited inside it).
    const conv = dmId(from);
    const tx = this.db.transaction('messages', 'readwrite');
    const seen = { has: async (_from: string, mid: string) => (await tx.store.getKey([conv, 'in', mid])) !== undefined };
    const key = publicKeyFromB64(this.sodium, contact.identityKey);
    const opened = await openEnvelope(this.sodium, env, { from, to: me.username, id }, key, me.secretKey, seen);
    if (opened.ok) {
      const { body, ts } = opened.value;
      const message: StoredMessage = { conv, peer: from, dir: 'in', id, seq: this.#nextSeq(), ts, ...display(body), state: 'delivered' };
      await Promise.all([tx.store.put(message), tx.done]);
      // The transfer is recorded before the acknowledgement below: a reload cannot lose the offer.
      if (body.kind === 'file') await this.onFileOffer?.(from, body, ts);
      await this.#remember(message);
      await this.states.arrived(conv);
    } else {
      await tx.done;
      if (opened.reason !== 'replay') console.warn(`parley: refused a ${opened.reason} envelope from ${from}`);
    }
    // Stored or a duplicate: the sender may forget it. Forged, or not for this conversation: the
    // sender is told it was refused (the server forgets it too, and says so to the sender).
    const refused = !opened.ok && opened.reason !== 'replay';
    this.#answers.queue(refused ? 'refuse' : 'ack', from, [id]);
  }

  /**
   * A sent message reached the store ('sent'), or the recipient's device took it ('delivered') or
   * refused it ('refused'). A receipt `by` a device settles only a message sent to that device:
   * whoever else names the id (a hostile contact, a confused server) changes nothing. The
   * conversation shows it at once; storage follows (a reload before it is written resends it from
   * the outbox, and the recipient drops the duplicate).
   */
  async #settle(id: string, by: string | undefined, outcome: Outcome): Promise<void> {
    const entry = this.#outbox.get(id);
    if (by !== undefined && entry !== undefined && entry.to !== by) return;
    const peer = by ?? entry?.to;
    if (!peer) return;
    this.#outbox.delete(id);
    const message = (await this.conversation(dmId(peer))).find((m) => m.dir === 'out' && m.id === id);
    const changed = message !== undefined && applyOutcome(message, outcome);
    if (changed) this.#changed(message.conv);
    if (message?.file) this.onFileOfferSettled?.(peer, message.file.fileId, outcome);
    const tx = this.db.transaction(['outbox', 'messages'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    // Read again here: another tab of this profile may have queued it, and its recipient is the
    // only one whose answer may remove it.
    const queued = await outbox.get(id);
    await Promise.all([queued?.to === peer ? outbox.delete(id) : undefined, changed ? tx.objectStore('messages').put(message) : undefined, tx.done]);
  }

  async #fail(id: string, code: string): Promise<void> {
    const entry = this.#outbox.get(id);
    if (!entry) return;
    // A full queue (or a full server) may drain: keep the message queued and try again later. A non-contact cannot.
    if (code === 'not_contact') {
      this.#outbox.delete(id);
      await this.db.delete('outbox', id);
    }
    const message = (await this.conversation(entry.conv)).find((m) => m.dir === 'out' && m.id === id);
    if (message && message.state !== 'delivered') await this.#failMessage(message, code);
  }

  async #failMessage(message: StoredMessage, code: string | undefined): Promise<void> {
    message.state = 'failed';
    if (code) message.error = code;
    this.#changed(message.conv);
    await this.db.put('messages', message);
  }

  #resendAll(): void {
    for (const entry of [...this.#outbox.values()]) this.links.get(entry.to).send(entry.id, entry.env);
  }

  /**
   * Sends again what waits longer than RESEND_AFTER_MS. Read from IndexedDB, not the mirror: this is
   * off the login path, and another tab of this profile may have queued messages since this one loaded.
   */
  async #resendStale(): Promise<void> {
    if (!this.connection.online) return;
    const cutoff = (Date.now() - RESEND_AFTER_MS) * 1000;
    for (const entry of await this.db.getAllFromIndex('outbox', 'bySeq', IDBKeyRange.upperBound(cutoff))) {
      this.#outbox.set(entry.id, entry);
      this.links.get(entry.to).send(entry.id, entry.env);
    }
  }

  #changed(conv: ConversationId): void {
    this.dispatchEvent(new ConversationEvent(conv));
  }
}
