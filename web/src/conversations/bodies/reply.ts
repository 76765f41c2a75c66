/**
 * A reply: a text message that quotes the message it answers. The quote travels with it (who
 * wrote the original, the start of its text, MAX_QUOTE_CHARS at most), so a recipient who no
 * longer has the original still sees what is answered; one who has it shows its own copy
 * (resolveQuote): a contact cannot put words in anyone's mouth by quoting what was never said.
 */
import { MAX_QUOTE_CHARS, type Reply } from '../../../../shared/envelope';
import type { StoredMessage } from '../../storage/db';
import { authorOf } from './author';
import { timerOf } from './disappearing';
import type { ContentModule } from './registry';
import { scheduledMark } from './scheduled-mark';

export const replyBody: ContentModule<Reply> = {
  role: 'content',
  show: (body) => ({ text: body.text, reply: { id: body.quote.id, author: body.quote.author, text: body.quote.text }, ...scheduledMark(body.scheduledFor), ...timerOf(body) }),
};

/** What a reply to `original` quotes of it: its author and the start of its text (a file message's name). */
export function quoteOf(original: StoredMessage, me: string): Reply['quote'] {
  return { id: original.id, author: authorOf(original, me), text: clip(original.file?.name ?? original.text, MAX_QUOTE_CHARS) };
}

/** The reply body answering `original` with `text`. */
export function replyTo(original: StoredMessage, text: string, me: string): Reply {
  return { kind: 'reply', text, quote: quoteOf(original, me) };
}

/**
 * A received reply's quote, taken from this device's own copy of the original when it has one.
 * The sender's claim is only a fallback for an original this device lacks, marked `unverified`:
 * the log then never names the user as its author (review M6).
 */
export function resolveQuote(message: StoredMessage, original: StoredMessage | undefined, me: string): void {
  if (!message.reply) return;
  if (original) message.reply = original.deleted ? { id: original.id, author: authorOf(original, me), text: '' } : quoteOf(original, me);
  else message.reply.unverified = true;
}

/** At most `max` UTF-16 code units of `text`, never cutting a surrogate pair in two. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}
