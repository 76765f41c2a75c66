/**
 * The ratchet tree out of band (RFC 9420 §12.4.3.3: a joiner may get the tree "by other means"
 * than the Welcome's ratchet_tree extension). At 1,000 members the tree is ~250 KB, far more than
 * one frame, so Parley's Welcomes never carry it: the committer uploads the encoded tree of the new
 * epoch in parts, the server keeps it with the group, and the joiner fetches it. The tree is
 * public data (every leaf's credential and keys are also in KeyPackages and the PublicMessage
 * commits the server sees), and the Welcome's GroupInfo, signed by the committer, binds its tree
 * hash: ts-mls's join checks the tree we hand it against that hash (validateRatchetTree), so a
 * server that changes, truncates or swaps a tree only makes the join fail.
 */
import type { RatchetTree } from 'ts-mls';
import { decodeRatchetTree, encodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { GroupError } from './errors';
import type { Group } from './group';
import { MLS_LIMITS } from './limits';

/** The ratchet tree of `group`'s epoch, encoded as the ratchet_tree extension would carry it. */
export const encodeTree = (group: Group): Uint8Array => encodeRatchetTree(group.state.ratchetTree);

/** Decodes a whole tree; too long, truncated, trailing bytes or garbage is `malformed`. */
export function decodeTree(bytes: Uint8Array): RatchetTree {
  if (bytes.length > MLS_LIMITS.maxTreeBytes) throw new GroupError('malformed', `a tree longer than ${MLS_LIMITS.maxTreeBytes} bytes`);
  let decoded: [RatchetTree, number] | undefined;
  try {
    decoded = decodeRatchetTree(bytes, 0);
  } catch (e) {
    throw new GroupError('malformed', `the tree does not decode: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!decoded || decoded[1] !== bytes.length) throw new GroupError('malformed', 'the tree does not decode whole');
  return decoded[0];
}

/** The tree cut into parts of at most MLS_LIMITS.treePartBytes (one frame each). */
export function treeParts(tree: Uint8Array): Uint8Array[] {
  if (tree.length > MLS_LIMITS.maxTreeBytes) throw new GroupError('bad_request', `a tree of ${tree.length} bytes is over the limit`);
  const parts: Uint8Array[] = [];
  for (let at = 0; at < tree.length; at += MLS_LIMITS.treePartBytes) parts.push(tree.subarray(at, at + MLS_LIMITS.treePartBytes));
  return parts;
}

/** The parts put back together (bounded: a server cannot make the joiner hold more than the limit). */
export function joinTreeParts(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (parts.length > MLS_LIMITS.maxTreeParts || total > MLS_LIMITS.maxTreeBytes) throw new GroupError('malformed', 'a tree over the limit');
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
