/**
 * Disappearing messages, as bodies show them: a "Disappearing messages" notice (its author set the
 * conversation's timer: a message of its own, which both sides show and apply:
 * conversations/disappearing.ts), and the timer a text, reply or file offer carries.
 */
import type { Disappearing } from '../../../../shared/envelope';
import type { StoredMessage } from '../../storage/db';
import type { ContentModule } from './registry';

export const disappearingBody: ContentModule<Disappearing> = {
  role: 'content',
  // No text of its own: the log words it in the reader's language (message-view.ts).
  show: (body) => ({ text: '', disappearing: body.seconds }),
};

/** The kinds that carry a timer when the conversation's is on. */
export const TIMED_KINDS: ReadonlySet<string> = new Set(['text', 'reply', 'file']);

/** What a content body's timer shows on its message (nothing when it has none). */
export function timerOf(body: { expiresIn?: number }): Pick<StoredMessage, 'expiresIn'> {
  return body.expiresIn ? { expiresIn: body.expiresIn } : {};
}
