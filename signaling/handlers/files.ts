import { ProtocolError } from '../errors';
import { requireReach } from '../policy';
import type { Handler } from './context';

/** Stored files move only between accepted contacts, like everything else, and never across a block. */
export const fileCommit: Handler<'file_commit'> = async (ctx, session, frame) => {
  if (requireReach(session, frame.to, frame.to) === 'unseen') {
    // The recipient blocked the sender: its chunks were dropped as they came; answered as if kept.
    session.send({ t: 'file_stored', to: frame.to, fileId: frame.fileId });
    return;
  }
  await ctx.files.commit(session, frame.to, frame.fileId, frame.count);
};

export const fileFetch: Handler<'file_fetch'> = async (ctx, session, frame) => {
  // A file from someone who blocked this user, kept from before the block, is not theirs to fetch any more.
  if (requireReach(session, frame.from, frame.from) === 'unseen') throw new ProtocolError('file_not_found', 'no stored file with that id', frame.fileId);
  await ctx.files.fetch(session, frame.from, frame.fileId, frame.next);
};

/** Allowed after the two stopped being contacts too: deleting is always fine. */
export const fileRelease: Handler<'file_release'> = async (ctx, session, frame) => {
  await ctx.files.release(session, frame.peer, frame.fileId);
};
