/**
 * Handlers wait on storage; these tests make the store slow (or failing) and check that a
 * connection's frames still apply in order, and that what other connections do meanwhile is
 * neither lost nor shown out of turn.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ServerFrame } from '../shared/protocol';
import { ParleyClient, makeContacts, newIdentity, uniqueName } from './test-support/client';
import { type InProcessServer, startInProcess } from './test-support/in-process';

let srv: InProcessServer;
const clients: ParleyClient[] = [];
const track = (c: ParleyClient) => (clients.push(c), c);
const user = async (prefix: string) => track(await ParleyClient.register(srv.port, await newIdentity(uniqueName(prefix))));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  srv = await startInProcess();
});
afterEach(async () => {
  srv.delays.clear();
  srv.faults.clear();
  await Promise.all(clients.splice(0).map((c) => c.close(500)));
});
afterAll(async () => {
  await srv.stop();
});

describe('a connection on a slow store', () => {
  it('has its frames applied and answered in the order it sent them', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    await makeContacts(alice, bob);
    const bobId = bob.identity!;
    await bob.close();
    await alice.next((f) => f.t === 'presence' && !f.online);
    // Each store write waits a different time: without one-at-a-time handling they would land out of order.
    srv.delays.set('queue.enqueue', () => Math.random() * 30);
    const ids = Array.from({ length: 12 }, () => randomUUID());
    for (const id of ids) alice.sendText(bobId, id, `m-${id}`);
    alice.send({ t: 'ping' });
    const answers: ServerFrame[] = [];
    while (answers.at(-1)?.t !== 'pong') answers.push(await alice.next((f) => f.t === 'stored' || f.t === 'pong'));
    expect(answers.map((f) => (f.t === 'stored' ? f.id : f.t))).toEqual([...ids, 'pong']);
    srv.delays.clear();
    const back = track(await ParleyClient.login(srv.port, bobId));
    const delivered: string[] = [];
    while (delivered.length < ids.length) delivered.push(((await back.next('deliver')) as { id: string }).id);
    expect(delivered).toEqual(ids);
  });

  it('answers a store failure with internal, logs it, and goes on serving the connection', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    srv.faults.set('contacts.addRequest', 1);
    alice.send({ t: 'contact_request', to: bob.username });
    expect((await alice.next('error')) as { code: string }).toMatchObject({ code: 'internal' });
    expect(srv.errors.length).toBeGreaterThan(0);
    srv.errors.length = 0;
    await makeContacts(alice, bob);
  });
});

describe('what other connections do while a login waits on the store', () => {
  it('a login whose socket closes before its welcome never shows the user online', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    await makeContacts(alice, bob);
    const aliceId = alice.identity!;
    await alice.close();
    await bob.next((f) => f.t === 'presence' && !f.online);
    srv.delays.set('contacts.contactsOf', 150);
    const doomed = track(await ParleyClient.connect(srv.port));
    doomed.send({ t: 'login', v: PROTOCOL_VERSION, username: aliceId.username, sig: 'A'.repeat(86) }); // a bad signature first: no claim
    await doomed.nextError('bad_signature');
    const loggingIn = track(await ParleyClient.connect(srv.port));
    const welcome = loggingIn.login(aliceId).catch(() => undefined);
    await sleep(60); // inside the slow read
    await loggingIn.terminate();
    expect(await welcome).toBeUndefined();
    await sleep(200);
    await bob.roundTrip();
    expect(bob.unread('presence').filter((p) => p.username === aliceId.username && p.online)).toEqual([]);
    srv.delays.clear();
    track(await ParleyClient.login(srv.port, aliceId));
    await bob.next((f) => f.t === 'presence' && f.username === aliceId.username && f.online);
  });

  it('a contact accepted during a login reaches the new connection after its welcome, and presence flows both ways', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const aliceId = alice.identity!;
    alice.send({ t: 'contact_request', to: bob.username });
    await bob.next('request_received');
    await alice.close();
    srv.delays.set('contacts.contactsOf', 150);
    const back = track(await ParleyClient.connect(srv.port));
    const welcomed = back.login(aliceId);
    await sleep(50); // alice's state is being read: bob accepts now
    bob.send({ t: 'contact_respond', from: aliceId.username, accept: true });
    await bob.next('contact_added');
    const welcome = await welcomed;
    srv.delays.clear();
    const listed = welcome.contacts.some((c) => c.username === bob.username);
    if (!listed) await back.next((f) => f.t === 'contact_added' && f.contact.username === bob.username);
    // Either way alice has bob now, and each sees the other: messages flow.
    const id = randomUUID();
    back.sendText(bob.identity!, id, 'hello');
    expect(await bob.next('deliver')).toMatchObject({ id, from: aliceId.username });
  });
});
