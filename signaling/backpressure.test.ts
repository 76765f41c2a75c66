/**
 * One client that does not read, or reads and never acknowledges, must not make the server hold
 * an unbounded amount of memory for it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ParleyClient, makeContacts, wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

const ENVELOPE = 'x'.repeat(60_000); // close to the largest envelope the protocol allows
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `count` large messages from `from` to `to`, never letting the client side buffer more than a few MB. */
async function flood(from: ParleyClient, to: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    ids.push(id);
    from.send({ t: 'send', to, id, env: ENVELOPE });
    while (from.ws.bufferedAmount > 4 * MB) await sleep(2);
  }
  return ids;
}

describe('a reader that stops reading', () => {
  // Only the send-buffer limit may save the server here: the unacknowledged-bytes limit is out of reach.
  const h = useServer({
    env: {
      MAX_BUFFERED_BYTES: String(1 * MB),
      MAX_INFLIGHT_BYTES: String(1024 * MB),
      RATE_FRAMES_PER_SEC: '100000',
      RATE_BURST: '100000', OFFLINE_BYTES_PER_SEC: String(1 << 30), OFFLINE_BURST_BYTES: String(1 << 30), TEXT_BYTES_PER_SEC: String(1 << 30), TEXT_BURST_BYTES: String(1 << 30),
      OFFLINE_QUOTA_BYTES: String(1 * MB),
    },
  });

  it('is cut off while a contact floods it, and the server’s memory stays bounded', async () => {
    const flooder = await h.user('flooder');
    const slow = await h.user('slow');
    await makeContacts(flooder, slow);
    slow.pauseReading();

    const before = h.server.rss();
    let peak = before;
    const sampler = setInterval(() => {
      if (h.server.running) peak = Math.max(peak, h.server.rss());
    }, 10);
    // 240 MB pushed toward the slow reader. A bounded server grows by a roughly constant amount
    // (about 45 MB here, whatever the volume); one that buffers for the reader grows by more
    // than the volume.
    const count = 4000;
    try {
      await flood(flooder, slow.username, count);
      // Every frame has been handled once the flooder's ping is answered.
      await flooder.roundTrip(20_000);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, h.server.rss());
    const pushed = count * ENVELOPE.length;
    const growth = peak - before;
    expect(growth, `RSS grew ${(growth / MB).toFixed(1)} MB while ${(pushed / MB).toFixed(0)} MB were pushed`).toBeLessThan(pushed / 3);

    // The server dropped the slow reader: its contact saw it go offline, and later messages were
    // stored for it (or refused as queue_full), not buffered.
    await flooder.next(wentOffline(slow.username));
    const answers = flooder.received.filter((f) => f.t === 'stored' || (f.t === 'error' && f.code === 'queue_full'));
    expect(answers.length).toBeGreaterThan(count / 2);

    // Once it reads again it finds its connection closed, having received only a fraction.
    slow.resumeReading();
    const closed = await slow.closed;
    expect([1006, 4008]).toContain(closed.code);
    expect(slow.received.filter((f) => f.t === 'deliver').length).toBeLessThan(count / 2);
    expect(h.server.running).toBe(true);
  }, 90_000);
});

describe('a reader that never acknowledges', () => {
  const h = useServer({ env: { MAX_INFLIGHT_BYTES: String(2 * MB), RATE_FRAMES_PER_SEC: '100000', RATE_BURST: '100000', OFFLINE_BYTES_PER_SEC: String(1 << 30), OFFLINE_BURST_BYTES: String(1 << 30), TEXT_BYTES_PER_SEC: String(1 << 30), TEXT_BURST_BYTES: String(1 << 30) } });

  it('is cut off with slow_consumer (4008), and nothing it held is lost or reordered', async () => {
    const sender = await h.user('sender');
    const hoarder = await h.user('hoarder');
    await makeContacts(sender, hoarder);
    const count = 60; // 3.6 MB, above the 2 MB in-flight limit
    const ids = await flood(sender, hoarder.username, count);
    const closed = await hoarder.closed;
    expect(closed).toEqual({ code: 4008, reason: 'slow_consumer' });
    const received = hoarder.received.filter((f) => f.t === 'deliver').length;
    expect(received).toBeGreaterThan(20);
    expect(received).toBeLessThan(count);
    await sender.roundTrip();
    await sender.next(wentOffline(hoarder.username));

    // Everything it held unacknowledged, and everything sent after, waits in the offline store.
    const stored = sender.received.filter((f) => f.t === 'stored').map((f) => (f as { id: string }).id);
    expect(stored.sort()).toEqual([...ids].sort());
    const back = await h.login(hoarder.identity!);
    const redelivered: string[] = [];
    for (let i = 0; i < count; i++) {
      const d = await back.next('deliver');
      redelivered.push(d.id);
      back.send({ t: 'ack', from: sender.username, ids: [d.id] });
    }
    expect(redelivered).toEqual(ids);
  });
});
