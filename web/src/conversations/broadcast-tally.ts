/**
 * What became of a broadcast message, per recipient: each copy's state is its 1:1 message's own
 * (sent, delivered, read, failed), read from the 1:1 conversation, so the broadcast view and the
 * 1:1 chats never disagree. A copy never made (no longer a contact, blocked, a changed key, a
 * reload midway) is failed, with its reason when known.
 */
import type { MessageState, StoredBroadcastSend, StoredMessage } from '../storage/db';
import { dmId } from './conversation-id';
import type { History } from './history';

export interface CopyView {
  peer: string;
  /** The 1:1 copy's id, when one was made. */
  id?: string;
  state: MessageState;
  /** Why it failed (an error code), when known. */
  error?: string;
}

export interface Tally {
  total: number;
  /** Delivered to their device (read ones included). */
  delivered: number;
  read: number;
  failed: number;
}

/** Each recipient's copy of `entry`, as its 1:1 message stands now; `inFlight`: copies are still being made. */
export async function copyViews(entry: StoredBroadcastSend, history: Pick<History, 'find'>, inFlight: boolean): Promise<CopyView[]> {
  return Promise.all(
    entry.copies.map(async (c): Promise<CopyView> => {
      if (!c.id) return inFlight && !c.error ? { peer: c.peer, state: 'sending' } : { peer: c.peer, state: 'failed', ...(c.error ? { error: c.error } : {}) };
      const message = await history.find(dmId(c.peer), c.id, 'out');
      // A copy deleted from the 1:1 chat since: it did go; nothing more is known of it.
      return message ? viewOf(c.peer, message) : { peer: c.peer, id: c.id, state: 'sent' };
    }),
  );
}

/** A copy as its 1:1 message now says. */
export function viewOf(peer: string, message: StoredMessage): CopyView {
  return { peer, id: message.id, state: message.state, ...(message.error ? { error: message.error } : {}) };
}

export function tally(copies: readonly CopyView[]): Tally {
  const count = (states: MessageState[]) => copies.filter((c) => states.includes(c.state)).length;
  return { total: copies.length, delivered: count(['delivered', 'read']), read: count(['read']), failed: count(['failed']) };
}
