/**
 * A file offer: the conversation shows the file (name, size, type); the transfer itself is the
 * file layer's (files/transfers.ts), told of the offer by the messenger before it acknowledges.
 */
import type { FileOffer } from '../../../../shared/envelope';
import { timerOf } from './disappearing';
import type { ContentModule } from './registry';

export const fileBody: ContentModule<FileOffer> = {
  role: 'content',
  show: (body) => ({ text: body.name, file: { fileId: body.fileId, name: body.name, size: body.size, type: body.type }, ...timerOf(body) }),
};
