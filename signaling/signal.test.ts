import { describe, expect, it } from 'vitest';
import { wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

const ICE = [{ urls: 'stun:127.0.0.1:3478' }, { urls: ['turn:127.0.0.1:3478'], username: 'parley', credential: 'secret' }];
const h = useServer({ env: { ICE_SERVERS: JSON.stringify(ICE) } });

describe('WebRTC signaling', () => {
  it('hands the configured ICE servers to each client at login', async () => {
    const a = await h.user('alice');
    expect(a.welcome!.iceServers).toEqual(ICE);
  });

  it('forwards a signal between online contacts, with the sender set by the server', async () => {
    const [a, b] = await h.pair();
    const data = JSON.stringify({ sid: 's1', signal: { type: 'offer', sdp: 'v=0' } });
    a.sendRaw(JSON.stringify({ t: 'signal', to: b.username, from: 'mallory', data }));
    expect(await b.next('signal')).toEqual({ t: 'signal', from: a.username, data });
  });

  it('refuses a signal to a non-contact, and the target never sees it', async () => {
    const a = await h.user('alice');
    const stranger = await h.user('stranger');
    a.send({ t: 'signal', to: stranger.username, data: '{"sid":"x"}' });
    expect(await a.next('error')).toMatchObject({ code: 'not_contact', ref: stranger.username });
    await a.roundTrip();
    await stranger.roundTrip();
    expect(stranger.received.some((f) => f.t === 'signal')).toBe(false);
  });

  it('refuses a signal to an offline contact with peer_offline', async () => {
    const [a, b] = await h.pair();
    await b.close();
    await a.next(wentOffline(b.username));
    a.send({ t: 'signal', to: b.username, data: '{"sid":"x"}' });
    expect(await a.next('error')).toMatchObject({ code: 'peer_offline', ref: b.username });
  });

  it('refuses an oversized signal as a bad frame', async () => {
    const [a, b] = await h.pair();
    a.send({ t: 'signal', to: b.username, data: 'x'.repeat(20_000) });
    expect(await a.next('error')).toMatchObject({ code: 'bad_frame' });
  });
});

describe('a contact flooding signals', () => {
  const h = useServer();

  it('gets recipient_busy once the paused recipient is behind, and the recipient is never cut', async () => {
    const [a, b] = await h.pair();
    b.pauseReading();
    // 16 MB of signals in one burst: far past the kernel's buffers and the 1 MiB send-buffer limit.
    const data = 'x'.repeat(16_000);
    for (let i = 0; i < 1000; i++) a.send({ t: 'signal', to: b.username, data });
    await a.nextError('recipient_busy', 10_000);
    await a.roundTrip(10_000);
    b.resumeReading();
    await b.roundTrip(10_000);
    expect(b.isOpen).toBe(true);
    // It got what fitted, and the sender was told about the rest rather than the recipient cut.
    const delivered = b.received.filter((f) => f.t === 'signal').length;
    const refused = a.received.filter((f) => f.t === 'error' && (f.code === 'recipient_busy' || f.code === 'rate_limited')).length;
    expect(delivered).toBeGreaterThan(0);
    expect(delivered + refused).toBe(1000);
  });
});
