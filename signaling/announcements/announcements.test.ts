/**
 * Operator announcements on a real server (SQLite): sent through the admin endpoint, an online
 * user gets one live, an offline user at their next login, and neither again after acknowledging
 * it; the endpoint refuses without ADMIN_SECRET's bearer, with a wrong one, and oversized text.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useServer } from '../test-support/harness';

const SECRET = 'test-admin-secret-0123456789';
const h = useServer({ env: { ADMIN_SECRET: SECRET } });

const post = (body: unknown, auth = `Bearer ${SECRET}`, method = 'POST') =>
  fetch(`http://127.0.0.1:${h.port}/admin/announcements`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: method === 'POST' ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
  });

describe('announcements', () => {
  it('reaches an online user live and an offline one at login, each once after the ack', async () => {
    const online = await h.user('ann-on');
    const first = await h.user('ann-off');
    const offlineId = first.identity!;
    await first.close();
    const res = await post({ text: 'Maintenance at 22:00 <b>UTC</b>' });
    expect(res.status).toBe(200);
    const made = (await res.json()) as { id: number; text: string };
    const live = await online.next((f) => f.t === 'announcements');
    expect(live).toMatchObject({ t: 'announcements', items: [{ id: made.id, text: 'Maintenance at 22:00 <b>UTC</b>' }] });
    online.send({ t: 'announcement_ack', id: made.id });
    await online.roundTrip();

    const later = await h.login(offlineId);
    const atLogin = await later.next((f) => f.t === 'announcements');
    expect(atLogin.t === 'announcements' && atLogin.items.map((i) => i.id)).toContain(made.id);
    later.send({ t: 'announcement_ack', id: made.id });
    await later.roundTrip();
    await later.close();
    await online.close();

    // Acknowledged: neither gets it at their next login.
    for (const c of [await h.login(offlineId), await h.login(online.identity!)]) {
      await c.roundTrip();
      expect(c.unread('announcements')).toEqual([]);
    }
  });

  it('refuses without the secret, with a wrong one, other methods and oversized or empty text', async () => {
    expect((await post({ text: 'x' }, '')).status).toBe(403);
    expect((await post({ text: 'x' }, `Bearer ${SECRET}x`)).status).toBe(403);
    expect((await post(undefined, `Bearer ${SECRET}`, 'GET')).status).toBe(405);
    expect((await post({ text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await post({ text: '   ' })).status).toBe(400);
    expect((await post('x'.repeat(20_000))).status).toBe(413);
    expect((await post('not json')).status).toBe(400);
  });
});

describe('announcements without ADMIN_SECRET', () => {
  const off = useServer();
  it('has no admin endpoint', async () => {
    const res = await fetch(`http://127.0.0.1:${off.port}/admin/announcements`, { method: 'POST', body: '{"text":"x"}', headers: { authorization: 'Bearer ' } });
    expect(res.status).toBe(404);
  });
});

describe('npm run announce', () => {
  const cli = useServer({ env: { ADMIN_SECRET: SECRET } });
  const run = (env: Record<string, string>, text: string) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/announce.ts', text], { env: { ...process.env, ...env } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });

  it('posts to the running server (live) with ADMIN_SECRET, and writes the store directly without it (at next login)', async () => {
    const u = await cli.user('ann-cli');
    const viaServer = await run({ ADMIN_SECRET: SECRET, PORT: String(cli.port), HOST: '127.0.0.1' }, 'from the command');
    expect(viaServer.out).toContain('sent to every user');
    expect(await u.next((f) => f.t === 'announcements')).toMatchObject({ items: [{ text: 'from the command' }] });
    const direct = await run({ ADMIN_SECRET: '', DATA_DIR: cli.server.dataDir }, 'written directly');
    expect(direct.code, direct.out).toBe(0);
    await u.close();
    const again = await cli.login(u.identity!);
    const f = await again.next((x) => x.t === 'announcements');
    expect(f.t === 'announcements' && f.items.map((i) => i.text)).toEqual(['from the command', 'written directly']);
  });
});
