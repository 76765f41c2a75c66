/**
 * Quotes follow their original: a reply keeps a copy of what it quotes (bodies/reply.ts), so when
 * the original is edited (or deleted for everyone) every reply to it in the conversation, found
 * through the `byQuote` index, takes its quote again from the original as it is now.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { ParleyDB, StoredMessage } from '../storage/db';
import { resolveQuote } from './bodies/reply';
import type { History } from './history';

type Messages = IDBPObjectStore<ParleyDB, ArrayLike<StoreNames<ParleyDB>>, 'messages', 'readwrite'>;

/** Re-quotes the replies to `original` (within the transaction of `messages`); returns those that changed, as shared copies. */
export async function followQuotes(messages: Messages, history: History, original: StoredMessage, me: string): Promise<StoredMessage[]> {
  const changed: StoredMessage[] = [];
  for (const record of await messages.index('byQuote').getAll([original.conv, original.id])) {
    const reply = history.adopt(record);
    const before = JSON.stringify(reply.reply);
    resolveQuote(reply, original, me);
    if (JSON.stringify(reply.reply) === before) continue;
    await messages.put(reply);
    changed.push(reply);
  }
  return changed;
}
