import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../shared/protocol';
import { withinJsonBudget } from './frame-guard';

const MAX = 512;

describe('JSON structure budget', () => {
  it('passes every kind of frame a client sends, at its largest', () => {
    const sdp = Array.from({ length: 200 }, (_, i) => `a=fingerprint:sha-256 AB:CD:EF:${i}`).join('\r\n');
    const frames = [
      encodeFrame({ t: 'send', to: 'bob', id: 'message-1', env: 'A'.repeat(60_000) }),
      encodeFrame({ t: 'ack', from: 'bob', ids: Array.from({ length: 256 }, (_, i) => `message-${i}`) }),
      // A signal's data is JSON inside a string: its many ':' and '{' do not count.
      encodeFrame({ t: 'signal', to: 'bob', data: JSON.stringify({ kind: 'rtc', sid: 's', signal: { type: 'offer', sdp } }) }),
      encodeFrame({ t: 'ping' }),
    ];
    for (const f of frames) expect(withinJsonBudget(f, MAX)).toBe(true);
  });

  it('refuses nested arrays, many keys and long arrays before anything parses them', () => {
    expect(withinJsonBudget('['.repeat(45_000) + ']'.repeat(45_000), MAX)).toBe(false);
    expect(withinJsonBudget(`{"t":"ping",${Array.from({ length: 9000 }, (_, i) => `"k${i}":1`).join(',')}}`, MAX)).toBe(false);
    expect(withinJsonBudget(`{"t":"ack","ids":[${'1,'.repeat(1000)}1]}`, MAX)).toBe(false);
  });

  it('skips strings exactly, escaped quotes and backslashes included', () => {
    const inString = JSON.stringify({ t: 'signal', data: `\\"${'[{,:'.repeat(5000)}\\` });
    expect(withinJsonBudget(inString, MAX)).toBe(true);
    // A string that ends in an escaped backslash closes there: what follows is structure.
    expect(withinJsonBudget(`{"a":"x\\\\",${'"b":1,'.repeat(600)}"c":1}`, MAX)).toBe(false);
  });
});
