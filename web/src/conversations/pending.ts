/**
 * Modifiers (a reaction, a delete) that arrived before the message they change: two paths can
 * reorder, and a relayed message may come after a direct reaction to it. Kept durably (the
 * 'pending' store) until the target arrives, then applied in their senders' order. Bounded: at
 * most MAX_PENDING_PER_CONVERSATION wait in one conversation (past it a new one is dropped, and
 * logged), and one that has waited PENDING_TTL_MS is let go at the next start.
 *
 * De-duplication: a modifier is kept under its own envelope id, so one that comes twice (two
 * paths, a resend) waits once. Once applied its envelope id is not recorded; a copy that comes
 * again changes nothing, since each module keeps the sender's clock of what it applied and takes
 * only a later change (a reaction, an edit) or none at all (a delete is final).
 */
import type { IDBPTransaction } from 'idb';
import type { ConversationId, ParleyDB, PendingModifier, StoredMessage } from '../storage/db';
import type { Database } from '../storage/db';
import { type ReceivedBody, bodyModule } from './bodies/registry';

export const MAX_PENDING_PER_CONVERSATION = 1000;
export const PENDING_TTL_MS = 30 * 24 * 3600 * 1000;

/** The receive's transaction (receive.ts), in which modifiers are kept and taken. */
export type ReceiveTx = IDBPTransaction<ParleyDB, Array<'messages' | 'pending' | 'forgotten'>, 'readwrite'>;
type Tx = ReceiveTx;

const inConversation = (conv: ConversationId) => IDBKeyRange.bound([conv], [conv, []]);

/** Keeps `modifier` for its target; false when its conversation has too many waiting already. */
export async function keepPending(tx: Tx, modifier: PendingModifier): Promise<boolean> {
  const store = tx.objectStore('pending');
  if ((await store.count(inConversation(modifier.conv))) >= MAX_PENDING_PER_CONVERSATION) return false;
  await store.put(modifier);
  return true;
}

/** Any transaction that holds the 'pending' store. */
type PendingTx = IDBPTransaction<ParleyDB, ArrayLike<'messages' | 'pending' | 'forgotten' | 'outbox'>, 'readwrite'>;

/** Takes (reads and deletes) the modifiers waiting for message `target`, oldest first by their senders' clocks. */
export async function takePending(tx: PendingTx, conv: ConversationId, target: string): Promise<PendingModifier[]> {
  const store = tx.objectStore('pending');
  const waiting = await store.index('byTarget').getAll([conv, target]);
  for (const m of waiting) void store.delete([m.conv, m.target, m.id]);
  return waiting.sort((a, b) => a.ts - b.ts);
}

/**
 * Applies to `message`, as it is being stored, what waited for it: a received message takes the
 * reactions, edits and deletes that overtook it; one's own message the read receipts that named
 * it before this device knew it. True when anything changed it.
 */
export async function applyWaiting(tx: PendingTx, message: StoredMessage, me: string): Promise<boolean> {
  let changed = false;
  for (const waiting of await takePending(tx, message.conv, message.id)) {
    const module = bodyModule(waiting.body as ReceivedBody);
    const ctx = { from: waiting.from, me, ts: waiting.ts };
    if (module.role === 'modifier' || module.role === 'marks') changed = module.apply(message, waiting.body as never, ctx) || changed;
  }
  return changed;
}

/** Lets go of modifiers whose target never came within PENDING_TTL_MS. */
export async function expirePending(db: Database, now = Date.now()): Promise<void> {
  const tx = db.transaction('pending', 'readwrite');
  for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
    if (now - cursor.value.kept > PENDING_TTL_MS) void cursor.delete();
  }
  await tx.done;
}
