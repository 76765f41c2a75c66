/**
 * Contact requests cannot lock anyone out: a user holds a bounded number of pending requests,
 * requests expire, a declined requester waits before asking again, and asking twice is not
 * pushed twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useServer } from './test-support/harness';

describe('contact requests', () => {
  const h = useServer({ env: { REQUESTS_MAX_INCOMING: '3', REQUESTS_MAX_OUTGOING: '2' } });

  it('past the cap are refused with requests_full, and the welcome carries only the cap', async () => {
    const bob = await h.user('bob');
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const asker = await h.user('asker');
      asker.send({ t: 'contact_request', to: bob.username });
      const answer = await asker.next((f) => f.t === 'request_sent' || f.t === 'error');
      answers.push(answer.t === 'error' ? answer.code : answer.t);
    }
    expect(answers).toEqual(['request_sent', 'request_sent', 'request_sent', 'requests_full']);
    const bobId = bob.identity!;
    await bob.close();
    expect((await h.login(bobId)).welcome!.incoming).toHaveLength(3);
  });

  it('one user may have only so many outstanding', async () => {
    const spammer = await h.user('spammer');
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const target = await h.user('target');
      spammer.send({ t: 'contact_request', to: target.username });
      const answer = await spammer.next((f) => f.t === 'request_sent' || f.t === 'error');
      codes.push(answer.t === 'error' ? answer.code : answer.t);
    }
    expect(codes).toEqual(['request_sent', 'request_sent', 'requests_full']);
  });

  it('a repeat of a pending request is not pushed again', async () => {
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    for (let i = 0; i < 3; i++) {
      alice.send({ t: 'contact_request', to: bob.username });
      await alice.next('request_sent');
    }
    await bob.roundTrip();
    expect(bob.unread('request_received')).toHaveLength(1);
  });

  it('after a decline, the requester may not ask again for the cooldown', async () => {
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    alice.send({ t: 'contact_request', to: bob.username });
    await bob.next('request_received');
    bob.send({ t: 'contact_respond', from: alice.username, accept: false });
    await alice.next('request_declined');
    alice.send({ t: 'contact_request', to: bob.username });
    expect(await alice.nextError('request_cooldown')).toMatchObject({ ref: bob.username });
    await bob.roundTrip();
    expect(bob.unread('request_received')).toEqual([]); // the first was read above; nothing new came
    // bob may still change his mind and ask alice himself.
    bob.send({ t: 'contact_request', to: alice.username });
    await alice.next('request_received');
  });
});

describe('contact requests expire', () => {
  const h = useServer({ env: { REQUEST_TTL_SECONDS: '1', REQUEST_COOLDOWN_SECONDS: '1' } });

  it('and a declined requester may ask again once the cooldown is over', async () => {
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    alice.send({ t: 'contact_request', to: bob.username });
    await bob.next('request_received');
    await sleep(1100);
    const bobId = bob.identity!;
    await bob.close();
    const back = await h.login(bobId);
    expect(back.welcome!.incoming).toEqual([]);
    back.send({ t: 'contact_respond', from: alice.username, accept: true });
    await back.nextError('no_request');
    // Expired, so asking again is new and is pushed again; declined, then asked after the cooldown.
    alice.send({ t: 'contact_request', to: bobId.username });
    await back.next('request_received');
    back.send({ t: 'contact_respond', from: alice.username, accept: false });
    await alice.next('request_declined');
    await sleep(1100);
    alice.send({ t: 'contact_request', to: bobId.username });
    await alice.next('request_sent');
  });
});

describe('contact requests from new accounts', () => {
  const h = useServer({ env: { REQUESTS_MAX_FROM_NEW_ACCOUNTS: '2', NEW_ACCOUNT_SECONDS: '1' } });

  it('take only some of the slots, so a crowd of fresh accounts cannot lock out older ones', async () => {
    const victim = await h.user('victim');
    const friend = await h.user('friend');
    await sleep(1100); // the friend's account is no longer new
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sybil = await h.user('sybil');
      sybil.send({ t: 'contact_request', to: victim.username });
      const answer = await sybil.next((f) => f.t === 'request_sent' || f.t === 'error');
      codes.push(answer.t === 'error' ? answer.code : answer.t);
    }
    expect(codes).toEqual(['request_sent', 'request_sent', 'requests_full']);
    friend.send({ t: 'contact_request', to: victim.username });
    await friend.next('request_sent');
    await victim.next((f) => f.t === 'request_received' && f.from === friend.username);
  });
});
