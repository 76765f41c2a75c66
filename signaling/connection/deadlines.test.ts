/**
 * Deadlines and global bounds against a real server: idle TCP sockets and sockets that never log
 * in are closed at their deadlines, frames before login are refused unparsed, and past the total
 * connection limit upgrades are refused while /healthz keeps answering.
 */
import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol';
import { HandshakeRefused, ParleyClient } from '../test-support/client';
import { useServer } from '../test-support/harness';

function openSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Milliseconds from `start` until the server closes `socket`, and what it said before. */
function untilClosed(socket: net.Socket, start = performance.now()): Promise<{ ms: number; text: string }> {
  let text = '';
  socket.on('data', (d) => (text += d.toString()));
  socket.on('error', () => {});
  return new Promise((resolve) => socket.once('close', () => resolve({ ms: performance.now() - start, text })));
}

function healthz(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ port, host: '127.0.0.1', path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.setTimeout(3000, () => req.destroy(new Error('/healthz did not answer')));
  });
}

describe('deadlines', () => {
  const h = useServer({ env: { HANDSHAKE_TIMEOUT_MS: '300', LOGIN_TIMEOUT_MS: '500' } });

  it('closes a TCP connection that never sends a byte at the handshake deadline', async () => {
    // Timed from before the connect: the server's timer starts later, so the close cannot come sooner.
    const start = performance.now();
    const { ms, text } = await untilClosed(await openSocket(h.port), start);
    expect(text).toBe('');
    expect(ms).toBeGreaterThanOrEqual(295);
    expect(ms).toBeLessThan(3000);
  });

  it('closes one whose request never completes (slowloris) at the same deadline', async () => {
    const socket = await openSocket(h.port);
    socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 50);
    const { ms } = await untilClosed(socket);
    clearInterval(timer);
    expect(ms).toBeLessThan(3000);
  });

  it('closes a kept-alive connection whose next request never completes', async () => {
    const socket = await openSocket(h.port);
    const closed = untilClosed(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await new Promise((r) => setTimeout(r, 100));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const { ms, text } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).toMatch(/HTTP\/1\.1 408 Request Timeout/);
    expect(ms).toBeLessThan(3000);
  });

  it('closes a WebSocket that does not log in with 4002, and leaves a logged-in one alone', async () => {
    const idle = await h.connect();
    const user = await h.user('alice');
    const started = performance.now();
    expect((await idle.closed).code).toBe(CloseCode.loginTimeout);
    expect(performance.now() - started).toBeLessThan(3000);
    await new Promise((r) => setTimeout(r, 300));
    await user.roundTrip();
  });

  it('refuses frames before login above the login size, and binary ones, without parsing them', async () => {
    const c = await h.connect();
    await c.next('challenge');
    // Nested arrays that would take milliseconds to parse: refused by size alone.
    c.sendRaw('x'.repeat(2_000)); // over the login size: refused unparsed, and the socket closed
    expect(await c.next('error')).toMatchObject({ code: 'too_large' });
    // No login needs a large frame: the socket is closed, so it cannot keep the server receiving them.
    expect((await c.closed).code).toBe(1009);
    // Larger still, ws refuses it from its header alone, before receiving the payload.
    const big = await h.connect();
    await big.next('challenge');
    big.sendRaw('['.repeat(20_000) + ']'.repeat(20_000));
    expect((await big.closed).code).toBe(1009);
    const d = await h.connect();
    await d.next('challenge');
    d.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    expect(await d.next('error')).toMatchObject({ code: 'auth_required' });
    // The connection may still log in.
    await d.roundTrip();
  });
});

describe('frames after login', () => {
  // 50 bombs are 4.5 MB: past the default byte budget of a connection (4 MiB burst) when they all
  // arrive at once, as they do on a quiet machine. The budget is not what this test is about.
  const h = useServer({ env: { TEXT_BURST_BYTES: String(16 * 1024 * 1024) } });

  it('refuses a frame with more JSON structure than any frame has, unparsed, and keeps serving', async () => {
    const bystander = await h.user('bystander');
    const c = await h.user('bomber');
    const bomb = `{"t":"send","to":${'['.repeat(45_000)}${']'.repeat(45_000)}}`;
    // Parsed, each would cost the server 18–22 ms; the structure count refuses it first (its message says so).
    for (let i = 0; i < 50; i++) c.sendRaw(bomb);
    for (let i = 0; i < 50; i++) expect(await c.next('error')).toMatchObject({ code: 'bad_frame', message: expect.stringMatching(/JSON tokens/) });
    await bystander.roundTrip();
    // An acknowledgement of 256 ids is the most structure a frame has: it decodes (whatever the handler makes of it).
    c.send({ t: 'ack', from: bystander.username, ids: Array.from({ length: 256 }, (_, i) => `message-${i}`) });
    await c.roundTrip();
    expect(c.unread('error').filter((e) => e.code === 'bad_frame')).toEqual([]);
  });
});

describe('total connections', () => {
  const h = useServer({ env: { MAX_CONNECTIONS: '6', CONNECTION_HEADROOM: '3' } });

  it('refuses upgrades past the total with 503 while /healthz answers', async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await h.user('filler'));
    const err = await ParleyClient.connect(h.port).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HandshakeRefused);
    expect(err).toMatchObject({ status: 503, retryAfter: '10' });
    expect(await healthz(h.port)).toBe(200);
    await h.closeClients();
  });

  it('lets sockets that never send a byte give way to a real client when full', async () => {
    // A slow-loris flood past the total and the headroom: the oldest silent sockets are closed.
    const idle = await Promise.all(Array.from({ length: 12 }, () => openSocket(h.port)));
    const closedByServer = idle.map((socket) => untilClosed(socket));
    const c = await h.user('newcomer');
    await c.roundTrip();
    expect(await healthz(h.port)).toBe(200);
    const settled = await Promise.race([Promise.any(closedByServer), new Promise((r) => setTimeout(() => r('none'), 3000))]);
    expect(settled).not.toBe('none');
    for (const s of idle) s.destroy();
  });
});
