/**
 * The latest message of each conversation, as the conversation list shows it: when it was written
 * or arrived (the list's order) and the start of its text. Kept with the conversation's own state
 * (conversation-states.ts) and never sent anywhere.
 */
import type { ConversationId, Database, LastMessage, StoredMessage } from '../storage/db';

/** How much of a message's text the list keeps for its preview (a row shows one line of it). */
export const PREVIEW_CHARS = 120;

/** The settings key set once the previews of a profile written before they existed were computed. */
export const PREVIEWS_COMPUTED = 'conversationPreviews';

/** `seq` is this device's ms clock times 1000 (storage/db.ts, createSequencer): when it was written or arrived here. */
export function localTime(m: Pick<StoredMessage, 'seq'>): number {
  return Math.floor(m.seq / 1000);
}

/** What the list shows of `m`. */
export function lastMessageOf(m: StoredMessage): LastMessage {
  const last: LastMessage = { id: m.id, dir: m.dir, at: localTime(m), text: m.deleted ? '' : [...m.text].slice(0, PREVIEW_CHARS).join('') };
  if (m.file) last.file = true;
  if (m.deleted) last.deleted = true;
  if (m.disappearing !== undefined) last.disappearing = m.disappearing;
  return last;
}

export function sameLast(a: LastMessage | undefined, b: LastMessage): boolean {
  return a !== undefined && a.id === b.id && a.dir === b.dir && a.at === b.at && a.text === b.text && a.file === b.file && a.deleted === b.deleted && a.disappearing === b.disappearing;
}

/**
 * The latest message of every conversation in storage, read once from the byConv index: from its
 * end, one step per conversation (each step skips to the end of the conversation before).
 */
export async function latestMessages(db: Database): Promise<Map<ConversationId, StoredMessage>> {
  const latest = new Map<ConversationId, StoredMessage>();
  let cursor = await db.transaction('messages').store.index('byConv').openCursor(null, 'prev');
  while (cursor) {
    const m = cursor.value;
    latest.set(m.conv, m);
    // The largest key at or below [conv, -Infinity] is the last message of the conversation sorted before.
    cursor = await cursor.continue([m.conv, -Infinity]);
  }
  return latest;
}
