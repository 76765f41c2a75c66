/** Groups: join requests and their decisions, mute, ban and unban (roles change by commits: handlers-mls.ts). */
import { ProtocolError } from '../errors';
import type { Handler } from '../handlers/context';
import { requireAdmin, requireMember, requireOutranks } from '../policy';
import { requireGroup } from './handlers-lifecycle';

export const groupJoinRequest: Handler<'group_join_request'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  const me = session.username!;
  const g = await requireGroup(ctx, f.group);
  if (await store.isBanned(f.group, me)) throw new ProtocolError('banned', 'you are banned from this group', f.group);
  if ((await store.member(f.group, me))?.active) throw new ProtocolError('already_member', 'you are a member already', f.group);
  if (g.joinPolicy === 'closed') throw new ProtocolError('group_closed', 'this group takes no join requests', f.group);
  const result = await store.addRequest(f.group, me);
  if (result === 'full') throw new ProtocolError('requests_full', 'this group has too many pending requests; try again later', f.group);
  session.send({ t: 'group_requested', group: f.group });
  // Asking twice must not let anyone nag the admins.
  if (result !== 'added') return;
  const account = await ctx.store.accounts.get(me);
  await ctx.groups.tellAdmins(f.group, { t: 'group_request', group: f.group, user: me, identityKey: account!.identityKey });
};

export const groupDecide: Handler<'group_decide'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  requireAdmin(await store.member(f.group, session.username!), f.group);
  if (f.accept && (await store.isBanned(f.group, f.user))) throw new ProtocolError('banned', `${f.user} is banned from this group`, f.user);
  if (!(await store.decide(f.group, f.user, f.accept))) throw new ProtocolError('no_request', `no pending request from ${f.user}`, f.user);
  const frame = { t: 'group_decided' as const, group: f.group, user: f.user, accept: f.accept };
  await ctx.groups.tellAdmins(f.group, frame);
  await ctx.groups.tell(f.user, frame);
};

export const groupMute: Handler<'group_mute'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  const actor = requireAdmin(await store.member(f.group, session.username!), f.group);
  const target = requireMember(await store.member(f.group, f.user), f.user);
  requireOutranks(actor, target, f.group);
  const until = f.until !== null && f.until > Date.now() ? f.until : null;
  await store.setMute(f.group, f.user, until);
  await ctx.groups.event(f.group, actor.user, { t: 'mute', user: f.user, until });
};

export const groupBan: Handler<'group_ban'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  const actor = requireAdmin(await store.member(f.group, session.username!), f.group);
  const target = await store.member(f.group, f.user);
  if (f.user === actor.user) throw new ProtocolError('bad_frame', 'not on yourself (leave the group instead)', f.group);
  requireOutranks(actor, target, f.group);
  // Only accounts that exist, and a bounded list per group (review L12): each ban is kept and listed to admins.
  if (!target && !(await ctx.store.accounts.get(f.user))) throw new ProtocolError('unknown_user', `no user ${f.user}`, f.user);
  if (!(await store.isBanned(f.group, f.user)) && (await store.bans(f.group)).length >= ctx.groups.settings.bansMax) {
    throw new ProtocolError('requests_full', 'this group has banned as many users as it may', f.group);
  }
  await store.ban(f.group, f.user);
  if (target?.active) {
    // Cut off now; a member's next commit removes the leaf (the event says whose).
    await store.deactivate(f.group, f.user);
    await ctx.groups.tell(f.user, { t: 'group_removed', group: f.group, reason: 'banned' });
  }
  await ctx.groups.event(f.group, actor.user, { t: 'ban', user: f.user });
};

export const groupUnban: Handler<'group_unban'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  const actor = requireAdmin(await store.member(f.group, session.username!), f.group);
  // Answered either way, so the client settles on an answer and not behind a probe: by its event, or this.
  if (!(await store.isBanned(f.group, f.user))) throw new ProtocolError('not_banned', `${f.user} is not banned from this group`, f.user);
  await store.unban(f.group, f.user);
  await ctx.groups.event(f.group, actor.user, { t: 'unban', user: f.user });
};
