/**
 * Who a reply's quote names as the author of what it quotes. In a conversation of two that is the
 * contact or the user; but a quote this device could not check against its own copy is only the
 * sender's claim, and a contact may claim their own words but not the user's: such a quote reads
 * "Original message not found" instead of "You" (review M6).
 */
import type { StoredMessage } from '../../storage/db';
import { t } from '../../i18n/strings';

/** The author shown for the quote `reply` of message `m`. */
export function quoteAuthor(m: StoredMessage, reply: NonNullable<StoredMessage['reply']>): string {
  if (reply.author === m.peer) return reply.author;
  return reply.unverified ? t.quoteNotFound() : t.authorYou();
}
