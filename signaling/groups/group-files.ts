/**
 * Group files (issue 12 item 6): one sealed copy of each file is kept for the group, not one per
 * member. It rides the stored-files machinery (stored-files.ts, the store's files part) with the
 * group as the "recipient", under a name no user can take (`g:` + the group id: a username has no
 * colon), so quotas, the disk budget, batching, streaming and sweeps are the 1:1 copies' own. The
 * server learns a file's size and uploader, never its name, type or key (those travel in the MLS
 * message that offers it). Bounds are the group's settings (group-settings.ts) and a copy expires
 * with the group's log.
 *
 * Who may do what: uploading and committing follow `group_send` (an active member, not muted, not
 * a plain member of an admins-only group); fetching needs an active member, asked again before
 * each batch is streamed; releasing is the uploader's, always (deleting is always fine).
 */
import { chunkHeader } from '../../shared/file-chunks';
import { groupSourceName, groupUploadName, parseGroupFileName } from '../../shared/group-file-names';
import { ProtocolError } from '../errors';
import type { Context, Handler } from '../handlers/context';
import { groupSendRefusal, requireMember } from '../policy';
import type { Session } from '../session';
import { sealedBytes } from '../store/limits';
import type { FileLimits, StoredFileRef } from '../store/file-store';
import { requireGroup } from './handlers-lifecycle';

/** The name a group's copies are kept under (the store's "recipient"), as uploads name it. */
export const groupFileName = groupUploadName;

/** The group an upload's name stands for, or undefined when it names a user (or nothing valid). */
export function groupOfName(name: string): string | undefined {
  const parsed = parseGroupFileName(name);
  return parsed && parsed.uploader === undefined ? parsed.group : undefined;
}

function limitsOf(ctx: Context): FileLimits {
  const s = ctx.groups.settings;
  return { fileMaxBytes: sealedBytes(s.fileMaxBytes), quotaBytes: sealedBytes(s.filesQuotaBytes), filesPerRecipient: s.filesMax, ttlMs: s.logTtlMs };
}

const REFUSAL = {
  not_member: 'you are not a member of this group',
  muted: 'you are muted in this group',
  admins_only: 'only owners and admins may send in this group',
} as const;

/** Refuses (ref `ref`) unless this session's user may post to `group` now: the group_send rule. */
async function requirePoster(ctx: Context, session: Session, group: string, ref: string): Promise<void> {
  const g = await requireGroup(ctx, group);
  const refusal = groupSendRefusal(g, await ctx.groups.store.groups.member(group, session.username!), Date.now());
  if (refusal) throw new ProtocolError(refusal, REFUSAL[refusal], ref);
}

/** A chunk uploaded for a group (a binary frame with the store flag naming `g:<group>`). */
export async function groupFileChunk(ctx: Context, session: Session, group: string, store: boolean, payload: Uint8Array): Promise<void> {
  const header = chunkHeader(payload);
  if (!header) throw new ProtocolError('bad_frame', 'a stored chunk is a sealed file chunk');
  const fileId = Buffer.from(header.fileId).toString('hex');
  // Nothing is relayed live to a group: every member fetches the one copy.
  if (!store) throw new ProtocolError('bad_frame', 'chunks for a group are uploaded with the store flag', fileId);
  await requirePoster(ctx, session, group, fileId);
  await ctx.files.upload(session, groupFileName(group), payload, limitsOf(ctx));
}

export const groupFileCommit: Handler<'group_file_commit'> = async (ctx, session, f) => {
  const ref: StoredFileRef = { recipient: groupFileName(f.group), sender: session.username!, fileId: f.fileId };
  try {
    await requirePoster(ctx, session, f.group, f.fileId);
  } catch (err) {
    // Removed (or muted) mid-upload: what it stored would only hold the group's room.
    await ctx.store.files.remove(ref);
    throw err;
  }
  await ctx.files.commit(session, ref.recipient, f.fileId, f.count, () => session.send({ t: 'group_file_stored', group: f.group, fileId: f.fileId }));
};

/** Streamed as binary frames naming `g:<group>:<uploader>` (shared/group-file-names.ts). */
export const groupFileFetch: Handler<'group_file_fetch'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'sends', f.fileId);
  const store = ctx.groups.store.groups;
  const me = session.username!;
  requireMember(await store.member(f.group, me), f.group);
  const ref: StoredFileRef = { recipient: groupFileName(f.group), sender: f.from, fileId: f.fileId };
  await ctx.files.stream(session, ref, f.next, groupSourceName(f.group, f.from), async () => (await store.member(f.group, me))?.active === true);
};

export const groupFileRelease: Handler<'group_file_release'> = async (ctx, session, f) => {
  const ref: StoredFileRef = { recipient: groupFileName(f.group), sender: session.username!, fileId: f.fileId };
  await ctx.store.files.remove(ref);
  ctx.files.stopStream(session, ref);
};

/** The group is gone: so are all its copies, whoever uploaded them. */
export async function dropGroupFiles(ctx: Context, group: string): Promise<void> {
  await ctx.store.files.removeRecipient(groupFileName(group));
}
