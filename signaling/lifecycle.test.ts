/** The server's life around the protocol: heartbeat, graceful shutdown, and the HTTP side. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '../shared/protocol';
import { wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('heartbeat', () => {
  const h = useServer({ env: { HEARTBEAT_MS: '200' } });

  it('drops a connection that stops answering pings; a live one stays', async () => {
    const [a, b] = await h.pair();
    b.pauseReading(); // b's pongs stop: its socket no longer sees the pings
    await a.next(wentOffline(b.username), 3000);
    // a answered every ping meanwhile and is still served.
    await sleep(500);
    await a.roundTrip();
    b.resumeReading();
    expect([1006, CloseCode.heartbeat]).toContain((await b.closed).code);
  });
});

describe('graceful shutdown', () => {
  const h = useServer();

  it('closes clients with 1001, exits 0, and keeps what was delivered but not acknowledged', async () => {
    const [a, b] = await h.pair();
    const id = randomUUID();
    a.sendText(b.identity!, id, 'in flight at shutdown');
    await b.next('deliver');
    await h.server.kill('SIGTERM');
    expect(h.server.exitCode).toBe(0);
    expect((await b.closed).code).toBe(CloseCode.shutdown);
    await h.server.restart();
    const b2 = await h.login(b.identity!);
    expect(await b2.next('deliver')).toMatchObject({ from: a.username, id });
  });
});

describe('HTTP', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
  const webDir = path.join(root, 'dist');
  fs.mkdirSync(webDir);
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>parley-test-page</title>');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'do-not-serve-me');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const h = useServer({ env: { WEB_DIR: webDir } });

  /** A raw GET: unlike fetch, it sends the path exactly as written. */
  const get = (p: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: h.port, path: p }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        })
        .on('error', reject);
    });

  it('serves the app with a strict Content-Security-Policy', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('parley-test-page');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers /healthz', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok', checks: { storage: 'ok' } });
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '//secret.txt'])('serves nothing outside the web directory (%s)', async (p) => {
    expect((await get(p)).body).not.toContain('do-not-serve-me');
  });

  it('upgrades only /ws', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/not-ws`, { origin: h.server.origin });
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => undefined);
    });
    ws.terminate();
    expect(status).toBe(403);
  });
});
