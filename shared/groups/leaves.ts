/**
 * Leaf indices as RFC 9420 assigns them, for the server to mirror without running MLS: a commit
 * applies its Removes first (each blanks its leaf), then each Add, in order, takes the leftmost
 * blank leaf, or extends the tree by one leaf when none is blank (§12.1.1, §12.1.3, §12.3). A
 * tree's trailing blank leaves may be truncated, which leaves the same answer: the leftmost leaf
 * that is not occupied.
 */
import { GroupError } from './errors';

/**
 * The leaf each Add of a commit takes. `occupied` are the leaves of the members before the
 * commit, `removes` the leaves its Remove proposals blank, `addCount` the number of its Adds.
 * Throws `bad_request` for a Remove of a blank leaf or the same leaf twice (MLS refuses those
 * commits, so the server must too).
 */
export function nextLeaves(occupied: Iterable<number>, removes: readonly number[], addCount: number): number[] {
  const taken = new Set(occupied);
  for (const leaf of removes) {
    if (!taken.delete(leaf)) throw new GroupError('bad_request', `leaf ${leaf} is blank or removed twice`);
  }
  const added: number[] = [];
  let candidate = 0;
  for (let i = 0; i < addCount; i++) {
    while (taken.has(candidate)) candidate++;
    taken.add(candidate);
    added.push(candidate);
  }
  return added;
}
