/**
 * @mentions in group messages (issue 12, item 4): "@username" in a text names a member. The sender
 * lists the usernames its text mentions in the body (group-body.ts); a receiver keeps only those
 * that are current members of the group and that the text itself names, so a member cannot make
 * someone's device ring for a message that does not show their name, nor name someone who is not
 * there. Pure: the group service, the notifier and the log's highlighting share these rules.
 */
import { MAX_MENTIONS } from './group-body';

/**
 * "@name" where name is a username (shared/username.ts), not inside a word or an address
 * ("bob@example" is not a mention) and not followed by more username characters.
 */
const MENTION = /(?<![a-z0-9_@.-])@([a-z0-9_-]{3,32})(?![a-z0-9_-])/g;

/** The members `text` @mentions, in order of first mention, each once, at most MAX_MENTIONS. */
export function mentionedIn(text: string, members: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(MENTION)) {
    const user = match[1]!;
    if (members.has(user) && !found.includes(user)) found.push(user);
    if (found.length === MAX_MENTIONS) break;
  }
  return found;
}

/** What a receiver keeps of the mentions a body claims: current members whom its text names. */
export function acceptedMentions(claimed: readonly string[] | undefined, text: string, members: ReadonlySet<string>): string[] {
  if (!claimed?.length) return [];
  const named = new Set(mentionedIn(text, members));
  return [...new Set(claimed)].filter((user) => named.has(user));
}

/** A run of a message's text: plain, or the "@name" of a kept mention. */
export interface MentionPart {
  text: string;
  mention?: string;
}

/** `text` cut into plain runs and the "@name" runs of `mentions` (what the log highlights). */
export function mentionParts(text: string, mentions: readonly string[] | undefined): MentionPart[] {
  if (!mentions?.length) return [{ text }];
  const kept = new Set(mentions);
  const parts: MentionPart[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const user = match[1]!;
    if (!kept.has(user)) continue;
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], mention: user });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/**
 * The "@query" being typed just before the caret in `text` (the member picker's filter), with
 * where it starts; undefined when the caret is not right after "@" and username characters.
 */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(0, caret);
  const m = /(?:^|[^a-z0-9_@.-])@([a-z0-9_-]{0,32})$/.exec(before);
  if (!m) return undefined;
  return { start: caret - m[1]!.length - 1, query: m[1]! };
}

/** Whether a message (its kept mentions) names `me`: it notifies even in a muted group. */
export const mentionsMe = (mentions: readonly string[] | undefined, me: string | undefined): boolean => !!me && !!mentions?.includes(me);

/**
 * How old a message may be for an edit of it to notify a mention: the 24 h within which a message
 * is still current (as delete for everyone's window): an edit of an older one, or an edit made
 * that long ago and read only now (a device back from days offline), is news of the past.
 */
export const EDIT_MENTION_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Whether an edit to `text` (made at `editedAt`, the author's clock) of message `before` (as it
 * was until this edit) newly @mentions `me`: the edited text names them, the text before did not
 * (then its mention notified already, or the original had none of them and this is the first),
 * and neither the message nor the edit is older than EDIT_MENTION_WINDOW_MS.
 */
export function editMentionsMe(
  before: { text: string; mentions?: readonly string[]; ts: number },
  text: string,
  editedAt: number,
  members: ReadonlySet<string>,
  me: string | undefined,
  now: number = Date.now(),
): boolean {
  if (!me) return false;
  if (now - before.ts > EDIT_MENTION_WINDOW_MS || now - editedAt > EDIT_MENTION_WINDOW_MS) return false;
  if (mentionsMe(before.mentions, me) || mentionedIn(before.text, members).includes(me)) return false;
  return mentionedIn(text, members).includes(me);
}

/** A member the composer's picker offers. */
export interface MentionOption {
  user: string;
  /** Their display name (the username when they are not a contact). */
  name: string;
}

/** The most members the picker lists at once (the rest are a few more letters away). */
export const MAX_PICKER_OPTIONS = 8;

/** The members to offer for `query`: a username that starts with it, or a display name that contains it; by name. */
export function pickerOptions(all: readonly MentionOption[], query: string): MentionOption[] {
  const q = query.toLowerCase();
  return all
    .filter((o) => o.user.startsWith(q) || o.name.toLowerCase().includes(q))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, MAX_PICKER_OPTIONS);
}
