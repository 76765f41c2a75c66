/** Contact requests: only accepted contacts may message each other or see presence. */
import { isValidUsername } from '../../shared/username';
import { ProtocolError } from '../errors';
import { requestReach } from '../policy';
import type { Session } from '../session';
import type { RequestResult } from '../store/contacts';
import type { Context, Handler } from './context';

async function befriend(ctx: Context, a: string, b: string): Promise<void> {
  await ctx.store.contacts.add(a, b);
  const keys = { [a]: (await ctx.store.accounts.get(a))!.identityKey, [b]: (await ctx.store.accounts.get(b))!.identityKey };
  const online = await ctx.router.online([a, b]);
  for (const [me, other] of [
    [a, b],
    [b, a],
  ] as const) {
    // The routing set first: the contact_added that follows must find the two linked.
    await ctx.router.deliver(me, { t: 'change', change: { t: 'contact', peer: other, on: true } });
    const contact = { username: other, identityKey: keys[other]!, online: online.has(other) };
    await ctx.router.deliver(me, { t: 'notice', frame: { t: 'contact_added', contact } });
  }
}

export const contactRequest: Handler<'contact_request'> = async (ctx, session, f) => {
  const me = session.username!;
  const to = f.to.trim().toLowerCase();
  if (!isValidUsername(to)) throw new ProtocolError('bad_username', 'a username is 3–32 characters of a–z, 0–9, _ and -', f.to);
  if (to === me) throw new ProtocolError('bad_username', 'you cannot add yourself', f.to);
  const target = await ctx.store.accounts.get(to);
  if (!target) throw new ProtocolError('unknown_user', `no user named ${to}`, to);
  if (requestReach(session, to, to) === 'unseen') {
    // They blocked this user: it looks like an ordinary request (or contact) to the asker, and reaches nobody.
    if (session.contacts.has(to)) session.send({ t: 'contact_added', contact: { username: to, identityKey: target.identityKey, online: false } });
    // Stored (the asker sees it pending), never shown to them, dropped if they unblock.
    else await addRequest(ctx, session, to);
    return;
  }
  if (session.contacts.has(to)) {
    await befriend(ctx, me, to); // idempotent: re-sends contact_added so the client can resync
    return;
  }
  if (await ctx.store.contacts.hasRequest(to, me)) {
    await befriend(ctx, me, to); // both asked: that is an acceptance
    return;
  }
  const result = await addRequest(ctx, session, to);
  // A repeat of a pending request is not pushed again: asking twice must not let anyone nag.
  if (result === 'added') await ctx.router.deliver(to, { t: 'notice', frame: { t: 'request_received', from: me } });
};

/** Stores the request and answers the asker (refusals are thrown). */
async function addRequest(ctx: Context, session: Session, to: string): Promise<RequestResult> {
  const result = await ctx.store.contacts.addRequest(session.username!, to);
  if (result === 'cooldown') throw new ProtocolError('request_cooldown', `${to} declined your request recently`, to);
  if (result === 'full') throw new ProtocolError('requests_full', 'too many pending requests; try again later', to);
  session.send({ t: 'request_sent', to });
  return result;
}

export const contactRespond: Handler<'contact_respond'> = async (ctx, session, f) => {
  const me = session.username!;
  // Answering is reaching the asker: not across a block (their request was withdrawn when they blocked).
  const unseen = requestReach(session, f.from, f.from) === 'unseen';
  if (unseen || !(await ctx.store.contacts.hasRequest(f.from, me))) throw new ProtocolError('no_request', `no request from ${f.from}`, f.from);
  if (f.accept) {
    await befriend(ctx, f.from, me);
    return;
  }
  await ctx.store.contacts.declineRequest(f.from, me);
  session.send({ t: 'request_declined', username: f.from });
  await ctx.router.deliver(f.from, { t: 'notice', frame: { t: 'request_declined', username: me } });
};
