/**
 * A group's conversation id (`grp:<group id>`, web/src/groups/README.md) and back: what the
 * components select and open by, so a group and a contact are told apart by the id's kind.
 */
import type { ConversationId } from '../conversations/conversation-id';

export const groupConv = (group: string): ConversationId => `grp:${group}`;

/** The group of a group conversation; undefined for any other kind (spelled with the other kinds). */
export { convGroup } from '../conversations/conversation-id';
