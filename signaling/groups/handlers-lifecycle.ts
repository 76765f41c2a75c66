/** Groups: create, search, state, settings, transfer, leave and delete. */
import { GROUP_LIMITS } from '../../shared/limits';
import { ProtocolError } from '../errors';
import type { Context, Handler } from '../handlers/context';
import { requireAdmin, requireMember, requireOwner } from '../policy';
import type { GroupRecord } from '../store/groups';
import { dropGroupFiles } from './group-files';
import { dropGroupTrees } from './group-trees';
import { dropStagedCommits } from './big-commits';

/** The group, or `unknown_group`. */
export async function requireGroup(ctx: Context, group: string): Promise<GroupRecord> {
  const g = await ctx.groups.store.groups.get(group);
  if (!g) throw new ProtocolError('unknown_group', 'no such group', group);
  return g;
}

/**
 * Refuses a name or topic past its bound with a code of its own (the frame's schema lets them
 * through for this): as sent, as the browser's `maxlength` counts, listed or not.
 */
function checkCard(card: { name?: string; topic?: string }, group: string): void {
  if ((card.name?.length ?? 0) > GROUP_LIMITS.maxGroupNameChars) {
    throw new ProtocolError('name_too_long', `a group name is at most ${GROUP_LIMITS.maxGroupNameChars} characters`, group);
  }
  if ((card.topic?.length ?? 0) > GROUP_LIMITS.maxGroupTopicChars) {
    throw new ProtocolError('topic_too_long', `a group topic is at most ${GROUP_LIMITS.maxGroupTopicChars} characters`, group);
  }
}

export const groupCreate: Handler<'group_create'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  checkCard(f, f.group);
  const name = f.name?.trim() ?? '';
  // The server learns the name and topic of listed groups only; an unlisted group keeps them inside MLS.
  if (f.listed && name === '') throw new ProtocolError('bad_frame', 'a listed group needs a name', f.group);
  const result = await ctx.groups.store.groups.create({
    id: f.group,
    owner: session.username!,
    listed: f.listed,
    name: f.listed ? name : '',
    topic: f.listed ? (f.topic?.trim() ?? '') : '',
    joinPolicy: f.joinPolicy,
    onlyAdminsSend: f.onlyAdminsSend ?? false,
    memberChats: f.memberChats ?? false,
  });
  if (result === 'exists') throw new ProtocolError('group_exists', 'a group with that id exists; choose another id', f.group);
  if (result === 'too_many_groups') throw new ProtocolError('too_many_groups', 'you are in as many groups as the server allows', f.group);
  session.send({ t: 'group_created', group: f.group });
  // The owner reads the group's log from the start (its `created` event).
  await session.groupFeed?.start(f.group, 0);
};

export const groupSearch: Handler<'group_search'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'searches', 'group_search');
  const groups = await ctx.groups.store.groups.search(f.q, GROUP_LIMITS.maxSearchResults);
  session.send({ t: 'group_results', q: f.q, groups });
};

export const groupInfo: Handler<'group_info'> = async (ctx, session, f) => {
  // Each reads every member, request and ban: charged like an admin action (review L12).
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  const g = await requireGroup(ctx, f.group);
  const me = requireMember(await store.member(f.group, session.username!), f.group);
  const members = (await store.members(f.group))
    .filter((m) => m.active)
    .map((m) => ({ user: m.user, role: m.role, ...(m.mutedUntil !== null && m.mutedUntil > Date.now() ? { mutedUntil: m.mutedUntil } : {}) }));
  const settings = { listed: g.listed, joinPolicy: g.joinPolicy, onlyAdminsSend: g.onlyAdminsSend, memberChats: g.memberChats, ...(g.listed ? { name: g.name, topic: g.topic } : {}) };
  const admin = me.role !== 'member';
  const requests = admin ? (await ctx.groups.requestFrames(f.group)).map(({ t: _t, group: _g, ...r }) => r) : undefined;
  const bans = admin ? await store.bans(f.group) : undefined;
  session.send({ t: 'group_state', group: f.group, epoch: g.epoch, seq: g.seq, settings, members, ...(requests ? { requests } : {}), ...(bans ? { bans } : {}) });
};

export const groupSettings: Handler<'group_settings'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  const g = await requireGroup(ctx, f.group);
  requireAdmin(await store.member(f.group, session.username!), f.group);
  checkCard(f, f.group);
  const { t: _t, group: _g, ...patch } = f;
  const listed = patch.listed ?? g.listed;
  const name = (patch.name ?? g.name).trim();
  if (listed && name === '') throw new ProtocolError('bad_frame', 'a listed group needs a name', f.group);
  // Unlisting forgets the directory card: the server keeps no name of an unlisted group.
  const change = listed ? { ...patch, ...(patch.name !== undefined ? { name } : {}) } : { ...patch, name: '', topic: '' };
  await store.update(f.group, change);
  const shown = listed ? change : { ...patch, name: undefined, topic: undefined };
  await ctx.groups.event(f.group, session.username!, { t: 'settings', settings: JSON.parse(JSON.stringify(shown)) });
};

export const groupLeave: Handler<'group_leave'> = async (ctx, session, f) => {
  const store = ctx.groups.store.groups;
  const me = requireMember(await store.member(f.group, session.username!), f.group);
  if (me.role === 'owner') throw new ProtocolError('owner_must_transfer', 'transfer ownership before leaving (or delete the group)', f.group);
  await store.deactivate(f.group, me.user);
  await ctx.groups.tell(me.user, { t: 'group_removed', group: f.group, reason: 'left' });
  // The others commit the Remove of the departed leaf (the event says whose).
  await ctx.groups.event(f.group, me.user, { t: 'left', user: me.user });
};

export const groupDelete: Handler<'group_delete'> = async (ctx, session, f) => {
  const store = ctx.groups.store.groups;
  requireOwner(await store.member(f.group, session.username!), f.group);
  const members = (await store.members(f.group)).filter((m) => m.active);
  await store.delete(f.group);
  await dropGroupFiles(ctx, f.group);
  await dropGroupTrees(ctx, f.group);
  await dropStagedCommits(ctx, f.group);
  await Promise.all(members.map((m) => ctx.groups.tell(m.user, { t: 'group_removed', group: f.group, reason: 'deleted' })));
};
