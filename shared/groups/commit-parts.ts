/**
 * Commits bigger than a frame (signaling/groups/big-commits.ts). A `group_commit` frame carries a
 * commit and its Welcome of at most GROUP_LIMITS.maxCommitChars base64url characters together; a
 * bigger pair (a remove in a sparse 1,000-member tree is ~82.5 KB) is staged first in parts of
 * the bytes `u32 commit length ‖ commit ‖ Welcome`, then committed by reference. What comes back
 * (the log entry, the Welcome) is fetched as slices of its base64url text. Both sides use these
 * helpers, so the layout is spelled once; nothing here is cryptography, and the parts only carry
 * MLS objects that are checked whole once put back together.
 */
import { GROUP_LIMITS as G } from '../limits';
import { GroupError } from './errors';

/** One slice of a fetched text: the base64url of one part's bytes, so it fits a frame as a part does. */
export const COMMIT_PART_CHARS = Math.ceil((G.commitPartBytes * 4) / 3);

/** Whether a commit and Welcome (base64url) are over one `group_commit` frame: then they go in parts. */
export const needsParts = (commitChars: number, welcomeChars = 0): boolean => commitChars + welcomeChars > G.maxCommitChars;

/** The parts to stage (`group_commit_put`), each at most G.commitPartBytes. */
export function packCommit(commit: Uint8Array, welcome?: Uint8Array): Uint8Array[] {
  const total = 4 + commit.length + (welcome?.length ?? 0);
  if (total > G.maxBigCommitBytes) throw new GroupError('bad_request', `a commit and Welcome of ${total} bytes are over the limit`);
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, commit.length);
  bytes.set(commit, 4);
  if (welcome) bytes.set(welcome, 4 + commit.length);
  const parts: Uint8Array[] = [];
  for (let at = 0; at < total; at += G.commitPartBytes) parts.push(bytes.subarray(at, at + G.commitPartBytes));
  return parts;
}

/** The staged bytes split again; a length prefix past the end is `malformed`. No Welcome when none follows. */
export function unpackCommit(bytes: Uint8Array): { commit: Uint8Array; welcome?: Uint8Array } {
  if (bytes.length < 4) throw new GroupError('malformed', 'a staged commit without its length');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (length < 1 || 4 + length > bytes.length) throw new GroupError('malformed', 'a staged commit shorter than its length');
  const commit = bytes.subarray(4, 4 + length);
  return 4 + length === bytes.length ? { commit } : { commit, welcome: bytes.subarray(4 + length) };
}

/** How many slices `chars` of text make (what a `group_log` or `group_welcome` announces as `parts`). */
export const textPartCount = (chars: number): number => Math.ceil(chars / COMMIT_PART_CHARS);

/** Slice `part` of `text`. */
export const textPart = (text: string, part: number): string => text.slice(part * COMMIT_PART_CHARS, (part + 1) * COMMIT_PART_CHARS);
