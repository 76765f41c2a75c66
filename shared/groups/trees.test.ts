/** The ratchet tree out of band (trees.ts): a Welcome without it, the joiner checks what it is handed. */
import { describe, expect, it } from 'vitest';
import { decodeMlsMessage } from 'ts-mls';
import { add, update } from './commits';
import { GroupError } from './errors';
import { createGroup, epochOf, join, members } from './group';
import { encrypt, process } from './messages';
import { MLS_LIMITS } from './limits';
import { randomGroupId, world } from './test-helpers';
import { decodeTree, encodeTree, joinTreeParts, treeParts } from './trees';

const codeOf = async (work: () => Promise<unknown>): Promise<string> =>
  work().then(
    () => 'no error',
    (e) => (e instanceof GroupError ? e.code : `not a GroupError: ${e}`),
  );

async function setting() {
  const w = await world();
  const [alice, bob, carol] = [await w.person('alice'), await w.person('bob'), await w.person('carol')];
  const a0 = await createGroup(alice.env, w.s, alice.identity, randomGroupId(), { owner: 'alice', admins: [] });
  return { w, alice, bob, carol, a0 };
}

describe('the ratchet tree beside the Welcome', () => {
  it('a Welcome carries no tree; the joiner joins with the tree fetched apart and reads the next message', async () => {
    const { w, alice, bob, a0 } = await setting();
    const added = await add(a0, [bob.kps[0]!.publicPackage]);
    expect(added.tree).toBeInstanceOf(Uint8Array);
    // Small: no ratchet_tree extension inside (it is encrypted, so judge by size: a tree-carrying Welcome is bigger than tree + Welcome apart would be).
    expect(added.welcome!.length).toBeLessThan(2_000);
    expect(decodeMlsMessage(added.welcome!, 0)![0].wireformat).toBe('mls_welcome');
    // Without the tree there is nothing to join with.
    expect(await codeOf(() => join(bob.env, w.s, bob.identity, added.welcome!, bob.kps))).toBe('crypto');
    const parts = treeParts(added.tree!);
    const { group: b } = await join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, undefined, joinTreeParts(parts));
    expect(members(b).map((m) => m.username)).toEqual(['alice', 'bob']);
    const sent = await encrypt(added.group, new TextEncoder().encode('hello'));
    const read = await process(b, sent.message);
    expect(read.event.kind === 'message' && new TextDecoder().decode(read.event.data)).toBe('hello');
    expect(epochOf(b)).toBe(1);
    void alice;
  });

  it('a tampered tree is refused', async () => {
    const { w, bob, a0 } = await setting();
    const added = await add(a0, [bob.kps[0]!.publicPackage]);
    // Flip one byte in every position class we can reach without breaking the encoding's lengths:
    // the last byte is inside the last leaf's signature.
    const tampered = added.tree!.slice();
    tampered[tampered.length - 1]! ^= 0x01;
    expect(await codeOf(() => join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, undefined, tampered))).toBe('crypto');
    // Garbage and trailing bytes never reach ts-mls's join.
    expect(await codeOf(() => join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, undefined, new Uint8Array([1, 2, 3])))).toBe('malformed');
    const longer = new Uint8Array(added.tree!.length + 1);
    longer.set(added.tree!);
    expect(await codeOf(() => join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, undefined, longer))).toBe('malformed');
  });

  it('the tree of another epoch is refused, though every leaf in it is genuine', async () => {
    const { w, bob, carol, a0 } = await setting();
    const added = await add(a0, [bob.kps[0]!.publicPackage]);
    const older = encodeTree(a0); // epoch 0: alice alone
    expect(await codeOf(() => join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, undefined, older))).toBe('crypto');
    // A later epoch's tree (alice updated her keys after adding bob) for the epoch-1 Welcome: refused too.
    const later = await update(added.group);
    expect(await codeOf(() => join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, undefined, encodeTree(later.group)))).toBe('crypto');
    // And a Welcome for carol at epoch 2 does not take bob's epoch-1 tree.
    const second = await add(later.group, [carol.kps[0]!.publicPackage]);
    expect(await codeOf(() => join(carol.env, w.s, carol.identity, second.welcome!, carol.kps, undefined, added.tree))).toBe('crypto');
    expect((await join(carol.env, w.s, carol.identity, second.welcome!, carol.kps, undefined, second.tree)).group).toBeTruthy();
  });

  it('parts are bounded: a tree over the limit is neither cut nor put back together', () => {
    expect(() => treeParts(new Uint8Array(MLS_LIMITS.maxTreeBytes + 1))).toThrow(GroupError);
    const part = new Uint8Array(MLS_LIMITS.treePartBytes);
    expect(() => joinTreeParts(Array.from({ length: MLS_LIMITS.maxTreeParts + 1 }, () => part))).toThrow(GroupError);
    expect(treeParts(new Uint8Array(MLS_LIMITS.treePartBytes * 2 + 1)).map((p) => p.length)).toEqual([
      MLS_LIMITS.treePartBytes,
      MLS_LIMITS.treePartBytes,
      1,
    ]);
    expect(() => decodeTree(new Uint8Array(MLS_LIMITS.maxTreeBytes + 1))).toThrow(GroupError);
  });
});
