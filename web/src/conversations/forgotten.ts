/**
 * Delete for me, kept: the message's record goes, and a small tombstone (its key and when) stays
 * in the 'forgotten' store, so a copy of it that comes again (a resend whose acknowledgement was
 * lost, a copy on the other path, a server's redelivery) is taken for a duplicate and never shown
 * again. Bounded: past MAX_FORGOTTEN the oldest tombstones are let go (a copy of a message deleted
 * that long ago is no longer on its way).
 */
import type { IDBPTransaction } from 'idb';
import type { ConversationId, Database, Direction, ParleyDB } from '../storage/db';

/** The most tombstones kept; each is a key and a time (well under 100 bytes). */
export const MAX_FORGOTTEN = 10_000;

type Key = [ConversationId, Direction, string];
type ReadTx = IDBPTransaction<ParleyDB, Array<'messages' | 'pending' | 'forgotten'>, 'readwrite'>;

/** Deletes message `key` from this device and remembers that it did. */
export async function forgetMessage(db: Database, key: Key, now = Date.now()): Promise<void> {
  const tx = db.transaction(['messages', 'forgotten'], 'readwrite');
  const tombstones = tx.objectStore('forgotten');
  void tx.objectStore('messages').delete(key);
  await tombstones.put({ conv: key[0], dir: key[1], id: key[2], at: now });
  let over = (await tombstones.count()) - MAX_FORGOTTEN;
  for (let cursor = over > 0 ? await tombstones.index('byWhen').openCursor() : null; cursor && over > 0; over--) {
    void cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}

/** Whether message `key` was deleted for me, read in the receive's own transaction. */
export async function wasForgotten(tx: ReadTx, key: Key): Promise<boolean> {
  return (await tx.objectStore('forgotten').getKey(key)) !== undefined;
}
