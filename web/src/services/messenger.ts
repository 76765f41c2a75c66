/**
 * 1:1 messages: seal and send through the contact's Link, keep every sent message in the
 * outbox until the server's store or the recipient acknowledges it, open and de-duplicate
 * what arrives, and acknowledge only after the message is safely in IndexedDB.
 */
import { type Body, type FileOffer, openEnvelope, sealEnvelope } from '../../../shared/envelope';
import { publicKeyFromB64 } from '../../../shared/identity';
import { LIMITS } from '../../../shared/limits';
import type { ServerFrame } from '../../../shared/protocol';
import type { Sodium } from '../../../shared/sodium';
import type { Account } from './account';
import type { Connection } from './connection';
import type { Contacts } from './contacts';
import { type Database, type OutboxEntry, type StoredMessage, createSequencer } from './db';
import type { Links } from '../peer/links';

/** Fired with the peer whose conversation changed. */
export class ConversationEvent extends Event {
  constructor(readonly peer: string) {
    super('conversation');
  }
}

export class SendError extends Error {}

/** What a conversation shows for a message body. */
function display(body: Body): Pick<StoredMessage, 'text' | 'file'> {
  if (body.kind === 'text') return { text: body.text };
  return { text: body.name, file: { fileId: body.fileId, name: body.name, size: body.size, type: body.type } };
}

/** Outbox entries older than this that are still unacknowledged are sent again. */
const RESEND_AFTER_MS = 10_000;

export class Messenger extends EventTarget {
  readonly #cache = new Map<string, Promise<StoredMessage[]>>();
  readonly #nextSeq = createSequencer();
  /**
   * The outbox, mirrored in memory (loaded at start, in send order): at login what waits goes out
   * at once, with no read of IndexedDB first (on a tab busy logging in that read took tens of ms).
   */
  readonly #outbox = new Map<string, OutboxEntry>();
  /** Acknowledgements waiting for the next flush: to the server, on direct channels, of receipts. */
  readonly #acks = new Map<string, Set<string>>();
  readonly #directAcks = new Map<string, Set<string>>();
  readonly #receiptAcks = new Map<string, Set<string>>();
  #flushScheduled = false;
  /** Set by the file transfer layer: a contact offered a file (called once per new offer). */
  onFileOffer: ((peer: string, offer: FileOffer) => Promise<void>) | undefined;
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
  }

  /** Reads the outbox; call once, before start(). */
  async load(): Promise<void> {
    for (const entry of await this.db.getAllFromIndex('outbox', 'bySeq')) this.#outbox.set(entry.id, entry);
  }

  start(): void {
    this.#retryTimer = setInterval(() => void this.#resendStale().catch((err) => console.warn('parley: could not read the outbox', err)), RESEND_AFTER_MS);
  }

  stop(): void {
    clearInterval(this.#retryTimer);
  }

  /** The conversation with `peer`, oldest first (loaded from IndexedDB once). */
  conversation(peer: string): Promise<StoredMessage[]> {
    let list = this.#cache.get(peer);
    if (!list) {
      list = this.db.getAllFromIndex('messages', 'byPeer', IDBKeyRange.bound([peer, -Infinity], [peer, Infinity]));
      this.#cache.set(peer, list);
    }
    return list;
  }

  /** Adds a message already written to IndexedDB to the loaded conversation (which may include it). */
  async #remember(message: StoredMessage): Promise<void> {
    const list = await this.conversation(message.peer);
    if (!list.some((m) => m.dir === message.dir && m.id === message.id)) list.push(message);
    this.#changed(message.peer);
  }

  /** Seals `text` for `peer`, records it, and sends it (or leaves it queued until online). */
  async send(peer: string, text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (trimmed.length > LIMITS.maxTextChars) throw new SendError('too_long');
    await this.#sendBody(peer, { kind: 'text', text: trimmed });
  }

  /** Sends a file offer (the chunks follow through the file transfer layer). */
  sendFileOffer(peer: string, offer: FileOffer): Promise<void> {
    return this.#sendBody(peer, offer);
  }

  async #sendBody(peer: string, body: Body): Promise<void> {
    const contact = this.contacts.trusted(peer);
    if (!contact) throw new SendError('untrusted');
    const me = this.account.identity!;
    const id = crypto.randomUUID();
    const ts = Date.now();
    const env = sealEnvelope(this.sodium, { from: me.username, to: peer, id }, body, me.secretKey, publicKeyFromB64(this.sodium, contact.identityKey), ts);
    const message: StoredMessage = { peer, dir: 'out', id, seq: this.#nextSeq(), ts, ...display(body), state: 'sending' };
    const entry: OutboxEntry = { id, to: peer, env, seq: message.seq };
    this.#outbox.set(id, entry);
    const tx = this.db.transaction(['messages', 'outbox'], 'readwrite');
    const stored = Promise.all([tx.objectStore('messages').add(message), tx.objectStore('outbox').add(entry), tx.done]);
    // The frame leaves while the transaction commits (committing took most of the time to send, on
    // a busy tab). Whatever answers it reads or writes these stores in a later transaction, which
    // IndexedDB runs after this one; a resend reads the outbox the same way.
    this.links.get(peer).send(id, env);
    await this.#remember(message);
    try {
      await stored;
    } catch (err) {
      // Not recorded (out of room, say): it may still arrive, but it is not sent again. The
      // conversation shows it failed unless a receipt says otherwise.
      this.#outbox.delete(id);
      if (message.state === 'sending') {
        message.state = 'failed';
        this.#changed(peer);
      }
      throw err;
    }
  }

  async handle(frame: ServerFrame): Promise<void> {
    switch (frame.t) {
      case 'welcome':
        return this.#resendAll();
      case 'deliver':
        return this.#receive(frame.from, frame.id, frame.env, this.#acks);
      case 'stored':
        return this.#settle(frame.id, undefined, 'sent');
      case 'delivered':
        for (const id of frame.ids) await this.#settle(id, frame.by, 'delivered');
        this.#queueAck(this.#receiptAcks, frame.by, frame.ids);
        return;
      case 'error':
        if (frame.ref && (frame.code === 'queue_full' || frame.code === 'not_contact')) return this.#fail(frame.ref, frame.code);
        return;
      default:
        return;
    }
  }

  /** An envelope that arrived on `peer`'s direct channel. */
  receiveDirect(peer: string, id: string, env: string): Promise<void> {
    return this.#receive(peer, id, env, this.#directAcks);
  }

  /** `peer` acknowledged envelopes sent on the direct channel: they are delivered. */
  async directAcked(peer: string, ids: string[]): Promise<void> {
    for (const id of ids) await this.#settle(id, peer, 'delivered');
  }

  async #receive(from: string, id: string, env: string, acks: Map<string, Set<string>>): Promise<void> {
    const contact = this.contacts.get(from);
    // Hold (do not acknowledge) messages from a contact whose key changed until the user decides.
    if (!contact || contact.changedKey) return;
    const me = this.account.identity!;
    // The replay check and the write share one transaction: one round trip to storage before the
    // acknowledgement, not two (nothing but the check's own request is awaited inside it).
    const tx = this.db.transaction('messages', 'readwrite');
    const seen = { has: async (peer: string, mid: string) => (await tx.store.getKey([peer, 'in', mid])) !== undefined };
    const key = publicKeyFromB64(this.sodium, contact.identityKey);
    const opened = await openEnvelope(this.sodium, env, { from, to: me.username, id }, key, me.secretKey, seen);
    if (opened.ok) {
      const { body, ts } = opened.value;
      const message: StoredMessage = { peer: from, dir: 'in', id, seq: this.#nextSeq(), ts, ...display(body), state: 'delivered' };
      await Promise.all([tx.store.put(message), tx.done]);
      // The transfer is recorded before the acknowledgement below: a reload cannot lose the offer.
      if (body.kind === 'file') await this.onFileOffer?.(from, body);
      await this.#remember(message);
    } else {
      await tx.done;
      if (opened.reason !== 'replay') console.warn(`parley: rejected a ${opened.reason} envelope from ${from}`);
    }
    // Stored, a duplicate, or forged: in every case the sender may forget it.
    this.#queueAck(acks, from, [id]);
  }

  /**
   * A sent message reached the store ('sent') or the recipient ('delivered'). The conversation
   * shows it at once; storage follows (a reload before it is written resends it from the outbox,
   * and the recipient drops the duplicate).
   */
  async #settle(id: string, by: string | undefined, state: 'sent' | 'delivered'): Promise<void> {
    const peer = by ?? this.#outbox.get(id)?.to;
    this.#outbox.delete(id);
    if (!peer) return;
    this.links.get(peer).settled(id);
    const message = (await this.conversation(peer)).find((m) => m.dir === 'out' && m.id === id);
    const changed = message !== undefined && message.state !== 'delivered' && !(state === 'sent' && message.state === 'sent');
    if (changed) {
      message.state = state;
      delete message.error;
      this.#changed(peer);
    }
    const tx = this.db.transaction(['outbox', 'messages'], 'readwrite');
    await Promise.all([tx.objectStore('outbox').delete(id), changed ? tx.objectStore('messages').put(message) : undefined, tx.done]);
  }

  async #fail(id: string, code: string): Promise<void> {
    const entry = this.#outbox.get(id);
    if (!entry) return;
    // A full queue may drain: keep the message queued and try again later. A non-contact cannot.
    if (code === 'not_contact') {
      this.#outbox.delete(id);
      await this.db.delete('outbox', id);
    }
    const message = (await this.conversation(entry.to)).find((m) => m.dir === 'out' && m.id === id);
    if (!message || message.state === 'delivered') return;
    message.state = 'failed';
    message.error = code;
    await this.db.put('messages', message);
    this.#changed(entry.to);
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

  /** Acknowledgements are batched: one frame per peer per turn of the event loop. */
  #queueAck(target: Map<string, Set<string>>, peer: string, ids: string[]): void {
    const set = target.get(peer) ?? new Set<string>();
    for (const id of ids) set.add(id);
    target.set(peer, set);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setTimeout(() => this.#flushAcks(), 0);
  }

  #flushAcks(): void {
    this.#flushScheduled = false;
    const batches = (map: Map<string, Set<string>>, each: (peer: string, ids: string[]) => void) => {
      for (const [peer, set] of map) {
        const ids = [...set];
        for (let i = 0; i < ids.length; i += LIMITS.maxAckBatch) each(peer, ids.slice(i, i + LIMITS.maxAckBatch));
      }
      map.clear();
    };
    batches(this.#acks, (from, ids) => this.connection.send({ t: 'ack', from, ids }));
    // If the channel is gone, the sender re-sends on the relay and the acknowledgement follows there.
    batches(this.#directAcks, (peer, ids) => this.links.get(peer).ackDirect(ids));
    batches(this.#receiptAcks, (by, ids) => this.connection.send({ t: 'receipt_ack', by, ids }));
  }

  #changed(peer: string): void {
    this.dispatchEvent(new ConversationEvent(peer));
  }
}
