// The group service where things go wrong, on a real server: a message written while offline goes
// at the next login (after a reload), a removed member's group turns read-only, the server's
// refusal of an ask reaches the caller as its code, a last-resort key package serves two joins, and what a member or the server could forge
// (a message under another member's name, a card from a non-admin) changes nothing.
import { describe, expect, it } from 'vitest';
import { add, fromBase64Url, remove, update } from '../../../shared/groups/index';
import type { ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import { ParleyError } from '../net/parley-error';
import { addMembers, befriend, storedEpoch, until, useGroupWorld } from './test-device';

const world = useGroupWorld();
const conv = (id: string) => `grp:${id}` as const;

describe('Groups when things go wrong', () => {
  it('keeps a message written while offline and sends it at the next login, after a reload', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    await befriend(alice, bob);
    const id = await alice.groups.create({ name: 'Later', listed: false });
    await addMembers(alice, id, [bob]);

    await bob.client.terminate();
    await until('bob is offline', () => !bob.client.isOpen);
    await bob.groups.send(id, 'written offline');
    expect((await bob.messenger.conversation(conv(id)))[0]).toMatchObject({ text: 'written offline', state: 'sending' });
    expect((await bob.db.getAll('outbox')).map((e) => [e.kind, e.to])).toEqual([['group', id]]);
    await world.close(bob);

    const back = await world.reopen(bob.profile);
    await until('alice reads it', async () => (await alice.messenger.conversation(conv(id))).some((m) => m.text === 'written offline'));
    await until('delivered at bob', async () => (await back.messenger.conversation(conv(id)))[0]?.state === 'delivered');
    expect(await back.db.getAll('outbox')).toEqual([]);
  });

  it('a member whose server holds only the last-resort key package joins two groups by it', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    await befriend(alice, bob);
    const first = await alice.groups.create({ name: 'First', listed: false });
    const second = await alice.groups.create({ name: 'Second', listed: false });
    // Claims take bob's packages oldest first; once the same one comes twice it is the last resort.
    // Bob's top-ups are held meanwhile (each claim tells him his count), and claims are paced by
    // the server's admin-action rate.
    bob.hold = (f) => f.t === 'kp_upload';
    const paced = async <T>(act: () => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          return await act();
        } catch (err) {
          if (!(err instanceof ParleyError && err.code === 'rate_limited')) throw err;
          await new Promise((r) => setTimeout(r, 600));
        }
      }
    };
    const claim = async (): Promise<string> => {
      const claimed = await paced(() =>
        alice.groups.core.ask(
          { t: 'kp_claim', group: first, users: [bob.name] },
          (f: ServerFrame): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed' && f.group === first,
          [first, bob.name],
        ),
      );
      return claimed.kps[0]!.kp;
    };
    let last = await claim();
    for (let next = await claim(); next !== last; next = await claim()) last = next;
    // Bob joins the first group by it; the server hands out the same last resort again (whether or
    // not a fresh upload came after it: it would be the oldest), for the second group.
    await paced(() => alice.groups.core.commit(first, (g) => add(g, [fromBase64Url(last)])));
    await until('bob joined the first', () => bob.groups.view(first) !== undefined);
    await paced(() => alice.groups.core.commit(second, (g) => add(g, [fromBase64Url(last)])));
    await until('bob joined the second', () => bob.groups.view(second) !== undefined);
    await paced(() => alice.groups.send(second, 'in the second'));
    await until('bob reads the second', async () => (await bob.texts(second)).includes('in the second'));
  });

  it('a removed member keeps the group read-only: its state is gone and sending is refused before storing', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    await befriend(alice, bob);
    const id = await alice.groups.create({ name: 'Kick', listed: false });
    await addMembers(alice, id, [bob]);
    await alice.groups.core.commit(id, (g) => remove(g, [bob.name]));
    await until('bob is out', () => bob.groups.view(id)?.removed === 'removed');
    expect((await bob.db.get('groups', id))?.state).toBeUndefined();
    await expect(bob.groups.send(id, 'still here?')).rejects.toMatchObject({ code: 'not_member' });
    expect(await bob.messenger.conversation(conv(id))).toEqual([]);
    await expect(bob.groups.send('A'.repeat(22), 'nowhere')).rejects.toMatchObject({ code: 'unknown_group' });
  });

  it('an ask the server refuses rejects with its code; a commit the server refuses changes nothing here', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    const carol = await world.device('carol');
    await befriend(alice, bob);
    await befriend(bob, carol);
    const id = await alice.groups.create({ name: 'Rules', listed: false });
    await addMembers(alice, id, [bob]);
    // A plain member may not claim anyone's key package.
    const claim = bob.groups.core.ask(
      { t: 'kp_claim', group: id, users: [carol.name] },
      (f: ServerFrame): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed',
      [id, carol.name],
    );
    await expect(claim).rejects.toBeInstanceOf(ParleyError);
    await expect(claim).rejects.toMatchObject({ code: 'not_admin' });
    // Carol is banned after her key package was claimed: the server refuses the Add (ref = carol), and the state here stays.
    await befriend(alice, carol);
    const again = await alice.groups.core.ask(
      { t: 'kp_claim', group: id, users: [carol.name] },
      (f: ServerFrame): f is ServerFrameOf<'kp_claimed'> => f.t === 'kp_claimed' && f.group === id,
      [id, carol.name],
    );
    alice.groups.core.send({ t: 'group_ban', group: id, user: carol.name });
    await until('the ban is in the log', () => alice.client.received.some((f) => f.t === 'group_log' && f.event?.t === 'ban'));
    const before = (await alice.db.get('groups', id))?.state;
    await expect(alice.groups.core.commit(id, (g) => add(g, again.kps.map((k) => fromBase64Url(k.kp))))).rejects.toMatchObject({ code: 'banned' });
    expect((await alice.db.get('groups', id))?.state).toEqual(before);
    await alice.groups.send(id, 'still fine');
    await until('bob reads it', async () => (await bob.texts(id)).includes('still fine'));
    expect(carol.groups.list()).toEqual([]);
  });

  it('passes over a message whose MLS sender is not the log’s `from`, and a card from a plain member', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    await befriend(alice, bob);
    const id = await alice.groups.create({ name: 'Truth', listed: false });
    await addMembers(alice, id, [bob]);

    // A card from a plain member does not rename the group for others.
    await bob.groups.core.patch(id, { name: 'Hijacked' });
    await bob.groups.core.sendCard(id);
    await bob.groups.send(id, 'after the card');
    await until('alice read past the card', async () => (await alice.texts(id)).includes('after the card'));
    expect(alice.groups.view(id)?.name).toBe('Truth');

    // Bob's next message is kept from the server; a forged log entry names someone else as its author.
    const sends = () => bob.sent.filter((f): f is Extract<typeof f, { t: 'group_send' }> => f.t === 'group_send');
    const before = sends().length;
    bob.hold = (f) => f.t === 'group_send';
    await bob.groups.send(id, 'who wrote this?');
    await until('bob sealed it', () => sends().length > before);
    const sealed = sends().at(-1)!;
    alice.router.route({ t: 'group_log', group: id, seq: 1_000_000, kind: 'message', from: 'mallory', id: sealed.id, data: sealed.env, ts: Date.now() });
    await until('passed over', () => alice.groups.log.skipped.some((s) => s.seq === 1_000_000));
    expect(alice.groups.log.skipped.find((s) => s.seq === 1_000_000)?.why).toBe('not_sender');
    expect(await alice.texts(id)).not.toContain('who wrote this?');

    // Garbage in the log (not base64url, not MLS, a commit that is no commit) is passed over and acknowledged.
    const entry = (seq: number, kind: 'message' | 'commit', data: string) => ({ t: 'group_log' as const, group: id, seq, kind, from: bob.name, id: `junk-${seq}`, data, ts: Date.now() });
    alice.router.route(entry(1_000_001, 'message', '!!not base64!!'));
    alice.router.route(entry(1_000_002, 'message', 'AAAAAAAA'));
    alice.router.route(entry(1_000_003, 'commit', sealed.env));
    await until('all passed over', async () => (await alice.db.get('groups', id))?.seq === 1_000_003);
    expect(alice.groups.log.skipped.filter((s) => s.seq > 1_000_000).map((s) => s.why)).toEqual(['unreadable', 'unreadable', 'unreadable']);
    // Acks are coalesced (ack-coalescer.ts): the last one goes within ACK_DELAY_MS.
    await until('acknowledged', () => JSON.stringify(alice.sent.filter((f) => f.t === 'group_ack').at(-1)) === JSON.stringify({ t: 'group_ack', group: id, upTo: 1_000_003 }));
    expect(alice.groups.view(id)?.removed).toBeUndefined();

    // The server relabels a message (its clear id): the id sealed inside says otherwise (review M8).
    const count = sends().length;
    await bob.groups.send(id, 'relabel me');
    await until('bob sealed it', () => sends().length > count);
    const second = sends().at(-1)!;
    alice.router.route({ t: 'group_log', group: id, seq: 1_000_004, kind: 'message', from: bob.name, id: 'someone-elses-id', data: second.env, ts: Date.now() });
    await until('passed over', () => alice.groups.log.skipped.some((s) => s.seq === 1_000_004));
    expect(alice.groups.log.skipped.find((s) => s.seq === 1_000_004)?.why).toBe('relabelled');
    expect(await alice.texts(id)).not.toContain('relabel me');
  });
});

describe('a commit whose answer is lost', () => {
  it('is adopted when the log brings it back, after a reload', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    await befriend(alice, bob);
    const id = await alice.groups.create({ name: 'Lost', listed: false });
    await addMembers(alice, id, [bob]);
    const epoch = await storedEpoch(alice, id);
    // The server takes alice's commit, but neither its answer nor its log entry reaches this tab.
    alice.drop = (f) => (f.t === 'group_committed' || f.t === 'group_log') && f.group === id;
    const committed = alice.groups.core.commit(id, (g) => update(g)).catch((e: unknown) => e);
    await until('the server took it', () => bob.client.received.some((f) => f.t === 'group_log' && f.kind === 'commit' && f.from === alice.name && f.seq > 2));
    expect((await alice.db.get('groups', id))?.pending).toBeInstanceOf(Uint8Array);
    await world.close(alice);

    const back = await world.reopen(alice.profile);
    await until('the own commit adopted', async () => (await storedEpoch(back, id)) === epoch + 1 && !(await back.db.get('groups', id))?.pending);
    await bob.groups.send(id, 'in the new epoch');
    await until('alice reads it', async () => (await back.texts(id)).includes('in the new epoch'));
    expect(back.groups.log.skipped.filter((s) => s.why === 'own_lost' || s.why === 'unreadable')).toEqual([]);
    void committed;
  });
});
