/**
 * A read receipt: the contact has seen messages this device sent them, which then show "read". Only the conversation's other side can
 * mark them (the conversation is theirs by the envelope's sender), only one's own sent messages
 * are marked, and read is final, so the order receipts arrive in does not matter. An id whose
 * message is not here yet waits (pending.ts) like any modifier.
 */
import type { Read } from '../../../../shared/envelope';
import type { MarksModule } from './registry';

export const readBody: MarksModule<Read> = {
  role: 'marks',
  targets: (body) => body.ids,
  one: (body, target) => ({ ...body, ids: [target] }),
  apply(message, _body, { from }) {
    if (message.dir !== 'out' || message.peer !== from || message.state === 'read') return false;
    message.state = 'read';
    delete message.error;
    return true;
  },
};
