// Reactions, edits, deletes and @mentions in a group, on a real server (in this process): each
// member sees the others' in order and exactly once; only a message's author may edit or delete
// it (a forged edit or delete by another member, sent as a real MLS message, changes nothing);
// mentions reach the receiver only for current members whom the text names.
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../storage/db';
import { encodeBody } from './group-body';
import { type GroupDevice, addMembers, befriend, until, useGroupWorld } from './test-device';

const world = useGroupWorld();
const conv = (id: string) => `grp:${id}` as const;

async function trio() {
  const alice = await world.device('alice');
  const bob = await world.device('bob');
  const carol = await world.device('carol');
  await befriend(alice, bob);
  await befriend(alice, carol);
  const id = await alice.groups.create({ name: 'Chatters', listed: false });
  await addMembers(alice, id, [bob, carol]);
  return { alice, bob, carol, id };
}

const messages = (d: GroupDevice, id: string) => d.messenger.conversation(conv(id));
const first = async (d: GroupDevice, id: string): Promise<StoredMessage> => (await messages(d, id))[0]!;

/** Sends `body` from `d` into group `id` as a real MLS message, past the local checks (a hostile member's client). */
function forge(d: GroupDevice, id: string, body: Parameters<typeof encodeBody>[0]): string {
  const mid = crypto.randomUUID();
  d.messenger.routed.send({ id: mid, kind: 'group', conv: conv(id), to: id, env: encodeBody(body, Date.now(), mid), seq: 1 });
  return mid;
}

describe('Group chat actions on a real server', () => {
  it('a reaction, an edit and a delete for everyone reach every member', async () => {
    const { alice, bob, carol, id } = await trio();
    await alice.groups.send(id, 'hello all');
    await until('both have it', async () => (await messages(bob, id)).length === 1 && (await messages(carol, id)).length === 1);
    const target = (await first(bob, id)).id;

    await bob.groups.chat.react(id, target, '👍', false, 'in');
    await carol.groups.chat.react(id, target, '❤️', false, 'in');
    await until('alice sees both reactions', async () => Object.keys((await first(alice, id)).reactions ?? {}).length === 2);
    expect((await first(alice, id)).reactions).toMatchObject({ [bob.name]: { emoji: '👍' }, [carol.name]: { emoji: '❤️' } });
    await until('carol sees bob’s reaction', async () => (await first(carol, id)).reactions?.[bob.name]?.emoji === '👍');
    // Taken back: an empty entry, everywhere.
    await bob.groups.chat.react(id, target, '👍', true, 'in');
    await until('taken back at carol', async () => (await first(carol, id)).reactions?.[bob.name]?.emoji === '');

    await alice.groups.chat.edit(id, target, 'hello everyone');
    await until('edited at bob and carol', async () => (await first(bob, id)).text === 'hello everyone' && (await first(carol, id)).text === 'hello everyone');
    expect((await first(bob, id)).edited).toBeGreaterThan(0);
    expect((await first(alice, id)).text).toBe('hello everyone');

    await alice.groups.chat.deleteForEveryone(id, target);
    await until('deleted at bob and carol', async () => !!(await first(bob, id)).deleted && !!(await first(carol, id)).deleted);
    expect(await first(carol, id)).toMatchObject({ text: '', deleted: true });
    expect((await first(carol, id)).reactions).toBeUndefined();
    // Modifiers are no messages: each conversation still holds the one message; the jobs left the outbox.
    for (const d of [alice, bob, carol]) expect(await messages(d, id)).toHaveLength(1);
    await until('outboxes empty', async () => (await Promise.all([alice, bob, carol].map((d) => d.db.getAll('outbox')))).every((o) => o.length === 0));
  });

  it('ignores an edit or a delete of a message by a member who is not its author', async () => {
    const { alice, bob, carol, id } = await trio();
    await alice.groups.send(id, 'mine');
    await until('both have it', async () => (await messages(bob, id)).length === 1 && (await messages(carol, id)).length === 1);
    const target = (await first(bob, id)).id;
    // The UI refuses: carol's device finds no message of hers to edit or delete.
    await carol.groups.chat.edit(id, target, 'carol was here');
    await carol.groups.chat.deleteForEveryone(id, target);
    expect(carol.sent.filter((f) => f.t === 'group_send')).toHaveLength(0);
    // A hostile client sends them anyway, then a text so the others are known to be past them.
    forge(carol, id, { kind: 'edit', target, text: 'carol was here' });
    forge(carol, id, { kind: 'delete', target });
    await carol.groups.send(id, 'after');
    await until('bob and alice read carol', async () => (await messages(bob, id)).length === 2 && (await messages(alice, id)).length === 2);
    for (const d of [alice, bob]) expect(await first(d, id)).toMatchObject({ text: 'mine' });
    expect((await first(bob, id)).deleted).toBeUndefined();
    expect((await first(bob, id)).edited).toBeUndefined();
    // A modifier of a message this device does not have waits for nothing: a group's log is in order.
    forge(carol, id, { kind: 'reaction', target: 'no-such-message', emoji: '👍' });
    await carol.groups.send(id, 'last');
    await until('bob read the last', async () => (await messages(bob, id)).length === 3);
    expect(await bob.db.count('pending')).toBe(0);
    // They were read (not passed over as unreadable): the author rule is what refused them.
    expect(bob.groups.log.skipped.filter((s) => s.why !== 'old')).toEqual([]);
  });

  it('carries mentions: the receiver keeps current members the text names', async () => {
    const { alice, bob, carol, id } = await trio();
    expect(new Set(alice.groups.chat.memberNames(id))).toEqual(new Set([alice.name, bob.name, carol.name]));
    await alice.groups.send(id, `hi @${bob.name}, and @nobody_here`);
    await until('bob has it', async () => (await messages(bob, id)).length === 1);
    expect((await first(bob, id)).mentions).toEqual([bob.name]);
    expect((await first(alice, id)).mentions).toEqual([bob.name]);
    // A claim the text does not show, or of someone not in the group, is dropped.
    const mid = forge(carol, id, { kind: 'text', text: 'psst', mentions: [bob.name, 'dave_x'] });
    await until('bob has carol’s', async () => (await messages(bob, id)).length === 2);
    const psst = (await messages(bob, id)).find((m) => m.id === mid)!;
    expect(psst.text).toBe('psst');
    expect(psst.mentions).toBeUndefined();
  });
});
