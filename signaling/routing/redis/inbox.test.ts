import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { decodeInbox, encodeInbox, refusalFor } from './inbox';
import { parseHolder } from './presence';

describe('node inbox messages', () => {
  it('carry a relayed chunk byte for byte beside its JSON header', () => {
    const payload = new Uint8Array(70_000).map((_, i) => i % 251);
    const bytes = encodeInbox({ t: 'routed', user: 'bob', origin: { node: 'n1', session: 7 }, routed: { t: 'chunk', from: 'alice', payload } });
    const back = decodeInbox(bytes);
    expect(back).toMatchObject({ t: 'routed', user: 'bob', origin: { node: 'n1', session: 7 }, routed: { t: 'chunk', from: 'alice' } });
    expect(Buffer.from((back as { routed: { payload: Uint8Array } }).routed.payload).equals(Buffer.from(payload))).toBe(true);
    expect(decodeInbox(encodeInbox({ t: 'poke', user: 'bob' }))).toEqual({ t: 'poke', user: 'bob' });
  });

  it('drop anything malformed instead of throwing', () => {
    expect(decodeInbox(Buffer.from([0, 0]))).toBeUndefined();
    expect(decodeInbox(Buffer.from([0, 0, 0, 50, 123]))).toBeUndefined();
    const wrong = Buffer.from(JSON.stringify({ t: 'replace', user: 'bob', session: 'x' }));
    const framed = Buffer.concat([Buffer.from([0, 0, 0, wrong.length]), wrong]);
    expect(decodeInbox(framed)).toBeUndefined();
    expect(parseHolder('n1 12 1')).toEqual({ node: 'n1', session: 12, welcomed: true });
    expect(parseHolder('garbage')).toBeUndefined();
  });

  it('turn an undeliverable chunk into the refusal a single node answers', () => {
    const payload = new Uint8Array(40).fill(0xab);
    expect(refusalFor({ t: 'chunk', from: 'alice', payload }, 'bob', 'busy')).toMatchObject({ code: 'recipient_busy', ref: 'ab'.repeat(16) });
    expect(refusalFor({ t: 'signal', from: 'alice', data: '{}' }, 'bob', 'offline')).toMatchObject({ code: 'peer_offline', ref: 'bob' });
    expect(refusalFor({ t: 'change', change: { t: 'contact', peer: 'a', on: true } }, 'bob', 'offline')).toBeUndefined();
  });
});

describe('cluster settings', () => {
  it('are off without REDIS_URL, and need FILES_DIR and a refresh under the TTL with it', () => {
    expect(loadConfig({}).cluster).toBeUndefined();
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/FILES_DIR/);
    expect(() => loadConfig({ REDIS_URL: 'redis://x', FILES_DIR: '/tmp/f', PRESENCE_TTL_SECONDS: '5', PRESENCE_REFRESH_SECONDS: '5' })).toThrow(/PRESENCE_REFRESH/);
    expect(loadConfig({ REDIS_URL: 'redis://x:1', FILES_DIR: '/tmp/f' }).cluster).toMatchObject({ presenceTtlMs: 60_000, presenceRefreshMs: 20_000, filesDir: '/tmp/f' });
  });
});
