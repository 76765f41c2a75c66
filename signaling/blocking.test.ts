/**
 * Blocking and contact removal, enforced by the server: once alice blocks mallory nothing from
 * mallory reaches alice (messages, signals, relayed and stored file chunks, requests, presence),
 * alice looks offline to mallory, and mallory is never told. Each test fails if one path leaks.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeRelayFrame } from '../shared/relay-frames';
import type { ServerFrame } from '../shared/protocol';
import type { ParleyClient } from './test-support/client';
import { useServer } from './test-support/harness';
import { sealedFile, upload } from './test-support/sealed-files';

const chunk = (fileByte: number) => new Uint8Array(200).fill(0x42).fill(fileByte, 0, 16);

/** Anything `client` received that came from, or was about, `other`. */
function fromUser(client: ParleyClient, other: string): ServerFrame[] {
  const about = (f: ServerFrame) =>
    (f.t === 'deliver' && f.from === other) ||
    (f.t === 'signal' && f.from === other) ||
    (f.t === 'presence' && f.username === other) ||
    (f.t === 'request_received' && f.from === other) ||
    ((f.t === 'delivered' || f.t === 'refused') && f.by === other);
  return client.unread().filter(about);
}

describe('blocking', () => {
  const h = useServer();

  async function blocked(): Promise<[ParleyClient, ParleyClient]> {
    const [alice, mallory] = await h.pair('alice', 'mallory');
    alice.send({ t: 'block', username: mallory.username });
    expect(await alice.next('blocked')).toEqual({ t: 'blocked', username: mallory.username });
    // mallory sees only what she would see if alice had gone offline.
    expect(await mallory.next('presence')).toEqual({ t: 'presence', username: alice.username, online: false });
    // alice's client stops showing mallory online.
    expect(await alice.next('presence')).toEqual({ t: 'presence', username: mallory.username, online: false });
    return [alice, mallory];
  }

  it('stops messages, signals and relayed chunks from the blocked user, answering them as if the blocker were offline', async () => {
    const [alice, mallory] = await blocked();
    const id = randomUUID();
    mallory.sendText(alice.identity!, id, 'are you there?');
    expect(await mallory.next('stored')).toEqual({ t: 'stored', id });
    mallory.send({ t: 'signal', to: alice.username, data: 'offer' });
    expect(await mallory.nextError('peer_offline')).toMatchObject({ ref: alice.username });
    mallory.sendRaw(Buffer.from(encodeRelayFrame(alice.username, chunk(1))), { binary: true });
    expect(await mallory.nextError('peer_offline')).toMatchObject({ ref: alice.username });
    // Reconnecting does not make her visible to alice either.
    await mallory.close();
    const back = await h.login(mallory.identity!);
    expect(back.welcome!.contacts.find((c) => c.username === alice.username)).toMatchObject({ online: false });
    back.sendText(alice.identity!, randomUUID(), 'again');
    await back.next('stored');
    await back.roundTrip();
    await alice.roundTrip();
    expect(fromUser(alice, mallory.username)).toEqual([]);
    expect(alice.relayed).toEqual([]);
    expect(mallory.unread('delivered')).toEqual([]);
  });

  it('keeps files from the blocked user: a stored file is answered as kept and never reaches the blocker', async () => {
    const [alice, mallory] = await blocked();
    const aliceId = alice.identity!;
    await alice.close();
    const file = sealedFile(100_000);
    upload(mallory, aliceId.username, file);
    mallory.send({ t: 'file_commit', to: aliceId.username, fileId: file.fileId, count: file.count });
    expect(await mallory.next('file_stored')).toEqual({ t: 'file_stored', to: aliceId.username, fileId: file.fileId });
    const again = await h.login(aliceId);
    again.send({ t: 'file_fetch', from: mallory.username, fileId: file.fileId, next: 0 });
    expect(await again.nextError('blocked')).toMatchObject({ ref: mallory.username });
    await again.roundTrip();
    expect(again.relayed).toEqual([]);
    expect(fromUser(again, mallory.username)).toEqual([]);
  });

  it('hides the blocker\'s presence from the blocked user, and the blocked user\'s from the blocker', async () => {
    const [alice, mallory] = await blocked();
    const aliceId = alice.identity!;
    await alice.close();
    const back = await h.login(aliceId);
    const welcome = back.welcome!;
    expect(welcome.blocks).toEqual([mallory.username]); // a new browser shows the block
    expect(welcome.contacts.find((c) => c.username === mallory.username)).toMatchObject({ online: false });
    await mallory.roundTrip();
    expect(mallory.unread('presence').filter((p) => p.username === aliceId.username && p.online)).toEqual([]);
    // The blocker cannot reach the blocked user either, and is told why (its own code, not
    // not_contact: the client says "you blocked them", not "you are no longer contacts").
    const hi = randomUUID();
    back.sendText(mallory.identity!, hi, 'hi');
    expect(await back.nextError('blocked')).toMatchObject({ ref: hi });
    back.send({ t: 'signal', to: mallory.username, data: 'offer' });
    expect(await back.nextError('blocked')).toMatchObject({ ref: mallory.username });
    back.sendRaw(Buffer.from(encodeRelayFrame(mallory.username, chunk(2))), { binary: true });
    expect(await back.nextError('blocked')).toMatchObject({ ref: mallory.username });
    back.send({ t: 'contact_request', to: mallory.username });
    expect(await back.nextError('blocked')).toMatchObject({ ref: mallory.username });
    await mallory.roundTrip();
    expect(mallory.unread('deliver')).toEqual([]);
    expect(mallory.unread('signal')).toEqual([]);
  });

  it('keeps contact requests from a blocked stranger from the blocker, before and after an unblock', async () => {
    const alice = await h.user('alice');
    const eve = await h.user('eve');
    alice.send({ t: 'block', username: eve.username });
    await alice.next('blocked');
    eve.send({ t: 'contact_request', to: alice.username });
    expect(await eve.next('request_sent')).toEqual({ t: 'request_sent', to: alice.username });
    await alice.roundTrip();
    expect(fromUser(alice, eve.username)).toEqual([]);
    const eveBack = await h.login(eve.identity!);
    expect(eveBack.welcome!.outgoing).toEqual([alice.username]); // it looks pending to eve
    const aliceBack = await h.login(alice.identity!);
    expect(aliceBack.welcome!.incoming).toEqual([]);
    aliceBack.send({ t: 'unblock', username: eve.username });
    await aliceBack.next('unblocked');
    const later = await h.login(alice.identity!);
    expect(later.welcome!.incoming).toEqual([]); // what was sent during the block stays undelivered
    // From now on a request goes through.
    eveBack.send({ t: 'contact_request', to: alice.username });
    await later.next((f) => f.t === 'request_received' && f.from === eve.username);
  });

  it('restores everything from the unblock on, and delivers nothing sent during the block', async () => {
    const [alice, mallory] = await blocked();
    const during = randomUUID();
    mallory.sendText(alice.identity!, during, 'during the block');
    await mallory.next('stored');
    alice.send({ t: 'unblock', username: mallory.username });
    await alice.next('unblocked');
    // Both see each other again.
    await mallory.next((f) => f.t === 'presence' && f.username === alice.username && f.online);
    await alice.next((f) => f.t === 'presence' && f.username === mallory.username && f.online);
    const after = randomUUID();
    mallory.sendText(alice.identity!, after, 'after the unblock');
    expect(await alice.next('deliver')).toMatchObject({ id: after, from: mallory.username });
    await alice.close();
    const back = await h.login(alice.identity!);
    await back.roundTrip();
    expect(back.unread('deliver').map((d) => d.id)).not.toContain(during);
  });

  it('survives a restart: the block is kept by the server', async () => {
    const [alice, mallory] = await blocked();
    const ids = [alice.identity!, mallory.identity!] as const;
    await h.server.restart('SIGKILL');
    const a = await h.login(ids[0]);
    expect(a.welcome!.blocks).toEqual([ids[1].username]);
    const m = await h.login(ids[1]);
    const id = randomUUID();
    m.sendText(ids[0], id, 'after the restart');
    await m.next('stored');
    await a.roundTrip();
    expect(fromUser(a, ids[1].username)).toEqual([]);
  });
});

describe('removing a contact', () => {
  const h = useServer();

  it('ends the contact both ways; the other sees only presence stop, then not_contact', async () => {
    const [alice, bob] = await h.pair('alice', 'bob');
    alice.send({ t: 'remove_contact', username: bob.username });
    expect(await alice.next('contact_removed')).toEqual({ t: 'contact_removed', username: bob.username });
    expect(await bob.next('presence')).toEqual({ t: 'presence', username: alice.username, online: false });
    bob.sendText(alice.identity!, randomUUID(), 'hello?');
    await bob.nextError('not_contact');
    await alice.close();
    await bob.roundTrip();
    expect(bob.unread().filter((f) => f.t === 'presence' && f.online)).toEqual([]);
    const bobBack = await h.login(bob.identity!);
    expect(bobBack.welcome!.contacts).toEqual([]);
    // They may become contacts again.
    const aliceBack = await h.login(alice.identity!);
    bobBack.send({ t: 'contact_request', to: alice.username });
    await aliceBack.next((f) => f.t === 'request_received' && f.from === bob.username);
  });
});

describe('blocking while the offline queue is still being handed over', () => {
  const h = useServer();

  it('hands over nothing more from the blocked user, even what was queued before the block', async () => {
    const [alice, mallory] = await h.pair('alice', 'mallory');
    const aliceId = alice.identity!;
    await alice.close();
    await mallory.next((f) => f.t === 'presence' && !f.online);
    // Large enough that the hand-over window (half the send buffer) holds only some of them.
    const ids = Array.from({ length: 15 }, () => randomUUID());
    for (const id of ids) {
      mallory.sendText(aliceId, id, 'x'.repeat(40_000));
      await mallory.next((f) => f.t === 'stored' && f.id === id);
    }
    const back = await h.login(aliceId);
    await back.next('deliver');
    await back.roundTrip();
    const first = back.unread('deliver').length + 1;
    expect(first).toBeLessThan(ids.length);
    back.send({ t: 'block', username: mallory.username });
    await back.next('blocked');
    back.send({ t: 'ack', from: mallory.username, ids: ids.slice(0, first) });
    await back.roundTrip();
    await new Promise((r) => setTimeout(r, 300));
    await back.roundTrip();
    expect(back.unread('deliver').length + 1).toBe(first);
    // And they are gone from the queue: a later login after an unblock gets none of them.
    back.send({ t: 'unblock', username: mallory.username });
    await back.next('unblocked');
    const later = await h.login(aliceId);
    await later.roundTrip();
    expect(later.unread('deliver')).toEqual([]);
  });
});
