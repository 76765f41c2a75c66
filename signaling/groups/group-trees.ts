/**
 * Ratchet trees beside Welcomes (shared/groups/trees.ts): a Welcome does not carry the group's
 * tree (at 1,000 members it is ~250 KB, more than a frame), so the committer of an Add stages the
 * new epoch's tree in parts before its commit, the commit makes it the group's tree, and joiners
 * fetch it in parts. The tree is public (every leaf is also in the KeyPackages and PublicMessage
 * commits the server sees) and the joiner checks it against the tree hash its Welcome's signed
 * GroupInfo binds, so the server only keeps and serves it.
 *
 * Storage is the store's files part (the same on SQLite and on Redis, where chunks sit on disk
 * under FILES_DIR and Redis holds only their index), under a recipient no user or group file
 * can take (`t:` + the group id). Per group: one kept tree (the newest Add's; a later Add
 * replaces it) and one staging slot per admin (replaced by their next staging, expiring after
 * STAGED_TTL_MS). Chunk 0 of each holds `{epoch, parts}`, chunks 1…parts the parts. All of it
 * goes with the group.
 */
import { MLS_LIMITS, fromBase64Url, toBase64Url } from '../../shared/groups';
import { ProtocolError } from '../errors';
import type { Context, Handler } from '../handlers/context';
import { requireAdmin, requireMember } from '../policy';
import type { FileLimits, StoredFileRef } from '../store/file-store';
import { requireGroup } from './handlers-lifecycle';

/** Files per group: the kept tree and a few admins' stagings at once. */
const TREE_FILES = 6;
/** A staging no commit took is worth nothing after this. */
const STAGED_TTL_MS = 10 * 60 * 1000;
/** The kept tree's "sender": `~` is in no username, so no upload can name it. */
const KEPT_SENDER = '~tree';
const KEPT_ID = '0'.repeat(32);
const STAGED_ID = '0'.repeat(31) + '1';
/** What a tree file holds beyond its parts: the header chunk, with room to spare. */
const HEADER_ROOM = 4096;

interface Header {
  epoch: number;
  parts: number;
  /** The kept tree's: the seq of the commit that made it (a waiting Welcome names the same). */
  seq?: number;
}

const recipient = (group: string) => `t:${group}`;
const kept = (group: string): StoredFileRef => ({ recipient: recipient(group), sender: KEPT_SENDER, fileId: KEPT_ID });
const staged = (group: string, user: string): StoredFileRef => ({ recipient: recipient(group), sender: user, fileId: STAGED_ID });

function limits(ttlMs: number): FileLimits {
  const fileMaxBytes = MLS_LIMITS.maxTreeBytes + HEADER_ROOM;
  return { fileMaxBytes, quotaBytes: TREE_FILES * fileMaxBytes, filesPerRecipient: TREE_FILES, ttlMs };
}

const encodeHeader = (h: Header) => new TextEncoder().encode(JSON.stringify(h));

async function headerOf(ctx: Context, ref: StoredFileRef): Promise<Header | undefined> {
  const [chunk] = await ctx.store.files.chunks(ref, 0, 1);
  if (!chunk || chunk.index !== 0) return undefined;
  const h = JSON.parse(new TextDecoder().decode(chunk.data)) as Header;
  return Number.isSafeInteger(h.epoch) && Number.isSafeInteger(h.parts) && (h.seq === undefined || Number.isSafeInteger(h.seq)) ? h : undefined;
}

function refuseStore(result: string, group: string): void {
  if (result === 'stored') return;
  if (result === 'server_full') throw new ProtocolError('server_full', 'the server is out of room; try again later', group);
  throw new ProtocolError('tree_part', 'the tree is over the limit, or too many are being staged for this group', group);
}

export const groupTreePut: Handler<'group_tree_put'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'sends', f.group);
  const g = await requireGroup(ctx, f.group);
  const me = requireAdmin(await ctx.groups.store.groups.member(f.group, session.username!), f.group);
  // Only an Add needs a tree, and only the next epoch's: a staging for any other is never used.
  if (f.epoch !== g.epoch + 1) throw new ProtocolError('stale_epoch', `the next commit makes epoch ${g.epoch + 1}`, f.group);
  if (f.part >= f.parts) throw new ProtocolError('tree_part', `part ${f.part} of ${f.parts}`, f.group);
  let data: Uint8Array;
  try {
    data = fromBase64Url(f.data);
  } catch {
    throw new ProtocolError('tree_part', 'a tree part is not base64url', f.group);
  }
  if (data.length > MLS_LIMITS.treePartBytes) throw new ProtocolError('tree_part', 'a tree part over the part limit', f.group);
  const ref = staged(f.group, me.user);
  const files = ctx.store.files;
  const chunks = [{ index: f.part + 1, data }];
  if (f.part === 0) {
    await files.remove(ref);
    chunks.unshift({ index: 0, data: encodeHeader({ epoch: f.epoch, parts: f.parts }) });
  } else {
    // In order, once each: the part before is there, this one is not yet.
    const head = await headerOf(ctx, ref);
    if (!head || head.epoch !== f.epoch || head.parts !== f.parts) throw new ProtocolError('tree_part', 'a part without part 0 of the same tree before it', f.group);
    const around = await files.chunks(ref, f.part, 2);
    if (around[0]?.index !== f.part || around.length > 1) throw new ProtocolError('tree_part', `part ${f.part} out of order`, f.group);
  }
  refuseStore(await files.putChunks(ref, chunks, limits(STAGED_TTL_MS)), f.group);
  if (f.part === f.parts - 1 && !(await files.commit(ref, f.parts + 1))) throw new ProtocolError('tree_part', 'the tree is not whole', f.group);
};

/** Before a commit that adds members: `user`'s staging is whole and for `epoch`, or `tree_missing`. */
export async function requireStagedTree(ctx: Context, group: string, user: string, epoch: number): Promise<StoredFileRef> {
  const ref = staged(group, user);
  const head = (await ctx.store.files.isComplete(ref)) ? await headerOf(ctx, ref) : undefined;
  if (head?.epoch !== epoch) throw new ProtocolError('tree_missing', `a commit that adds members needs the tree of epoch ${epoch} staged first`, group);
  return ref;
}

/** The commit at `seq` was taken: its staged tree becomes the group's, replacing the one before. */
export async function keepStagedTree(ctx: Context, group: string, ref: StoredFileRef, seq: number): Promise<void> {
  const files = ctx.store.files;
  const chunks = await files.chunks(ref, 0, MLS_LIMITS.maxTreeParts + 1);
  const head = await headerOf(ctx, ref);
  if (!head) throw new ProtocolError('tree_missing', 'the staged tree went', group);
  chunks[0] = { index: 0, data: encodeHeader({ ...head, seq }) };
  await files.remove(kept(group));
  const result = await files.putChunks(kept(group), chunks, limits(ctx.groups.settings.logTtlMs));
  await files.remove(ref);
  refuseStore(result, group);
  await files.commit(kept(group), chunks.length);
}

export const groupTreeGet: Handler<'group_tree_get'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'sends', f.group);
  const store = ctx.groups.store.groups;
  const me = requireMember(await store.member(f.group, session.username!), f.group);
  const ref = kept(f.group);
  const head = (await ctx.store.files.isComplete(ref)) ? await headerOf(ctx, ref) : undefined;
  // A joiner's Welcome was made with the tree of the commit that added them: a later Add's tree is no use to it.
  const welcome = await store.welcomeFor(f.group, me.user);
  if (!head || (welcome && welcome.seq !== head.seq)) throw new ProtocolError('tree_gone', 'the tree your Welcome was made with is no longer kept', f.group);
  if (f.part >= head.parts) throw new ProtocolError('tree_part', `the tree has ${head.parts} parts`, f.group);
  const [chunk] = await ctx.store.files.chunks(ref, f.part + 1, 1);
  if (chunk?.index !== f.part + 1) throw new ProtocolError('tree_gone', 'the tree is no longer kept', f.group);
  session.send({ t: 'group_tree', group: f.group, epoch: head.epoch, part: f.part, parts: head.parts, data: toBase64Url(chunk.data) });
};

/** The group is gone: so are its trees, kept and staged. */
export async function dropGroupTrees(ctx: Context, group: string): Promise<void> {
  await ctx.store.files.removeRecipient(recipient(group));
}
