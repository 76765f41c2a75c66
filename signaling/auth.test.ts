import { describe, expect, it } from 'vitest';
import { publicKeyB64, signChallenge } from '../shared/identity';
import { CloseCode, PROTOCOL_VERSION } from '../shared/protocol';
import { HandshakeRefused, ParleyClient, makeContacts, newIdentity, uniqueName } from './test-support/client';
import { useServer } from './test-support/harness';

const h = useServer();

async function refusedStatus(connecting: Promise<unknown>): Promise<number> {
  const err = await connecting.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HandshakeRefused);
  return (err as HandshakeRefused).status;
}

describe('registration and login by signature', () => {
  it('registers a user, then logs them in on a new connection', async () => {
    const identity = await newIdentity(uniqueName('alice'));
    const first = await h.connect();
    const welcome = await first.register(identity);
    expect(welcome).toEqual({
      t: 'welcome',
      username: identity.username,
      identityKey: publicKeyB64(first.sodium, identity),
      contacts: [],
      incoming: [],
      outgoing: [],
      iceServers: [], // none configured: host candidates only
      offlineFileMaxBytes: 25 * 1024 * 1024, // the default limit for a file kept for an offline contact
      blocks: [],
    });
    await first.close();
    const again = await h.login(identity);
    await again.roundTrip();
  });

  it('issues a fresh challenge on every connection', async () => {
    const [a, b] = await Promise.all([h.connect(), h.connect()]);
    const [ca, cb] = await Promise.all([a.next('challenge'), b.next('challenge')]);
    expect(ca.nonce).not.toBe(cb.nonce);
  });

  it('refuses a login signed with the wrong key (bad_signature), then accepts the right one', async () => {
    const alice = (await h.user('alice')).identity!;
    const imposter = await newIdentity(alice.username);
    const c = await h.connect();
    expect(await c.tryAuth('login', imposter)).toMatchObject({ t: 'error', code: 'bad_signature' });
    // The failed attempt is answered with a new challenge; the real key still gets in.
    expect(await c.tryAuth('login', alice)).toMatchObject({ t: 'welcome', username: alice.username });
  });

  it('refuses a registration whose signature is not by the key it registers', async () => {
    const name = uniqueName('carol');
    const real = await newIdentity(name);
    const other = await newIdentity(name);
    const c = await h.connect();
    const challenge = await c.next('challenge');
    const sig = signChallenge(c.sodium, other.secretKey, challenge.nonce, name);
    c.send({ t: 'register', v: PROTOCOL_VERSION, username: name, identityKey: publicKeyB64(c.sodium, real), sig });
    expect((await c.next('error')).code).toBe('bad_signature');
    // Nothing was created: the name is still free.
    expect(await c.tryAuth('register', real)).toMatchObject({ t: 'welcome' });
  });

  it('refuses a signature over another connection’s challenge (replay)', async () => {
    const alice = (await h.user('alice')).identity!;
    const a = await h.connect();
    const b = await h.connect();
    await b.next('challenge');
    const challenge = await a.next('challenge');
    const loginFrame = { t: 'login' as const, v: PROTOCOL_VERSION, username: alice.username, sig: signChallenge(a.sodium, alice.secretKey, challenge.nonce, alice.username) };
    a.send(loginFrame);
    await a.next('welcome');
    b.send(loginFrame);
    expect((await b.next('error')).code).toBe('bad_signature');
    // On the connection it was made for, the login cannot be played twice either.
    a.send(loginFrame);
    expect((await a.next('error')).code).toBe('already_authenticated');
  });

  it('consumes a challenge on a failed attempt: its signature is no good afterwards', async () => {
    const alice = (await h.user('alice')).identity!;
    const imposter = await newIdentity(alice.username);
    const c = await h.connect();
    const first = await c.next('challenge');
    c.send({ t: 'login', v: PROTOCOL_VERSION, username: alice.username, sig: signChallenge(c.sodium, imposter.secretKey, first.nonce, alice.username) });
    expect((await c.next('error')).code).toBe('bad_signature');
    c.send({ t: 'login', v: PROTOCOL_VERSION, username: alice.username, sig: signChallenge(c.sodium, alice.secretKey, first.nonce, alice.username) });
    expect((await c.next('error')).code).toBe('bad_signature');
  });

  it('refuses a signature bound to another username', async () => {
    const alice = (await h.user('alice')).identity!;
    const bob = (await h.user('bob')).identity!;
    const c = await h.connect();
    const challenge = await c.next('challenge');
    // Alice's signature, presented as a login for Bob (even with Bob's key it would not verify).
    c.send({ t: 'login', v: PROTOCOL_VERSION, username: bob.username, sig: signChallenge(c.sodium, alice.secretKey, challenge.nonce, alice.username) });
    expect((await c.next('error')).code).toBe('bad_signature');
  });

  it('refuses an unknown user', async () => {
    const c = await h.connect();
    expect(await c.tryAuth('login', await newIdentity(uniqueName('ghost')))).toMatchObject({ t: 'error', code: 'unknown_user' });
    expect(await c.tryAuth('login', await newIdentity('Not A Name'))).toMatchObject({ t: 'error', code: 'unknown_user' });
  });

  it('refuses a taken username', async () => {
    const alice = (await h.user('alice')).identity!;
    const c = await h.connect();
    expect(await c.tryAuth('register', await newIdentity(alice.username))).toMatchObject({ t: 'error', code: 'username_taken' });
    // The original owner is unaffected.
    await h.login(alice);
  });

  it.each([
    ['upper case', 'Alice'],
    ['too short', 'ab'],
    ['too long', 'a'.repeat(33)],
    ['a space', 'al ice'],
    ['a dot', 'al.ice'],
    ['non-ASCII', 'аlice'], // Cyrillic а
  ])('refuses a username with %s (bad_username)', async (_what, name) => {
    const c = await h.connect();
    expect(await c.tryAuth('register', await newIdentity(name))).toMatchObject({ t: 'error', code: 'bad_username' });
  });

  it('answers only ping before login (auth_required)', async () => {
    const c = await h.connect();
    await c.roundTrip();
    c.send({ t: 'contact_request', to: 'someone' });
    expect(await c.next('error')).toMatchObject({ code: 'auth_required', ref: 'contact_request' });
    c.send({ t: 'send', to: 'someone', id: 'message-0001', env: 'abc' });
    expect(await c.next('error')).toMatchObject({ code: 'auth_required', ref: 'send' });
  });

  it.each([
    ['no version (the frames before versioning)', undefined],
    ['an older version', PROTOCOL_VERSION - 1],
    ['a newer version', PROTOCOL_VERSION + 1],
  ])('refuses a login with %s: unsupported_version, then close 4003, and nobody is logged in', async (_name, v) => {
    const alice = (await h.user('alice')).identity!;
    await h.login(alice).then((c) => c.close());
    const c = await h.connect();
    const challenge = await c.next('challenge');
    const sig = signChallenge(c.sodium, alice.secretKey, challenge.nonce, alice.username);
    c.send(v === undefined ? { t: 'login', username: alice.username, sig } : { t: 'login', v, username: alice.username, sig });
    expect(await c.next('error')).toMatchObject({ code: 'unsupported_version' });
    expect((await c.closed).code).toBe(CloseCode.incompatible);
    // The right version still logs in (the refused one claimed nothing).
    await (await h.login(alice)).roundTrip();
  });

  it('refuses a second registration on a logged-in connection', async () => {
    const c = await h.user('alice');
    const other = await newIdentity(uniqueName('second'));
    // The connection's challenge was used by the first login; any signature will do here.
    c.send({ t: 'register', v: PROTOCOL_VERSION, username: other.username, identityKey: publicKeyB64(c.sodium, other), sig: 'A'.repeat(86) });
    expect((await c.next('error')).code).toBe('already_authenticated');
    c.send({ t: 'login', v: PROTOCOL_VERSION, username: other.username, sig: 'A'.repeat(86) });
    expect((await c.next('error')).code).toBe('already_authenticated');
  });
});

describe('the WebSocket handshake', () => {
  it('refuses a foreign Origin', async () => {
    expect(await refusedStatus(ParleyClient.connect(h.port, { origin: 'http://evil.example' }))).toBe(403);
    expect(await refusedStatus(ParleyClient.connect(h.port, { origin: `http://127.0.0.1:${h.port + 1}` }))).toBe(403);
    expect(await refusedStatus(ParleyClient.connect(h.port, { origin: 'null' }))).toBe(403);
  });

  it('refuses a connection with no Origin', async () => {
    expect(await refusedStatus(ParleyClient.connect(h.port, { origin: null }))).toBe(403);
  });

  it('accepts the server’s own origins', async () => {
    const c = await h.connect({ origin: `http://localhost:${h.port}` });
    await c.next('challenge');
  });
});

describe('one live connection per user', () => {
  it('a second login replaces the first, which is closed with 4001', async () => {
    const first = await h.user('alice');
    const friend = await h.user('friend');
    await makeContacts(first, friend);
    const second = await h.login(first.identity!);
    expect((await first.closed).code).toBe(CloseCode.replaced);
    await second.roundTrip();
    // The replacement is seamless for contacts: no offline blip.
    await friend.roundTrip();
    expect(friend.received.filter((f) => f.t === 'presence' && f.username === first.username)).toEqual([]);
    // Traffic now reaches the second connection.
    friend.send({ t: 'send', to: first.username, id: 'message-after-replace', env: 'abc' });
    expect(await second.next('deliver')).toMatchObject({ from: friend.username, id: 'message-after-replace' });
  });
});
