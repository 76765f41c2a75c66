/**
 * Which leaves a commit's Adds take, as RFC 9420 §12.1 assigns them: the commit's Removes blank
 * their leaves first (§12.3 applies removes before adds), then each Add takes the leftmost blank
 * leaf, extending the tree to the right when none is left. The server keeps each member's leaf
 * this way, so it knows whom a later Remove of a leaf index names.
 */
export function assignLeaves(occupied: readonly number[], removes: readonly number[], adds: number): number[] {
  const taken = new Set(occupied);
  for (const leaf of removes) taken.delete(leaf);
  const out: number[] = [];
  let leaf = 0;
  while (out.length < adds) {
    if (!taken.has(leaf)) {
      taken.add(leaf);
      out.push(leaf);
    }
    leaf++;
  }
  return out;
}
