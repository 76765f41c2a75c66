/**
 * Account-state writes (block, unblock, remove_contact, unsend) are paced per connection
 * (STATE_WRITES_PER_SEC / STATE_WRITES_BURST): past the burst they are answered `rate_limited`
 * and change nothing, and a repeated block or unblock that changes nothing costs no write and
 * tells the other side nothing again (review H3).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeContacts } from './test-support/client';
import { useServer } from './test-support/harness';

describe('account-state writes', () => {
  const h = useServer({ env: { STATE_WRITES_PER_SEC: '1', STATE_WRITES_BURST: '4' } });

  it('answers a repeated block or unblock as done without a write or another notice to the other', async () => {
    const [alice, mallory] = await h.pair('alice', 'mallory');
    for (let i = 0; i < 10; i++) alice.send({ t: 'block', username: mallory.username });
    for (let i = 0; i < 10; i++) expect(await alice.next('blocked')).toEqual({ t: 'blocked', username: mallory.username });
    for (let i = 0; i < 10; i++) alice.send({ t: 'unblock', username: mallory.username });
    for (let i = 0; i < 10; i++) expect(await alice.next('unblocked')).toEqual({ t: 'unblocked', username: mallory.username });
    await alice.roundTrip();
    await mallory.roundTrip();
    // Two writes of the burst of four: no refusal, and mallory saw alice go and come back once.
    expect(alice.unread('error')).toEqual([]);
    const seen = mallory.received.filter((f) => f.t === 'presence' && f.username === alice.username);
    expect(seen).toEqual([
      { t: 'presence', username: alice.username, online: false },
      { t: 'presence', username: alice.username, online: true },
    ]);
  });

  it('refuses writes past the burst with rate_limited, shared by block, unblock, remove_contact and unsend', async () => {
    const [alice, bob] = await h.pair('alice', 'bob');
    const carol = await h.user('carol');
    await makeContacts(alice, carol);
    alice.send({ t: 'block', username: bob.username });
    await alice.next('blocked');
    alice.send({ t: 'unblock', username: bob.username });
    await alice.next('unblocked');
    alice.send({ t: 'unsend', to: bob.username, id: randomUUID() });
    alice.send({ t: 'block', username: carol.username });
    await alice.next('blocked');
    // The burst of four is spent: the next writes are refused, each naming what it was about.
    const id = randomUUID();
    alice.send({ t: 'unsend', to: bob.username, id });
    expect(await alice.nextError('rate_limited')).toMatchObject({ ref: id });
    alice.send({ t: 'remove_contact', username: bob.username });
    expect(await alice.nextError('rate_limited')).toMatchObject({ ref: bob.username });
    alice.send({ t: 'unblock', username: carol.username });
    expect(await alice.nextError('rate_limited')).toMatchObject({ ref: carol.username });
    // Refused means unchanged: carol is still blocked, bob still a contact, and after a second the rate allows one more.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    alice.send({ t: 'remove_contact', username: bob.username });
    expect(await alice.next('contact_removed')).toEqual({ t: 'contact_removed', username: bob.username });
    await alice.close();
    const back = await h.login(alice.identity!);
    expect(back.welcome!.blocks).toEqual([carol.username]);
    expect(back.welcome!.contacts.map((c) => c.username)).toEqual([carol.username]);
  });
});

describe('the bound on blocks (BLOCKS_MAX)', () => {
  const h = useServer({ env: { BLOCKS_MAX: '2' } });

  it('refuses a block past it with blocks_full and changes nothing; an unblock makes room', async () => {
    const alice = await h.user('alice');
    const [eve, trudy, mallory] = [await h.user('eve'), await h.user('trudy'), await h.user('mallory')];
    for (const u of [eve, trudy]) {
      alice.send({ t: 'block', username: u.username });
      await alice.next('blocked');
    }
    alice.send({ t: 'block', username: mallory.username });
    expect(await alice.nextError('blocks_full')).toMatchObject({ ref: mallory.username });
    alice.send({ t: 'block', username: eve.username }); // a repeat is still answered as done
    expect(await alice.next('blocked')).toEqual({ t: 'blocked', username: eve.username });
    // mallory is not blocked: her request reaches alice.
    mallory.send({ t: 'contact_request', to: alice.username });
    expect(await alice.next('request_received')).toMatchObject({ from: mallory.username });
    alice.send({ t: 'unblock', username: trudy.username });
    await alice.next('unblocked');
    alice.send({ t: 'block', username: mallory.username });
    await alice.next('blocked');
    await alice.close();
    const back = await h.login(alice.identity!);
    expect([...back.welcome!.blocks!].sort()).toEqual([eve.username, mallory.username].sort());
  });
});
