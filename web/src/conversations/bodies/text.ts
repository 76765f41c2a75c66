/** A text message: shown as plain text, never as markup. */
import type { ContentModule } from './registry';
import { scheduledMark } from './scheduled-mark';

export const textBody: ContentModule<{ kind: 'text'; text: string; scheduledFor?: number }> = {
  role: 'content',
  show: (body) => ({ text: body.text, ...scheduledMark(body.scheduledFor) }),
};
