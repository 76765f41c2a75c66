/**
 * File offers that are shown before they are sent. A file left with the server (1:1) or uploaded
 * for a group is offered only once its copy is stored, so nobody is told of a file the server
 * cannot give them yet; meanwhile the offer is recorded and shown ("sending") so the sender sees
 * it at once. Nothing is in the outbox until release(): an offer whose upload a reload cut short
 * is never sent, and failFile marks it failed at the next visit.
 */
import type { Body, FileOffer } from '../../../shared/envelope';
import type { Contacts } from '../identity/contacts';
import type { Database, OutboxEntry, OutboxKind, StoredMessage } from '../storage/db';
import { bodyModule } from './bodies/registry';
import { type ConversationId, dmId } from './conversation-id';
import type { History } from './history';
import type { HeldOffer } from './messenger-events';
import type { Outbox } from './outbox';
import type { Sealer } from './sealer';
import type { Settler } from './settle';

export interface HeldOffersDeps {
  db: Database;
  contacts: Contacts;
  sealer: Sealer;
  outbox: Outbox;
  settler: Settler;
  history: History;
  nextSeq: () => number;
  /** Records a new message (no job yet) and shows it; the conversation's copy. */
  record: (message: StoredMessage) => Promise<StoredMessage>;
  /** Waits for `stored`; on failure forgets the job and shows the message failed. */
  recorded: (message: StoredMessage, stored: Promise<unknown>) => Promise<void>;
  changed: (conv: ConversationId, message: StoredMessage) => void;
  /** A routed message's disappearing timer, stamped on its body and record (Messenger's); the job's ttl. */
  stamp: (kind: OutboxKind, body: Body, message: StoredMessage) => Pick<OutboxEntry, 'ttl'>;
}

export class HeldOffers {
  constructor(private readonly d: HeldOffersDeps) {}

  /** A 1:1 file offer, sealed only on release() (its time is then the sealing time). */
  async holdFile(peer: string, offer: FileOffer): Promise<HeldOffer> {
    const message = await this.d.record(this.d.sealer.draft(peer, offer));
    return this.#held(message, () => {
      if (!this.d.contacts.trusted(peer)) return undefined; // their key changed meanwhile
      message.ts = Date.now(); // sealed now: its age tells the receiver how fresh the stored copy is
      return this.d.sealer.message(message, offer);
    });
  }

  /** A group's file offer (routed, like Messenger.sendRouted): `env` seals it at each send. */
  async holdRouted(conv: ConversationId, to: string, kind: OutboxKind, body: Body, env: (message: StoredMessage) => string): Promise<HeldOffer> {
    const module = bodyModule(body);
    if (module.role !== 'content') throw new Error(`${body.kind} is not a message`);
    const draft: StoredMessage = { conv, peer: to, dir: 'out', id: crypto.randomUUID(), seq: this.d.nextSeq(), ts: Date.now(), ...module.show(body), state: 'sending' };
    const ttl = this.d.stamp(kind, body, draft);
    const message = await this.d.record(draft);
    return this.#held(message, () => {
      message.ts = Date.now();
      return { id: message.id, kind, conv, to, env: env(message), seq: message.seq, ...ttl };
    });
  }

  /** A held offer of `fileId` whose upload ended with an earlier visit of this page: it will never go (`conv`: a group's). */
  async failFile(peer: string, fileId: string, conv: ConversationId = dmId(peer)): Promise<void> {
    const message = await this.d.history.findLast(conv, (m) => m.dir === 'out' && m.file?.fileId === fileId && m.state === 'sending');
    if (message && !(await this.d.db.getKey('outbox', message.id))) await this.d.settler.failMessage(message, undefined);
  }

  /** Shows why a sent file message has not reached its recipient yet (its state stays). */
  async noteFile(peer: string, fileId: string, code: string): Promise<void> {
    const message = await this.d.history.findLast(dmId(peer), (m) => m.dir === 'out' && m.file?.fileId === fileId);
    if (!message || message.state === 'delivered' || message.state === 'read' || message.state === 'failed') return;
    message.error = code;
    this.d.changed(message.conv, message);
    await this.d.db.put('messages', message);
  }

  /** `job` makes the outbox entry at release time, or says (undefined) that it can no longer go. */
  #held(message: StoredMessage, job: () => OutboxEntry | undefined): HeldOffer {
    return {
      id: message.id,
      release: async () => {
        if (message.state !== 'sending') return;
        const entry = job();
        if (!entry) return this.d.settler.failMessage(message, undefined);
        const stored = this.d.db.put('outbox', entry);
        this.d.outbox.add(entry);
        await this.d.recorded(message, Promise.all([stored, this.d.db.put('messages', message)]));
      },
      fail: (code) => this.d.settler.failMessage(message, code),
    };
  }
}
