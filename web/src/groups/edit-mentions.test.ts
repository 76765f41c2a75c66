// An edit that adds an @mention of a member notifies them once (issue 12, item 4), on a real
// server (in this process): bob hears of alice's edit that names him, not of a second edit that
// still does, nor of an edit of a message that named him already, nor of an edit of a message
// older than the 24 h window; carol, not named, hears of none. The rule itself (mentions.ts) and
// a replayed edit (EditMentions) are checked without a server below.
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../storage/db';
import { EditMentions } from './edit-mentions';
import { encodeBody } from './group-body';
import type { MentionedEvent } from './mentioned-event';
import { EDIT_MENTION_WINDOW_MS, editMentionsMe } from './mentions';
import { type GroupDevice, addMembers, befriend, until, useGroupWorld } from './test-device';

const world = useGroupWorld();
const conv = (id: string) => `grp:${id}` as const;
const messages = (d: GroupDevice, id: string) => d.messenger.conversation(conv(id));

/** The messages `d` was told an edit newly mentions them in. */
function heard(d: GroupDevice): StoredMessage[] {
  const out: StoredMessage[] = [];
  d.groups.addEventListener('mentioned', (e) => out.push((e as MentionedEvent).message));
  return out;
}

/** Sends `body` dated `ts` from `d` into group `id` as a real MLS message (a client whose clock says `ts`). */
function sendAt(d: GroupDevice, id: string, body: Parameters<typeof encodeBody>[0], ts: number): string {
  const mid = crypto.randomUUID();
  d.messenger.routed.send({ id: mid, kind: 'group', conv: conv(id), to: id, env: encodeBody(body, ts, mid), seq: 1 });
  return mid;
}

describe('An edit that adds an @mention', () => {
  it('notifies the newly mentioned member once, and not for old messages or mentions made before', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    const carol = await world.device('carol');
    await befriend(alice, bob);
    await befriend(alice, carol);
    const id = await alice.groups.create({ name: 'Editors', listed: false });
    await addMembers(alice, id, [bob, carol]);
    const toBob = heard(bob);
    const toCarol = heard(carol);
    const toAlice = heard(alice);

    await alice.groups.send(id, 'lunch at noon?');
    await until('bob has it', async () => (await messages(bob, id)).length === 1);
    const target = (await messages(bob, id))[0]!.id;
    await alice.groups.chat.edit(id, target, `lunch at noon? @${bob.name}`);
    await until('bob heard of the mention', () => toBob.length === 1);
    expect(toBob[0]).toMatchObject({ id: target, text: `lunch at noon? @${bob.name}`, peer: alice.name });
    expect(toBob[0]!.mentions).toContain(bob.name);

    // Still naming him: no second notification. A text after it shows bob is past that edit.
    await alice.groups.chat.edit(id, target, `lunch at 1pm? @${bob.name}`);
    // A message that named him from the start, edited: its mention notified already.
    await alice.groups.send(id, `@${bob.name} bring the map`);
    await until('bob has the second', async () => (await messages(bob, id)).length === 2);
    const second = (await messages(bob, id)).find((m) => m.text.includes('bring'))!.id;
    await alice.groups.chat.edit(id, second, `@${bob.name} bring the maps`);
    // A message dated two days ago (a device back from offline sends it late), edited to name bob now.
    const old = sendAt(alice, id, { kind: 'text', text: 'old plan' }, Date.now() - 2 * EDIT_MENTION_WINDOW_MS);
    await until('bob has the old one', async () => (await messages(bob, id)).length === 3);
    sendAt(alice, id, { kind: 'edit', target: old, text: `old plan, @${bob.name}` }, Date.now());
    await alice.groups.send(id, 'done');
    await until('bob read everything', async () => (await messages(bob, id)).some((m) => m.text === 'done') && (await messages(bob, id)).some((m) => m.text === `old plan, @${bob.name}`));
    await until('carol read everything', async () => (await messages(carol, id)).some((m) => m.text === 'done'));
    const bobs = await messages(bob, id);
    expect(bobs.find((m) => m.id === target)!.text).toBe(`lunch at 1pm? @${bob.name}`);
    expect(bobs.find((m) => m.id === second)!.text).toBe(`@${bob.name} bring the maps`);
    expect(toBob).toHaveLength(1);
    expect(toCarol).toHaveLength(0);
    expect(toAlice).toHaveLength(0);
  });
});

describe('editMentionsMe', () => {
  const members = new Set(['alice', 'bob', 'carol']);
  const now = 1_000_000_000_000;
  const before = { text: 'lunch?', ts: now - 60_000 };
  it('is true only when the edit newly names me, within the window', () => {
    expect(editMentionsMe(before, 'lunch? @bob', now, members, 'bob', now)).toBe(true);
    expect(editMentionsMe(before, 'lunch? @carol', now, members, 'bob', now)).toBe(false);
    expect(editMentionsMe(before, 'lunch? bob@bob.org', now, members, 'bob', now)).toBe(false);
    expect(editMentionsMe({ ...before, text: '@bob lunch?' }, '@bob lunch!', now, members, 'bob', now)).toBe(false);
    expect(editMentionsMe({ ...before, mentions: ['bob'] }, '@bob lunch!', now, members, 'bob', now)).toBe(false);
    expect(editMentionsMe(before, 'lunch? @bob', now, new Set(['alice']), 'bob', now)).toBe(false);
    expect(editMentionsMe(before, 'lunch? @bob', now, members, undefined, now)).toBe(false);
    // Old message, or an old edit read only now.
    expect(editMentionsMe({ ...before, ts: now - EDIT_MENTION_WINDOW_MS - 1 }, 'lunch? @bob', now, members, 'bob', now)).toBe(false);
    expect(editMentionsMe(before, 'lunch? @bob', now - EDIT_MENTION_WINDOW_MS - 1, members, 'bob', now)).toBe(false);
    expect(editMentionsMe({ ...before, ts: now - EDIT_MENTION_WINDOW_MS + 1 }, 'lunch? @bob', now, members, 'bob', now)).toBe(true);
  });

  it('EditMentions tells only of an edit that was applied now (not a replay, not a refused one)', async () => {
    const stored: StoredMessage = { conv: 'grp:g1', peer: 'alice', dir: 'in', id: 'm1', seq: 1, ts: now - 1000, text: 'lunch?', state: 'delivered' };
    const told: StoredMessage[] = [];
    let shown = stored;
    const edits = new EditMentions({ read: async () => shown, me: () => 'bob', mentioned: (m) => told.push(m), now: () => now });
    const edit = { kind: 'edit' as const, target: 'm1', text: 'lunch? @bob' };
    // Refused (the target did not change): nothing.
    let watch = (await edits.before('grp:g1', 'alice', edit))!;
    await edits.after(watch, edit, now, members);
    expect(told).toHaveLength(0);
    // Not the author's message: not watched at all.
    expect(await edits.before('grp:g1', 'carol', edit)).toBeUndefined();
    // Applied: told once, with bob among its mentions.
    shown = { ...stored, text: edit.text, edited: now };
    await edits.after(watch, edit, now, members);
    expect(told).toEqual([{ ...shown, mentions: ['bob'] }]);
    // The same edit read again (a replay after a reload) finds it shown already: nothing more.
    watch = (await edits.before('grp:g1', 'alice', edit))!;
    await edits.after(watch, edit, now, members);
    expect(told).toHaveLength(1);
  });
});
