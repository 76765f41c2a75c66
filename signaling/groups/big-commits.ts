/**
 * Commits bigger than a frame (issue 12 item 7). A `group_commit` frame holds a commit and its
 * Welcome of GROUP_LIMITS.maxCommitChars together; a remove in a sparse 1,000-member tree is
 * ~82.5 KB, over it. So the committer stages the pair first, in parts (`group_commit_put`, the
 * layout in shared/groups/commit-parts.ts), and sends `group_commit {staged}`; groupCommit takes
 * the staged pair and runs the same checks as for one frame. What goes back out is announced
 * instead of carried: a log entry over a frame is `group_log {parts}` without its data, a
 * Welcome over a frame `group_welcome {parts}`, and the member fetches the slices
 * (`group_commit_get`) before it goes on, so the log's order holds and no frame is over the limit.
 *
 * Staging is the store's files part as for trees (group-trees.ts; the same on SQLite and on
 * Redis), under a recipient no user or group file can take (`c:` + the group id): one slot per
 * (group, member), replaced by that member's next part 0, at most COMMIT_FILES a group at once,
 * expiring after STAGED_TTL_MS, taken (and so removed) by the commit, gone with the group.
 */
import { COMMIT_PART_CHARS, fromBase64Url, textPart, textPartCount, toBase64Url, unpackCommit } from '../../shared/groups';
import { GROUP_LIMITS as G } from '../../shared/limits';
import type { ServerFrameOf } from '../../shared/protocol';
import { ProtocolError } from '../errors';
import type { Context, Handler } from '../handlers/context';
import { requireMember } from '../policy';
import type { FileLimits, StoredFileRef } from '../store/file-store';
import type { LogEntry } from '../store/groups';
import { requireGroup } from './handlers-lifecycle';

/** Members of one group staging a big commit at once (only one commit per epoch can win anyway). */
const COMMIT_FILES = 8;
const STAGED_TTL_MS = 10 * 60 * 1000;
const STAGED_ID = '0'.repeat(31) + '2';
/** The header chunk `{epoch, parts}`, with room to spare. */
const HEADER_ROOM = 1024;

interface Header {
  epoch: number;
  parts: number;
}

const recipient = (group: string) => `c:${group}`;
const staged = (group: string, user: string): StoredFileRef => ({ recipient: recipient(group), sender: user, fileId: STAGED_ID });
const fileMaxBytes = G.maxBigCommitBytes + HEADER_ROOM;
const LIMITS: FileLimits = { fileMaxBytes, quotaBytes: COMMIT_FILES * fileMaxBytes, filesPerRecipient: COMMIT_FILES, ttlMs: STAGED_TTL_MS };

const partError = (why: string, group: string) => new ProtocolError('commit_part', why, group);

async function headerOf(ctx: Context, ref: StoredFileRef): Promise<Header | undefined> {
  const [chunk] = await ctx.store.files.chunks(ref, 0, 1);
  if (!chunk || chunk.index !== 0) return undefined;
  const h = JSON.parse(new TextDecoder().decode(chunk.data)) as Header;
  return Number.isSafeInteger(h.epoch) && Number.isSafeInteger(h.parts) ? h : undefined;
}

export const groupCommitPut: Handler<'group_commit_put'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'sends', f.group);
  const g = await requireGroup(ctx, f.group);
  const me = requireMember(await ctx.groups.store.groups.member(f.group, session.username!), f.group);
  // Refused now rather than after every part: a staging for another epoch can never be taken.
  if (f.epoch !== g.epoch) throw new ProtocolError('stale_epoch', `the group is at epoch ${g.epoch}`, f.group);
  if (f.part >= f.parts) throw partError(`part ${f.part} of ${f.parts}`, f.group);
  let data: Uint8Array;
  try {
    data = fromBase64Url(f.data);
  } catch {
    throw partError('a commit part is not base64url', f.group);
  }
  if (data.length > G.commitPartBytes) throw partError('a commit part over the part limit', f.group);
  const ref = staged(f.group, me.user);
  const files = ctx.store.files;
  const chunks = [{ index: f.part + 1, data }];
  if (f.part === 0) {
    await files.remove(ref);
    chunks.unshift({ index: 0, data: new TextEncoder().encode(JSON.stringify({ epoch: f.epoch, parts: f.parts } satisfies Header)) });
  } else {
    // In order, once each: the part before is there, this one is not yet.
    const head = await headerOf(ctx, ref);
    if (!head || head.epoch !== f.epoch || head.parts !== f.parts) throw partError('a part without part 0 of the same commit before it', f.group);
    const around = await files.chunks(ref, f.part, 2);
    if (around[0]?.index !== f.part || around.length > 1) throw partError(`part ${f.part} out of order`, f.group);
  }
  const result = await files.putChunks(ref, chunks, LIMITS);
  if (result === 'server_full') throw new ProtocolError('server_full', 'the server is out of room; try again later', f.group);
  if (result !== 'stored') throw partError('the commit is over the limit, or too many are being staged in this group', f.group);
  if (f.part === f.parts - 1 && !(await files.commit(ref, f.parts + 1))) throw partError('the commit is not whole', f.group);
};

/**
 * `user`'s staged pair for `epoch`, as base64url (what a one-frame `group_commit` carries), and
 * the staging is gone: `commit_part` when none is whole for that epoch, `bad_mls` when its bytes
 * do not split into a commit and a Welcome.
 */
export async function takeStagedCommit(ctx: Context, group: string, user: string, epoch: number): Promise<{ commit: string; welcome?: string }> {
  const ref = staged(group, user);
  const files = ctx.store.files;
  const head = (await files.isComplete(ref)) ? await headerOf(ctx, ref) : undefined;
  if (head?.epoch !== epoch) throw partError(`no staged commit for epoch ${epoch} is whole`, group);
  const chunks = await files.chunks(ref, 1, head.parts);
  await files.remove(ref);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.data.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c.data, at);
    at += c.data.length;
  }
  try {
    const pair = unpackCommit(bytes);
    return { commit: toBase64Url(pair.commit), ...(pair.welcome ? { welcome: toBase64Url(pair.welcome) } : {}) };
  } catch {
    throw new ProtocolError('bad_mls', 'the staged commit does not split into a commit and a Welcome', group);
  }
}

/** A commit entry's `data` over a frame: announced with its part count, to be fetched. */
export const announcedParts = (e: LogEntry): number | undefined =>
  e.kind === 'commit' && e.data.length > G.maxCommitChars ? textPartCount(e.data.length) : undefined;

/** What the bytes of an announced entry count in the feed's window: its parts, as if sent. */
export const announcedBytes = (parts: number): number => parts * COMMIT_PART_CHARS;

/** The `group_welcome` for `welcome`: carried when it fits a frame, else announced with its parts. */
export function welcomeFrame(group: string, welcome: string, seq: number): ServerFrameOf<'group_welcome'> {
  if (welcome.length <= G.maxWelcomeChars) return { t: 'group_welcome', group, welcome, seq };
  return { t: 'group_welcome', group, parts: textPartCount(welcome.length), seq };
}

export const groupCommitGet: Handler<'group_commit_get'> = async (ctx, session, f) => {
  ctx.groups.rate(session, 'sends', f.group);
  const store = ctx.groups.store.groups;
  const me = requireMember(await store.member(f.group, session.username!), f.group);
  let text: string | undefined;
  if (f.welcome) {
    const w = await store.welcomeFor(f.group, me.user);
    if (w?.seq === f.seq) text = w.welcome;
  } else if (f.seq > me.cursor) {
    // Only what the feed would hand this member: entries after its cursor (a joiner's starts at its Welcome).
    const [e] = await store.readLog(f.group, f.seq - 1, 1);
    if (e?.seq === f.seq && e.kind === 'commit') text = e.data;
  }
  if (text === undefined) throw partError(`no ${f.welcome ? 'Welcome' : 'commit'} at seq ${f.seq} for you`, f.group);
  const parts = textPartCount(text.length);
  if (f.part >= parts) throw partError(`it has ${parts} parts`, f.group);
  session.send({ t: 'group_commit_part', group: f.group, seq: f.seq, part: f.part, parts, data: textPart(text, f.part), ...(f.welcome ? { welcome: true as const } : {}) });
};

/** The group is gone: so are its staged commits. */
export async function dropStagedCommits(ctx: Context, group: string): Promise<void> {
  await ctx.store.files.removeRecipient(recipient(group));
}
