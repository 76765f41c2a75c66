/**
 * Transient signals (typing): forwarded to an online contact, never stored or queued for one who
 * is offline, dropped across a block, never answered, and limited per connection.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealEnvelope } from '../shared/envelope';
import { loadSodium } from '../shared/sodium';
import { type ParleyClient, wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

/** A typing signal from `from` to `to`, sealed as the web app seals it (the server sees only base64url). */
async function typing(from: ParleyClient, to: ParleyClient): Promise<{ t: 'transient'; to: string; id: string; env: string }> {
  const s = await loadSodium();
  const id = randomUUID();
  const env = sealEnvelope(s, { from: from.username, to: to.username, id }, { kind: 'typing', on: true }, from.identity!.secretKey, to.identity!.publicKey);
  return { t: 'transient', to: to.username, id, env };
}

const transients = (c: ParleyClient) => c.received.filter((f) => f.t === 'transient');

describe('transient signals', () => {
  const h = useServer({ env: { TRANSIENT_PER_SEC: '5', TRANSIENT_BURST: '10' } });

  it('forwards one to an online contact, with the sender set by the server and nothing answered', async () => {
    const [a, b] = await h.pair();
    const frame = await typing(a, b);
    a.sendRaw(JSON.stringify({ ...frame, from: 'mallory' }));
    expect(await b.next('transient')).toEqual({ t: 'transient', from: a.username, id: frame.id, env: frame.env });
    await a.roundTrip();
    expect(a.unread('error')).toEqual([]);
  });

  it('never queues one for an offline contact: they log in and get nothing', async () => {
    const [a, b] = await h.pair();
    await b.close();
    await a.next(wentOffline(b.username));
    a.send(await typing(a, b));
    await a.roundTrip();
    expect(a.unread('error')).toEqual([]); // dropped without a word
    const back = await h.login(b.identity!);
    await back.roundTrip();
    expect(transients(back)).toEqual([]);
  });

  it('drops one across a block, both ways, without telling the blocked side', async () => {
    const [alice, mallory] = await h.pair('alice', 'mallory');
    alice.send({ t: 'block', username: mallory.username });
    await alice.next('blocked');
    await mallory.next('presence');
    mallory.send(await typing(mallory, alice));
    alice.send(await typing(alice, mallory));
    await mallory.roundTrip();
    await alice.roundTrip();
    expect(transients(alice)).toEqual([]);
    expect(transients(mallory)).toEqual([]);
    expect(mallory.unread('error')).toEqual([]);
  });

  it('refuses one to a non-contact', async () => {
    const a = await h.user('alice');
    const stranger = await h.user('stranger');
    a.send(await typing(a, stranger));
    await a.roundTrip();
    await stranger.roundTrip();
    expect(transients(stranger)).toEqual([]);
  });

  it('limits a flood per connection (TRANSIENT_BURST, then TRANSIENT_PER_SEC)', async () => {
    const [a, b] = await h.pair();
    const frames = await Promise.all(Array.from({ length: 100 }, () => typing(a, b)));
    for (const f of frames) a.send(f);
    await a.roundTrip();
    await b.roundTrip();
    const got = transients(b).length;
    expect(got).toBeGreaterThanOrEqual(10);
    expect(got).toBeLessThan(20); // the burst, and what the rate refilled meanwhile
    expect(a.isOpen).toBe(true);
  });

  it('refuses an envelope over the transient size limit as a bad frame', async () => {
    const [a, b] = await h.pair();
    a.send({ t: 'transient', to: b.username, id: randomUUID(), env: 'A'.repeat(2_000) });
    expect(await a.next('error')).toMatchObject({ code: 'bad_frame' });
  });
});
