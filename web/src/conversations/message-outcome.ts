/** What the answers to a sent message make of it. */
import type { Outcome } from '../peer/link';
import type { StoredMessage } from '../storage/db';

export type { Outcome } from '../peer/link';

/** The error a message refused by its recipient's device shows. */
export const REFUSED = 'refused';

/**
 * Applies an outcome to a sent message; false when it changes nothing. Delivered (and read) is final; a
 * refusal gives way only to delivered (a later copy that did open) and is not undone by `sent`.
 */
export function applyOutcome(message: StoredMessage, outcome: Outcome): boolean {
  if (message.state === 'delivered' || message.state === 'read') return false;
  const refused = message.state === 'failed' && message.error === REFUSED;
  if (outcome === 'refused') {
    if (refused) return false;
    message.state = 'failed';
    message.error = REFUSED;
    return true;
  }
  if (outcome === 'sent' && (message.state === 'sent' || refused)) return false;
  message.state = outcome;
  delete message.error;
  // Its recipient has it: a scheduled message is held no more (conversations/scheduled.ts).
  if (outcome !== 'sent') delete message.held;
  return true;
}
