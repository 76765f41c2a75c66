/**
 * Commits bigger than a frame, on the browser's side (signaling/groups/big-commits.ts,
 * shared/groups/commit-parts.ts). A commit and Welcome over one `group_commit` frame are staged
 * in parts first and committed by reference; a log entry or Welcome the server announces with
 * `parts` instead of its data is fetched slice by slice before it is handled, in the group's
 * line, so the log is still read in order. What is fetched is checked as any entry is: MLS
 * processes the commit whole, and a Welcome opens only with this device's key package.
 */
import { fromBase64Url, needsParts, packCommit, toBase64Url } from '../../../shared/groups/index';
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import type { Asks } from './ask';

/**
 * The `group_commit` frame for `commit` (and `welcome`): carrying them when they fit, else
 * `staged`, its parts sent first. The server answers a part only to refuse it (with the group as
 * ref), and then refuses the commit too (`commit_part`): the commit's ask hears whichever comes first.
 */
export function commitFrame(send: (frame: ClientFrame) => boolean, group: string, epoch: number, commit: Uint8Array, welcome?: Uint8Array): ClientFrame {
  const commitText = toBase64Url(commit);
  const welcomeText = welcome ? toBase64Url(welcome) : undefined;
  if (!needsParts(commitText.length, welcomeText?.length)) return { t: 'group_commit', group, epoch, commit: commitText, ...(welcomeText ? { welcome: welcomeText } : {}) };
  const parts = packCommit(commit, welcome);
  parts.forEach((p, part) => send({ t: 'group_commit_put', group, epoch, part, parts: parts.length, data: toBase64Url(p) }));
  return { t: 'group_commit', group, epoch, staged: true };
}

/** The announced text at `seq` (a log entry's data, or with `welcome` the Welcome), slice by slice; a refusal rejects with its code. */
async function fetchText(asks: Asks, group: string, seq: number, parts: number, welcome: boolean): Promise<string> {
  let text = '';
  for (let part = 0; part < parts; part++) {
    const f = await asks.ask(
      { t: 'group_commit_get', group, seq, part, ...(welcome ? { welcome: true as const } : {}) },
      (x: ServerFrame): x is ServerFrameOf<'group_commit_part'> => x.t === 'group_commit_part' && x.group === group && x.seq === seq && x.part === part && (x.welcome ?? false) === welcome,
      [group],
    );
    text += f.data;
  }
  return text;
}

/** The entry with its data: as it came, or fetched when it came announced. */
export async function withData(asks: Asks, f: ServerFrameOf<'group_log'>): Promise<ServerFrameOf<'group_log'>> {
  if (f.data !== undefined || f.parts === undefined) return f;
  return { ...f, data: await fetchText(asks, f.group, f.seq, f.parts, false) };
}

/** The Welcome's bytes: as it came, or fetched when it came announced. */
export async function welcomeBytes(asks: Asks, f: ServerFrameOf<'group_welcome'>): Promise<Uint8Array> {
  return fromBase64Url(f.welcome ?? (await fetchText(asks, f.group, f.seq, f.parts ?? 0, true)));
}
