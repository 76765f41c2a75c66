/**
 * Delete for everyone: only a message's own author may delete it; its text, file, quote and
 * reactions are gone on both sides, and it reads "This message was deleted". A delete is final, so the
 * order it arrives in does not matter.
 */
import type { Delete } from '../../../../shared/envelope';
import { authorOf } from './author';
import type { ModifierModule } from './registry';

export const deleteBody: ModifierModule<Delete> = {
  role: 'modifier',
  target: (body) => body.target,
  authorOnly: true,
  apply(message, _body, { from, me }) {
    if (message.deleted || authorOf(message, me) !== from) return false;
    message.deleted = true;
    message.text = '';
    delete message.file;
    delete message.reactions;
    delete message.reply; // its quote of another message is content too
    return true;
  },
};
