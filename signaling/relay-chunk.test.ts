import { describe, expect, it } from 'vitest';
import { encodeRelayFrame } from '../shared/relay-frames';
import { wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

/** A stand-in sealed chunk: 16-byte file id, then opaque bytes (the server never opens it). */
function chunk(fileByte: number, size: number, fill = 0x42): Uint8Array {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.fill(fileByte, 0, 16);
  return bytes;
}

describe('file chunks through the relay', () => {
  const h = useServer({ env: { RELAY_FILE_MAX_BYTES: String(300_000) } });

  it('forwards a binary chunk between contacts with the sender set by the server', async () => {
    const [a, b] = await h.pair();
    const payload = chunk(1, 65_000);
    a.sendRaw(Buffer.from(encodeRelayFrame(b.username, payload)));
    await expect.poll(() => b.relayed.length).toBe(1);
    expect(b.relayed[0]!.from).toBe(a.username);
    expect(Buffer.from(b.relayed[0]!.payload).equals(Buffer.from(payload))).toBe(true);
  });

  it('refuses chunks to a non-contact, to an offline contact, and before login', async () => {
    const a = await h.user('alice');
    const stranger = await h.user('stranger');
    a.sendRaw(Buffer.from(encodeRelayFrame(stranger.username, chunk(2, 100))));
    expect(await a.next('error')).toMatchObject({ code: 'not_contact', ref: stranger.username });

    const [c, d] = await h.pair('carol', 'dave');
    await d.close();
    await c.next(wentOffline(d.username));
    c.sendRaw(Buffer.from(encodeRelayFrame(d.username, chunk(3, 100))));
    expect(await c.next('error')).toMatchObject({ code: 'peer_offline' });

    const anon = await h.connect();
    anon.sendRaw(Buffer.from(encodeRelayFrame(a.username, chunk(4, 100))));
    expect(await anon.next('error')).toMatchObject({ code: 'auth_required' });
    await stranger.roundTrip();
    expect(stranger.relayed).toHaveLength(0);
  });

  it('refuses a malformed binary frame and keeps serving', async () => {
    const [a, b] = await h.pair();
    a.sendRaw(Buffer.from([200, 1, 2]));
    expect(await a.next('error')).toMatchObject({ code: 'bad_frame' });
    a.sendRaw(Buffer.from(encodeRelayFrame(b.username, chunk(5, 10))));
    expect(await a.next('error')).toMatchObject({ code: 'bad_frame' }); // no room for a file id and data
    a.sendRaw(Buffer.from(encodeRelayFrame(b.username, chunk(6, 1000))));
    await expect.poll(() => b.relayed.length).toBe(1);
  });

  it('stops a file at the configured relay size limit', async () => {
    const [a, b] = await h.pair();
    for (let i = 0; i < 5; i++) a.sendRaw(Buffer.from(encodeRelayFrame(b.username, chunk(7, 65_000))));
    expect(await a.next('error')).toMatchObject({ code: 'file_too_large' });
    // The forwarded ones may still be on their way to b: wait for them, then make sure no fifth follows.
    await expect.poll(() => b.relayed.length).toBe(4); // 4 × 65,000 fit in 300,000; the fifth does not
    await b.roundTrip();
    expect(b.relayed).toHaveLength(4);
    // Another file still goes.
    a.sendRaw(Buffer.from(encodeRelayFrame(b.username, chunk(8, 65_000))));
    await expect.poll(() => b.relayed.length).toBe(5);
  });
});

describe('the relay byte rate', () => {
  const h = useServer({ env: { RELAY_BYTES_PER_SEC: String(100_000), RELAY_BURST_BYTES: String(150_000) } });

  it('drops chunks over the per-connection byte rate with relay_limit', async () => {
    const [a, b] = await h.pair();
    for (let i = 0; i < 4; i++) a.sendRaw(Buffer.from(encodeRelayFrame(b.username, chunk(9, 60_000))));
    expect(await a.next('error')).toMatchObject({ code: 'relay_limit' });
    await a.roundTrip();
    await b.roundTrip(); // whatever the server forwarded before a's round trip is at b before b's
    expect(b.relayed.length).toBeLessThan(4);
    expect(b.relayed.length).toBeGreaterThanOrEqual(2);
  });
});
