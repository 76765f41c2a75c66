// Commits bigger than a frame in the browser's group service, on a real server: a commit over a
// frame (a real one, padded as a sparse 1,000-member remove is big) is staged in parts and
// adopted, the other member fetches it announced and reads on in the new epoch; an Add whose
// Welcome is over a frame is staged the same way, and the joiner fetches the Welcome and joins.
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../../shared/groups/index';
import { paddedCommit } from '../../../shared/groups/test-helpers';
import type { ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import { addMembers, befriend, storedEpoch, until, useGroupWorld } from './test-device';

const world = useGroupWorld();

describe('Groups with commits bigger than a frame', () => {
  it('stages a big commit and fetches it announced; a big Welcome is fetched and joined', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    const carol = await world.device('carol');
    await befriend(alice, bob);
    await befriend(alice, carol);
    const id = await alice.groups.create({ name: 'Big', listed: false });
    await addMembers(alice, id, [bob]);
    // What reaches bob and carol, seen on the way in (nothing dropped).
    const seen: ServerFrame[] = [];
    bob.drop = carol.drop = (f) => (seen.push(f), false);

    await alice.groups.core.commit(id, (g) => paddedCommit(g, { pad: 85_000 }));
    expect(await storedEpoch(alice, id)).toBe(2);
    await alice.groups.send(id, 'after the big one');
    await until('bob reads on', async () => (await bob.texts(id)).includes('after the big one'));
    expect(await storedEpoch(bob, id)).toBe(2);
    expect(alice.sent.filter((f) => f.t === 'group_commit_put').map((f) => f.t === 'group_commit_put' && f.part)).toEqual([0, 1]);
    expect(alice.sent.filter((f) => f.t === 'group_commit').at(-1)).toEqual({ t: 'group_commit', group: id, epoch: 1, staged: true });
    expect(seen.filter((f) => f.t === 'group_log' && f.kind === 'commit')).toEqual([expect.objectContaining({ parts: 2 })]);
    expect(seen.filter((f) => f.t === 'group_commit_part')).toHaveLength(2);

    const claimed = await alice.groups.core.ask(
      { t: 'kp_claim', group: id, users: [carol.name] },
      (f: ServerFrame): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed' && f.group === id,
      [id, carol.name],
    );
    await alice.groups.core.commit(id, (g) => paddedCommit(g, { pad: 16, keyPackages: [fromBase64Url(claimed.kps[0]!.kp)], welcomePad: 70_000 }));
    await until('carol joined', () => carol.groups.view(id) !== undefined);
    expect(await storedEpoch(carol, id)).toBe(3);
    expect(seen.filter((f) => f.t === 'group_welcome')).toEqual([expect.objectContaining({ parts: 2 })]);
    await bob.groups.send(id, 'hello carol');
    await until('carol reads bob', async () => (await carol.texts(id)).includes('hello carol'));
  });
});
