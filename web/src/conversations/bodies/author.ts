import type { StoredMessage } from '../../storage/db';

/** The author of a stored message, as the `from` of a modifier names them. */
export function authorOf(message: StoredMessage, me: string): string {
  return message.dir === 'in' ? message.peer : me;
}
