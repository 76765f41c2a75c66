/**
 * The ratchet tree beside a Welcome, on the browser's side (shared/groups/trees.ts,
 * signaling/groups/group-trees.ts): the adding admin stages the new epoch's tree in parts before
 * its commit; the joiner fetches the group's kept tree in parts before it joins. The tree is
 * checked by the join itself (its hash is bound by the Welcome's signed GroupInfo), so nothing
 * here needs to trust the server.
 */
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import { fromBase64Url, joinTreeParts, toBase64Url, treeParts } from '../../../shared/groups';
import type { Asks } from './ask';

/**
 * Sends the tree of `epoch` in parts, in order, before the commit that needs it. The server
 * answers a part only to refuse it (with the group as ref), and then refuses the commit too
 * (`tree_missing`): the commit's ask hears whichever comes first.
 */
export function stageTree(send: (frame: ClientFrame) => boolean, group: string, epoch: number, tree: Uint8Array): void {
  const parts = treeParts(tree);
  parts.forEach((p, part) => send({ t: 'group_tree_put', group, epoch, part, parts: parts.length, data: toBase64Url(p) }));
}

/** The group's kept tree, part by part; a refusal (`tree_gone`: a later Add replaced it) rejects with its code. */
export async function fetchTree(asks: Asks, group: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let part = 0, total = 1; part < total; part++) {
    const f = await asks.ask(
      { t: 'group_tree_get', group, part },
      (x: ServerFrame): x is ServerFrameOf<'group_tree'> => x.t === 'group_tree' && x.group === group && x.part === part,
      [group],
    );
    total = f.parts;
    parts.push(fromBase64Url(f.data));
  }
  return joinTreeParts(parts);
}
