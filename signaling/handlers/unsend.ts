/**
 * Delete for everyone, the server's part: the sender's own message still waiting in the
 * recipient's offline queue is dropped there, so a recipient who was offline never sees it. The
 * sealed delete travels separately (a message like any other) for a copy already delivered.
 * Never answered: whether the message was still queued, or the recipient blocks the sender, is
 * not told (a blocked sender must not learn of the block from it).
 */
import { ProtocolError } from '../errors';
import { mayWithdrawChat } from '../policy';
import type { Handler } from './context';
import { takeStateWrite } from './state-writes';

export const unsend: Handler<'unsend'> = async (ctx, session, f) => {
  if (!(await mayWithdrawChat(ctx.store.groups, session, f.to))) throw new ProtocolError('not_contact', `${f.to} is not your contact`, f.id);
  takeStateWrite(session, f.id);
  // The sender is the authenticated user: nobody can take back another's message.
  await ctx.store.queue.withdraw(f.to, session.username!, f.id);
};
