/**
 * A login never loads unbounded data: the offline queue is handed over in pages, pending
 * requests are capped, and the welcome never trips the slow-consumer limit, however much was
 * left for the user, while everyone else's pings keep answering.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type ParleyClient, makeContacts, wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

/** Round trips of `client`'s pings, one at a time, until `done` resolves. */
async function pingWhile(client: ParleyClient, done: Promise<unknown>): Promise<number[]> {
  let over = false;
  void done.finally(() => (over = true));
  const times: number[] = [];
  while (!over) {
    const t0 = performance.now();
    await client.roundTrip(10_000);
    times.push(performance.now() - t0);
  }
  return times;
}

describe('a login with a huge queue', () => {
  const h = useServer();
  const ROWS = 400_000;

  it('is answered at once and hands the queue over in windows while others keep being served', async () => {
    const [victim, sender] = await h.pair('victim', 'sender');
    const bystander = await h.user('bystander');
    const victimId = victim.identity!;
    await victim.close();
    await sender.next(wentOffline(victimId.username));
    // A queue far past any quota (written straight into the database, as a server with other
    // limits, or an older version, may have left it): the login must not scale with it.
    await h.server.kill('SIGKILL');
    const db = new Database(path.join(h.server.dataDir, 'parley.sqlite'));
    const insert = db.prepare(
      "INSERT INTO queue (recipient, kind, peer, msg_id, env, bytes, ts, expires_at) VALUES (?, 'msg', ?, ?, ?, ?, ?, ?)",
    );
    const env = 'A'.repeat(200);
    const expires = Date.now() + 3_600_000;
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run(victimId.username, sender.username, `m${String(i).padStart(8, '0')}`, env, env.length, i, expires);
    })();
    db.close();
    await h.server.restart();
    await h.closeClients();
    const watcher = await h.login(bystander.identity!);
    const rssBefore = h.server.rss();

    const t0 = performance.now();
    const login = h.login(victimId);
    const pings = pingWhile(watcher, login);
    const back = await login;
    const loginMs = performance.now() - t0;
    const rtts = await pings;
    // Generous bounds for a noisy shared machine; loading 400,000 rows took seconds and hundreds of MB.
    expect(loginMs).toBeLessThan(3000);
    expect(Math.max(...rtts)).toBeLessThan(1000);
    expect(h.server.rss() - rssBefore).toBeLessThan(100 * 1024 * 1024);

    // The first window arrives in order; acknowledging it brings the next, still in order.
    const first = await back.next('deliver');
    expect(first.id).toBe('m00000000');
    await back.roundTrip();
    const window = back.unread('deliver');
    expect(window.length).toBeGreaterThan(100);
    expect(window.length).toBeLessThan(5000);
    back.send({ t: 'ack', from: sender.username, ids: [first.id, ...window.slice(0, 255).map((f) => f.id)] });
    await back.roundTrip();
    const more = back.unread('deliver').slice(window.length);
    expect(more[0]?.id).toBe(`m${String(window.length + 1).padStart(8, '0')}`);
    expect(back.isOpen).toBe(true);
  }, 90_000);
});

describe('a login with a full queue and every request slot taken', () => {
  // Every asker is a fresh account here: let fresh accounts take every slot, to fill them.
  const h = useServer({ env: { REGISTRATIONS_PER_HOUR_PER_ADDRESS: '1000', MAX_UNAUTHENTICATED_PER_ADDRESS: '1000', REQUESTS_MAX_FROM_NEW_ACCOUNTS: '100' } });

  it('gets a bounded welcome, stays connected and receives everything', async () => {
    const [victim, alice] = await h.pair('victim', 'alice');
    const carol = await h.user('carol');
    await makeContacts(victim, carol);
    const victimId = victim.identity!;
    await victim.close();
    await alice.next(wentOffline(victimId.username));
    // 500 messages from each of two contacts: the whole default queue quota (1000), in shares.
    const sent: string[] = [];
    for (const from of [alice, carol]) {
      for (let i = 0; i < 500; i++) sent.push(from.sendText(victimId, randomUUID(), `x${i}`.repeat(100)) && `${from.username}`);
      await from.roundTrip(20_000);
    }
    expect(alice.unread('error').length + carol.unread('error').length).toBe(0);
    // More requesters than the cap (100): the ones past it are told so.
    const refused: string[] = [];
    for (let i = 0; i < 110; i++) {
      const asker = await h.user('asker');
      asker.send({ t: 'contact_request', to: victimId.username });
      const answer = await asker.next((f) => f.t === 'request_sent' || f.t === 'error');
      if (answer.t === 'error') refused.push(answer.code);
      await asker.close();
    }
    expect(refused).toEqual(Array(10).fill('requests_full'));

    const back = await h.login(victimId);
    expect(back.welcome!.incoming).toHaveLength(100);
    expect(JSON.stringify(back.welcome).length).toBeLessThan(16 * 1024);
    let got = 0;
    while (got < 1000) {
      const frame = await back.next('deliver', 10_000);
      got++;
      back.send({ t: 'ack', from: frame.from, ids: [frame.id] });
    }
    expect(back.isOpen).toBe(true);
  }, 120_000);
});
