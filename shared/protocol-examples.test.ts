/**
 * The worked examples in PROTOCOL.md and SECURITY.md, recomputed with the project's own code: the
 * login signature, a sealed envelope, a safety number and a file chunk. Another client is written
 * from those pages; if the code changes a byte of any construction, or a page's example is edited,
 * this fails, so the pages cannot drift from what the app does.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openEnvelope, sealEnvelope } from './envelope';
import { chunkCount, openChunk, sealChunk, sealedChunkBytes } from './file-chunks';
import { signChallenge } from './identity';
import { authMessage } from './protocol';
import { safetyNumber } from './safety-number';
import { type Sodium, fromB64, loadSodium, toB64 } from './sodium';

const page = (name: string) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
const PROTOCOL = page('PROTOCOL.md');
const SECURITY = page('SECURITY.md');

/** `n` bytes counting up from `first`: 0x01, 0x02, … */
const run = (first: number, n: number) => Uint8Array.from({ length: n }, (_, i) => first + i);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// The values the pages print. Each is checked twice: recomputed here, and present in its page.
const ALICE_SEED = '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20';
const BOB_SEED = '2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40';
const ALICE_KEY = 'ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ';
const ALICE_KEY_HEX = '79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664';
const BOB_KEY = '5_FioQvsVZr-oZXk3OhLaVaNXSywlj60RsBoXisX8vA';
const BOB_KEY_HEX = 'e7f162a10bec559afea195e4dce84b69568d5d2cb0963eb446c0685e2b17f2f0';

const NONCE = 'oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8';
const AUTH_BYTES =
  '7061726c65792d617574682d76310a6f4b47696f36536c7071656f71617172724b32757237437873724f3074626133754c6d36753779397672380a616c696365';
const AUTH_SIG = 'RQbTOSvBs-Wb4oM63F7NBuaDBe9iEr9vwIuEFYm8164Q3yfuOj3AWPuuZQL62DxbweBSHwBgzYsS5Qkgyrq7Ag';

const ALICE_X25519 = '4a3807d064d077181cc070989e76891d20dca5559548dc2c77c1a50273882b38';
const BOB_X25519 = '577faef0060dfd00c039272bc6fe7c42689ce16db47b6fc2aa41d19819ffa936';
const ENV_NONCE = '000102030405060708090a0b0c0d0e0f1011121314151617';
const ENV_PLAIN = '{"v":1,"from":"alice","to":"bob","id":"msg-00000001","ts":1700000000000,"body":{"kind":"text","text":"hi"}}';
const ENV =
  'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXun2iM1AQowAWDYOBtwpnEqkWI3GrURrwPqoItV84qket1aI-uxRWgDTtq9xWK08Iy_fysla-M14cUjeN6IIqL0ELLfgjtgnZXjFAyrWb2zViAs47RIVJCwnKV2S2h5Smk1VaaT3ffplEp5SqnFrUetaXVle5NNk38NXE';

const SAFETY_DIGEST =
  '0a36a77cbef340483153ae97c1cdf8816a42b51c5cb8b942bb1ed093741cc7db4de23bd45850b4d179c2f3c890d71e4e8e40534488e13e45b49e9beab0370a4a';
const SAFETY_NUMBER = '19070 25971 70296 37820 40219 43324 06395 50929 99312 33344 06814 36906';

const FILE_ID = '00112233445566778899aabbccddeeff';
const FILE_KEY = '404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f';
const FILE_KEY_B64 = 'QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8';
const HELLO_SHA256 = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const CHUNK_NONCE = '606162636465666768696a6b6c6d6e6f7071727374757677';
const CHUNK_AD = '7061726c65792d66696c652d763100112233445566778899aabbccddeeff0000000000000001';
const CHUNK_WIRE =
  '00112233445566778899aabbccddeeff00000000606162636465666768696a6b6c6d6e6f7071727374757677fd1b9f091cb30d8457c28abf4175ffd96313bc75b8';

let s: Sodium;
let alice: { publicKey: Uint8Array; privateKey: Uint8Array };
let bob: { publicKey: Uint8Array; privateKey: Uint8Array };

beforeAll(async () => {
  s = await loadSodium();
  alice = s.crypto_sign_seed_keypair(s.from_hex(ALICE_SEED));
  bob = s.crypto_sign_seed_keypair(s.from_hex(BOB_SEED));
});

afterEach(() => vi.restoreAllMocks());

/**
 * Makes the next random nonce the project's code asks libsodium for the documented one. (The
 * typings' last overload returns a string, for the hex output format; the code asks for bytes.)
 */
const fixNonce = (nonceHex: string) => vi.spyOn(s, 'randombytes_buf').mockReturnValueOnce(s.from_hex(nonceHex) as unknown as string);

describe('the worked examples in PROTOCOL.md and SECURITY.md', () => {
  it('test keys: seeds 0x01…0x20 and 0x21…0x40 give the printed public keys', () => {
    expect(ALICE_SEED).toBe(hex(run(0x01, 32)));
    expect(BOB_SEED).toBe(hex(run(0x21, 32)));
    expect([toB64(s, alice.publicKey), hex(alice.publicKey)]).toEqual([ALICE_KEY, ALICE_KEY_HEX]);
    expect([toB64(s, bob.publicKey), hex(bob.publicKey)]).toEqual([BOB_KEY, BOB_KEY_HEX]);
    for (const value of [ALICE_SEED, ALICE_KEY, BOB_SEED, BOB_KEY_HEX]) expect(SECURITY).toContain(value);
    for (const value of [ALICE_SEED, ALICE_KEY]) expect(PROTOCOL).toContain(value);
  });

  it('login: the signed bytes are the nonce as base64url text, and the signature verifies as the server checks it', () => {
    expect(NONCE).toBe(toB64(s, run(0xa0, 32)));
    expect(hex(authMessage(NONCE, 'alice'))).toBe(AUTH_BYTES);
    expect(Buffer.from(AUTH_BYTES, 'hex').toString('utf8')).toBe(`parley-auth-v1\n${NONCE}\nalice`);
    expect(signChallenge(s, alice.privateKey, NONCE, 'alice')).toBe(AUTH_SIG);
    // The server's check (signaling/handlers/auth.ts): Node's Ed25519 with the key as a JWK.
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: ALICE_KEY }, format: 'jwk' });
    expect(verify(null, Buffer.from(AUTH_BYTES, 'hex'), key, Buffer.from(AUTH_SIG, 'base64url'))).toBe(true);
    // The raw nonce bytes in its place are a different message: that signature does not verify.
    const rawNonce = Buffer.concat([Buffer.from('parley-auth-v1\n'), run(0xa0, 32), Buffer.from('\nalice')]);
    expect(verify(null, rawNonce, key, Buffer.from(AUTH_SIG, 'base64url'))).toBe(false);
    for (const value of [NONCE, AUTH_BYTES, AUTH_SIG]) expect(PROTOCOL).toContain(value);
  });

  it('envelope: Alice seals "hi" to Bob with the printed nonce and gets the printed envelope, which Bob opens', async () => {
    expect(hex(s.crypto_sign_ed25519_pk_to_curve25519(alice.publicKey))).toBe(ALICE_X25519);
    expect(hex(s.crypto_sign_ed25519_pk_to_curve25519(bob.publicKey))).toBe(BOB_X25519);
    expect(hex(s.crypto_scalarmult_base(s.crypto_sign_ed25519_sk_to_curve25519(bob.privateKey)))).toBe(BOB_X25519);
    const header = { from: 'alice', to: 'bob', id: 'msg-00000001' };
    fixNonce(ENV_NONCE);
    const env = sealEnvelope(s, header, { kind: 'text', text: 'hi' }, alice.privateKey, bob.publicKey, 1_700_000_000_000);
    expect(env).toBe(ENV);
    const bytes = fromB64(s, ENV);
    expect(hex(bytes.subarray(0, 24))).toBe(ENV_NONCE);
    expect(bytes.length).toBe(24 + 16 + ENV_PLAIN.length);
    const bobX25519Secret = s.crypto_sign_ed25519_sk_to_curve25519(bob.privateKey);
    const plain = s.crypto_box_open_easy(bytes.subarray(24), bytes.subarray(0, 24), s.from_hex(ALICE_X25519), bobX25519Secret);
    expect(s.to_string(plain)).toBe(ENV_PLAIN);
    const opened = await openEnvelope(s, ENV, header, alice.publicKey, bob.privateKey, { has: () => false });
    expect(opened).toEqual({ ok: true, value: { ts: 1_700_000_000_000, body: { kind: 'text', text: 'hi' } } });
    for (const value of [ALICE_X25519, BOB_X25519, ENV_NONCE, ENV_PLAIN, ENV]) expect(SECURITY).toContain(value);
  });

  it('safety number: BLAKE2b-512 over the tag and the raw keys, lower first, twelve big-endian 5-byte slices', () => {
    expect(Buffer.compare(Buffer.from(alice.publicKey), Buffer.from(bob.publicKey))).toBeLessThan(0); // Alice's key sorts first
    const digest = createHash('blake2b512').update('parley-safety-number-v1').update(alice.publicKey).update(bob.publicKey).digest();
    expect(digest.toString('hex')).toBe(SAFETY_DIGEST);
    expect(String(digest.readUIntBE(0, 5) % 100000).padStart(5, '0')).toBe('19070');
    expect(safetyNumber(s, alice.publicKey, bob.publicKey).join(' ')).toBe(SAFETY_NUMBER);
    expect(safetyNumber(s, bob.publicKey, alice.publicKey).join(' ')).toBe(SAFETY_NUMBER);
    for (const value of [SAFETY_DIGEST, SAFETY_NUMBER]) expect(SECURITY).toContain(value);
  });

  it('file chunk: chunk 0 of 1 of a 5-byte file, sealed with the printed key, nonce and associated data', () => {
    const fileId = s.from_hex(FILE_ID);
    const key = s.from_hex(FILE_KEY);
    expect(toB64(s, key)).toBe(FILE_KEY_B64);
    expect(Buffer.from(CHUNK_AD, 'hex').subarray(0, 14).toString('utf8')).toBe('parley-file-v1');
    fixNonce(CHUNK_NONCE);
    const wire = sealChunk(s, key, fileId, 0, chunkCount(5), new TextEncoder().encode('hello'));
    expect(hex(wire)).toBe(CHUNK_WIRE);
    // The printed associated data is what the chunk was sealed with: libsodium opens it with that and nothing else.
    const sealed = wire.subarray(16 + 4 + 24);
    const open = (ad: string) => s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, s.from_hex(ad), s.from_hex(CHUNK_NONCE), key);
    expect(s.to_string(open(CHUNK_AD))).toBe('hello');
    expect(() => open(CHUNK_AD.slice(0, -2) + '02')).toThrow(); // the same chunk claimed as one of two
    expect(s.to_string(openChunk(s, key, fileId, 1, wire)!.plain)).toBe('hello');
    expect(createHash('sha256').update('hello').digest('hex')).toBe(HELLO_SHA256);
    for (const value of [FILE_ID, FILE_KEY, FILE_KEY_B64, HELLO_SHA256, CHUNK_NONCE, CHUNK_AD, CHUNK_WIRE]) expect(SECURITY).toContain(value);
    // PROTOCOL.md's example offer is this file's.
    for (const value of [FILE_ID, FILE_KEY_B64, HELLO_SHA256]) expect(PROTOCOL).toContain(value);
  });

  it('an empty file is one chunk of no plaintext: 60 bytes sealed', () => {
    expect(chunkCount(0)).toBe(1);
    expect(chunkCount(65_536)).toBe(1);
    expect(chunkCount(65_537)).toBe(2);
    const key = s.randombytes_buf(32);
    const fileId = s.randombytes_buf(16);
    const wire = sealChunk(s, key, fileId, 0, 1, new Uint8Array(0));
    expect(wire.length).toBe(sealedChunkBytes(0));
    expect(wire.length).toBe(60);
    expect(openChunk(s, key, fileId, 1, wire)?.plain.length).toBe(0);
  });
});
