/**
 * Conversation ids: what messages, the outbox, unread counts and drafts are keyed by. The kind of
 * a conversation is data in its id (`dm:` one contact; `grp:` reserved for groups; `bc:` a
 * broadcast list, whose messages go out as `dm:` copies: broadcasts.ts), not an
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

/** A broadcast list's conversation (broadcasts.ts). */
export const broadcastId = (list: string): ConversationId => `bc:${list}`;

/** The broadcast list of a broadcast conversation; undefined for any other kind. */
export function broadcastList(id: ConversationId): string | undefined {
  return id.startsWith('bc:') ? id.slice(3) : undefined;
}

/** The group of a group conversation (`grp:<group id>`); undefined for any other kind. */
export function convGroup(id: ConversationId): string | undefined {
  return id.startsWith('grp:') ? id.slice(4) : undefined;
}
