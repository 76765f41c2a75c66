import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits';
import { ClientFrame, decodeClientFrame } from './protocol';
import { acceptsHot } from './protocol-hot';

const ID = '0b6e1c1e-5a4c-4f0b-9c55-2f1f4f7d2a10';

/** Values a hostile or buggy client might put in any field. */
const ODD: unknown[] = [
  undefined, null, true, 0, -1, 1, 1.5, 2 ** 53, 1e300, '', 'a', 'bob', 'Bob', 'b o', 'ab', 'a'.repeat(32), 'a'.repeat(33),
  'x'.repeat(7), 'x'.repeat(8), 'x'.repeat(64), 'x'.repeat(65), 'é'.repeat(10), '😀'.repeat(8), 'abc\n', 'abc=', ID, [], [ID], {}, { t: 'send' },
  LIMITS.maxSendTtlSeconds, LIMITS.maxSendTtlSeconds + 1, 'x'.repeat(LIMITS.maxEnvelopeChars), 'x'.repeat(LIMITS.maxEnvelopeChars + 1),
];
const BATCHES: unknown[] = [[], [ID], [ID, ID], Array(LIMITS.maxAckBatch).fill(ID), Array(LIMITS.maxAckBatch + 1).fill(ID), [ID, 'short'], [ID, 5], 'ids', null, [[ID]]];

const BASE: Record<string, Record<string, unknown>> = {
  send: { t: 'send', to: 'bob', id: ID, env: 'abc_DEF-123' },
  ack: { t: 'ack', from: 'bob', ids: [ID] },
  refuse: { t: 'refuse', from: 'bob', ids: [ID] },
  receipt_ack: { t: 'receipt_ack', by: 'bob', ids: [ID] },
  ping: { t: 'ping' },
};

/** The base frame, every field set to every odd value (and removed), an extra key, and `ttl`. */
function variants(base: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [base, { ...base, extra: 1 }, { ...base, ttl: 60 }, JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(base).slice(1)}`)];
  for (const key of [...Object.keys(base).filter((k) => k !== 't'), 'ttl']) {
    for (const v of key === 'ids' ? [...BATCHES, ...ODD] : ODD) out.push({ ...base, [key]: v });
    const without = { ...base };
    delete without[key];
    out.push(without);
  }
  return out;
}

describe('hot frame checks (protocol-hot.ts)', () => {
  it('accept only what the schema accepts, and the schema returns the same frame', () => {
    let accepted = 0;
    for (const [t, base] of Object.entries(BASE)) {
      for (const v of variants(base)) {
        const raw = JSON.parse(JSON.stringify(v)) as object; // as the server sees it: parsed JSON
        const schema = ClientFrame.safeParse(raw);
        if (acceptsHot(t, raw)) {
          accepted++;
          expect(schema.success, JSON.stringify(v).slice(0, 200)).toBe(true);
          expect(schema.data).toEqual(raw);
        }
        // Through the decoder either way: the same verdict as the schema alone.
        const decoded = decodeClientFrame(JSON.stringify(v));
        expect(decoded.ok, JSON.stringify(v).slice(0, 200)).toBe(schema.success);
        if (decoded.ok && schema.success) expect(decoded.frame).toEqual(schema.data);
      }
    }
    expect(accepted).toBeGreaterThan(20);
  });

  it('take the ordinary frames of the relay without the schema', () => {
    for (const [t, base] of Object.entries(BASE)) expect(acceptsHot(t, base)).toBe(true);
    expect(acceptsHot('send', { ...BASE.send, ttl: LIMITS.maxSendTtlSeconds })).toBe(true);
    expect(acceptsHot('ack', { ...BASE.ack, ids: Array(LIMITS.maxAckBatch).fill(ID) })).toBe(true);
  });

  it('leave other frame types, and inherited names, to the schema', () => {
    expect(acceptsHot('login', { t: 'login', username: 'bob', sig: 'x' })).toBe(false);
    expect(acceptsHot('toString', { t: 'toString' })).toBe(false);
    expect(acceptsHot('__proto__', { t: '__proto__' })).toBe(false);
  });

  it('refuse what the schema refuses, with its message', () => {
    const d = decodeClientFrame('{"t":"send","to":"bob","id":"x","env":"!"}');
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.message).toMatch(/^invalid send: id/);
  });
});
