/**
 * Blocking and removing a contact. Both are one user's decisions about another, so the other is
 * told nothing they could read as one (policy.ts, PROTOCOL.md "Blocking"): at most a presence
 * saying the user went offline, which is what they would see anyway.
 */
import { isValidUsername } from '../../shared/username';
import { ProtocolError } from '../errors';
import type { Session } from '../session';
import type { Context, Handler } from './context';
import { takeStateWrite } from './state-writes';

async function existing(ctx: Context, session: Session, username: string): Promise<void> {
  if (username === session.username) throw new ProtocolError('bad_username', 'you cannot block yourself', username);
  if (!isValidUsername(username) || !(await ctx.store.accounts.get(username))) {
    throw new ProtocolError('unknown_user', `no user named ${username}`, username);
  }
}

/** Tells each side the other went offline, for a pair who saw each other until now. */
async function hideFromEachOther(ctx: Context, session: Session, other: string): Promise<void> {
  const me = session.username!;
  await ctx.router.deliver(other, { t: 'notice', frame: { t: 'presence', username: me, online: false } });
  session.send({ t: 'presence', username: other, online: false });
}

export const block: Handler<'block'> = async (ctx, session, f) => {
  const me = session.username!;
  await existing(ctx, session, f.username);
  // A repeat changes nothing: answered as done, with no write and no notice to the other.
  if (session.blocks.has(f.username)) {
    session.send({ t: 'blocked', username: f.username });
    return;
  }
  takeStateWrite(session, f.username);
  if ((await ctx.store.contacts.block(me, f.username)) === 'full') {
    throw new ProtocolError('blocks_full', `you block ${ctx.limits.blocksMax} users already; unblock someone first`, f.username);
  }
  const wasSeen = session.contacts.has(f.username) && !session.blockedBy.has(f.username);
  session.blocks.add(f.username);
  // The presence first: once the change has arrived, nothing about this user reaches them any more.
  if (wasSeen) await hideFromEachOther(ctx, session, f.username);
  await ctx.router.deliver(f.username, { t: 'change', change: { t: 'blocked_by', peer: me, on: true } });
  session.send({ t: 'blocked', username: f.username });
};

export const unblock: Handler<'unblock'> = async (ctx, session, f) => {
  const me = session.username!;
  await existing(ctx, session, f.username);
  if (!session.blocks.has(f.username)) {
    session.send({ t: 'unblocked', username: f.username });
    return;
  }
  takeStateWrite(session, f.username);
  await ctx.store.contacts.unblock(me, f.username);
  session.blocks.delete(f.username);
  await ctx.router.deliver(f.username, { t: 'change', change: { t: 'blocked_by', peer: me, on: false } });
  session.send({ t: 'unblocked', username: f.username });
  // From now on presence flows again, both ways, if nothing else stands between them.
  if (session.contacts.has(f.username) && !session.blockedBy.has(f.username) && (await ctx.router.online([f.username])).has(f.username)) {
    await ctx.router.deliver(f.username, { t: 'notice', frame: { t: 'presence', username: me, online: true } });
    session.send({ t: 'presence', username: f.username, online: true });
  }
};

/**
 * Both stop being contacts. The other is sent no frame of its own: if they saw this user online
 * they are told this user went offline, and from then on their frames to this user are answered
 * `not_contact`, and their next welcome no longer lists this user.
 */
export const removeContact: Handler<'remove_contact'> = async (ctx, session, f) => {
  const me = session.username!;
  const other = f.username;
  if (!session.contacts.has(other)) throw new ProtocolError('not_contact', `${other} is not your contact`, other);
  takeStateWrite(session, other);
  await ctx.store.contacts.remove(me, other);
  const wasSeen = !session.blocks.has(other) && !session.blockedBy.has(other);
  if (wasSeen) await hideFromEachOther(ctx, session, other);
  session.contacts.delete(other);
  await ctx.router.deliver(other, { t: 'change', change: { t: 'contact', peer: me, on: false } });
  session.send({ t: 'contact_removed', username: other });
};
