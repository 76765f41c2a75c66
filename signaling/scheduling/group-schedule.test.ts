/**
 * Scheduled group messages on the real server, on SQLite and on Redis (two nodes): a real MLS
 * group (shared/groups through GroupMember); the held message goes into the log at its time,
 * not before, after what was sent meanwhile, for members online and offline, exactly once; one
 * sealed a few epochs ago is still read, one further behind is dropped; a sender muted, removed
 * or banned meanwhile (or the group deleted) is told and nothing is posted; it survives a SIGKILL.
 */
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/identity';
import { update } from '../../shared/groups';
import type { ServerFrameOf } from '../../shared/protocol';
import { type ParleyClient, makeContacts } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';
import { GroupMember, type Pins } from '../test-support/group-member';
import { useServer } from '../test-support/harness';
import { logOf, scheduleGroupText, scheduleText, sealGroupScheduled, sealScheduled, sleep, unscheduledOf } from '../test-support/scheduling';

type Log = ServerFrameOf<'group_log'>;

interface Backend {
  /** A new user; `node` picks the cluster node (ignored with one server). */
  user(prefix: string, node: number): Promise<ParleyClient>;
  login(identity: Identity, node: number): Promise<ParleyClient>;
}

function groupScheduleRules(name: string, useBackend: () => Backend): { pins: Pins; members: (...prefixes: string[]) => Promise<GroupMember[]> } {
  const backend = useBackend();
  const pins: Pins = new Map();
  const members = async (...prefixes: string[]) => {
    const out: GroupMember[] = [];
    for (const [i, p] of prefixes.entries()) {
      const m = await GroupMember.of(await backend.user(p, i % 2), pins);
      await m.uploadKeyPackages(2);
      out.push(m);
    }
    return out;
  };
  /** A group owned by `owner` with `others` (its contacts, unless `befriend`) in it, every one joined. */
  const groupOf = async (owner: GroupMember, others: GroupMember[], befriend = true) => {
    if (befriend) for (const m of others) await makeContacts(owner.client, m.client);
    const group = await owner.create();
    expect(await owner.addUsers(group, others.map((m) => m.name))).toMatchObject({ t: 'group_committed' });
    await Promise.all(others.map((m) => m.joinFromWelcome(group)));
    return group;
  };
  /** `count` empty commits by `owner`: the group's epoch moves on. */
  const commits = async (owner: GroupMember, group: string, count: number) => {
    for (let i = 0; i < count; i++) {
      const out = await update(owner.groups.get(group)!);
      expect(await owner.commit(group, out.group, out.commit)).toMatchObject({ t: 'group_committed' });
    }
  };

  describe(`scheduled group messages on ${name}`, () => {
    it('posts it at its time, not before, after what was sent meanwhile, once, to members online and offline', async () => {
      const [owner, bob, carol, dave] = await members('owner', 'bob', 'carol', 'dave');
      const group = await groupOf(owner, [bob!, carol!, dave!]);
      const [daveId, daveState] = [dave!.client.identity!, dave!.groups.get(group)!];
      await dave!.client.close();
      const at = Date.now() + 1500;
      const id = await scheduleGroupText(owner!, group, at, 'at its time');
      const meanwhile = await bob!.send(group, 'meanwhile');
      if (meanwhile.t !== 'group_sent') throw new Error(`refused: ${meanwhile.code}`);
      await sleep(at - Date.now() - 300);
      await carol!.client.roundTrip();
      expect(carol!.client.received.some(logOf(group, id))).toBe(false);
      expect(await carol!.readMessages(group, 2, 5000)).toEqual(['meanwhile', 'at its time']);
      expect(Date.now()).toBeGreaterThanOrEqual(at);
      const entry = carol!.client.received.find(logOf(group, id)) as Log;
      expect(entry).toMatchObject({ kind: 'message', from: owner!.name });
      expect(entry.seq).toBeGreaterThan(meanwhile.seq);
      expect(entry.ts).toBeGreaterThanOrEqual(at);
      expect(await bob!.readMessages(group, 1)).toEqual(['at its time']);
      expect(await owner!.client.next(unscheduledOf(id))).toEqual({ t: 'unscheduled', id, sent: true });
      // Offline throughout: read in order at login.
      const back = await GroupMember.of(await backend.login(daveId, 1), pins);
      back.groups.set(group, daveState);
      expect(await back.readMessages(group, 2)).toEqual(['meanwhile', 'at its time']);
      await sleep(1000);
      await carol!.client.roundTrip();
      expect(carol!.client.received.filter(logOf(group, id)).length).toBe(1);
    });

    it('ends a disappearing one its ttl after its time: posted then, never handed to a member who logs in after that', async () => {
      const [owner, bob, away] = await members('owner', 'bob', 'away');
      const group = await groupOf(owner!, [bob!, away!]);
      const awayId = away!.client.identity!;
      await away!.client.close();
      // Its ttl (1 s) is shorter than the wait for its time: counted from its time, it is still posted.
      const at = Date.now() + 1500;
      const brief = await scheduleGroupText(owner!, group, at, 'gone a second after its time', 1);
      const kept = await scheduleGroupText(owner!, group, at, 'stays');
      expect((await bob!.readMessages(group, 2, 5000)).sort()).toEqual(['gone a second after its time', 'stays']);
      await sleep(at + 1300 - Date.now());
      const back = await backend.login(awayId, 0);
      await back.next(logOf(group, kept));
      await back.roundTrip();
      expect(back.received.some(logOf(group, brief))).toBe(false);
    });

    it('posts one sealed as many epochs ago as members keep keys for, and drops one further behind (stale_epoch)', async () => {
      const [owner, bob] = await members('owner', 'bob');
      const group = await groupOf(owner!, [bob!]);
      const near = await scheduleGroupText(owner!, group, Date.now() + 600_000, 'four epochs ago');
      const far = await scheduleGroupText(owner!, group, Date.now() + 600_000, 'five epochs ago');
      await commits(owner!, group, 4);
      owner!.client.send({ t: 'schedule_now', id: near });
      expect(await owner!.client.next(unscheduledOf(near))).toEqual({ t: 'unscheduled', id: near, sent: true });
      // bob processes the four commits on the way, then reads it with the epoch's kept keys.
      expect(await bob!.readMessages(group, 1)).toEqual(['four epochs ago']);
      await commits(owner!, group, 1);
      owner!.client.send({ t: 'schedule_now', id: far });
      expect(await owner!.client.next(unscheduledOf(far))).toEqual({ t: 'unscheduled', id: far, sent: false, reason: 'stale_epoch' });
      await bob!.client.roundTrip();
      expect(bob!.client.received.some(logOf(group, far))).toBe(false);
    });

    it('drops one whose sender was muted, removed or banned meanwhile, or whose group was deleted, and tells the sender why', async () => {
      const [owner, bob, carol, dave] = await members('owner', 'bob', 'carol', 'dave');
      const group = await groupOf(owner!, [bob!, carol!, dave!]);
      const doomed = await groupOf(owner!, [bob!], false);
      const at = Date.now() + 2500;
      const muted = await scheduleGroupText(bob!, group, at, 'muted meanwhile');
      const removed = await scheduleGroupText(carol!, group, at, 'removed meanwhile');
      const banned = await scheduleGroupText(dave!, group, at, 'banned meanwhile');
      const deleted = await scheduleGroupText(bob!, doomed, at, 'deleted meanwhile');
      owner!.client.send({ t: 'group_mute', group, user: bob!.name, until: Date.now() + 60_000 });
      await owner!.client.next((f) => f.t === 'group_log' && f.event?.t === 'mute');
      expect(await owner!.removeUsers(group, [carol!.name])).toMatchObject({ t: 'group_committed' });
      owner!.client.send({ t: 'group_ban', group, user: dave!.name });
      await dave!.client.next((f) => f.t === 'group_removed' && f.group === group);
      owner!.client.send({ t: 'group_delete', group: doomed });
      await bob!.client.next((f) => f.t === 'group_removed' && f.group === doomed);
      expect(Date.now()).toBeLessThan(at);
      const told = (m: GroupMember, id: string) => m.client.next(unscheduledOf(id), 5000);
      expect(await told(bob!, muted)).toEqual({ t: 'unscheduled', id: muted, sent: false, reason: 'muted' });
      expect(await told(carol!, removed)).toEqual({ t: 'unscheduled', id: removed, sent: false, reason: 'not_member' });
      expect(await told(dave!, banned)).toEqual({ t: 'unscheduled', id: banned, sent: false, reason: 'not_member' });
      expect(await told(bob!, deleted)).toEqual({ t: 'unscheduled', id: deleted, sent: false, reason: 'unknown_group' });
      await owner!.client.roundTrip();
      expect(owner!.client.received.some((f) => [muted, removed, banned].some((id) => logOf(group, id)(f)))).toBe(false);
    });
  });
  return { pins, members };
}

describe('scheduled group messages (SQLite)', () => {
  let h!: ReturnType<typeof useServer>;
  const { pins, members } = groupScheduleRules('SQLite', () => {
    h = useServer({ env: { SCHEDULE_MAX_PENDING: '11' } });
    return { user: (p) => h.user(p), login: (identity) => h.login(identity) };
  });

  it('refuses at schedule time what group_send would refuse, and cancels', async () => {
    const [owner, bob, stranger] = await members('owner', 'bob', 'stranger');
    await makeContacts(owner!.client, bob!.client);
    const group = await owner!.create();
    expect(await owner!.addUsers(group, [bob!.name])).toMatchObject({ t: 'group_committed' });
    const other = await owner!.create();
    const at = Date.now() + 600_000;
    const ask = async (m: GroupMember, frame: Record<string, unknown>, code: string) => {
      const sealed = await sealGroupScheduled(owner!, group, 'refused');
      const f = { t: 'schedule', id: sealed.id, group, epoch: sealed.epoch, env: sealed.env, at, ...frame };
      m.client.send(f as never);
      const err = await m.client.next('error');
      expect(err.code).toBe(code);
      if (code !== 'bad_frame' && code !== 'unknown_group') expect(err.ref).toBe(sealed.id);
    };
    await ask(stranger!, {}, 'not_member');
    await ask(owner!, { epoch: 2 }, 'stale_epoch');
    await ask(owner!, { group: other, epoch: 0 }, 'bad_mls');
    await ask(owner!, { group: 'AAAAAAAAAAAAAAAAAAAAAA' }, 'unknown_group');
    await ask(owner!, { to: bob!.name }, 'bad_frame');
    await ask(owner!, { epoch: undefined }, 'bad_frame');
    const cancelled = await scheduleGroupText(owner!, group, Date.now() + 1000, 'cancelled');
    owner!.client.send({ t: 'schedule_cancel', id: cancelled });
    expect(await owner!.client.next(unscheduledOf(cancelled))).toEqual({ t: 'unscheduled', id: cancelled, sent: false });
    await sleep(1500);
    await bob!.client.roundTrip();
    expect(bob!.client.received.some(logOf(group, cancelled))).toBe(false);
  });

  it('holds at most 10 per group and epoch, each read even when posted newest first; counted with 1:1 ones', async () => {
    const [owner, bob] = await members('owner', 'bob');
    await makeContacts(owner!.client, bob!.client);
    const group = await owner!.create();
    expect(await owner!.addUsers(group, [bob!.name])).toMatchObject({ t: 'group_committed' });
    await bob!.joinFromWelcome(group);
    const at = Date.now() + 600_000;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await scheduleGroupText(owner!, group, at, `held ${i}`));
    // The 11th at this epoch is refused (its step is never posted: bob never reads past it).
    const extra = await sealGroupScheduled(owner!, group, 'one too many');
    owner!.client.send({ t: 'schedule', id: extra.id, group, epoch: extra.epoch, env: extra.env, at });
    expect((await owner!.client.nextError('schedule_full')).ref).toBe(extra.id);
    // The same per-user limit as 1:1 ones (11 here): a 1:1 one is the 11th, one more is refused.
    const direct = await scheduleText(owner!.client, bob!.client, at, 'a 1:1 one');
    const over = sealScheduled(owner!.client, bob!.client, at, 'over the limit');
    owner!.client.send({ t: 'schedule', id: over.id, to: bob!.name, env: over.env, at });
    expect((await owner!.client.nextError('schedule_full')).ref).toBe(over.id);
    // Newest first: bob skips nine steps of owner's ratchet, keeps their keys, and reads each.
    for (const id of [...ids].reverse()) {
      owner!.client.send({ t: 'schedule_now', id });
      await owner!.client.next(unscheduledOf(id));
    }
    expect(await bob!.readMessages(group, 10)).toEqual(ids.map((_, i) => `held ${9 - i}`));
    owner!.client.send({ t: 'schedule_cancel', id: direct });
    await owner!.client.next(unscheduledOf(direct));
  });

  it('survives a SIGKILL and is posted on time after the restart', async () => {
    const [owner, bob] = await members('owner', 'bob');
    await makeContacts(owner!.client, bob!.client);
    const group = await owner!.create();
    expect(await owner!.addUsers(group, [bob!.name])).toMatchObject({ t: 'group_committed' });
    await bob!.joinFromWelcome(group);
    const at = Date.now() + 2500;
    const id = await scheduleGroupText(owner!, group, at, 'after the crash');
    const [bobId, bobState] = [bob!.client.identity!, bob!.groups.get(group)!];
    await h.server.restart('SIGKILL');
    const back = await GroupMember.of(await h.login(bobId), pins);
    back.groups.set(group, bobState);
    expect(await back.readMessages(group, 1, 8000)).toEqual(['after the crash']);
    expect(Date.now()).toBeGreaterThanOrEqual(at);
    expect(back.client.received.find(logOf(group, id))).toMatchObject({ from: owner!.name });
  });
});

describe('scheduled group messages (Redis, two nodes)', () => {
  let h!: ReturnType<typeof useCluster>;
  const { members } = groupScheduleRules('Redis', () => {
    h = useCluster({ nodes: 2 });
    return { user: (p, node) => h.user(node, p), login: (identity, node) => h.login(node, identity) };
  });

  it('is posted by the other node when the sender’s node is killed', async () => {
    const [owner, bob] = await members('owner', 'bob');
    await makeContacts(owner!.client, bob!.client);
    const group = await owner!.create();
    expect(await owner!.addUsers(group, [bob!.name])).toMatchObject({ t: 'group_committed' });
    await bob!.joinFromWelcome(group);
    const at = Date.now() + 1500;
    const id = await scheduleGroupText(owner!, group, at, 'the node died');
    await h.cluster.node(0).kill('SIGKILL');
    try {
      expect(await bob!.readMessages(group, 1, 10_000)).toEqual(['the node died']);
      expect((bob!.client.received.find(logOf(group, id)) as Log).ts).toBeGreaterThanOrEqual(at);
    } finally {
      await h.cluster.node(0).restart();
    }
  });
});
