import { describe, expect, it } from 'vitest';
import { add, remove, setRoles, update } from './commits';
import { GroupError } from './errors';
import { type Group, createGroup, deserialize, epochOf, isActive, join, members, rolesOf, serialize } from './group';
import { decodeKeyPackage, keyPackages } from './key-packages';
import { encrypt, isOwnCommit, process } from './messages';
import { rolesExtension } from './roles';
import { randomGroupId, rawCommit, world } from './test-helpers';
import { toBase64Url } from './codec';
import { MLS_LIMITS } from './limits';
import { LIMITS } from '../limits';

const text = (s: string) => new TextEncoder().encode(s);
const codeOf = async (work: () => Promise<unknown>): Promise<string> =>
  work().then(
    () => 'no error',
    (e) => (e instanceof GroupError ? e.code : `not a GroupError: ${e}`),
  );

/** alice (owner) with bob and carol, everyone at epoch 1. */
async function trio() {
  const w = await world();
  const [alice, bob, carol] = [await w.person('alice'), await w.person('bob'), await w.person('carol')];
  const a0 = await createGroup(alice.env, w.s, alice.identity, randomGroupId(), { owner: 'alice', admins: [] });
  const added = await add(a0, [bob.kps[0]!.publicPackage, carol.kps[0]!.publicPackage]);
  const b = await join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, undefined, added.tree);
  const c = await join(carol.env, w.s, carol.identity, added.welcome!, carol.kps, undefined, added.tree);
  expect(b.keyPackageRef).toBe(bob.kps[0]!.ref);
  return { w, alice, bob, carol, groups: { alice: added.group, bob: b.group, carol: c.group } };
}

async function say(from: Group, to: Group[], words: string) {
  const sent = await encrypt(from, text(words));
  const read = [];
  for (const g of to) read.push(await process(g, sent.message));
  return { from: sent.group, read, message: sent.message };
}

describe('a group on MLS', () => {
  it('create, add two, messages both ways, remove: the removed member cannot read what follows', async () => {
    const { groups } = await trio();
    let { alice, bob, carol } = groups;
    expect(members(bob).map((m) => m.username)).toEqual(['alice', 'bob', 'carol']);
    expect(rolesOf(carol)).toEqual({ owner: 'alice', admins: [] });

    const one = await say(alice, [bob, carol], 'hello both');
    alice = one.from;
    [bob, carol] = one.read.map((r) => r.group) as [Group, Group];
    expect(one.read.map((r) => r.event)).toEqual([
      { kind: 'message', epoch: 1, sender: 'alice', data: text('hello both') },
      { kind: 'message', epoch: 1, sender: 'alice', data: text('hello both') },
    ]);
    // A replayed ciphertext is refused; so is the sender's own message coming back from the log.
    expect(await codeOf(() => process(bob, one.message))).toBe('crypto');
    expect(await codeOf(() => process(alice, one.message))).toBe('crypto');

    const two = await say(bob, [alice, carol], 'hi alice');
    bob = two.from;
    [alice, carol] = two.read.map((r) => r.group) as [Group, Group];
    expect(two.read[0]!.event).toMatchObject({ kind: 'message', sender: 'bob', data: text('hi alice') });

    const removal = await remove(alice, ['carol']);
    // The committer's own commit back from the log is refused by the old state; it adopts removal.group.
    expect(await codeOf(() => process(alice, removal.commit))).toBe('crypto');
    expect([isOwnCommit(alice, removal.commit), isOwnCommit(bob, removal.commit), isOwnCommit(alice, one.message)]).toEqual([true, false, false]);
    alice = removal.group;
    const bobSees = await process(bob, removal.commit);
    bob = bobSees.group;
    expect(bobSees.event).toEqual({ kind: 'commit', epoch: 2, sender: 'alice', adds: [], removes: ['carol'], removedSelf: false });
    const carolSees = await process(carol, removal.commit);
    expect(carolSees.event).toMatchObject({ kind: 'commit', removes: ['carol'], removedSelf: true });
    expect(isActive(carolSees.group)).toBe(false);

    const after = await encrypt(alice, text('carol is gone'));
    expect((await process(bob, after.message)).event).toMatchObject({ sender: 'alice', data: text('carol is gone') });
    expect(await codeOf(() => process(carolSees.group, after.message))).toBe('removed');
    // Her state from before the removal has no keys for the new epoch either.
    expect(await codeOf(() => process(carol, after.message))).toBe('wrong_epoch');
    expect(await codeOf(() => encrypt(carolSees.group, text('still here?')))).toBe('removed');
  });

  it('members refuse an add or a remove from someone who is neither owner nor admin', async () => {
    const { w, groups } = await trio();
    const dave = await w.person('dave');
    const { alice, bob, carol } = groups;
    // bob's own client refuses at once …
    expect(await codeOf(() => add(bob, [dave.kps[0]!.publicPackage]))).toBe('forbidden');
    expect(await codeOf(() => remove(bob, ['carol']))).toBe('forbidden');
    // … and a commit made around these checks is refused by every other member, whose state stays put.
    const sneakyAdd = await rawCommit(bob, [{ proposalType: 'add', add: { keyPackage: decodeKeyPackage(dave.kps[0]!.publicPackage) } }]);
    expect(await codeOf(() => process(alice, sneakyAdd.commit))).toBe('forbidden');
    expect(await codeOf(() => process(carol, sneakyAdd.commit))).toBe('forbidden');
    const sneakyKick = await rawCommit(bob, [{ proposalType: 'remove', remove: { removed: 0 } }]);
    expect(await codeOf(() => process(carol, sneakyKick.commit))).toBe('forbidden');
    expect(epochOf(alice)).toBe(1);

    // Once carol is an admin she may remove a member, but not the owner.
    const promoted = await setRoles(alice, { owner: 'alice', admins: ['carol'] });
    expect((await process(bob, promoted.commit)).event).toMatchObject({ roles: { owner: 'alice', admins: ['carol'] } });
    const carol2 = (await process(carol, promoted.commit)).group;
    const kickOwner = await rawCommit(carol2, [{ proposalType: 'remove', remove: { removed: 0 } }]);
    expect(await codeOf(() => process(promoted.group, kickOwner.commit))).toBe('forbidden');
    const kickBob = await remove(carol2, ['bob']);
    expect((await process(promoted.group, kickBob.commit)).event).toMatchObject({ sender: 'carol', removes: ['bob'] });
  });

  it('members refuse a roles change by anyone but the owner', async () => {
    const { groups } = await trio();
    const promoted = await setRoles(groups.alice, { owner: 'alice', admins: ['bob'] });
    const bob = (await process(groups.bob, promoted.commit)).group;
    const carol = (await process(groups.carol, promoted.commit)).group;
    expect(await codeOf(() => setRoles(bob, { owner: 'bob', admins: [] }))).toBe('forbidden');
    const coup = await rawCommit(bob, [
      { proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [rolesExtension({ owner: 'bob', admins: [] })] } },
    ]);
    expect(await codeOf(() => process(promoted.group, coup.commit))).toBe('forbidden');
    expect(await codeOf(() => process(carol, coup.commit))).toBe('forbidden');
    expect(rolesOf(carol)).toEqual({ owner: 'alice', admins: ['bob'] });
    // The owner may hand the group over, to a member only.
    expect(await codeOf(() => setRoles(promoted.group, { owner: 'zed', admins: [] }))).toBe('forbidden');
    const handover = await setRoles(promoted.group, { owner: 'carol', admins: ['alice'] });
    expect(rolesOf((await process(carol, handover.commit)).group)).toEqual({ owner: 'carol', admins: ['alice'] });
  });

  it('refuses an impostor key package (another key under a username) when adding and when processing', async () => {
    const { w, alice: aliceP, groups } = await trio();
    const mallory = await w.person('mallory');
    // mallory makes a key package that claims to be dave, with her own key; dave's pinned key is another.
    const dave = await w.person('dave');
    const [fake] = await keyPackages(mallory.env, w.s, { ...mallory.identity, username: 'dave' }, 1);
    expect(await codeOf(() => add(groups.alice, [fake!.publicPackage]))).toBe('unauthenticated');
    const forced = await rawCommit(groups.alice, [{ proposalType: 'add', add: { keyPackage: decodeKeyPackage(fake!.publicPackage) } }], true);
    expect(await codeOf(() => process(groups.bob, forced.commit))).toBe('unauthenticated');
    // A Welcome whose tree holds a member this joiner cannot authenticate is refused too.
    w.pins.delete('carol');
    const ok = await add(groups.alice, [dave.kps[0]!.publicPackage]);
    expect(await codeOf(() => join(dave.env, w.s, dave.identity, ok.welcome!, dave.kps, undefined, ok.tree))).toBe('unauthenticated');
    expect(await codeOf(() => join(dave.env, w.s, dave.identity, ok.welcome!, dave.kps.slice(1), undefined, ok.tree))).toBe('no_key_package');
    expect(aliceP.identity.username).toBe('alice');
  });

  it('survives serialize/deserialize on both sides, without the identity key in the stored bytes', async () => {
    const { w, alice: aliceP, bob: bobP, groups } = await trio();
    const stored = { alice: serialize(groups.alice), bob: serialize(groups.bob) };
    const seed = w.s.crypto_sign_ed25519_sk_to_seed(aliceP.identity.secretKey);
    expect(Buffer.from(stored.alice).includes(Buffer.from(seed))).toBe(false);
    let alice = deserialize(aliceP.env, w.s, aliceP.identity, stored.alice);
    let bob = deserialize(bobP.env, w.s, bobP.identity, stored.bob);
    const sent = await say(alice, [bob], 'after a reload');
    expect(sent.read[0]!.event).toMatchObject({ sender: 'alice', data: text('after a reload') });
    bob = deserialize(bobP.env, w.s, bobP.identity, serialize(sent.read[0]!.group));
    alice = deserialize(aliceP.env, w.s, aliceP.identity, serialize(sent.from));
    const fresh = await update(bob);
    expect((await process(alice, fresh.commit)).event).toMatchObject({ kind: 'commit', sender: 'bob', epoch: 2 });
    expect(await codeOf(async () => deserialize(bobP.env, w.s, bobP.identity, stored.alice))).toBe('bad_request');
    expect(await codeOf(async () => deserialize(bobP.env, w.s, bobP.identity, stored.alice.subarray(0, 100)))).toBe('malformed');
  });

  it('a log entry of one kind cannot carry the other; a commit for a past epoch and a past-epoch replay are refused', async () => {
    const { groups } = await trio();
    const { alice, bob, carol } = groups;
    // An empty self-update slipped into the log as a "message" must not move anyone's epoch (review H4).
    const sneaky = await update(bob);
    expect(await codeOf(() => process(alice, sneaky.commit, 'message'))).toBe('wrong_kind');
    const hello = await encrypt(alice, text('hello'));
    expect(await codeOf(() => process(bob, hello.message, 'commit'))).toBe('wrong_kind');
    expect((await process(bob, hello.message, 'message')).event).toMatchObject({ sender: 'alice' });
    // alice moves on to epoch 2; a second commit made at epoch 1 is then stale for her.
    const first = await update(carol);
    const a2 = (await process(alice, first.commit, 'commit')).group;
    expect(epochOf(a2)).toBe(2);
    const late = await update(bob);
    expect(await codeOf(() => process(a2, late.commit, 'commit'))).toBe('wrong_epoch');
    // A message of epoch 1 still opens at epoch 2 (ts-mls keeps past epochs' keys), but only once.
    const b2 = (await process(bob, first.commit, 'commit')).group;
    const c2 = first.group;
    const old = await encrypt(carol, text('sealed at epoch 1'));
    const once = await process(b2, old.message, 'message');
    expect(once.event).toMatchObject({ epoch: 1, sender: 'carol', data: text('sealed at epoch 1') });
    expect(await codeOf(() => process(once.group, old.message, 'message'))).toBe('crypto');
    expect(epochOf(c2)).toBe(2);
  });

  it('seals the largest plaintext it accepts into a message that fits a group_send frame, and refuses one byte more', async () => {
    const { groups } = await trio();
    const biggest = await encrypt(groups.alice, new Uint8Array(MLS_LIMITS.maxPlaintextBytes).fill(120));
    expect(toBase64Url(biggest.message).length).toBeLessThanOrEqual(LIMITS.maxEnvelopeChars);
    expect(await codeOf(() => encrypt(groups.alice, new Uint8Array(MLS_LIMITS.maxPlaintextBytes + 1)))).toBe('bad_request');
  });

  it('joins only the group the Welcome was delivered for', async () => {
    const w = await world();
    const [alice, bob] = [await w.person('alice'), await w.person('bob')];
    const id = randomGroupId();
    const a0 = await createGroup(alice.env, w.s, alice.identity, id, { owner: 'alice', admins: [] });
    const added = await add(a0, [bob.kps[0]!.publicPackage]);
    expect(await codeOf(() => join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, toBase64Url(randomGroupId()), added.tree))).toBe('wrong_group');
    const joined = await join(bob.env, w.s, bob.identity, added.welcome!, bob.kps, toBase64Url(id), added.tree);
    expect(epochOf(joined.group)).toBe(1);
  });
});

