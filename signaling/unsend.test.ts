/**
 * Delete for everyone, the server's part (`unsend`): a message still waiting in an offline
 * recipient's queue is dropped there, so they never receive it; only the sender's own message
 * can be taken back; the frame is never answered, so it tells nothing (not even a block); a
 * non-contact is refused like any other frame to one.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeContacts, wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

describe('unsend', () => {
  const h = useServer();

  it('drops the sender’s message from the offline recipient’s queue; the rest is delivered', async () => {
    const [alice, bob] = await h.pair('alice', 'bob');
    const mallory = await h.user('mallory');
    await makeContacts(mallory, bob);
    await bob.close();
    await alice.next(wentOffline(bob.username));
    const [kept, taken, mallorys] = [randomUUID(), randomUUID(), randomUUID()];
    alice.sendText(bob.identity!, kept, 'stays');
    alice.sendText(bob.identity!, taken, 'regretted');
    mallory.sendText(bob.identity!, mallorys, 'from mallory');
    await Promise.all([alice.next('stored'), alice.next('stored'), mallory.next('stored')]);

    const before = alice.unread().length;
    alice.send({ t: 'unsend', to: bob.username, id: taken });
    // Nobody can take back another's message: mallory names alice's ids, and her own under bob's name.
    mallory.send({ t: 'unsend', to: bob.username, id: kept });
    await Promise.all([alice.roundTrip(), mallory.roundTrip()]);
    expect(alice.unread()).toHaveLength(before); // never answered

    const back = await h.login(bob.identity!);
    const delivered = [await back.next('deliver'), await back.next('deliver')];
    await back.roundTrip();
    expect(back.unread('deliver')).toEqual([]);
    expect(delivered.map((f) => [f.from, f.id])).toEqual([
      [alice.username, kept],
      [mallory.username, mallorys],
    ]);
    expect(await back.openText(delivered[0]!, alice.identity!)).toBe('stays');
    // Once delivered and acknowledged it is not in the queue: an unsend changes nothing, answers nothing.
    back.send({ t: 'ack', from: alice.username, ids: [kept] });
    expect(await alice.next('delivered')).toMatchObject({ ids: [kept] });
    alice.send({ t: 'unsend', to: bob.username, id: kept });
    await alice.roundTrip();
    expect(alice.unread('error')).toEqual([]);
  });

  it('answers a blocked sender nothing either, and refuses a non-contact with not_contact', async () => {
    const [alice, bob] = await h.pair('alice', 'bob');
    const stranger = await h.user('stranger');
    bob.send({ t: 'block', username: alice.username });
    await bob.next('blocked');
    await alice.next(wentOffline(bob.username));
    const id = randomUUID();
    alice.sendText(bob.identity!, id, 'unseen');
    await alice.next('stored');
    const before = alice.unread().length;
    alice.send({ t: 'unsend', to: bob.username, id });
    await alice.roundTrip();
    expect(alice.unread()).toHaveLength(before);

    stranger.send({ t: 'unsend', to: bob.username, id });
    expect(await stranger.nextError('not_contact')).toMatchObject({ ref: id });
  });
});
