import { describe, expect, it } from 'vitest';
import { publicKeyB64 } from '../shared/identity';
import type { ServerFrame } from '../shared/protocol';
import { type ParleyClient, makeContacts, uniqueName, wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

const h = useServer();

const presenceOf = (c: ParleyClient, username: string) =>
  c.received.filter((f): f is Extract<ServerFrame, { t: 'presence' }> => f.t === 'presence' && f.username === username);

describe('contact requests', () => {
  it('reach an online user live, and both sides are told', async () => {
    const a = await h.user('alice');
    const b = await h.user('bob');
    a.send({ t: 'contact_request', to: b.username });
    expect(await a.next('request_sent')).toEqual({ t: 'request_sent', to: b.username });
    expect(await b.next('request_received')).toEqual({ t: 'request_received', from: a.username });
  });

  it('wait for an offline user and show in both welcomes', async () => {
    const a = await h.user('alice');
    const b = await h.user('bob');
    const bob = b.identity!;
    await b.close();
    a.send({ t: 'contact_request', to: bob.username });
    await a.next('request_sent');
    const b2 = await h.login(bob);
    expect(b2.welcome).toMatchObject({ incoming: [a.username], outgoing: [], contacts: [] });
    await a.close();
    const a2 = await h.login(a.identity!);
    expect(a2.welcome).toMatchObject({ incoming: [], outgoing: [bob.username] });
  });

  it('accepted: both sides get contact_added with the other’s key and presence', async () => {
    const a = await h.user('alice');
    const b = await h.user('bob');
    a.send({ t: 'contact_request', to: b.username });
    await b.next('request_received');
    b.send({ t: 'contact_respond', from: a.username, accept: true });
    const [addedA, addedB] = await Promise.all([a.next('contact_added'), b.next('contact_added')]);
    expect(addedA.contact).toEqual({ username: b.username, identityKey: publicKeyB64(b.sodium, b.identity!), online: true });
    expect(addedB.contact).toEqual({ username: a.username, identityKey: publicKeyB64(a.sodium, a.identity!), online: true });
    // It lasts: the next login lists the contact and no pending request.
    await a.close();
    const a2 = await h.login(a.identity!);
    expect(a2.welcome).toMatchObject({
      contacts: [{ username: b.username, online: true }],
      incoming: [],
      outgoing: [],
    });
  });

  it('accepted while the requester is offline: they learn it from their next welcome', async () => {
    const [a, watcher] = await h.pair('alice', 'watcher');
    const b = await h.user('bob');
    a.send({ t: 'contact_request', to: b.username });
    await b.next('request_received');
    await a.close();
    await watcher.next(wentOffline(a.username)); // the server has seen Alice leave
    b.send({ t: 'contact_respond', from: a.username, accept: true });
    expect((await b.next('contact_added')).contact).toMatchObject({ username: a.username, online: false });
    const a2 = await h.login(a.identity!);
    expect(a2.welcome!.contacts).toContainEqual(expect.objectContaining({ username: b.username, online: true }));
  });

  it('asked both ways: the second request is an acceptance', async () => {
    const a = await h.user('alice');
    const b = await h.user('bob');
    a.send({ t: 'contact_request', to: b.username });
    await b.next('request_received');
    b.send({ t: 'contact_request', to: a.username.toUpperCase() }); // names are case-folded
    await Promise.all([a.next('contact_added'), b.next('contact_added')]);
  });

  it('declined: both are told, the request is gone, and they are not contacts', async () => {
    const a = await h.user('alice');
    const b = await h.user('bob');
    a.send({ t: 'contact_request', to: b.username });
    await b.next('request_received');
    b.send({ t: 'contact_respond', from: a.username, accept: false });
    expect(await b.next('request_declined')).toEqual({ t: 'request_declined', username: a.username });
    expect(await a.next('request_declined')).toEqual({ t: 'request_declined', username: b.username });
    b.send({ t: 'contact_respond', from: a.username, accept: true });
    expect(await b.next('error')).toMatchObject({ code: 'no_request', ref: a.username });
    a.send({ t: 'send', to: b.username, id: 'message-declined', env: 'abc' });
    expect(await a.next('error')).toMatchObject({ code: 'not_contact', ref: 'message-declined' });
    await b.close();
    const b2 = await h.login(b.identity!);
    expect(b2.welcome).toMatchObject({ incoming: [], contacts: [] });
  });

  it('cannot be answered when none was made (no_request)', async () => {
    const a = await h.user('alice');
    const b = await h.user('bob');
    b.send({ t: 'contact_respond', from: a.username, accept: true });
    expect((await b.next('error')).code).toBe('no_request');
    await a.roundTrip();
    expect(a.received.filter((f) => f.t === 'contact_added')).toEqual([]);
  });

  it('refuses unknown, invalid and self targets', async () => {
    const a = await h.user('alice');
    a.send({ t: 'contact_request', to: uniqueName('nobody') });
    expect((await a.next('error')).code).toBe('unknown_user');
    a.send({ t: 'contact_request', to: 'no spaces allowed' });
    expect((await a.next('error')).code).toBe('bad_username');
    a.send({ t: 'contact_request', to: a.username });
    expect((await a.next('error')).code).toBe('bad_username');
  });
});

describe('only contacts reach each other', () => {
  it('a non-contact cannot send (not_contact) and nothing is delivered', async () => {
    const a = await h.user('alice');
    const stranger = await h.user('mallory');
    stranger.send({ t: 'send', to: a.username, id: 'message-stranger', env: 'abc' });
    expect(await stranger.next('error')).toMatchObject({ code: 'not_contact', ref: 'message-stranger' });
    // Not stored for later either.
    await a.close();
    const a2 = await h.login(a.identity!);
    await a2.roundTrip();
    expect(a2.received.filter((f) => f.t === 'deliver')).toEqual([]);
  });

  it('a pending request does not open the channel', async () => {
    const a = await h.user('alice');
    const b = await h.user('bob');
    a.send({ t: 'contact_request', to: b.username });
    await b.next('request_received');
    a.send({ t: 'send', to: b.username, id: 'message-pending', env: 'abc' });
    expect((await a.next('error')).code).toBe('not_contact');
    b.send({ t: 'ack', from: a.username, ids: ['message-pending'] });
    expect((await b.next('error')).code).toBe('not_contact');
  });

  it('a non-contact sees no presence', async () => {
    const [a, friend] = await h.pair('alice', 'friend');
    const stranger = await h.user('mallory');
    const requester = await h.user('carol');
    requester.send({ t: 'contact_request', to: a.username });
    await a.next('request_received');
    await a.close();
    await friend.next(wentOffline(a.username));
    const a2 = await h.login(a.identity!);
    await friend.next((f) => f.t === 'presence' && f.username === a.username && f.online);
    await a2.close();
    await friend.next(wentOffline(a.username));
    // The contact saw all three changes; by then the others would have seen them too.
    for (const c of [stranger, requester]) {
      await c.roundTrip();
      expect(presenceOf(c, a.username)).toEqual([]);
    }
  });
});

describe('presence', () => {
  it('contacts see each other go offline and online', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    await b.close();
    expect(await a.next('presence')).toEqual({ t: 'presence', username: bob.username, online: false });
    const b2 = await h.login(bob);
    expect(await a.next('presence')).toEqual({ t: 'presence', username: bob.username, online: true });
    expect(b2.welcome).toMatchObject({ contacts: [{ username: a.username, online: true }] });
    // An abrupt disconnect counts too.
    await b2.terminate();
    expect(await a.next('presence')).toEqual({ t: 'presence', username: bob.username, online: false });
  });

  it('a contact made while both are online gets presence from then on', async () => {
    const a = await h.user('alice');
    const b = await h.user('bob');
    await makeContacts(a, b);
    await b.close();
    expect(await a.next((f) => f.t === 'presence' && f.username === b.username && !f.online)).toBeTruthy();
  });
});
