/**
 * Per-address bounds against a real server: registrations per hour, open connections and
 * connections that have not logged in, counted per client address (from X-Forwarded-For only
 * when the proxy is trusted; IPv6 by /64).
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { HandshakeRefused, ParleyClient, newIdentity, uniqueName } from '../test-support/client';
import { useServer } from '../test-support/harness';

/** The HTTP status a refused upgrade got, with its Retry-After (fails if the upgrade succeeded). */
async function refusal(connecting: Promise<ParleyClient>): Promise<{ status: number; retryAfter?: string }> {
  const err = await connecting.then(
    (c) => (void c.terminate(), new Error('the upgrade was accepted')),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HandshakeRefused);
  const refused = err as HandshakeRefused;
  return { status: refused.status, retryAfter: refused.retryAfter };
}

/** A raw TCP connection that sends nothing; resolves once connected. `halfOpen`: it does not close when the server does. */
function idleSocket(port: number, halfOpen = false): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: halfOpen }, () => resolve(s));
    s.once('error', reject);
  });
}

/** What the server says to a raw socket before it sends anything, until it closes it. */
function answerOf(socket: net.Socket): Promise<string> {
  let text = '';
  socket.on('data', (d) => (text += d.toString()));
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}

describe('registrations per address', () => {
  const h = useServer({ env: { REGISTRATIONS_PER_HOUR_PER_ADDRESS: '3' } });

  it('refuses accounts past the hourly limit with registration_limited; logins still work', async () => {
    const first = await h.user('alice');
    await h.user('bob');
    // A reserved name is refused before it could count.
    const c = await h.connect();
    expect(await c.tryAuth('register', await newIdentity('admin'))).toMatchObject({ t: 'error', code: 'username_reserved' });
    expect(await c.tryAuth('register', await newIdentity('parley-support'))).toMatchObject({ t: 'error', code: 'username_reserved' });
    // A taken name costs nothing either.
    expect(await c.tryAuth('register', await newIdentity(first.username))).toMatchObject({ t: 'error', code: 'username_taken' });
    expect(await c.tryAuth('register', await newIdentity(uniqueName('carol')))).toMatchObject({ t: 'welcome' });
    const d = await h.connect();
    expect(await d.tryAuth('register', await newIdentity(uniqueName('dave')))).toMatchObject({ t: 'error', code: 'registration_limited' });
    // The refused attempt got a fresh challenge; an existing account still logs in on the same connection.
    expect(await d.tryAuth('login', first.identity!)).toMatchObject({ t: 'welcome', username: first.username });
  });
});

describe('connections per address', () => {
  const h = useServer({ env: { MAX_CONNECTIONS_PER_ADDRESS: '4', MAX_UNAUTHENTICATED_PER_ADDRESS: '2', LOGIN_TIMEOUT_MS: '3000' } });

  it('refuses a third unauthenticated WebSocket with 429 and Retry-After, and admits one after a login', async () => {
    const a = await h.connect();
    await h.connect();
    expect(await refusal(ParleyClient.connect(h.port))).toEqual({ status: 429, retryAfter: '10' });
    await a.register(await newIdentity(uniqueName('alice')));
    const third = await h.connect();
    await third.next('challenge');
  });

  it('answers sockets past the limit with 429 before HTTP, and destroys those twice over', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => idleSocket(h.port)));
    expect(await refusal(ParleyClient.connect(h.port))).toMatchObject({ status: 429 });
    await new Promise((r) => setTimeout(r, 50)); // the refused WebSocket's socket closes
    const over = await idleSocket(h.port);
    expect(await answerOf(over)).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\nRetry-After: \d+\r\n/);
    // Refused sockets count until they close (they linger at most a second): 4 held + 4 lingering, then the next is dropped unanswered.
    const lingering = await Promise.all(Array.from({ length: 4 }, () => idleSocket(h.port, true)));
    const dropped = await idleSocket(h.port);
    expect(await answerOf(dropped)).toBe('');
    for (const s of [...held, ...lingering]) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await (await h.connect()).next('challenge');
  });
});

describe('X-Forwarded-For', () => {
  const env = { MAX_UNAUTHENTICATED_PER_ADDRESS: '1', LOGIN_TIMEOUT_MS: '3000' };

  describe('from a trusted proxy', () => {
    const h = useServer({ env: { ...env, TRUST_PROXY: 'loopback' } });
    const via = (xff: string) => ({ headers: { 'X-Forwarded-For': xff } });

    it('counts each client behind the proxy by its own address, the right-most untrusted hop', async () => {
      await h.connect(via('198.51.100.1'));
      // The left-most entry is whatever the client claimed: the proxy-appended one counts.
      expect(await refusal(ParleyClient.connect(h.port, via('203.0.113.7, 198.51.100.1')))).toMatchObject({ status: 429 });
      const other = await h.connect(via('198.51.100.1, 198.51.100.2'));
      await other.next('challenge');
    });

    it('groups IPv6 clients by /64', async () => {
      await h.connect(via('2001:db8:1:2::1'));
      expect(await refusal(ParleyClient.connect(h.port, via('2001:db8:1:2:ffff::9')))).toMatchObject({ status: 429 });
      await (await h.connect(via('2001:db8:1:3::1'))).next('challenge');
    });
  });

  describe('from a peer that is not a trusted proxy', () => {
    const h = useServer({ env });

    it('is ignored: the socket address counts', async () => {
      await h.connect({ headers: { 'X-Forwarded-For': '198.51.100.1' } });
      expect(await refusal(ParleyClient.connect(h.port, { headers: { 'X-Forwarded-For': '198.51.100.2' } }))).toMatchObject({ status: 429 });
    });
  });
});
