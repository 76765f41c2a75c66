/** A text message: shown as plain text, never as markup. */
import { timerOf } from './disappearing';
import type { ContentModule } from './registry';

export const textBody: ContentModule<{ kind: 'text'; text: string; expiresIn?: number }> = {
  role: 'content',
  show: (body) => ({ text: body.text, ...timerOf(body) }),
};
