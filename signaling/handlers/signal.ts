/**
 * WebRTC signaling for the direct path. The server only forwards it, only between accepted
 * contacts who are both online, and never looks inside.
 */
import { ProtocolError } from '../errors';
import type { Handler } from './context';

export const signal: Handler<'signal'> = (ctx, session, f) => {
  if (!session.contacts.has(f.to)) throw new ProtocolError('not_contact', `${f.to} is not your contact`, f.to);
  const recipient = ctx.hub.session(f.to);
  if (!recipient) throw new ProtocolError('peer_offline', `${f.to} is offline`, f.to);
  recipient.send({ t: 'signal', from: session.username!, data: f.data });
};
