import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from './identity';
import { decodeChannelFrame, decodeSignal, sdpFingerprint, signBinding, verifyBinding } from './peer-protocol';
import { type Sodium, loadSodium } from './sodium';

let s: Sodium;
beforeAll(async () => {
  s = await loadSodium();
});

const FP_A = 'sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';
const FP_B = 'sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF';

describe('sdpFingerprint', () => {
  it('reads and normalises the a=fingerprint line', () => {
    const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:SHA-256 ${FP_A.slice(8).toLowerCase()}\r\na=setup:actpass\r\n`;
    expect(sdpFingerprint(sdp)).toBe(FP_A);
  });

  it('is undefined when there is none', () => {
    expect(sdpFingerprint('v=0\r\n')).toBeUndefined();
  });
});

describe('DTLS fingerprint binding', () => {
  it('verifies a hello signed by the pinned key naming both negotiated fingerprints', () => {
    const alice = generateKeyPair(s);
    const sig = signBinding(s, alice.secretKey, 'alice', 'bob', FP_A, FP_B);
    const hello = { t: 'hello' as const, fp: FP_A, peerFp: FP_B, sig };
    expect(verifyBinding(s, hello, { from: 'alice', to: 'bob', fromKey: alice.publicKey, fromFp: FP_A, toFp: FP_B })).toBe(true);
  });

  it('refuses a swapped fingerprint, another key, swapped names, or a bad signature', () => {
    const alice = generateKeyPair(s);
    const mallory = generateKeyPair(s);
    const sig = signBinding(s, alice.secretKey, 'alice', 'bob', FP_A, FP_B);
    const hello = { t: 'hello' as const, fp: FP_A, peerFp: FP_B, sig };
    const expected = { from: 'alice', to: 'bob', fromKey: alice.publicKey, fromFp: FP_A, toFp: FP_B };
    // The signaling server handed bob a different fingerprint for alice than the one she holds.
    expect(verifyBinding(s, hello, { ...expected, fromFp: FP_B })).toBe(false);
    expect(verifyBinding(s, hello, { ...expected, toFp: FP_A })).toBe(false);
    // The fingerprints in the hello itself were rewritten.
    expect(verifyBinding(s, { ...hello, fp: FP_B }, { ...expected, fromFp: FP_B })).toBe(false);
    expect(verifyBinding(s, hello, { ...expected, fromKey: mallory.publicKey })).toBe(false);
    expect(verifyBinding(s, hello, { ...expected, from: 'bob', to: 'alice' })).toBe(false);
    expect(verifyBinding(s, { ...hello, sig: 'A'.repeat(86) }, expected)).toBe(false);
    expect(verifyBinding(s, { ...hello, sig: '!!' }, expected)).toBe(false);
  });
});

describe('decoding browser-to-browser frames', () => {
  it('accepts the signal payloads simple-peer and Parley produce', () => {
    expect(decodeSignal(JSON.stringify({ kind: 'rtc', sid: 's', signal: { type: 'offer', sdp: 'v=0' } }))).toBeDefined();
    expect(
      decodeSignal(JSON.stringify({ kind: 'rtc', sid: 's', signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMLineIndex: 0, sdpMid: '0' } } })),
    ).toBeDefined();
    expect(decodeSignal('{"kind":"decline"}')).toEqual({ kind: 'decline' });
    expect(decodeSignal('{"kind":"ready"}')).toEqual({ kind: 'ready' });
  });

  it('refuses malformed or hostile payloads without throwing', () => {
    for (const text of ['', 'null', '[]', '{"kind":"rtc"}', '{"kind":"rtc","sid":"s","signal":{"type":"offer"}}', '{"kind":"x"}', '{"__proto__":{"kind":"decline"}}', `{"kind":"rtc","sid":"s","signal":{"type":"offer","sdp":"${'x'.repeat(20_000)}"}}`]) {
      expect(decodeSignal(text)).toBeUndefined();
    }
  });

  it('decodes channel frames and refuses bad ones', () => {
    expect(decodeChannelFrame('{"t":"env","id":"abcdefgh","env":"abc"}')).toEqual({ t: 'env', id: 'abcdefgh', env: 'abc' });
    expect(decodeChannelFrame('{"t":"ack","ids":["abcdefgh"]}')).toEqual({ t: 'ack', ids: ['abcdefgh'] });
    expect(decodeChannelFrame('{"t":"refuse","ids":["abcdefgh","ijklmnop"]}')).toEqual({ t: 'refuse', ids: ['abcdefgh', 'ijklmnop'] });
    const tooMany = JSON.stringify({ t: 'refuse', ids: Array.from({ length: 257 }, (_, i) => `id-${String(i).padStart(8, '0')}`) });
    for (const text of ['{"t":"env","id":"x","env":"abc"}', '{"t":"ack","ids":[]}', '{"t":"refuse","ids":[]}', '{"t":"refuse","ids":["x"]}', tooMany, '{"t":"hello","fp":"x","peerFp":"y","sig":"z"}', 'not json']) {
      expect(decodeChannelFrame(text)).toBeUndefined();
    }
  });
});
