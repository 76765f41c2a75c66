/**
 * A reaction: each author has at most one per message, the latest by their own clock (two
 * reactions by one author may arrive out of order over two paths: the later one wins whichever
 * comes first). Taking one back leaves an empty entry with its time, so an older reaction that
 * arrives afterwards does not come back.
 */
import type { Reaction } from '../../../../shared/envelope';
import type { ModifierModule } from './registry';

export const reactionBody: ModifierModule<Reaction> = {
  role: 'modifier',
  target: (body) => body.target,
  apply(message, body, { from, ts }) {
    if (message.deleted) return false;
    const current = message.reactions?.[from];
    if (current && current.ts > ts) return false;
    const emoji = body.remove ? (current?.emoji === body.emoji ? '' : (current?.emoji ?? '')) : body.emoji;
    message.reactions = { ...message.reactions, [from]: { emoji, ts } };
    return true;
  },
};

/** The reactions to show: each emoji with how many authors chose it, most first. */
export function reactionCounts(reactions: Record<string, { emoji: string }> | undefined): Array<{ emoji: string; count: number; authors: string[] }> {
  const by = new Map<string, string[]>();
  for (const [author, r] of Object.entries(reactions ?? {})) if (r.emoji) by.set(r.emoji, [...(by.get(r.emoji) ?? []), author]);
  return [...by].map(([emoji, authors]) => ({ emoji, count: authors.length, authors })).sort((a, b) => b.count - a.count);
}
