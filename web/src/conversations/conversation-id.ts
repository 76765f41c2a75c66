/**
 * Conversation ids: what messages, the outbox, unread counts and drafts are keyed by. The kind of
 * a conversation is data in its id (`dm:` one contact; `grp:` reserved for groups), not an
 * assumption of every function that a conversation is a peer.
 */
import type { ConversationId } from '../storage/db';

export type { ConversationId };

/** The conversation with contact `username`. */
export const dmId = (username: string): ConversationId => `dm:${username}`;

/** The contact of a one-to-one conversation; undefined for any other kind. */
export function dmPeer(id: ConversationId): string | undefined {
  return id.startsWith('dm:') ? id.slice(3) : undefined;
}
