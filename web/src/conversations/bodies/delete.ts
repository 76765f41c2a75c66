/**
 * Delete for everyone: only a message's own author may delete it; its text, file, quote and
 * reactions are gone on both sides, and it reads "This message was deleted". A delete is final, so the
 * order it arrives in does not matter. The receiver holds the author to the day the sender's UI
 * offers (review L1): a delete sealed more than DELETE_FOR_EVERYONE_MS (and CLOCK_SKEW_MS, since
 * the message may show its arrival time instead of the sender's) after its message changes nothing.
 */
import type { Delete } from '../../../../shared/envelope';
import { CLOCK_SKEW_MS } from '../clock';
import { authorOf } from './author';
import type { ModifierModule } from './registry';

/** One's own message may be deleted for everyone for this long after it was sent. */
export const DELETE_FOR_EVERYONE_MS = 24 * 3600 * 1000;

export const deleteBody: ModifierModule<Delete> = {
  role: 'modifier',
  target: (body) => body.target,
  authorOnly: true,
  apply(message, _body, { from, me, ts }) {
    if (message.deleted || authorOf(message, me) !== from) return false;
    if (ts - message.ts > DELETE_FOR_EVERYONE_MS + CLOCK_SKEW_MS) return false;
    message.deleted = true;
    message.text = '';
    delete message.file;
    delete message.reactions;
    delete message.reply; // its quote of another message is content too
    return true;
  },
};
