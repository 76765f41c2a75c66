import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ParleyClient, makeContacts } from './test-support/client';
import { useServer } from './test-support/harness';

const h = useServer();

const deliversOf = (c: ParleyClient) => c.received.filter((f) => f.t === 'deliver');

describe('live relay between contacts', () => {
  it('delivers a sealed message unchanged; the ack becomes a delivery receipt', async () => {
    const [a, b] = await h.pair();
    const id = randomUUID();
    const env = a.sendText(b.identity!, id, 'hello over the relay');
    const deliver = await b.next('deliver');
    expect(deliver).toMatchObject({ from: a.username, id, env });
    expect(Math.abs(deliver.ts - Date.now())).toBeLessThan(60_000);
    expect(await b.openText(deliver, a.identity!)).toBe('hello over the relay');
    // A live delivery is not "stored".
    b.send({ t: 'ack', from: a.username, ids: [id] });
    expect(await a.next('delivered')).toEqual({ t: 'delivered', by: b.username, ids: [id] });
    a.send({ t: 'receipt_ack', by: b.username, ids: [id] });
    await a.roundTrip();
    expect(a.received.filter((f) => f.t === 'stored')).toEqual([]);
  });

  it('keeps the order of a burst of messages', async () => {
    const [a, b] = await h.pair();
    const ids = Array.from({ length: 50 }, () => randomUUID());
    for (const id of ids) a.sendText(b.identity!, id, `message ${id}`);
    const got: string[] = [];
    for (let i = 0; i < ids.length; i++) got.push((await b.next('deliver')).id);
    expect(got).toEqual(ids);
  });

  it('sets the sender itself: a forged `from` is overwritten', async () => {
    const [a, b] = await h.pair();
    const mallory = await h.user('mallory');
    const id = randomUUID();
    a.sendRaw(JSON.stringify({ t: 'send', from: mallory.username, to: b.username, id, env: 'c2VhbGVk' }));
    const deliver = await b.next('deliver');
    expect(deliver.from).toBe(a.username);
    expect(deliver.id).toBe(id);
    // And it cannot be used to ack on someone else's behalf either.
    b.sendRaw(JSON.stringify({ t: 'ack', by: mallory.username, from: a.username, ids: [id] }));
    expect(await a.next('delivered')).toMatchObject({ by: b.username, ids: [id] });
  });

  it('routes only to the named recipient', async () => {
    const [a, b] = await h.pair();
    const c = await h.user('carol');
    await makeContacts(a, c);
    a.sendText(b.identity!, 'message-for-bob', 'just for bob');
    await b.next('deliver');
    await c.roundTrip();
    expect(deliversOf(c)).toEqual([]);
  });
});

describe('acknowledge before delete', () => {
  it('redelivers a live message that was delivered but not acked, after reconnect', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    const id = randomUUID();
    const env = a.sendText(bob, id, 'please ack me');
    expect((await b.next('deliver')).id).toBe(id);
    await b.terminate(); // gone without acking
    // The server keeps it for Bob and tells Alice it is stored.
    expect(await a.next('stored')).toEqual({ t: 'stored', id });
    const b2 = await h.login(bob);
    expect(await b2.next('deliver')).toMatchObject({ from: a.username, id, env });
    b2.send({ t: 'ack', from: a.username, ids: [id] });
    expect(await a.next('delivered')).toMatchObject({ ids: [id] });
    // Acked: never again.
    await b2.close();
    const b3 = await h.login(bob);
    await b3.roundTrip();
    expect(deliversOf(b3)).toEqual([]);
  });

  it('redelivers a queued message until it is acked', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    await b.close();
    const id = randomUUID();
    a.sendText(bob, id, 'for later');
    expect(await a.next('stored')).toEqual({ t: 'stored', id });
    for (let round = 0; round < 2; round++) {
      const b2 = await h.login(bob);
      expect((await b2.next('deliver')).id).toBe(id);
      await b2.terminate();
    }
    const b3 = await h.login(bob);
    expect((await b3.next('deliver')).id).toBe(id);
    b3.send({ t: 'ack', from: a.username, ids: [id] });
    await a.next('delivered');
    await b3.close();
    const b4 = await h.login(bob);
    await b4.roundTrip();
    expect(deliversOf(b4)).toEqual([]);
  });

  it('acks only what is named: the rest is redelivered', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) a.sendText(bob, id, id);
    for (const id of ids) expect((await b.next('deliver')).id).toBe(id);
    b.send({ t: 'ack', from: a.username, ids: [ids[1]!] });
    await a.next('delivered');
    await b.terminate();
    const b2 = await h.login(bob);
    const again = [(await b2.next('deliver')).id, (await b2.next('deliver')).id];
    expect(again).toEqual([ids[0], ids[2]]);
  });

  it('queues a receipt for an offline sender until they acknowledge it', async () => {
    const [a, b] = await h.pair();
    const alice = a.identity!;
    const id = randomUUID();
    a.sendText(b.identity!, id, 'receipt please');
    await b.next('deliver');
    await a.close();
    b.send({ t: 'ack', from: alice.username, ids: [id] });
    await b.roundTrip();
    // Alice gets the receipt on each login until she acknowledges it.
    const a2 = await h.login(alice);
    expect(await a2.next('delivered')).toEqual({ t: 'delivered', by: b.username, ids: [id] });
    await a2.terminate();
    const a3 = await h.login(alice);
    expect(await a3.next('delivered')).toEqual({ t: 'delivered', by: b.username, ids: [id] });
    a3.send({ t: 'receipt_ack', by: b.username, ids: [id] });
    await a3.roundTrip();
    await a3.close();
    const a4 = await h.login(alice);
    await a4.roundTrip();
    expect(a4.received.filter((f) => f.t === 'delivered')).toEqual([]);
  });

  it('requeues a live receipt that the sender never acknowledged', async () => {
    const [a, b] = await h.pair();
    const alice = a.identity!;
    const id = randomUUID();
    a.sendText(b.identity!, id, 'x');
    await b.next('deliver');
    b.send({ t: 'ack', from: alice.username, ids: [id] });
    await a.next('delivered');
    await a.terminate(); // no receipt_ack
    const a2 = await h.login(alice);
    expect(await a2.next('delivered')).toMatchObject({ by: b.username, ids: [id] });
  });
});
