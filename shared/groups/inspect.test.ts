import { describe, expect, it } from 'vitest';
import { add, remove, setRoles, update } from './commits';
import { fromBase64Url, toBase64Url } from './codec';
import { createGroup, join, members } from './group';
import { inspectCommit, inspectKeyPackage, inspectPrivateMessage, inspectWelcome } from './inspect';
import { decodeKeyPackage } from './key-packages';
import { nextLeaves } from './leaves';
import { encrypt } from './messages';
import { GroupError } from './errors';
import { randomGroupId, rawCommit, world } from './test-helpers';

const codeOf = async (work: () => unknown): Promise<string> => {
  try {
    await work();
  } catch (e) {
    expect(e).toBeInstanceOf(GroupError);
    return (e as GroupError).code;
  }
  return 'no error';
};

describe('inspection for the server', () => {
  it('reads a real key package: username, identity key, ref; refuses a tampered one', async () => {
    const w = await world();
    const bob = await w.person('bob');
    const info = await inspectKeyPackage(bob.kps[0]!.publicPackage);
    expect(info.username).toBe('bob');
    expect(info.signatureKey).toEqual(bob.identity.publicKey);
    expect(info.ref).toBe(bob.kps[0]!.ref);
    expect(fromBase64Url(info.ref)).toHaveLength(32);

    // Flip one byte of the signature (the last bytes of the encoding): the signature no longer verifies.
    const tampered = bob.kps[0]!.publicPackage.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(await codeOf(() => inspectKeyPackage(tampered))).toBe('bad_credential');
  });

  it('answers garbage, truncation, trailing bytes and the wrong kind with typed errors', async () => {
    const w = await world();
    const bob = await w.person('bob');
    const kp = bob.kps[0]!.publicPackage;
    expect(await codeOf(() => inspectKeyPackage(new Uint8Array(0)))).toBe('malformed');
    expect(await codeOf(() => inspectKeyPackage(crypto.getRandomValues(new Uint8Array(300))))).toBe('malformed');
    expect(await codeOf(() => inspectKeyPackage(kp.subarray(0, kp.length - 5)))).toBe('malformed');
    expect(await codeOf(() => inspectKeyPackage(new Uint8Array([...kp, 0])))).toBe('malformed');
    expect(await codeOf(() => inspectKeyPackage(new Uint8Array(300 * 1024)))).toBe('malformed');
    expect(await codeOf(() => inspectCommit(kp))).toBe('wrong_kind');
    expect(await codeOf(() => inspectCommit(crypto.getRandomValues(new Uint8Array(64))))).toBe('malformed');
    expect(await codeOf(() => inspectWelcome(kp))).toBe('wrong_kind');
    expect(await codeOf(() => inspectPrivateMessage(kp))).toBe('wrong_kind');
    // A thousand random prefixes of real objects never throw anything but a GroupError.
    for (let i = 0; i < 1000; i++) {
      const bytes = kp.slice(0, 1 + (i % kp.length));
      if (i % 2) bytes[i % bytes.length]! ^= 0xff;
      await inspectKeyPackage(bytes).catch((e) => expect(e).toBeInstanceOf(GroupError));
      await inspectCommit(bytes).catch((e) => expect(e).toBeInstanceOf(GroupError));
    }
  });

  it('reads commits: group, epoch, sender leaf, adds with their key package refs, removes by leaf, roles', async () => {
    const w = await world();
    const [alice, bob, carol] = [await w.person('alice'), await w.person('bob'), await w.person('carol')];
    const groupId = randomGroupId();
    const g0 = await createGroup(alice.env, w.s, alice.identity, groupId, { owner: 'alice', admins: [] });
    const added = await add(g0, [bob.kps[0]!.publicPackage, carol.kps[0]!.publicPackage]);
    const info = await inspectCommit(added.commit);
    expect(info).toMatchObject({ groupId: toBase64Url(groupId), epoch: 0, senderLeaf: 0, removes: [], rolesChanged: false, hasPath: false });
    expect(info.adds.map((a) => [a.username, a.keyPackageRef])).toEqual([['bob', bob.kps[0]!.ref], ['carol', carol.kps[0]!.ref]]);
    expect(info.adds[1]!.signatureKey).toEqual(carol.identity.publicKey);
    expect(inspectWelcome(added.welcome!).keyPackageRefs.sort()).toEqual([bob.kps[0]!.ref, carol.kps[0]!.ref].sort());

    const removed = await remove(added.group, ['bob']);
    expect(await inspectCommit(removed.commit)).toMatchObject({ epoch: 1, senderLeaf: 0, adds: [], removes: [1], hasPath: true });
    const roles = await setRoles(removed.group, { owner: 'alice', admins: ['carol'] });
    expect(await inspectCommit(roles.commit)).toMatchObject({ epoch: 2, rolesChanged: true, roles: { owner: 'alice', admins: ['carol'] } });
    expect(await inspectCommit((await update(roles.group)).commit)).toMatchObject({ epoch: 3, adds: [], removes: [], hasPath: true });

    const { group: carolGroup } = await join(carol.env, w.s, carol.identity, added.welcome!, carol.kps, undefined, added.tree);
    const sent = await encrypt(carolGroup, new TextEncoder().encode('hi'));
    expect(inspectPrivateMessage(sent.message)).toEqual({ groupId: toBase64Url(groupId), epoch: 1, contentType: 'application' });
    expect(await codeOf(() => inspectCommit(sent.message))).toBe('wrong_kind');
    expect(decodeKeyPackage(carol.kps[0]!.publicPackage).leafNode.credential.credentialType).toBe('basic');
  });
});

describe('nextLeaves', () => {
  it('blanks removed leaves first, then gives each add the leftmost blank leaf or extends', () => {
    expect(nextLeaves([], [], 2)).toEqual([0, 1]);
    expect(nextLeaves([0, 1, 2, 3], [1, 2], 3)).toEqual([1, 2, 4]);
    expect(nextLeaves([0, 2, 5], [], 4)).toEqual([1, 3, 4, 6]);
    expect(nextLeaves([0, 1], [1], 0)).toEqual([]);
    expect(() => nextLeaves([0, 1], [2], 1)).toThrow(GroupError);
    expect(() => nextLeaves([0, 1], [1, 1], 1)).toThrow(GroupError);
  });

  it('matches the leaves ts-mls really assigns through adds and removes', async () => {
    const w = await world();
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
    const people = await Promise.all(names.map((n) => w.person(n)));
    const kp = (name: string, i = 0) => people[names.indexOf(name)]!.kps[i]!.publicPackage;
    let group = await createGroup(people[0]!.env, w.s, people[0]!.identity, randomGroupId(), { owner: 'alice', admins: [] });
    // The server's mirror: username → leaf, updated only through nextLeaves.
    const mirror = new Map<string, number>([['alice', 0]]);
    const step = async (removeNames: string[], addNames: string[], kpIndex = 0) => {
      const occupied = [...mirror.values()];
      const removes = removeNames.map((n) => mirror.get(n)!);
      let result = removeNames.length ? await remove(group, removeNames) : undefined;
      if (addNames.length) {
        // Removes and adds of one commit: RFC order inside the commit, checked against one nextLeaves call.
        const proposals = [
          ...removes.map((leaf) => ({ proposalType: 'remove' as const, remove: { removed: leaf } })),
          ...addNames.map((n) => ({ proposalType: 'add' as const, add: { keyPackage: decodeKeyPackage(kp(n, kpIndex)) } })),
        ];
        result = { ...(await rawCommit(group, proposals)), consumed: [] };
        const info = await inspectCommit(result.commit);
        expect(info.removes).toEqual(removes);
        expect(nextLeaves(occupied, info.removes, info.adds.length)).toEqual(
          addNames.map((n) => members(result!.group).find((m) => m.username === n)!.leaf),
        );
      }
      group = result!.group;
      for (const n of removeNames) mirror.delete(n);
      nextLeaves(occupied, removes, addNames.length).forEach((leaf, i) => mirror.set(addNames[i]!, leaf));
      expect(new Map(members(group).map((m) => [m.username, m.leaf]))).toEqual(mirror);
    };
    await step([], ['bob', 'carol', 'dave', 'erin']);
    await step(['bob', 'dave'], []);
    await step([], ['frank']);
    await step(['erin'], ['grace', 'bob'], 1);
    await step(['carol', 'frank'], ['dave'], 1);
  });
});
