/**
 * What survives in cluster mode: a node killed -9 while messages flow (its user reconnects to
 * another node), and Redis killed -9 (`appendfsync always`) while messages are stored and while
 * a recipient is online. Every message its sender saw `stored` or `delivered` arrives exactly
 * once, in order, on the recipient's connection to a surviving node.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '../../../shared/protocol';
import { AuthError, type ParleyClient, wentOffline } from '../../test-support/client';
import { useCluster } from '../../test-support/cluster-harness';

/** Delivers on `client` until every one of `ids` has come, acknowledging each as it comes; returns what came, in order. */
async function receiveAll(client: ParleyClient, from: string, ids: readonly string[], timeoutMs = 15_000): Promise<string[]> {
  const want = new Set(ids);
  const got: string[] = [];
  while ([...want].some((id) => !got.includes(id))) {
    const d: ServerFrameOf<'deliver'> = await client.next('deliver', timeoutMs);
    got.push(d.id);
    client.send({ t: 'ack', from, ids: [d.id] });
  }
  return got;
}

/**
 * makeContacts, just after Redis came back: a node's subscription to its inbox channel reconnects
 * in its own time, and a notice published before that is lost (notices are not kept: the next
 * welcome carries the state), so the request is asked again until the recipient hears of it.
 */
async function makeContactsAfterRestart(a: ParleyClient, b: ParleyClient): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    a.send({ t: 'contact_request', to: b.username });
    try {
      await b.next((f) => f.t === 'request_received' && f.from === a.username, 3000);
      break;
    } catch (err) {
      if (attempt >= 4) throw err;
    }
  }
  b.send({ t: 'contact_respond', from: a.username, accept: true });
  await Promise.all([
    a.next((f) => f.t === 'contact_added' && f.contact.username === b.username, 15_000),
    b.next((f) => f.t === 'contact_added' && f.contact.username === a.username, 15_000),
  ]);
}

/**
 * `connect()` once the node takes logins again: after a Redis restart each of a node's clients
 * reconnects on its own back-off (up to about 2 s apart), so a node whose message path is back
 * may still refuse a login with unavailable for a moment.
 */
async function whenBack(connect: () => Promise<ParleyClient>): Promise<ParleyClient> {
  let client: ParleyClient | undefined;
  await expect
    .poll(
      async () => {
        client = await connect().catch((err: unknown) => {
          if (err instanceof AuthError && err.code === 'unavailable') return undefined;
          throw err;
        });
        return client !== undefined;
      },
      { timeout: 20_000, interval: 300 },
    )
    .toBe(true);
  return client!;
}

/** `got` holds no id twice and lists `ids` in their order (other ids may sit between). */
function expectOnceInOrder(got: string[], ids: readonly string[]): void {
  expect(new Set(got).size, 'delivered twice').toBe(got.length);
  const wanted = new Set(ids);
  expect(got.filter((id) => wanted.has(id))).toEqual([...ids]);
}

/** Of `ids`, those `client` was told were stored, in the order it was told (the order they were kept in). */
function storedOrder(client: ParleyClient, ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  const order: string[] = [];
  for (const f of client.received) if (f.t === 'stored' && wanted.has(f.id) && !order.includes(f.id)) order.push(f.id);
  return order;
}

/** The ids `client` was told were stored or delivered. */
function acknowledged(client: ParleyClient): Set<string> {
  const ids = new Set<string>();
  for (const f of client.received) {
    if (f.t === 'stored') ids.add(f.id);
    if (f.t === 'delivered') f.ids.forEach((id) => ids.add(id));
  }
  return ids;
}

describe('a node killed -9 while messages flow', () => {
  const h = useCluster({ nodes: 3, env: { PRESENCE_TTL_SECONDS: '3', PRESENCE_REFRESH_SECONDS: '1' } });

  it('loses nothing acknowledged: its user reconnects to another node and gets the rest, once each, in order', async () => {
    const [alice, bob] = await h.pair(0, 1);
    const ids = Array.from({ length: 120 }, () => randomUUID());
    const first: string[] = [];
    // Alice sends steadily; bob acknowledges what he gets; node 2 dies a third of the way in.
    const sending = (async () => {
      for (const [i, id] of ids.entries()) {
        alice.sendText(bob.identity!, id, `flow ${i}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    while (first.length < 40) {
      const d = await bob.next('deliver');
      first.push(d.id);
      bob.send({ t: 'ack', from: alice.username, ids: [d.id] });
    }
    await h.cluster.node(1).kill('SIGKILL');
    expect((await bob.closed).code).toBe(1006);
    await sending;
    // Every message is answered (stored, or delivered for those bob acknowledged in time).
    await expect.poll(() => ids.filter((id) => !acknowledged(alice).has(id)).length, { timeout: 15_000 }).toBe(0);
    const sure = ids.filter((id) => acknowledged(alice).has(id));
    // Once the dead node's liveness key has expired, the next thing routed to bob finds him gone, and alice is told.
    await expect
      .poll(
        async () => {
          alice.send({ t: 'signal', to: bob.username, data: '{"sid":"probe"}' });
          await alice.roundTrip();
          return alice.received.some(wentOffline(bob.username));
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);

    const back = await h.login(2, bob.identity!);
    const got = await receiveAll(back, alice.username, sure.filter((id) => !first.includes(id)));
    expectOnceInOrder(got, sure.filter((id) => !first.includes(id)));
    expect(new Set([...first, ...got])).toEqual(new Set(ids));
    expect(back.welcome!.contacts[0]).toMatchObject({ username: alice.username, online: true });
    expect(await alice.next((f) => f.t === 'presence' && f.username === bob.username && f.online)).toBeTruthy();
    await h.cluster.node(1).restart('SIGKILL');
  });
});

describe('Redis killed -9 (appendfsync always)', () => {
  const h = useCluster({ nodes: 2 });

  it('keeps every message acknowledged as stored, and a node answers unavailable while Redis is away', async () => {
    const [alice, bob] = await h.pair(0, 1);
    const bobId = bob.identity!;
    await bob.close();
    await alice.next(wentOffline(bobId.username));

    const ids = Array.from({ length: 300 }, () => randomUUID());
    const sending = (async () => {
      for (const [i, id] of ids.entries()) {
        if (!alice.isOpen) return;
        alice.sendText(bobId, id, `kept ${i}`);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await expect.poll(() => acknowledged(alice).size, { timeout: 10_000 }).toBeGreaterThan(60);
    await h.cluster.redis.kill('SIGKILL');
    await sending;
    // Sends while Redis is away are refused with a code the client keeps the message for.
    const later = randomUUID();
    alice.sendText(bobId, later, 'while Redis is away');
    expect(await alice.next((f) => f.t === 'error' && f.ref === later, 10_000)).toMatchObject({ code: 'unavailable' });
    const stored = ids.filter((id) => acknowledged(alice).has(id));

    await h.cluster.redis.restart('SIGKILL');
    // The outbox sends it again once the server takes it.
    await expect
      .poll(
        async () => {
          alice.sendText(bobId, later, 'while Redis is away');
          await alice.roundTrip();
          return acknowledged(alice).has(later);
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBe(true);
    // Node 2 reconnects in its own time: until then a login there is refused with unavailable too.
    const back = await whenBack(() => h.login(1, bobId));
    const got = await receiveAll(back, alice.username, [...stored, later]);
    expectOnceInOrder(got, storedOrder(alice, [...stored, later]));
  });

  it('catches connections up on the notices published while their node\'s inbox subscription was away', async () => {
    const alice = await whenBack(() => h.user(0, 'alice'));
    const bob = await whenBack(() => h.user(1, 'bob'));
    const admin = createClient({ url: h.cluster.redis.url });
    await admin.connect();
    try {
      // The nodes' subscriptions are dropped and kept from coming back (Redis takes no more
      // connections than it keeps), while every other connection stays: what is published now is lost.
      const count = (info: string) => info.split('\n').filter((l) => l.startsWith('id=')).length;
      const all = count(await admin.sendCommand<string>(['CLIENT', 'LIST']));
      const subs = count(await admin.sendCommand<string>(['CLIENT', 'LIST', 'TYPE', 'pubsub']));
      await admin.sendCommand(['CONFIG', 'SET', 'maxclients', String(all - subs)]);
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      alice.send({ t: 'contact_request', to: bob.username });
      await alice.roundTrip();
      await expect(bob.next((f) => f.t === 'request_received', 1000)).rejects.toThrow();
      await admin.sendCommand(['CONFIG', 'SET', 'maxclients', '10000']);
      // Once node 2 has its subscription again, bob is told of the request he missed, without asking again.
      expect(await bob.next((f) => f.t === 'request_received' && f.from === alice.username, 15_000)).toBeTruthy();
      bob.send({ t: 'contact_respond', from: alice.username, accept: true });
      expect(await alice.next('contact_added', 15_000)).toMatchObject({ contact: { username: bob.username, online: true } });
      expect(await bob.next('contact_added', 15_000)).toMatchObject({ contact: { username: alice.username, online: true } });
    } finally {
      await admin.sendCommand(['CONFIG', 'SET', 'maxclients', '10000']).catch(() => undefined);
      admin.destroy();
    }
  });

  it('lets a node catch up after Redis comes back: an online recipient gets what was stored, on the same connection', async () => {
    const alice = await whenBack(() => h.user(0, 'alice'));
    const bob = await whenBack(() => h.user(1, 'bob'));
    await makeContactsAfterRestart(alice, bob);
    const before = randomUUID();
    alice.sendText(bob.identity!, before, 'before');
    // Generous waits: in the whole suite (2 shared cores) the nodes may still be settling from the Redis restart before.
    expect((await bob.next('deliver', 15_000)).id).toBe(before);
    bob.send({ t: 'ack', from: alice.username, ids: [before] });
    await alice.next('delivered', 15_000);

    await h.cluster.redis.restart('SIGKILL');
    const ids = Array.from({ length: 30 }, () => randomUUID());
    // Sent as an outbox would: again until the server answers, since the nodes reconnect in their own time.
    const pending = new Set<string>(ids);
    await expect
      .poll(
        async () => {
          for (const id of ids) if (pending.has(id)) alice.sendText(bob.identity!, id, `after ${id}`);
          await alice.roundTrip();
          for (const id of acknowledged(alice)) pending.delete(id);
          return pending.size;
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBe(0);
    const got = await receiveAll(bob, alice.username, ids);
    // Some were refused before the nodes were back and kept later: they come in the order the server kept them.
    expectOnceInOrder(got, storedOrder(alice, ids));
    expect(bob.isOpen).toBe(true);
  });
});
