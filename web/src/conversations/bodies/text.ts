/** A text message: shown as plain text, never as markup. */
import { timerOf } from './disappearing';
import type { ContentModule } from './registry';
import { scheduledMark } from './scheduled-mark';

export const textBody: ContentModule<{ kind: 'text'; text: string; scheduledFor?: number; expiresIn?: number }> = {
  role: 'content',
  show: (body) => ({ text: body.text, ...scheduledMark(body.scheduledFor), ...timerOf(body) }),
};
