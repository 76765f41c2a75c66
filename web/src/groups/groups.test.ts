// The browser's group service on a real Parley server (in this process): devices with their own
// IndexedDB create a group, add a member with a claimed key package, and talk both ways in order;
// a member who was offline catches up at login (a reload: new services on the same database); two
// commits for one epoch end with both devices in the same epoch; a muted member's message shows
// failed; the MLS state lives in IndexedDB.
import { describe, expect, it } from 'vitest';
import { type CommitResult, type Group, update } from '../../../shared/groups/index';
import { addMembers, befriend, storedEpoch, until, useGroupWorld } from './test-device';

const world = useGroupWorld();
const device = (prefix: string) => world.device(prefix);
const contacts = befriend;

const conv = (id: string) => `grp:${id}` as const;

describe('Groups on a real server', () => {
  it('creates a group, adds a member by key package, and both read each other in order', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    await contacts(alice, bob);
    const seen: Array<string | undefined> = [];
    alice.groups.addEventListener('groups', (e) => seen.push((e as CustomEvent<string | undefined>).detail));

    const id = await alice.groups.create({ name: 'Hikers', topic: 'Weekend walks', listed: false });
    expect(alice.groups.view(id)).toMatchObject({ id, conv: conv(id), name: 'Hikers', topic: 'Weekend walks', role: 'owner' });
    expect(alice.groups.list().map((g) => g.id)).toEqual([id]);
    expect(seen).toContain(id);
    // An unlisted group's name never reaches the server.
    expect(alice.sent.find((f) => f.t === 'group_create')).toEqual({ t: 'group_create', group: id, listed: false, joinPolicy: 'approval' });

    await addMembers(alice, id, [bob]);
    // The joiner's name for the group comes from the sealed card.
    await until('the card reached bob', () => bob.groups.view(id)?.name === 'Hikers');
    expect(bob.groups.view(id)).toMatchObject({ role: 'member', topic: 'Weekend walks' });

    await alice.groups.send(id, 'first from alice');
    await until('bob has the first', async () => (await bob.texts(id)).length === 1);
    await bob.groups.send(id, 'reply from bob', { id: (await bob.messenger.conversation(conv(id)))[0]!.id, author: alice.name, text: 'first from alice' });
    await until('alice has the reply', async () => (await alice.texts(id)).length === 2);
    await alice.groups.send(id, 'second from alice');
    await until('bob has three', async () => (await bob.texts(id)).length === 3);

    expect(await alice.texts(id)).toEqual(['first from alice', 'reply from bob', 'second from alice']);
    expect(await bob.texts(id)).toEqual(['first from alice', 'reply from bob', 'second from alice']);
    const atBob = await bob.messenger.conversation(conv(id));
    expect(atBob.map((m) => [m.dir, m.peer])).toEqual([['in', alice.name], ['out', id], ['in', alice.name]]);
    // The reply quotes bob's own copy of the original (verified), and the receiver counts unread.
    const atAlice = await alice.messenger.conversation(conv(id));
    expect(atAlice[1]).toMatchObject({ dir: 'in', peer: bob.name, reply: { author: alice.name, text: 'first from alice' } });
    expect(atAlice[1]!.reply!.unverified).toBeUndefined();
    expect(bob.messenger.states.unread(conv(id))).toBe(2);
    // Own messages came back in the log: delivered, and out of the outbox.
    await until('alice’s messages delivered', async () => (await alice.messenger.conversation(conv(id))).filter((m) => m.dir === 'out').every((m) => m.state === 'delivered'));
    expect((await alice.db.getAll('outbox')).filter((e) => e.kind === 'group')).toEqual([]);
    // Nothing was passed over, and bob's key package was used up here.
    expect([...alice.groups.log.skipped, ...bob.groups.log.skipped].filter((s) => s.why !== 'old')).toEqual([]);
  });

  it('a third member added later reads from their join on, and all three read each other', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    const carol = await device('carol');
    await contacts(alice, bob);
    await contacts(alice, carol);
    const id = await alice.groups.create({ name: 'Three', listed: true });
    await addMembers(alice, id, [bob]);
    await alice.groups.send(id, 'before carol');
    await until('bob has it', async () => (await bob.texts(id)).length === 1);

    await addMembers(alice, id, [carol]);
    await until('carol has the card', () => carol.groups.view(id)?.name === 'Three');
    // Carol is not bob's contact: his leaf is trusted on first sight, and his words reach her.
    await bob.groups.send(id, 'hello carol');
    await until('carol reads bob', async () => (await carol.texts(id)).length === 1);
    await carol.groups.send(id, 'hi both');
    await until('both read carol', async () => (await alice.texts(id)).length === 3 && (await bob.texts(id)).length === 3);

    expect(await carol.texts(id)).toEqual(['hello carol', 'hi both']);
    expect(await alice.texts(id)).toEqual(['before carol', 'hello carol', 'hi both']);
    expect(await bob.texts(id)).toEqual(['before carol', 'hello carol', 'hi both']);
    expect(await carol.db.get('memberKeys', bob.name)).toMatchObject({ username: bob.name });
    expect(carol.groups.view(id)!.joinedAt).toBeGreaterThan((await alice.messenger.conversation(conv(id)))[0]!.ts - 1);
  });

  it('hands a member who was offline what was sent meanwhile, in order, from the state in IndexedDB', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    await contacts(alice, bob);
    const id = await alice.groups.create({ name: 'Night owls', listed: true });
    await addMembers(alice, id, [bob]);
    expect(await storedEpoch(bob, id)).toBe(1);
    // A commit bob processes: the state he reloads must be the one after it (his cursor is past it).
    await alice.groups.core.commit(id, (g) => update(g));
    await until('bob stored the new epoch', async () => (await storedEpoch(bob, id)) === 2);

    // Bob goes away (the tab closes); his profile stays.
    await world.close(bob);
    const texts = Array.from({ length: 6 }, (_, i) => `while away ${i}`);
    for (const t of texts) await alice.groups.send(id, t);
    await until('alice’s sends taken', async () => (await alice.messenger.conversation(conv(id))).every((m) => m.state !== 'sending'));

    const back = await world.reopen(bob.profile);
    expect(back.groups.view(id)).toMatchObject({ name: 'Night owls', role: 'member' });
    await until('bob caught up', async () => (await back.texts(id)).length === texts.length);
    expect(await back.texts(id)).toEqual(texts);
    // And he still writes to the group with the state he reloaded.
    await back.groups.send(id, 'back again');
    await until('alice reads bob', async () => (await alice.texts(id)).includes('back again'));
    const record = await back.db.get('groups', id);
    expect(record?.seq).toBeGreaterThan(0);
  });

  it('of two commits for one epoch, the loser builds again on the winner: both end in the same epoch', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    await contacts(alice, bob);
    const id = await alice.groups.create({ name: 'Race', listed: false });
    await addMembers(alice, id, [bob]);
    const before = await storedEpoch(alice, id);
    const builds: number[] = [];
    const build = (who: number) => (g: Group): Promise<CommitResult> => {
      builds.push(who);
      return update(g);
    };
    await Promise.all([alice.groups.core.commit(id, build(1)), bob.groups.core.commit(id, build(2))]);
    // One of them built twice: once for the lost epoch, once after processing the winner.
    expect(builds.length).toBe(3);
    await until('both at the same epoch', async () => (await storedEpoch(alice, id)) === before + 2 && (await storedEpoch(bob, id)) === before + 2);
    await bob.groups.send(id, 'still in step');
    await until('alice reads it', async () => (await alice.texts(id)).includes('still in step'));
  });

  it('a muted member’s message is refused by the server and shows failed with the code', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    await contacts(alice, bob);
    const id = await alice.groups.create({ name: 'Quiet', listed: false });
    await addMembers(alice, id, [bob]);
    alice.groups.core.send({ t: 'group_mute', group: id, user: bob.name, until: Date.now() + 3_600_000 });
    await until('bob read the mute', () => bob.client.received.some((f) => f.t === 'group_log' && f.event?.t === 'mute'));
    await bob.groups.send(id, 'can I talk?');
    await until('the message failed', async () => (await bob.messenger.conversation(conv(id)))[0]?.state === 'failed');
    expect((await bob.messenger.conversation(conv(id)))[0]).toMatchObject({ text: 'can I talk?', state: 'failed', error: 'muted' });
    expect(await bob.db.getAll('outbox')).toEqual([]);
    expect(await alice.texts(id)).toEqual([]);
  });
});
