/**
 * An edit: the author of a text message (a reply too) changes its text. Only its own author may;
 * a file, a deleted message or one this version cannot show is not editable. Of two edits the
 * later by the author's clock wins whatever order they arrive in (`edited` keeps the time of the
 * one shown), and an edit that arrives before its message waits for it like any modifier.
 */
import type { Edit } from '../../../../shared/envelope';
import type { StoredMessage } from '../../storage/db';
import { authorOf } from './author';
import type { ModifierModule } from './registry';

/** Whether `message` is one whose text can be edited (by its author). */
export function editable(message: StoredMessage): boolean {
  return !message.deleted && !message.file && !message.unsupported;
}

export const editBody: ModifierModule<Edit> = {
  role: 'modifier',
  target: (body) => body.target,
  authorOnly: true,
  apply(message, body, { from, me, ts }) {
    if (!editable(message) || authorOf(message, me) !== from) return false;
    if (message.edited !== undefined && message.edited >= ts) return false;
    message.text = body.text;
    message.edited = ts;
    return true;
  },
};
