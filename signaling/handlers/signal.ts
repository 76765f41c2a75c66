/**
 * WebRTC signaling for the direct path. The server only forwards it, only between accepted
 * contacts who are both online, and never looks inside. Nothing is queued: a signal the recipient
 * cannot take now is dropped with `recipient_busy` to its sender.
 */
import { ProtocolError } from '../errors';
import type { Handler } from './context';

export const signal: Handler<'signal'> = (ctx, session, f) => {
  if (!session.contacts.has(f.to)) throw new ProtocolError('not_contact', `${f.to} is not your contact`, f.to);
  const recipient = ctx.hub.session(f.to);
  if (!recipient) throw new ProtocolError('peer_offline', `${f.to} is offline`, f.to);
  // Signals are volatile, like relayed chunks: a recipient who is not reading gets none past half its
  // send buffer, so a contact's flood can never make the server cut it as a slow consumer.
  if (recipient.buffered > ctx.limits.maxBufferedBytes / 2) {
    throw new ProtocolError('recipient_busy', `${f.to} is not keeping up; signal again later`, f.to);
  }
  recipient.send({ t: 'signal', from: session.username!, data: f.data });
};
