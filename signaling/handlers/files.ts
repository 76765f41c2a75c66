import { ProtocolError } from '../errors';
import type { Session } from '../session';
import type { Handler } from './context';

/** Stored files move only between accepted contacts, like everything else. */
function requireContact(session: Session, peer: string): void {
  if (!session.contacts.has(peer)) throw new ProtocolError('not_contact', `${peer} is not your contact`, peer);
}

export const fileCommit: Handler<'file_commit'> = async (ctx, session, frame) => {
  requireContact(session, frame.to);
  await ctx.files.commit(session, frame.to, frame.fileId, frame.count);
};

export const fileFetch: Handler<'file_fetch'> = async (ctx, session, frame) => {
  requireContact(session, frame.from);
  await ctx.files.fetch(session, frame.from, frame.fileId, frame.next);
};

/** Allowed after the two stopped being contacts too: deleting is always fine. */
export const fileRelease: Handler<'file_release'> = async (ctx, session, frame) => {
  await ctx.files.release(session, frame.peer, frame.fileId);
};
