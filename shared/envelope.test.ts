import { beforeAll, describe, expect, it } from 'vitest';
import { type Body, type EnvelopeHeader, MAX_TIMESTAMP_MS, type SeenIds, openEnvelope, sealEnvelope } from './envelope';
import { type Identity, generateKeyPair } from './identity';
import { LIMITS } from './limits';
import { type Sodium, fromB64, loadSodium, toB64 } from './sodium';

let s: Sodium;
let alice: Identity;
let bob: Identity;
let mallory: Identity;

const none: SeenIds = { has: () => false };
const header: EnvelopeHeader = { from: 'alice', to: 'bob', id: 'msg-00000001' };
const body: Body = { kind: 'text', text: 'meet me at the usual place ☕' };

beforeAll(async () => {
  s = await loadSodium();
  alice = { username: 'alice', ...generateKeyPair(s) };
  bob = { username: 'bob', ...generateKeyPair(s) };
  mallory = { username: 'mallory', ...generateKeyPair(s) };
});

const seal = (h = header, b = body, from = alice, to = bob, now?: number) => sealEnvelope(s, h, b, from.secretKey, to.publicKey, now);

/** Flips one bit of the decoded envelope at `index` (negative counts from the end). */
function flipByte(env: string, index: number): string {
  const bytes = fromB64(s, env);
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = bytes[at]! ^ 0x01;
  return toB64(s, bytes);
}

describe('sealEnvelope / openEnvelope', () => {
  it('round-trips a text message with its timestamp', async () => {
    const env = seal(header, body, alice, bob, 1_700_000_000_000);
    expect(env).toMatch(/^[A-Za-z0-9_-]+$/);
    const result = await openEnvelope(s, env, header, alice.publicKey, bob.secretKey, none);
    expect(result).toEqual({ ok: true, value: { ts: 1_700_000_000_000, body } });
  });

  it('hides the plaintext and uses a fresh nonce each time', () => {
    const a = seal();
    const b = seal();
    expect(a).not.toBe(b);
    expect(a.slice(0, 32)).not.toBe(b.slice(0, 32)); // the nonce prefix
    const raw = Buffer.from(fromB64(s, a)).toString('latin1');
    expect(raw).not.toContain('usual place');
    expect(raw).not.toContain('alice');
  });

  it.each([
    ['the first nonce byte', 0],
    ['a MAC byte', 24],
    ['a ciphertext byte', 40],
    ['the last byte', -1],
  ])('reports tampered when %s is flipped', async (_what, index) => {
    const result = await openEnvelope(s, flipByte(seal(), index), header, alice.publicKey, bob.secretKey, none);
    expect(result).toEqual({ ok: false, reason: 'tampered' });
  });

  it('reports tampered for a truncated, empty or non-base64 envelope', async () => {
    const env = seal();
    for (const bad of [env.slice(0, -4), env.slice(0, 20), '', 'not base64!!']) {
      expect(await openEnvelope(s, bad, header, alice.publicKey, bob.secretKey, none)).toEqual({ ok: false, reason: 'tampered' });
    }
  });

  it('reports tampered when opened with the wrong sender key', async () => {
    const result = await openEnvelope(s, seal(), header, mallory.publicKey, bob.secretKey, none);
    expect(result).toEqual({ ok: false, reason: 'tampered' });
  });

  it('reports tampered when someone else seals in the sender’s name', async () => {
    // Mallory knows Bob's public key and writes "from: alice" inside: Bob checks against Alice's key.
    const forged = seal(header, body, mallory, bob);
    expect(await openEnvelope(s, forged, header, alice.publicKey, bob.secretKey, none)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('reports tampered for a recipient it was not sealed to', async () => {
    const result = await openEnvelope(s, seal(), { ...header, to: 'mallory' }, alice.publicKey, mallory.secretKey, none);
    expect(result).toEqual({ ok: false, reason: 'tampered' });
  });

  it('reports tampered when the sealed content is not a valid message', async () => {
    const empty = sealEnvelope(s, header, { kind: 'text', text: '' }, alice.secretKey, bob.publicKey);
    expect(await openEnvelope(s, empty, header, alice.publicKey, bob.secretKey, none)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuses a text longer than LIMITS.maxTextChars as tampered, as reply and edit are (the receiver enforces it)', async () => {
    const open = (text: string) =>
      openEnvelope(s, sealEnvelope(s, header, { kind: 'text', text }, alice.secretKey, bob.publicKey, 1), header, alice.publicKey, bob.secretKey, none);
    expect(await open('x'.repeat(LIMITS.maxTextChars))).toMatchObject({ ok: true });
    expect(await open('x'.repeat(LIMITS.maxTextChars + 1))).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuses as tampered a ts no Date can hold, a negative or a fractional one (review H2)', async () => {
    const open = (ts: number) => openEnvelope(s, seal(header, body, alice, bob, ts), header, alice.publicKey, bob.secretKey, none);
    for (const bad of [1e20, MAX_TIMESTAMP_MS + 1, -1, 1.5]) expect(await open(bad)).toEqual({ ok: false, reason: 'tampered' });
    expect(await open(MAX_TIMESTAMP_MS)).toEqual({ ok: true, value: { ts: MAX_TIMESTAMP_MS, body } });
    expect(await open(0)).toMatchObject({ ok: true });
  });

  it('opens a body of a kind it does not know (a newer client’s) as unsupported, naming the kind', async () => {
    const newer = sealEnvelope(s, header, { kind: 'sticker', pack: 'cats', n: 3 } as never, alice.secretKey, bob.publicKey, 5);
    expect(await openEnvelope(s, newer, header, alice.publicKey, bob.secretKey, none)).toEqual({
      ok: true,
      value: { ts: 5, body: { kind: 'unsupported', sentKind: 'sticker' } },
    });
  });

  it('a known kind with an invalid field is tampered, not unsupported: a reaction without a target, a delete of a bad id', async () => {
    for (const bad of [{ kind: 'reaction', emoji: '👍' }, { kind: 'delete', target: 'no spaces allowed' }, { kind: 'file', name: 'x' }]) {
      const env = sealEnvelope(s, header, bad as never, alice.secretKey, bob.publicKey);
      expect(await openEnvelope(s, env, header, alice.publicKey, bob.secretKey, none)).toEqual({ ok: false, reason: 'tampered' });
    }
  });

  it('round-trips the modifier bodies: a reaction (and its removal) and a delete', async () => {
    for (const b of [
      { kind: 'reaction', target: 'msg-00000009', emoji: '👍🏽' },
      { kind: 'reaction', target: 'msg-00000009', emoji: '👍🏽', remove: true },
      { kind: 'delete', target: 'msg-00000009' },
    ] satisfies Body[]) {
      const result = await openEnvelope(s, sealEnvelope(s, header, b, alice.secretKey, bob.publicKey, 7), header, alice.publicKey, bob.secretKey, none);
      expect(result).toEqual({ ok: true, value: { ts: 7, body: b } });
    }
  });

  it.each([
    ['a different id', { ...header, id: 'msg-00000002' }],
    ['a different recipient', { ...header, to: 'carol' }],
    ['a different sender name', { ...header, from: 'alice2' }],
  ])('reports mismatch when the outer header carries %s', async (_what, outer) => {
    expect(await openEnvelope(s, seal(), outer, alice.publicKey, bob.secretKey, none)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reports mismatch when a message is reflected back to its sender with from/to swapped', async () => {
    // crypto_box keys are symmetric: Alice can decrypt her own message to Bob, so only the sealed header catches this.
    const reflected = await openEnvelope(s, seal(), { ...header, from: 'bob', to: 'alice' }, bob.publicKey, alice.secretKey, none);
    expect(reflected).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reports replay for an id already seen from that sender, sync or async', async () => {
    const env = seal();
    const seen = new Set<string>();
    const sync: SeenIds = { has: (from, id) => seen.has(`${from}/${id}`) };
    const async: SeenIds = { has: async (from, id) => seen.has(`${from}/${id}`) };
    expect((await openEnvelope(s, env, header, alice.publicKey, bob.secretKey, sync)).ok).toBe(true);
    seen.add('alice/msg-00000001');
    expect(await openEnvelope(s, env, header, alice.publicKey, bob.secretKey, sync)).toEqual({ ok: false, reason: 'replay' });
    expect(await openEnvelope(s, env, header, alice.publicKey, bob.secretKey, async)).toEqual({ ok: false, reason: 'replay' });
  });

  it('asks the seen set about the sealed sender and id', async () => {
    const asked: string[] = [];
    await openEnvelope(s, seal(), header, alice.publicKey, bob.secretKey, { has: (from, id) => (asked.push(`${from}/${id}`), false) });
    expect(asked).toEqual(['alice/msg-00000001']);
  });
});
