/**
 * Who a reply's quote names as the author of what it quotes. In a conversation of two that is the
 * contact or the user; but a quote this device could not check against its own copy is only the
 * sender's claim, and a contact may claim their own words but not the user's: such a quote reads
 * "Original message not found" instead of "You" (review M6).
 */
import type { StoredMessage } from '../../storage/db';
import { t } from '../../i18n/strings';

/**
 * The author shown for the quote `reply` of message `m`. In a group (`me` is this user) a quote
 * may name any member: "You" only for this user's own words, else the member it names (the
 * sender's claim unless checked against this device's copy, and a claim only of their own words).
 */
export function quoteAuthor(m: StoredMessage, reply: NonNullable<StoredMessage['reply']>, me?: string): string {
  if (m.conv.startsWith('grp:') && me !== undefined) {
    // As between two: a sender may claim their own words, never another member's (nor this user's).
    const sender = m.dir === 'out' ? me : m.peer;
    if (reply.unverified && reply.author !== sender) return t.quoteNotFound();
    return reply.author === me ? t.authorYou() : reply.author;
  }
  if (reply.author === m.peer) return reply.author;
  return reply.unverified ? t.quoteNotFound() : t.authorYou();
}
