/**
 * Transient signals (typing): sealed like any envelope, so the server cannot read them, and worth
 * nothing a few seconds later. Forwarded only to an online contact neither side blocked, if their
 * connection is keeping up; otherwise dropped. Never stored, queued, retried or answered: the
 * sender is told nothing either way (an answer would cost a frame per keystroke and, across a
 * block, tell the blocked side something). Rate limited per connection (TRANSIENT_PER_SEC): past
 * it they are dropped too.
 */
import { mayForwardChatTransient } from '../policy';
import type { Handler } from './context';

export const transient: Handler<'transient'> = async (ctx, session, f) => {
  if (!session.allowTransient() || !(await mayForwardChatTransient(ctx.store.groups, session, f.to))) return;
  await ctx.router.deliver(f.to, { t: 'transient', from: session.username!, id: f.id, env: f.env });
};
