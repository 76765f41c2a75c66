/**
 * Receipts are true and bounded: the server makes one only for a message it handed to the acker
 * from that sender, so nobody can forge a receipt or queue receipts for someone by the million;
 * a refusal travels like a receipt but says the message was thrown away unopened.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeContacts, wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

describe('receipts', () => {
  const h = useServer();

  it('are made only for ids the acker was handed from that sender', async () => {
    const [alice, bob] = await h.pair();
    const mallory = await h.user('mallory');
    await makeContacts(alice, mallory);
    // alice writes to bob; mallory, her contact too, claims to have stored it, and random ids.
    const toBob = randomUUID();
    alice.sendText(bob.identity!, toBob, 'for bob only');
    await bob.next('deliver');
    mallory.send({ t: 'ack', from: alice.username, ids: [toBob, randomUUID(), randomUUID()] });
    await mallory.roundTrip();
    await alice.roundTrip();
    expect(alice.unread('delivered')).toEqual([]);
    // bob's own acknowledgement is the one receipt, from bob.
    bob.send({ t: 'ack', from: alice.username, ids: [toBob] });
    expect(await alice.next('delivered')).toEqual({ t: 'delivered', by: bob.username, ids: [toBob] });
    // Acknowledging it again produces nothing more: it is no longer in flight.
    bob.send({ t: 'ack', from: alice.username, ids: [toBob] });
    await bob.roundTrip();
    await alice.roundTrip();
    expect(alice.unread('delivered')).toEqual([]);
  });

  it('a flood of acks for ids never sent queues nothing for the offline victim', async () => {
    const [victim, mallory] = await h.pair('victim', 'mallory');
    const identity = victim.identity!;
    await victim.close();
    await mallory.next(wentOffline(identity.username));
    for (let batch = 0; batch < 20; batch++) {
      mallory.send({ t: 'ack', from: identity.username, ids: Array.from({ length: 256 }, () => randomUUID()) });
    }
    await mallory.roundTrip();
    const back = await h.login(identity);
    await back.roundTrip();
    expect(back.unread('delivered')).toEqual([]);
  });

  it('a batch of ids costs one frame of the rate per 16 ids, so big acks cannot be sent at the frame rate', async () => {
    const [victim, mallory] = await h.pair('victim', 'mallory');
    // 1,000 frames of burst: 200 acks of 256 ids are 3,200 frames' worth, so about 135 of them are
    // refused (fewer on a busy machine, where the bucket refills while they are sent). At one
    // frame per ack, none would be.
    for (let batch = 0; batch < 200; batch++) {
      mallory.send({ t: 'ack', from: victim.username, ids: Array.from({ length: 256 }, () => randomUUID()) });
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the bucket refills: the ping below is not dropped too
    await mallory.roundTrip();
    const limited = mallory.unread('error').filter((e) => e.code === 'rate_limited').length;
    expect(limited).toBeGreaterThanOrEqual(60);
    expect(limited).toBeLessThan(200);
  });

  it('a message sent again after a missed receipt is delivered again and brings its receipt', async () => {
    const [alice, bob] = await h.pair();
    const id = randomUUID();
    alice.sendText(bob.identity!, id, 'hello');
    await bob.next('deliver');
    bob.send({ t: 'ack', from: alice.username, ids: [id] });
    await alice.next('delivered');
    // alice did not record the receipt (say she reloaded first) and sends the message again.
    alice.sendText(bob.identity!, id, 'hello');
    expect((await bob.next('deliver')).id).toBe(id);
    bob.send({ t: 'ack', from: alice.username, ids: [id] });
    expect(await alice.next('delivered')).toEqual({ t: 'delivered', by: bob.username, ids: [id] });
  });
});

describe('refusals', () => {
  const h = useServer();

  it('tell the sender live that the message was refused, never that it was delivered', async () => {
    const [alice, bob] = await h.pair();
    const id = randomUUID();
    alice.sendText(bob.identity!, id, 'sealed to the wrong key, say');
    await bob.next('deliver');
    bob.send({ t: 'refuse', from: alice.username, ids: [id] });
    expect(await alice.next('refused')).toEqual({ t: 'refused', by: bob.username, ids: [id] });
    alice.send({ t: 'receipt_ack', by: bob.username, ids: [id] });
    await alice.roundTrip();
    expect(alice.unread('delivered')).toEqual([]);
    // The message is settled for the server: it is not delivered again at bob's next login.
    const bobId = bob.identity!;
    await bob.close();
    const again = await h.login(bobId);
    await again.roundTrip();
    expect(again.unread('deliver')).toEqual([]);
  });

  it('wait in the queue for an offline sender, across a restart, until acknowledged', async () => {
    const [alice, bob] = await h.pair();
    const aliceId = alice.identity!;
    const id = randomUUID();
    alice.sendText(bob.identity!, id, 'x');
    await bob.next('deliver');
    await alice.close();
    await bob.next(wentOffline(aliceId.username));
    bob.send({ t: 'refuse', from: aliceId.username, ids: [id] });
    await bob.roundTrip();
    await h.server.restart('SIGKILL');
    await h.closeClients();

    const a2 = await h.login(aliceId);
    expect(await a2.next('refused')).toEqual({ t: 'refused', by: bob.username, ids: [id] });
    a2.send({ t: 'receipt_ack', by: bob.username, ids: [id] });
    await a2.roundTrip();
    await a2.close();
    const a3 = await h.login(aliceId);
    await a3.roundTrip();
    expect(a3.unread('refused')).toEqual([]);
    expect(a3.unread('delivered')).toEqual([]);
  });
});
