/**
 * Groups: KeyPackages and commits, the MLS objects the server must read. A KeyPackage is kept only
 * if its credential names the uploader and its signature key is the uploader's identity key; a
 * commit only if it is for the group's current epoch, signed at the committer's leaf, and every
 * proposal in it is one the committer may make (policy.ts). The server then keeps each member's
 * leaf itself, as RFC 9420 §12.1 assigns them.
 */
import { ProtocolError } from '../errors';
import type { Context, Handler } from '../handlers/context';
import { requireAdmin, requireMember, requireOutranks } from '../policy';
import type { Session } from '../session';
import type { MemberRecord } from '../store/groups';
import { requireGroup } from './handlers-lifecycle';
import { nextLeaves } from '../../shared/groups';
import type { CommitInfo } from './mls-inspect';
import { checkRoles, roleEvents } from './role-events';
import { keepStagedTree, requireStagedTree } from './group-trees';
import { ENTRY_BYTES } from './service';
import { takeStagedCommit, welcomeFrame } from './big-commits';

/** Runs an MLS decode; anything it throws is `bad_mls`. */
export async function inspect<T>(run: () => Promise<T> | T, ref: string, what: string): Promise<T> {
  try {
    return await run();
  } catch {
    throw new ProtocolError('bad_mls', `${what} does not decode`, ref);
  }
}

export const kpUpload: Handler<'kp_upload'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', 'kp_upload');
  const me = session.username!;
  const account = await ctx.store.accounts.get(me);
  const kps: { ref: string; data: string }[] = [];
  for (const [i, data] of f.kps.entries()) {
    const info = await inspect(() => ctx.groups.mls.keyPackage(data), `kp:${i}`, 'a KeyPackage');
    if (info.username !== me || info.signatureKey !== account!.identityKey) {
      throw new ProtocolError('bad_mls', 'a KeyPackage must carry your username and identity key', `kp:${i}`);
    }
    kps.push({ ref: info.ref, data });
  }
  ctx.groups.reserve(kps.reduce((sum, kp) => sum + kp.data.length + kp.ref.length, 0), 'kp_upload');
  const count = await ctx.groups.store.groups.addKeyPackages(me, kps);
  session.send({ t: 'kp_count', count });
};

/**
 * Whether `committer` may add `user`: approved for the group, or one of the committer's contacts;
 * never across a block either way (a group must not become a way round one; review M3). Refused
 * as `not_contact`, so the committer does not learn that they were blocked.
 */
async function mayAdd(ctx: Context, session: Session, group: string, user: string): Promise<boolean> {
  if (session.blocks.has(user) || session.blockedBy.has(user)) return false;
  return session.contacts.has(user) || (await ctx.groups.store.groups.isApproved(group, user));
}

export const kpClaim: Handler<'kp_claim'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  requireAdmin(await store.member(f.group, session.username!), f.group);
  const users = [...new Set(f.users)];
  for (const user of users) {
    // Claims spend one-use packages: none for someone already in (review M4: draining a pool).
    if ((await store.member(f.group, user))?.active) throw new ProtocolError('already_member', `${user} is in the group`, user);
    if (await store.isBanned(f.group, user)) throw new ProtocolError('banned', `${user} is banned from this group`, user);
    if (!(await mayAdd(ctx, session, f.group, user))) throw new ProtocolError('not_contact', `${user} is neither approved nor your contact`, user);
    // Checked before any is claimed: a claim spends a one-use package.
    if ((await store.keyPackageCount(user)) === 0) throw new ProtocolError('no_key_package', `${user} has no KeyPackage on the server`, user);
  }
  const kps: { user: string; kp: string }[] = [];
  for (const user of users) {
    const kp = await store.claimKeyPackage(user);
    if (!kp) throw new ProtocolError('no_key_package', `${user} has no KeyPackage on the server`, user);
    kps.push({ user, kp });
  }
  session.send({ t: 'kp_claimed', group: f.group, kps });
  // Each owner hears how many are left, so an online client tops its pool up before it runs dry.
  await Promise.all(users.map(async (user) => ctx.groups.tell(user, { t: 'kp_count', count: await store.keyPackageCount(user) })));
};

/** Checks the commit's proposals against the committer's rights; the users it adds and removes. */
async function authorize(ctx: Context, session: Session, group: string, info: CommitInfo, me: MemberRecord, rows: MemberRecord[]) {
  const byLeaf = new Map(rows.map((m) => [m.leaf, m]));
  if (info.senderLeaf !== me.leaf) throw new ProtocolError('bad_mls', 'the commit is not signed at your leaf', group);
  const removed = info.removes.map((leaf) => {
    const target = byLeaf.get(leaf);
    if (!target || target.user === me.user) throw new ProtocolError('bad_mls', `the commit removes leaf ${leaf}, which it may not`, group);
    // The members' own table (shared/groups/policy.ts), for a member still in and one who left or
    // was banned alike: only an admin removes a member, only the owner an admin. A commit the
    // server took but members refuse would leave them an epoch behind for good (review H1).
    requireOutranks(requireAdmin(me, group), target, group);
    return target.user;
  });
  if (info.adds.length > 0) requireAdmin(me, group);
  if (info.rolesChanged && me.role !== 'owner') throw new ProtocolError('not_owner', 'only the owner changes roles', group);
  if (info.rolesChanged) {
    if (!info.roles) throw new ProtocolError('bad_mls', 'a roles change without roles', group);
    checkRoles(info.roles, rows, removed, group);
  }
  const adds: string[] = [];
  for (const add of info.adds) {
    const account = await ctx.store.accounts.get(add.username);
    if (!account || account.identityKey !== add.signatureKey) throw new ProtocolError('bad_mls', `an added KeyPackage is not ${add.username}'s`, group);
    if (rows.some((m) => m.user === add.username && !removed.includes(m.user))) throw new ProtocolError('already_member', `${add.username} is in the group`, add.username);
    if (await ctx.groups.store.groups.isBanned(group, add.username)) throw new ProtocolError('banned', `${add.username} is banned`, add.username);
    if (!(await mayAdd(ctx, session, group, add.username))) throw new ProtocolError('not_contact', `${add.username} is neither approved nor your contact`, add.username);
    // The bound on groups per user holds for groups one is added to, not only those one creates (review M2).
    const max = ctx.groups.settings.maxGroupsPerUser;
    if ((await ctx.groups.store.groups.groupsOf(add.username, undefined, max)).length >= max) {
      throw new ProtocolError('too_many_groups', `${add.username} is in as many groups as they may be`, add.username);
    }
    adds.push(add.username);
  }
  if (new Set(adds).size !== adds.length) throw new ProtocolError('bad_mls', 'the commit adds someone twice', group);
  return { adds, removed };
}

/** A commit that adds members carries the Welcome for exactly their KeyPackages; one that adds nobody carries none. */
async function checkWelcome(ctx: Context, group: string, info: CommitInfo, welcome: string | undefined): Promise<void> {
  if (info.adds.length === 0) {
    if (welcome) throw new ProtocolError('bad_mls', 'a Welcome without an Add', group);
    return;
  }
  if (!welcome) throw new ProtocolError('bad_mls', 'a commit that adds members needs their Welcome', group);
  const refs = new Set(await inspect(() => ctx.groups.mls.welcome(welcome), group, 'the Welcome'));
  const added = new Set(info.adds.map((a) => a.keyPackageRef));
  if (refs.size !== added.size || [...added].some((r) => !refs.has(r))) throw new ProtocolError('bad_mls', 'the Welcome is not for the added members', group);
}

export const groupCommit: Handler<'group_commit'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'actions', f.group);
  const store = ctx.groups.store.groups;
  const g = await requireGroup(ctx, f.group);
  const me = requireMember(await store.member(f.group, session.username!), f.group);
  if (f.epoch !== g.epoch) throw new ProtocolError('stale_epoch', `the group is at epoch ${g.epoch}`, f.group);
  // One frame carries the pair, or it was staged in parts (big-commits.ts): the same checks follow either way.
  if (f.staged ? f.commit || f.welcome : !f.commit) throw new ProtocolError('bad_frame', 'group_commit carries a commit or is staged, not both', f.group);
  const { commit, welcome } = f.staged ? await takeStagedCommit(ctx, f.group, me.user, f.epoch) : { commit: f.commit!, welcome: f.welcome };
  const info = await inspect(() => ctx.groups.mls.commit(commit), f.group, 'the commit');
  if (info.groupId !== f.group || info.epoch !== f.epoch) throw new ProtocolError('bad_mls', 'the commit is for another group or epoch', f.group);
  const rows = await store.members(f.group);
  const { adds, removed } = await authorize(ctx, session, f.group, info, me, rows);
  await checkWelcome(ctx, f.group, info, welcome);
  // The Welcome carries no tree: the new epoch's must be staged whole, so no Welcome points to a missing one.
  const tree = adds.length > 0 ? await requireStagedTree(ctx, f.group, me.user, f.epoch + 1) : undefined;
  const leaves = await inspect(() => nextLeaves(rows.map((m) => m.leaf), info.removes, adds.length), f.group, 'the commit’s removes');
  // The commit's log entry, and the Welcome kept for each added member until they take it.
  ctx.groups.reserve(commit.length + (welcome?.length ?? 0) * adds.length + ENTRY_BYTES, f.group);
  const ts = Date.now();
  const result = await store.commit(f.group, {
    epoch: f.epoch,
    from: me.user,
    data: commit,
    ts,
    adds: adds.map((user, i) => ({ user, leaf: leaves[i]! })),
    removes: removed,
    ...(adds.length > 0 && welcome ? { welcome } : {}),
    ...(info.roles ? { roles: { owner: info.roles.owner, admins: info.roles.admins } } : {}),
  });
  if (!result.ok) {
    // A ban or leave since the checks above (not_member, banned) is refused as they would have been.
    if (result.code === 'banned') throw new ProtocolError('banned', `${result.user} is banned`, result.user);
    throw new ProtocolError(result.code, result.code === 'stale_epoch' ? 'another commit won this epoch' : result.code, f.group);
  }
  if (tree) await keepStagedTree(ctx, f.group, tree, result.seq);
  session.send({ t: 'group_committed', group: f.group, epoch: f.epoch + 1, seq: result.seq });
  const wasActive = new Set(rows.filter((m) => m.active).map((m) => m.user));
  await Promise.all(removed.filter((u) => wasActive.has(u)).map((u) => ctx.groups.tell(u, { t: 'group_removed', group: f.group, reason: 'removed' })));
  // The Welcome first: a joiner's feed then starts after the commit, and the commit's own entry is not theirs to read.
  await Promise.all(adds.map((u) => ctx.groups.tell(u, welcomeFrame(f.group, welcome!, result.seq))));
  await ctx.groups.fanOut(f.group, { seq: result.seq, kind: 'commit', from: me.user, data: commit, ts });
  // What the roles commit changed, as the events the views read (after the commit, in log order).
  if (info.roles) for (const event of roleEvents(info.roles, rows, removed, adds)) await ctx.groups.event(f.group, me.user, event);
};
