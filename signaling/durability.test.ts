/**
 * The offline store: what the server said it stored survives a crash (SIGKILL) and is handed
 * over in order, deleted only once acknowledged, and kept as ciphertext only.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../shared/protocol';
import { type ParleyClient, wentOffline } from './test-support/client';
import { useServer } from './test-support/harness';

const deliversOf = (c: ParleyClient) => c.received.filter((f) => f.t === 'deliver');

/** Sends `n` sealed texts from `a` to `to` and waits for `stored` for each, in order. */
async function sendStored(a: ParleyClient, to: ParleyClient['identity'] & object, n: number, text = (i: number) => `message number ${i}`) {
  const ids = Array.from({ length: n }, () => randomUUID());
  ids.forEach((id, i) => a.sendText(to, id, text(i)));
  for (const id of ids) expect(await a.next('stored')).toEqual({ t: 'stored', id });
  return ids;
}

describe('offline messages across a crash', () => {
  const h = useServer();

  it('delivers every stored message in order after SIGKILL and restart, with receipts', async () => {
    const [a, b] = await h.pair();
    const alice = a.identity!;
    const bob = b.identity!;
    await b.close();
    await a.next(wentOffline(bob.username));
    const n = 25;
    const ids = await sendStored(a, bob, n);

    await h.server.restart('SIGKILL');
    expect((await a.closed).code).toBe(1006);

    const a2 = await h.login(alice);
    const b2 = await h.login(bob);
    const got: ServerFrame[] = [];
    for (let i = 0; i < n; i++) got.push(await b2.next('deliver'));
    expect(got.map((f) => (f as { id: string }).id)).toEqual(ids);
    for (let i = 0; i < n; i++) {
      expect(await b2.openText(got[i] as Extract<ServerFrame, { t: 'deliver' }>, alice)).toBe(`message number ${i}`);
    }
    b2.send({ t: 'ack', from: alice.username, ids });
    expect(await a2.next('delivered')).toEqual({ t: 'delivered', by: bob.username, ids });
  });

  it('redelivers after a crash what was delivered but not acknowledged', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    await b.close();
    await a.next(wentOffline(bob.username));
    const ids = await sendStored(a, bob, 3);
    const b2 = await h.login(bob);
    for (const id of ids) expect((await b2.next('deliver')).id).toBe(id);
    // Bob acknowledges only the first before the server dies.
    b2.send({ t: 'ack', from: a.username, ids: [ids[0]!] });
    await a.next('delivered');
    await h.server.restart('SIGKILL');
    const b3 = await h.login(bob);
    expect((await b3.next('deliver')).id).toBe(ids[1]);
    expect((await b3.next('deliver')).id).toBe(ids[2]);
    await b3.roundTrip();
    expect(deliversOf(b3)).toHaveLength(2);
  });

  it('keeps queued receipts for an offline sender across a crash', async () => {
    const [a, b] = await h.pair();
    const alice = a.identity!;
    const id = randomUUID();
    a.sendText(b.identity!, id, 'hello');
    await b.next('deliver');
    await a.close();
    // Until the server has seen Alice leave, her receipt would go to her (closing) connection.
    await b.next(wentOffline(alice.username));
    b.send({ t: 'ack', from: alice.username, ids: [id] });
    await b.roundTrip();
    await h.server.restart('SIGKILL');
    const a2 = await h.login(alice);
    expect(await a2.next('delivered')).toEqual({ t: 'delivered', by: b.username, ids: [id] });
  });
});

describe('a large offline queue', () => {
  const h = useServer({ env: { RATE_FRAMES_PER_SEC: '100000', RATE_BURST: '100000', OFFLINE_BYTES_PER_SEC: String(1 << 30), OFFLINE_BURST_BYTES: String(1 << 30), TEXT_BYTES_PER_SEC: String(1 << 30), TEXT_BURST_BYTES: String(1 << 30) } });

  it('is handed over in full, in order, though it exceeds the send buffer many times', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    await b.close();
    await a.next(wentOffline(bob.username));
    const count = 200; // 12 MB of envelopes against a 1 MiB send buffer
    const ids = Array.from({ length: count }, () => randomUUID());
    for (const id of ids) a.send({ t: 'send', to: bob.username, id, env: 'q'.repeat(60_000) });
    for (let i = 0; i < count; i++) await a.next('stored', 15_000);

    const b2 = await h.login(bob);
    const got: string[] = [];
    let late: string | undefined;
    for (let i = 0; i < count; i++) {
      const d = await b2.next('deliver');
      got.push(d.id);
      b2.send({ t: 'ack', from: a.username, ids: [d.id] });
      if (i === 0) {
        // A message sent while the queue is still being handed over comes after it.
        late = randomUUID();
        a.sendText(bob, late, 'sent during the hand-over');
      }
    }
    expect(got).toEqual(ids);
    expect((await b2.next('deliver')).id).toBe(late);
    expect(b2.isOpen).toBe(true);
  });
});

describe('the offline quota', () => {
  // One sender may fill all of it here: the sender's share has its own test (queue-bounds.test.ts).
  const h = useServer({ env: { OFFLINE_QUOTA_MESSAGES: '3', OFFLINE_SENDER_SHARE_PERCENT: '100' } });

  it('refuses messages past the quota with queue_full, and makes room once acknowledged', async () => {
    const [a, b] = await h.pair();
    const bob = b.identity!;
    await b.close();
    await a.next(wentOffline(bob.username));
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) a.sendText(bob, id, id);
    for (const id of ids.slice(0, 3)) expect(await a.next('stored')).toEqual({ t: 'stored', id });
    for (const id of ids.slice(3)) expect(await a.next('error')).toMatchObject({ code: 'queue_full', ref: id });

    const b2 = await h.login(bob);
    for (const id of ids.slice(0, 3)) expect((await b2.next('deliver')).id).toBe(id);
    b2.send({ t: 'ack', from: a.username, ids: ids.slice(0, 3) });
    await a.next('delivered');
    await b2.close();
    await a.next(wentOffline(bob.username));
    const retry = ids[3]!;
    a.sendText(bob, retry, 'again');
    expect(await a.next('stored')).toEqual({ t: 'stored', id: retry });
  });
});

describe('payload blindness', () => {
  const h = useServer({ env: { LOG_LEVEL: 'trace' } });

  it('keeps no plaintext in the database files or the log, only the sealed envelopes', async () => {
    const [a, b] = await h.pair();
    const secret = (tag: string) => `the eagle lands at ${tag} ${randomUUID()}`;
    const live = secret('noon');
    const offline = secret('midnight');
    const liveId = randomUUID();
    const liveEnv = a.sendText(b.identity!, liveId, live);
    await b.next('deliver');
    b.send({ t: 'ack', from: a.username, ids: [liveId] });
    await a.next('delivered');
    await b.close();
    await a.next(wentOffline(b.username));
    const offlineEnv = a.sendText(b.identity!, randomUUID(), offline);
    await a.next('stored');
    // A crash leaves the WAL as it is: the stored envelope is on disk, not yet checkpointed.
    await h.server.kill('SIGKILL');

    const files = fs.readdirSync(h.server.dataDir).filter((f) => f.startsWith('parley.sqlite'));
    expect(files).toEqual(expect.arrayContaining(['parley.sqlite', 'parley.sqlite-wal']));
    const contents = [...files.map((f) => path.join(h.server.dataDir, f)), h.server.logPath].map((p) => fs.readFileSync(p));
    const everything = Buffer.concat(contents);
    // The search works: the envelope and the usernames are there.
    expect(everything.includes(offlineEnv)).toBe(true);
    expect(everything.includes(b.username)).toBe(true);
    for (const plain of [live, offline]) {
      for (const needle of [plain, plain.slice(0, 24), plain.slice(-36)]) {
        expect(everything.includes(Buffer.from(needle, 'utf8')), `found "${needle}"`).toBe(false);
        expect(everything.includes(Buffer.from(needle, 'utf16le'))).toBe(false);
      }
    }
    // The live envelope was relayed, never written down.
    expect(everything.includes(liveEnv)).toBe(false);
    await h.server.restart();
  });
});
