import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits';
import { type ClientFrame, PublicKey, type ServerFrame, Signature, authMessage, decodeClientFrame, decodeServerFrame, encodeFrame } from './protocol';

const KEY = 'A'.repeat(43); // 32 bytes, base64url
const SIG = 'B'.repeat(85) + 'A'; // 64 bytes, base64url (canonical: the last character's 4 unused bits are zero)
const NONCE = 'C'.repeat(42) + 'A';
const ID = '0b6e1c1e-5a4c-4f0b-9c55-2f1f4f7d2a10';

const validClientFrames: ClientFrame[] = [
  { t: 'register', username: 'alice', identityKey: KEY, sig: SIG },
  { t: 'login', username: 'alice', sig: SIG },
  { t: 'contact_request', to: 'bob' },
  { t: 'contact_respond', from: 'bob', accept: true },
  { t: 'send', to: 'bob', id: ID, env: 'abc_DEF-123' },
  { t: 'ack', from: 'bob', ids: [ID] },
  { t: 'receipt_ack', by: 'bob', ids: [ID, 'another-id'] },
  { t: 'ping' },
  { t: 'signal', to: 'bob', data: '{"sid":"x","signal":{"type":"offer","sdp":"v=0"}}' },
  { t: 'file_commit', to: 'bob', fileId: 'ab'.repeat(16), count: 3 },
  { t: 'file_fetch', from: 'bob', fileId: 'ab'.repeat(16), next: 0 },
  { t: 'file_release', peer: 'bob', fileId: 'ab'.repeat(16) },
  { t: 'remove_contact', username: 'bob' },
  { t: 'block', username: 'mallory' },
  { t: 'unblock', username: 'mallory' },
  { t: 'schedule', id: ID, to: 'bob', env: 'abc_DEF-123', at: 1_800_000_000_000 },
  { t: 'schedule_cancel', id: ID },
  { t: 'schedule_now', id: ID },
];

const validServerFrames: ServerFrame[] = [
  { t: 'challenge', nonce: NONCE },
  {
    t: 'welcome',
    username: 'alice',
    identityKey: KEY,
    contacts: [{ username: 'bob', identityKey: KEY, online: false }],
    incoming: ['carol'],
    outgoing: [],
    iceServers: [{ urls: 'stun:stun.example.org' }, { urls: ['turn:turn.example.org'], username: 'u', credential: 'c' }],
    offlineFileMaxBytes: 25 * 1024 * 1024,
    blocks: ['mallory'],
  },
  { t: 'error', code: 'not_contact', message: 'no', ref: ID },
  { t: 'request_received', from: 'bob' },
  { t: 'request_sent', to: 'bob' },
  { t: 'request_declined', username: 'bob' },
  { t: 'contact_added', contact: { username: 'bob', identityKey: KEY, online: true } },
  { t: 'contact_removed', username: 'bob' },
  { t: 'blocked', username: 'mallory' },
  { t: 'unblocked', username: 'mallory' },
  { t: 'presence', username: 'bob', online: true },
  { t: 'deliver', from: 'bob', id: ID, env: 'xyz', ts: 1 },
  { t: 'stored', id: ID },
  { t: 'delivered', by: 'bob', ids: [ID] },
  { t: 'pong' },
  { t: 'signal', from: 'bob', data: '{}' },
  { t: 'file_stored', to: 'bob', fileId: 'cd'.repeat(16) },
  { t: 'scheduled', id: ID, at: 1_800_000_000_000 },
  { t: 'unscheduled', id: ID, sent: true },
];

/** Decodes and insists on failure with `code`. */
function refused(text: string, code: 'bad_frame' | 'unknown_type' = 'bad_frame'): string {
  const d = decodeClientFrame(text);
  expect(d.ok, `expected ${text.slice(0, 80)} to be refused`).toBe(false);
  if (d.ok) throw new Error('unreachable');
  expect(d.code).toBe(code);
  return d.message;
}

function accepted(text: string): ClientFrame {
  const d = decodeClientFrame(text);
  if (!d.ok) throw new Error(`expected ${text.slice(0, 80)} to decode, got ${d.code}: ${d.message}`);
  return d.frame;
}

describe('decodeClientFrame: valid frames', () => {
  it.each(validClientFrames.map((f) => [f.t, f] as const))('decodes %s and round-trips through encodeFrame', (_t, frame) => {
    expect(accepted(encodeFrame(frame))).toEqual(frame);
  });

  it('lets a badly formed claimed username through, so the server can answer bad_username', () => {
    expect(accepted(JSON.stringify({ t: 'login', username: 'Not Valid!', sig: SIG }))).toMatchObject({ username: 'Not Valid!' });
  });
});

describe('decodeClientFrame: malformed input', () => {
  it.each([
    ['empty', ''],
    ['plain text', 'hello'],
    ['truncated JSON', '{"t":"ping"'],
    ['single quotes', "{'t':'ping'}"],
    ['trailing garbage', '{"t":"ping"} x'],
  ])('refuses %s as not JSON', (_name, text) => {
    expect(refused(text)).toMatch(/not JSON/);
  });

  it.each([
    ['an array', '[{"t":"ping"}]'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"ping"'],
    ['a boolean', 'true'],
  ])('refuses %s as not an object', (_name, text) => {
    expect(refused(text)).toMatch(/not a JSON object/);
  });

  it.each([
    ['missing t', '{}'],
    ['unknown t', '{"t":"launch_missiles"}'],
    ['numeric t', '{"t":1}'],
    ['object t', '{"t":{"t":"ping"}}'],
    ['a server type sent by a client', '{"t":"welcome"}'],
    ['t = __proto__', '{"t":"__proto__"}'],
    ['t = constructor', '{"t":"constructor"}'],
    ['t = toString', '{"t":"toString"}'],
    ['t = hasOwnProperty', '{"t":"hasOwnProperty"}'],
  ])('refuses %s as unknown_type', (_name, text) => {
    refused(text, 'unknown_type');
  });

  it('truncates a huge unknown type in the message it returns', () => {
    const message = refused(JSON.stringify({ t: 'x'.repeat(100_000) }), 'unknown_type');
    expect(message.length).toBeLessThan(100);
  });

  it.each([
    ['accept as a string', { t: 'contact_respond', from: 'bob', accept: 'yes' }],
    ['ids as a string', { t: 'ack', from: 'bob', ids: ID }],
    ['empty ids', { t: 'ack', from: 'bob', ids: [] }],
    ['too many ids', { t: 'ack', from: 'bob', ids: Array.from({ length: LIMITS.maxAckBatch + 1 }, (_, i) => `message-${i}`) }],
    ['an id too short', { t: 'send', to: 'bob', id: 'short', env: 'abc' }],
    ['an id with a slash', { t: 'send', to: 'bob', id: '../../etc/passwd', env: 'abc' }],
    ['an envelope that is not base64url', { t: 'send', to: 'bob', id: ID, env: 'hello world' }],
    ['an empty envelope', { t: 'send', to: 'bob', id: ID, env: '' }],
    ['a numeric envelope', { t: 'send', to: 'bob', id: ID, env: 12345 }],
    ['a recipient that is no username', { t: 'send', to: 'Bob Smith', id: ID, env: 'abc' }],
    ['missing fields', { t: 'send', to: 'bob' }],
    ['a short signature', { t: 'login', username: 'alice', sig: SIG.slice(1) }],
    ['a signature with bad characters', { t: 'login', username: 'alice', sig: `${SIG.slice(1)}+` }],
    ['an identity key of the wrong length', { t: 'register', username: 'alice', identityKey: `${KEY}AA`, sig: SIG }],
    ['a claimed username over 64 chars', { t: 'login', username: 'a'.repeat(65), sig: SIG }],
    ['an empty claimed username', { t: 'contact_request', to: '' }],
    ['null fields', { t: 'contact_request', to: null }],
  ])('refuses %s as bad_frame', (_name, frame) => {
    expect(refused(JSON.stringify(frame))).toMatch(/^invalid /);
  });

  it('refuses an envelope over the limit, and a huge one quickly', () => {
    refused(JSON.stringify({ t: 'send', to: 'bob', id: ID, env: 'a'.repeat(LIMITS.maxEnvelopeChars + 1) }));
    // "Quickly": in about the time parsing the text takes, not the many times more a validator
    // scanning 8 MiB with its patterns would. Side by side, so a busy machine slows both.
    const huge = JSON.stringify({ t: 'send', to: 'bob', id: ID, env: 'a'.repeat(8 * 1024 * 1024) });
    const time = (fn: () => unknown) => {
      const started = performance.now();
      fn();
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    const parse = median([0, 1, 2].map(() => time(() => JSON.parse(huge))));
    const refuse = median([0, 1, 2].map(() => time(() => refused(huge))));
    expect(refuse).toBeLessThan(5 * parse + 50);
  });

  it('accepts an envelope exactly at the limit', () => {
    accepted(JSON.stringify({ t: 'send', to: 'bob', id: ID, env: 'a'.repeat(LIMITS.maxEnvelopeChars) }));
  });

  it('survives deeply nested junk in an ignored field', () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const d = decodeClientFrame(`{"t":"ping","junk":${deep}}`);
    // Either refused (parser depth) or decoded without the junk: never a throw.
    if (d.ok) expect(d.frame).toEqual({ t: 'ping' });
  });
});

describe('decodeClientFrame: hostile keys and extra fields', () => {
  it('strips a forged `from` on send', () => {
    const frame = accepted(JSON.stringify({ t: 'send', to: 'bob', id: ID, env: 'abc', from: 'mallory' }));
    expect(frame).toEqual({ t: 'send', to: 'bob', id: ID, env: 'abc' });
    expect('from' in frame).toBe(false);
  });

  it('strips any unknown field', () => {
    expect(accepted('{"t":"ping","admin":true,"username":"root"}')).toEqual({ t: 'ping' });
  });

  it('does not let __proto__ pollute Object.prototype or the decoded frame', () => {
    const text = '{"t":"send","to":"bob","id":"' + ID + '","env":"abc","__proto__":{"polluted":"yes","from":"mallory"}}';
    const frame = accepted(text);
    expect(Object.getPrototypeOf(frame)).toBe(Object.prototype);
    expect((frame as Record<string, unknown>).polluted).toBeUndefined();
    expect((frame as Record<string, unknown>).from).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not let a __proto__ key supply the frame type', () => {
    refused('{"__proto__":{"t":"ping"}}', 'unknown_type');
  });

  it('does not let constructor.prototype pollute', () => {
    accepted('{"t":"ping","constructor":{"prototype":{"polluted":"yes"}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('decodeClientFrame never throws', () => {
  it('survives thousands of mutated frames', () => {
    // A deterministic PRNG so a failure reproduces.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = '{}[]":,\\tnulfrs0123456789 _-abcdef\u0000\u2028';
    const bases = validClientFrames.map((f) => encodeFrame(f));
    for (let i = 0; i < 5000; i++) {
      const chars = [...bases[rand(bases.length)]!];
      for (let m = 1 + rand(4); m > 0; m--) {
        const at = rand(chars.length + 1);
        const op = rand(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[rand(alphabet.length)]!);
        else chars[at] = alphabet[rand(alphabet.length)]!;
      }
      const text = chars.join('');
      expect(() => decodeClientFrame(text)).not.toThrow();
      const d = decodeClientFrame(text);
      if (!d.ok) expect(['bad_frame', 'unknown_type']).toContain(d.code);
    }
  });
});

describe('decodeServerFrame', () => {
  it.each(validServerFrames.map((f) => [f.t, f] as const))('decodes %s', (_t, frame) => {
    const d = decodeServerFrame(encodeFrame(frame));
    expect(d).toEqual({ ok: true, frame });
  });

  it('refuses an error code the protocol does not define', () => {
    const d = decodeServerFrame(JSON.stringify({ t: 'error', code: 'oops', message: 'x' }));
    expect(d).toMatchObject({ ok: false, code: 'bad_frame' });
  });

  it('refuses a client frame type', () => {
    expect(decodeServerFrame('{"t":"send"}')).toMatchObject({ ok: false, code: 'unknown_type' });
  });

  it('refuses a welcome whose contact has a malformed key', () => {
    const bad = { ...validServerFrames[1], contacts: [{ username: 'bob', identityKey: 'short', online: true }] };
    expect(decodeServerFrame(JSON.stringify(bad))).toMatchObject({ ok: false, code: 'bad_frame' });
  });
});

describe('encodeFrame', () => {
  it.each([
    { t: 'deliver' as const, from: 'alice', id: ID, env: 'abc_DEF-123', ts: 1_700_000_000_123 },
    { t: 'deliver' as const, from: 'a-b_c', id: 'x'.repeat(64), env: 'A'.repeat(LIMITS.maxEnvelopeChars), ts: 0 },
    { t: 'deliver' as const, from: 'bob', id: ID, env: 'e', ts: 12.5 },
  ])('writes deliver as the same JSON as JSON.stringify ($from, ts $ts)', (frame) => {
    expect(encodeFrame(frame)).toBe(JSON.stringify(frame));
    expect(decodeServerFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
  });

  it('never writes broken JSON for a deliver whose fields would need escaping', () => {
    const hostile = [
      { t: 'deliver' as const, from: 'al"ice', id: ID, env: 'abc', ts: 1 },
      { t: 'deliver' as const, from: 'alice', id: 'a\\b', env: 'abc', ts: 1 },
      { t: 'deliver' as const, from: 'alice', id: ID, env: 'x","from":"mallory', ts: 1 },
      { t: 'deliver' as const, from: 'alice', id: ID, env: '\u2028\n', ts: 1 },
      { t: 'deliver' as const, from: 'alice', id: ID, env: 'abc', ts: Number.NaN },
    ];
    for (const frame of hostile) {
      const text = encodeFrame(frame);
      expect(text).toBe(JSON.stringify(frame));
      expect(JSON.parse(text).from).toBe(frame.from);
    }
  });
});

describe('authMessage', () => {
  it('is domain-separated and binds the nonce and the username', () => {
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(text(authMessage('n1', 'alice'))).toBe('parley-auth-v1\nn1\nalice');
    expect(text(authMessage('n1', 'alice'))).not.toBe(text(authMessage('n2', 'alice')));
    expect(text(authMessage('n1', 'alice'))).not.toBe(text(authMessage('n1', 'alicf')));
  });
});

describe('base64url values', () => {
  const key = (last: string) => 'A'.repeat(42) + last;
  it('accept only the canonical spelling (the unused bits of the last character zero)', () => {
    // 32 bytes in 43 characters leave 2 bits unused: A (0), E (4), … pass; B (1) or D (3) must not.
    expect(PublicKey.safeParse(key('A')).success).toBe(true);
    expect(PublicKey.safeParse(key('E')).success).toBe(true);
    expect(PublicKey.safeParse(key('B')).success).toBe(false);
    expect(PublicKey.safeParse(key('D')).success).toBe(false);
    // 64 bytes in 86 characters leave 4 bits: only A, Q, g, w end a signature.
    const sig = (last: string) => 'A'.repeat(85) + last;
    expect(['A', 'Q', 'g', 'w'].map((c) => Signature.safeParse(sig(c)).success)).toEqual([true, true, true, true]);
    expect(['B', 'P', 'h', '_'].map((c) => Signature.safeParse(sig(c)).success)).toEqual([false, false, false, false]);
    const frame = decodeClientFrame(JSON.stringify({ t: 'register', username: 'alice', identityKey: key('B'), sig: sig('A') }));
    expect(frame).toMatchObject({ ok: false, code: 'bad_frame' });
  });
});
