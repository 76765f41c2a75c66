/**
 * Sending a modifier (a reaction, a delete, an edit): applied here first as its module applies it on the
 * other side, then sealed and kept as an outbox job of its kind, resent and settled like a message.
 * Replies to an edited or deleted message re-quote it, as they do on the other side.
 */
import type { Body } from '../../../shared/envelope';
import type { Database, Direction, OutboxEntry, OutboxKind, StoredMessage } from '../storage/db';
import { bodyModule } from './bodies/registry';
import { type ConversationId, dmPeer } from './conversation-id';
import type { History } from './history';
import type { Outbox } from './outbox';
import { followQuotes } from './quotes';

export type ModifierBody = Extract<Body, { kind: 'reaction' | 'delete' | 'edit' }>;

export interface ModifierSendDeps {
  db: Database;
  me: string;
  /** Message `id` of `conv` (either direction unless `dir` is given): the copy every reader shares. */
  find: (conv: ConversationId, id: string, dir?: Direction) => Promise<StoredMessage | undefined>;
  /** Seals modifier `body` for `peer` as job `id`, sealed at `ts`. */
  seal: (peer: string, id: string, ts: number, body: ModifierBody) => OutboxEntry;
  outbox: Outbox;
  /** The shared copies (replies whose quote follows an edit are changed through it). */
  history: History;
  changed: (conv: ConversationId, message?: StoredMessage) => void;
  /** The next local order number (a routed job's). */
  nextSeq: () => number;
}

/**
 * A modifier another service seals at each send (a group's, encrypted with MLS by the group
 * service): its job of `kind` goes `to` through that kind's route (RoutedSends), never a Link.
 */
export interface ModifierRoute {
  to: string;
  kind: OutboxKind;
  /** The job's plaintext, made once when it is queued. */
  env: (id: string, ts: number, body: ModifierBody) => string;
}

/**
 * Applies `body` to its target (written `dir`: the UI knows it, and a contact could have reused
 * one of this device's ids for a message of theirs, review M1) and sends it.
 */
export async function sendModifier(d: ModifierSendDeps, conv: ConversationId, body: ModifierBody, dir?: Direction, route?: ModifierRoute): Promise<void> {
  const peer = route ? route.to : dmPeer(conv);
  const target = await d.find(conv, body.target, dir);
  if (!peer || !target) return;
  const ts = Date.now();
  const module = bodyModule(body);
  if (module.role !== 'modifier' || !module.apply(target, body, { from: d.me, me: d.me, ts })) return;
  const id = crypto.randomUUID();
  const job = route ? { id, kind: route.kind, conv, to: peer, env: route.env(id, ts, body), seq: d.nextSeq() } : d.seal(peer, id, ts, body);
  const entry = { ...job, target: body.target };
  const tx = d.db.transaction(['messages', 'outbox'], 'readwrite');
  const messages = tx.objectStore('messages');
  // Replies to an edited or deleted message quote it as it is now (quotes.ts).
  const requote = body.kind === 'reaction' ? Promise.resolve([]) : followQuotes(messages, d.history, target, d.me);
  const stored = Promise.all([messages.put(target), tx.objectStore('outbox').add(entry), requote, tx.done]);
  d.outbox.add(entry); // leaves while the transaction commits, as a message does
  d.changed(conv, target);
  const [, , requoted] = await stored.catch((err) => {
    d.outbox.forget(entry.id);
    throw err;
  });
  for (const reply of requoted) d.changed(conv, reply);
}
