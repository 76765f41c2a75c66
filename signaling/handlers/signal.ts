/**
 * WebRTC signaling for the direct path. The server only forwards it, only between accepted
 * contacts who are both online, and never looks inside. Nothing is queued: a signal the recipient
 * cannot take now is dropped with `recipient_busy` to its sender.
 */
import { ProtocolError } from '../errors';
import { requireReach } from '../policy';
import type { Handler } from './context';

export const signal: Handler<'signal'> = async (ctx, session, f) => {
  // A contact who blocked the sender looks offline to them.
  const result = requireReach(session, f.to, f.to) === 'unseen' ? 'offline' : await ctx.router.deliver(f.to, { t: 'signal', from: session.username!, data: f.data });
  if (result === 'offline') throw new ProtocolError('peer_offline', `${f.to} is offline`, f.to);
  if (result === 'busy') throw new ProtocolError('recipient_busy', `${f.to} is not keeping up; signal again later`, f.to);
};
