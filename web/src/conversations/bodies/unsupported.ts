/**
 * A body of a kind this version does not know, from a newer client: shown as "unsupported
 * message" and acknowledged, not refused. The envelope opened and its sealed header matched, so
 * it is authentic and its sender did nothing wrong; a refusal would show them "failed" for a
 * message that did arrive, and nothing they could do (sending again) would change that. The kind
 * is kept, so the user sees that something came, and from whom.
 */
import type { UnsupportedBody } from '../../../../shared/envelope';
import type { ContentModule } from './registry';

export const unsupportedBody: ContentModule<UnsupportedBody> = {
  role: 'content',
  show: (body) => ({ text: '', unsupported: body.sentKind }),
};
