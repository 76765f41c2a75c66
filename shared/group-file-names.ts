/**
 * The names group files travel under in binary frames (shared/relay-frames.ts), spelled once for
 * the server and the browser. A username is `[a-z0-9_-]` only, so nothing starting `g:` can be a
 * user: an upload names `g:<group>` (the group's one copy), and the server streams a fetched copy
 * under `g:<group>:<uploader>`, so the receiver knows which file of which group each chunk is.
 * At most 2 + 22 + 1 + 32 = 57 bytes, within the frame's 127.
 */
import { GroupId } from './protocol-groups';
import { USERNAME_PATTERN } from './username';

const PREFIX = 'g:';

/** What a chunk uploaded for `group` names. */
export const groupUploadName = (group: string): string => `${PREFIX}${group}`;

/** What each chunk of `uploader`'s copy streamed to a member of `group` names. */
export const groupSourceName = (group: string, uploader: string): string => `${PREFIX}${group}:${uploader}`;

/** The group (and, for a streamed copy, its uploader) a frame's name stands for; undefined for anything else. */
export function parseGroupFileName(name: string): { group: string; uploader?: string } | undefined {
  if (!name.startsWith(PREFIX)) return undefined;
  const [group, uploader, ...rest] = name.slice(PREFIX.length).split(':');
  if (rest.length > 0 || !GroupId.safeParse(group).success) return undefined;
  if (uploader === undefined) return { group: group! };
  return USERNAME_PATTERN.test(uploader) ? { group: group!, uploader } : undefined;
}
