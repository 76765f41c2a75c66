/**
 * Which envelopes arrived on which path and are not yet answered, so each answer goes back the way
 * its envelope came: a copy may come on both paths, or twice on one (a resend), so arrivals are
 * counted per id on each path.
 */
import type { LinkPath } from './link';

/**
 * Envelopes received and not yet answered, per path, are remembered up to this many: one that is
 * never answered (held while its sender's key change waits for the user) must not grow the set
 * for ever. Past it the oldest is forgotten, and answered on the relay if answered at all.
 */
export const MAX_UNANSWERED = 4096;

export class Arrivals {
  readonly #unanswered: Record<LinkPath, Map<string, number>> = { relay: new Map(), direct: new Map() };

  /** An envelope came on `path`. */
  arrived(id: string, path: LinkPath): void {
    const counts = this.#unanswered[path];
    const n = counts.get(id) ?? 0;
    counts.delete(id); // to the end: the oldest is forgotten first
    counts.set(id, n + 1);
    if (counts.size > MAX_UNANSWERED) counts.delete(counts.keys().next().value!);
  }

  /**
   * Where to answer `ids`: one waiting arrival on each path each came on (relay, direct or both);
   * an id with none waiting (forgotten) is answered on the relay.
   */
  route(ids: readonly string[]): { relay: string[]; direct: string[] } {
    const relay: string[] = [];
    const direct: string[] = [];
    for (const id of ids) {
      const viaDirect = this.#take('direct', id);
      if (this.#take('relay', id) || !viaDirect) relay.push(id);
      if (viaDirect) direct.push(id);
    }
    return { relay, direct };
  }

  /** Takes one waiting arrival of `id` on `path`; false if none waits. */
  #take(path: LinkPath, id: string): boolean {
    const counts = this.#unanswered[path];
    const n = counts.get(id);
    if (n === undefined) return false;
    if (n > 1) counts.set(id, n - 1);
    else counts.delete(id);
    return true;
  }
}
