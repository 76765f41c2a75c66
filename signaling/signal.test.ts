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
