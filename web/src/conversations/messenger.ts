/**
 * Conversations: seal and send through the contact's Link, keep every sent envelope as a job in
 * the outbox until the server's store or the recipient answers it, and receive what arrives
 * (receive.ts), answering only after it is safely in IndexedDB: an acknowledgement for what
 * opened (or was a duplicate), a refusal for what did not, so its sender never sees "delivered"
 * for a message thrown away. Which path an envelope took is the Link's business, never this one's.
 */
import type { Body, FileOffer } from '../../../shared/envelope';
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
import type { ModifierBody } from './modifiers';
import { type FileGone, MessageActions, unsendBeforeDelete } from './actions';
import { replyTo } from './bodies/reply';
import { ConversationStates } from './conversation-states';
import { History } from './history';
import { ArrivedEvent, type ControlHandler, ConversationEvent } from './messenger-events';
import { Sealer, type Stamp } from './sealer';
import type { Outcome } from './message-outcome';
import { SEND_REFUSALS, Settler } from './settle';
import { applyWaiting, expirePending } from './pending';
import { Outbox, RESEND_AFTER_MS } from './outbox';
import { type OpenedBody, Receiver } from './receive';
import { RoutedSends } from './routed-sends';
import { PeerKeys } from './peer-keys';
import { HeldEnvelopes } from './held-envelopes';
import { HeldOffers } from './held-offers';

export { DELETE_FOR_EVERYONE_MS, type FileGone } from './actions';
export type { OpenedBody } from './receive';
export { ArrivedEvent, type ControlHandler, ConversationEvent, type HeldOffer } from './messenger-events';

export class Messenger extends EventTarget {
  /** Conversations' messages, read a page at a time; the one copy of each message that is held. */
  readonly history: History;
  /** Unread counts and drafts, per conversation. */
  readonly states: ConversationStates;
  readonly #nextSeq = createSequencer();
  readonly #sealer: Sealer;
  readonly #outbox: Outbox;
  readonly #receiver: Receiver;
  readonly #settler: Settler;
  /** What this device owes the senders of what it received: one ack (or refusal) per peer and turn. */
  readonly #answers: Batcher<'ack' | 'refuse'>;
  /** Set by the file transfer layer: a contact offered a file (called once per new offer; `ts` is the sender's clock). */
  onFileOffer: ((peer: string, offer: FileOffer, ts?: number, conv?: ConversationId) => Promise<void>) | undefined;
  /** Set by the file transfer layer: a sent file offer reached an outcome (called for each one that applies). */
  onFileOfferSettled: ((peer: string, fileId: string, outcome: Outcome) => void) | undefined;
  /** Set by the file transfer layer: the message carrying file `fileId` was deleted (for me or for everyone). */
  onFileGone: ((fileId: string, how: FileGone) => Promise<void>) | undefined;
  #retryTimer: ReturnType<typeof setInterval> | undefined;
  /** React, edit, delete for everyone or for me (actions.ts). */
  readonly actions: MessageActions;
  readonly #controls = new Map<string, ControlHandler>();
  /** Messages another service seals and sends (a group's): their jobs' routes and outcomes. */
  readonly routed: RoutedSends;
  /** Whose key a 1:1 envelope is sealed to and opened with: contacts, and members in member chats. */
  readonly keys: PeerKeys;
  /** File offers shown at once and sent once their copy is stored (held-offers.ts). */
  readonly offers: HeldOffers;

  constructor(
    private readonly db: Database,
    private readonly sodium: Sodium,
    private readonly account: Account,
    private readonly contacts: Contacts,
    private readonly connection: Connection,
    private readonly links: Links,
  ) {
    super();
    this.keys = new PeerKeys(contacts);
    this.#sealer = new Sealer(sodium, account, this.keys, this.#nextSeq);
    this.states = new ConversationStates(db);
    this.history = new History(db);
    this.#outbox = new Outbox(db, (entry) => {
      if (this.routed.send(entry)) return;
      unsendBeforeDelete(connection, entry);
      this.links.get(entry.to).send(entry.id, entry.env, entry.ttl);
    });
    this.#answers = new Batcher((answer, peer, ids) => (answer === 'ack' ? links.get(peer).ack(ids) : links.get(peer).refuse(ids)));
    this.#receiver = new Receiver({
      db,
      sodium,
      account,
      keys: this.keys,
      states: this.states,
      nextSeq: this.#nextSeq,
      history: this.history,
      remember: (message) => this.#remember(message),
      changed: (conv, message) => this.#changed(conv, message),
      fileOffer: async (peer, offer, ts, conv) => this.onFileOffer?.(peer, offer, ts, conv),
      control: async (from, body, ts) => this.#controls.get(body.kind)?.(from, body, ts),
      arrived: (message) => this.dispatchEvent(new ArrivedEvent(message)),
      fileGone: (fileId) => void this.onFileGone?.(fileId, 'for_everyone'),
    });
    this.routed = new RoutedSends({
      db,
      outbox: this.#outbox,
      find: (c, id) => this.history.find(c, id, 'out'),
      changed: (c, m) => this.#changed(c, m),
      failMessage: (m, code) => this.#settler.failMessage(m, code),
    });
    this.#settler = new Settler({
      db,
      outbox: this.#outbox,
      find: (c, id) => this.history.find(c, id, 'out'),
      changed: (c, m) => this.#changed(c, m),
      fileOfferSettled: (peer, fileId, outcome) => this.onFileOfferSettled?.(peer, fileId, outcome),
      memberChat: (peer) => this.keys.isMemberChat(peer),
    });
    this.offers = new HeldOffers({
      db,
      contacts,
      sealer: this.#sealer,
      outbox: this.#outbox,
      settler: this.#settler,
      history: this.history,
      nextSeq: () => this.#nextSeq(),
      record: (message) => this.#record(message, undefined),
      recorded: (message, stored) => this.#recorded(message, stored),
      stamp: (kind, body, message) => this.#stampRouted(kind, body, message),
      changed: (c, m) => this.#changed(c, m),
    });
    this.actions = new MessageActions({
      db,
      get me() {
        return account.identity!.username;
      },
      find: (c, id, dir) => this.history.find(c, id, dir),
      forget: (m) => this.history.forget(m),
      history: this.history,
      seal: (peer, id, ts, body: ModifierBody) => this.#sealer.job(peer, dmId(peer), body.kind, id, body, ts, this.#nextSeq()),
      nextSeq: () => this.#nextSeq(),
      outbox: this.#outbox,
      changed: (c, m, removed) => this.#changed(c, m, removed),
      fileGone: async (fileId, how) => this.onFileGone?.(fileId, how),
    });
    const receive = async (peer: string, id: string, env: string) => {
      const answer = await this.#receiver.receive(peer, id, env);
      if (answer !== 'hold') this.#answers.queue(answer, peer, [id]);
      return answer;
    };
    // A non-contact's envelope without a key yet (a member chat whose group is still being read) waits here.
    const held = new HeldEnvelopes(async (peer, id, env) => (await receive(peer, id, env)) !== 'hold');
    this.keys.addEventListener('change', () => void held.retryAll().catch((err) => console.warn('parley: could not read a held envelope', err)));
    links.deliverTo({
      envelope: async (peer, id, env) => {
        if ((await receive(peer, id, env)) === 'hold' && !contacts.get(peer)) held.keep(peer, id, env);
      },
      outcome: async (ids, outcome, by) => {
        for (const id of ids) await this.#settler.settle(id, by, outcome);
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
      if (f.ref && SEND_REFUSALS.has(f.code)) return this.#settler.fail(f.ref, f.code);
    });
  }

  /**
   * Every message of conversation `conv`, oldest first, read whole from IndexedDB: for tests and
   * small tools. The log reads pages (`history.latest`, `before`, `after`, `around`); one message
   * is `history.find`.
   */
  conversation(conv: ConversationId): Promise<StoredMessage[]> {
    return this.history.all(conv);
  }

  /** Seals `text` for `peer` (a reply to `original` when given), records it, and sends it (or leaves it queued until online); the conversation's copy. */
  async send(peer: string, text: string, original?: StoredMessage): Promise<StoredMessage | undefined> {
    const trimmed = text.trim();
    if (!trimmed) return undefined;
    if (trimmed.length > LIMITS.maxTextChars) throw new ParleyError('too_long');
    const body: Body = original ? replyTo(original, trimmed, this.account.identity!.username) : { kind: 'text', text: trimmed };
    const message = this.#sealer.draft(peer, body);
    return this.#record(message, this.#sealer.message(message, body));
  }

  /**
   * Records `body` as this device's new message in `conv` (a group's, sent `to` the group) and
   * queues it as a routed job of `kind` whose envelope is `env` (what its route seals at each
   * send: RoutedSends); it goes out at once through that route, `extra` (a group's mentions; a scheduled one's time and place) kept on it, `job` on its job. The conversation's copy.
   */
  async sendRouted(conv: ConversationId, to: string, kind: OutboxKind, body: Body, env: (message: StoredMessage) => string, extra: Partial<Pick<StoredMessage, 'mentions' | 'seq' | 'scheduledFor' | 'held'>> = {}, job: Partial<Pick<OutboxEntry, 'at' | 'seq'>> = {}): Promise<StoredMessage> {
    const module = bodyModule(body);
    if (module.role !== 'content') throw new Error(`${body.kind} is not a message`);
    const message: StoredMessage = { conv, peer: to, dir: 'out', id: crypto.randomUUID(), seq: this.#nextSeq(), ts: Date.now(), ...module.show(body), ...extra, state: 'sending' };
    const ttl = this.#stampRouted(kind, body, message);
    return this.#record(message, { id: message.id, kind, conv, to, env: env(message), seq: message.seq, ...ttl, ...job });
  }

  /** Stores a body opened elsewhere (a group's MLS message, its sender checked there); see Receiver.receiveOpened. */
  receiveOpened(opened: OpenedBody): Promise<'stored' | 'duplicate'> {
    return this.#receiver.receiveOpened(opened);
  }

  /** Sends a file offer (the chunks follow through the file transfer layer). */
  sendFileOffer = (peer: string, offer: FileOffer): Promise<StoredMessage> => this.sendContent(peer, offer);
  /** Seals and sends a content body of its own to `peer` (a file offer, a disappearing-messages notice); the conversation's copy. */
  async sendContent(peer: string, body: Body): Promise<StoredMessage> {
    const message = this.#sealer.draft(peer, body);
    return this.#record(message, this.#sealer.message(message, body));
  }
  /** Set by the disappearing messages (disappearing.ts): stamps each new message of a conversation whose timer is on. */
  set stamp(stamp: Stamp | undefined) {
    this.#sealer.stamp = stamp;
  }

  /**
   * A routed message takes its conversation's timer as a sealed one does (the body, before the
   * route encodes or seals it, and the job's ttl for the server): a group's message, and a
   * scheduled one, 1:1 or in a group (its `schedule` frame carries the ttl, counted from its time).
   */
  #stampRouted(kind: OutboxKind, body: Body, message: StoredMessage): Pick<OutboxEntry, 'ttl'> {
    if (kind !== 'group' && kind !== 'schedule') return {};
    this.#sealer.stamp?.(body, message);
    return message.expiresIn ? { ttl: message.expiresIn } : {};
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
    const entry = this.#sealer.job(peer, dmId(peer), kind, crypto.randomUUID(), body, Date.now(), this.#nextSeq());
    const stored = this.db.add('outbox', entry);
    this.#outbox.add(entry);
    await stored.catch((err) => {
      this.#outbox.forget(entry.id);
      throw err;
    });
  }

  /**
   * Makes a message just written (or being written) to IndexedDB the shared copy, unless one is
   * already held, and tells the UI; returns the shared copy, the one to change later.
   */
  async #remember(message: StoredMessage): Promise<StoredMessage> {
    const shown = this.history.adopt(message);
    this.#changed(message.conv, shown);
    return shown;
  }

  /** Records `message` (and sends `entry`, kept in the outbox, when given); returns the conversation's copy. */
  async #record(message: StoredMessage, entry: OutboxEntry | undefined): Promise<StoredMessage> {
    const tx = this.db.transaction(['messages', 'outbox', 'pending'], 'readwrite');
    const messages = tx.objectStore('messages');
    // A read receipt that named this id before this device knew it (another tab of this profile
    // recorded it, say) waited in 'pending': it applies now.
    const waited = applyWaiting(tx, message, this.account.identity!.username).then(async (changed) => changed && !!(await messages.put(message)));
    const stored = Promise.all([messages.add(message), entry ? tx.objectStore('outbox').add(entry) : undefined, waited, tx.done]);
    // The frame leaves while the transaction commits (committing took most of the time to send, on
    // a busy tab). Whatever answers it reads or writes these stores in a later transaction, which
    // IndexedDB runs after this one; a resend reads the outbox the same way.
    if (entry) this.#outbox.add(entry);
    const shown = await this.#remember(message);
    await this.#recorded(shown, stored);
    if (await waited) this.#changed(shown.conv, shown);
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
        this.#changed(message.conv, message);
      }
      throw err;
    }
  }

  #changed(conv: ConversationId, message?: StoredMessage, removed = false): void {
    this.dispatchEvent(new ConversationEvent(conv, message, removed));
    // The conversation list's preview follows whatever changed (sent, arrived, edited, deleted).
    const latest = async () => (await this.history.latest(conv, 1)).messages[0];
    void this.states.follow(conv, removed ? undefined : message, latest).catch((err) => console.warn("parley: could not keep a conversation's preview", err));
  }
}
