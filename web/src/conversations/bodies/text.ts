/** A text message: shown as plain text, never as markup. */
import type { ContentModule } from './registry';

export const textBody: ContentModule<{ kind: 'text'; text: string }> = {
  role: 'content',
  show: (body) => ({ text: body.text }),
};
