/**
 * Every server resource has a bound: one disk budget for everything stored (`server_full`, and
 * everything else keeps working), a sender's share of a recipient's queue, uncommitted uploads
 * counted as they arrive and bounded per connection, and uploads orphaned by a crash swept.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../shared/identity';
import { type ParleyClient, makeContacts, wentOffline } from './test-support/client';
import { type ServerHarness, useServer } from './test-support/harness';
import { GroupMember } from './test-support/group-member';
import { sealedFile, upload, withOfflineRecipient } from './test-support/sealed-files';

const MANY_USERS = { REGISTRATIONS_PER_HOUR_PER_ADDRESS: '1000', MAX_UNAUTHENTICATED_PER_ADDRESS: '1000' };

/** A new contact of `a`'s who then goes offline; returns their identity. */
async function offlineContact(h: ServerHarness, a: ParleyClient): Promise<Identity> {
  const b = await h.user('throwaway');
  await makeContacts(a, b);
  const identity = b.identity!;
  await b.close();
  await a.next(wentOffline(identity.username));
  return identity;
}

describe('the disk budget', () => {
  // The budget counts the database's pages in use, the empty schema's too (the groups' tables added ~64 KB of them).
  const h = useServer({ env: { ...MANY_USERS, DISK_BUDGET_BYTES: String(264_000) } });

  it('answers server_full when spent, keeps live traffic flowing, and has room again once acknowledged', async () => {
    const mallory = await h.user('mallory');
    const [alice, bob] = await h.pair();
    // Throwaway recipients, each well inside its own quota: only the global budget can stop this.
    const answers: string[] = [];
    const sinks = [];
    for (let r = 0; r < 6 && !answers.includes('server_full'); r++) {
      const sink = await offlineContact(h, mallory);
      sinks.push(sink);
      for (let i = 0; i < 10; i++) mallory.sendText(sink, randomUUID(), 'x'.repeat(4000));
      for (let i = 0; i < 10; i++) {
        const f = await mallory.next((x) => x.t === 'stored' || x.t === 'error');
        answers.push(f.t === 'error' ? f.code : f.t);
      }
    }
    expect(answers).toContain('server_full');
    expect(answers.filter((a) => a !== 'stored' && a !== 'server_full')).toEqual([]);
    // Live messages are not stored, so they still go through; pings answer.
    const live = randomUUID();
    alice.sendText(bob.identity!, live, 'still here');
    expect((await bob.next('deliver')).id).toBe(live);
    await alice.roundTrip();
    // The first recipient comes back and acknowledges: that frees room for new messages.
    const first = sinks[0]!;
    const back = await h.login(first);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await back.next('deliver')).id);
    back.send({ t: 'ack', from: mallory.username, ids });
    await back.roundTrip();
    await sleep(1100); // the budget measures the database at most once a second
    const again = sinks.at(-1)!;
    mallory.sendText(again, randomUUID(), 'x'.repeat(4000));
    expect((await mallory.next((x) => x.t === 'stored' || x.t === 'error')).t).toBe('stored');
  });
});

describe('the disk budget and groups', () => {
  const h = useServer({ env: { ...MANY_USERS, DISK_BUDGET_BYTES: String(300_000) } });

  it('counts group log entries: a group nobody reads cannot fill the disk (review H2)', async () => {
    const mallory = await GroupMember.of(await h.user('mallory'), new Map());
    const group = await mallory.create({ listed: false });
    const answers: string[] = [];
    // A group of one whose member never acknowledges: every entry stays in the log.
    for (let i = 0; i < 12 && !answers.includes('server_full'); i++) {
      const answer = await mallory.send(group, 'x'.repeat(30_000));
      answers.push(answer.t === 'error' ? answer.code : answer.t);
    }
    expect(answers).toContain('server_full');
    expect(answers.filter((a) => a !== 'group_sent' && a !== 'server_full')).toEqual([]);
    expect(answers.length).toBeLessThan(12);
  });
});

describe("a sender's share of a recipient's queue", () => {
  const h = useServer({ env: { OFFLINE_QUOTA_MESSAGES: '10', OFFLINE_SENDER_SHARE_PERCENT: '50' } });

  it('stops one contact from filling it for everyone', async () => {
    const [mallory, victim] = await h.pair('mallory', 'victim');
    const carol = await h.user('carol');
    await makeContacts(carol, victim);
    const victimId = victim.identity!;
    await victim.close();
    await mallory.next(wentOffline(victimId.username));
    const answers: string[] = [];
    for (let i = 0; i < 8; i++) mallory.sendText(victimId, randomUUID(), 'spam');
    for (let i = 0; i < 8; i++) {
      const f = await mallory.next((x) => x.t === 'stored' || x.t === 'error');
      answers.push(f.t === 'error' ? f.code : f.t);
    }
    expect(answers).toEqual([...Array(5).fill('stored'), ...Array(3).fill('queue_full')]);
    const id = randomUUID();
    carol.sendText(victimId, id, 'hi');
    expect(await carol.next((x) => x.t === 'stored' || x.t === 'error')).toEqual({ t: 'stored', id });
  });
});

describe('uploads for offline contacts', () => {
  const h = useServer({
    env: { OFFLINE_FILES_QUOTA_BYTES: String(2 * 1024 * 1024), OFFLINE_UPLOADS_PER_CONNECTION: '2', UPLOAD_BUFFER_BYTES: '0' },
  });

  it('count against the quota as they arrive, before any commit', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const first = sealedFile(1_500_000);
    upload(a, bob.username, first);
    await a.roundTrip();
    expect(a.unread('error')).toEqual([]);
    const second = sealedFile(1_000_000);
    upload(a, bob.username, second);
    expect(await a.nextError('queue_full')).toMatchObject({ ref: second.fileId });
  });

  it('are bounded in number per connection', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const files = [sealedFile(1000), sealedFile(1000), sealedFile(1000)];
    for (const f of files) upload(a, bob.username, f);
    expect(await a.nextError('relay_limit')).toMatchObject({ ref: files[2]!.fileId });
    a.send({ t: 'file_commit', to: bob.username, fileId: files[0]!.fileId, count: 1 });
    await a.next('file_stored');
    upload(a, bob.username, files[2]!);
    a.send({ t: 'file_commit', to: bob.username, fileId: files[2]!.fileId, count: 1 });
    expect(await a.next('file_stored')).toMatchObject({ fileId: files[2]!.fileId });
  });

  it('left uncommitted by a crash are swept at start and hold no quota', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const alice = a.identity!;
    const orphan = sealedFile(1_500_000);
    upload(a, bob.username, orphan);
    await a.roundTrip();
    await h.server.restart('SIGKILL');
    await h.closeClients();
    const db = new Database(path.join(h.server.dataDir, 'parley.sqlite'), { readonly: true });
    const left = db.prepare('SELECT COUNT(*) AS n FROM stored_chunks WHERE file_id = ?').get(orphan.fileId) as { n: number };
    db.close();
    expect(left.n).toBe(0);
    const a2 = await h.login(alice);
    const next = sealedFile(1_500_000);
    upload(a2, bob.username, next);
    a2.send({ t: 'file_commit', to: bob.username, fileId: next.fileId, count: next.count });
    expect(await a2.next('file_stored')).toMatchObject({ fileId: next.fileId });
  });
});

describe('uploads for offline contacts, paced for the disk', () => {
  const h = useServer({ env: { UPLOAD_BYTES_PER_SEC: String(1024 * 1024), OFFLINE_FILES_PER_RECIPIENT: '3', OFFLINE_UPLOADS_PER_CONNECTION: '1' } });

  it('charge every byte sent, a chunk sent again too, against the upload rate', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const file = sealedFile(64 * 1024);
    // The same chunk again and again adds nothing to the quota, but each one is a disk write.
    upload(a, bob.username, file, Array(40).fill(0));
    expect(await a.nextError('relay_limit')).toMatchObject({ ref: file.fileId });
  });

  it('keep a file that failed to commit as this connection’s upload, deleted when it closes', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const file = sealedFile(3 * 64 * 1024);
    upload(a, bob.username, file, [0, 2]);
    a.send({ t: 'file_commit', to: bob.username, fileId: file.fileId, count: file.count });
    await a.nextError('file_incomplete');
    // Still open, so still counted: another upload waits its turn.
    const other = sealedFile(1000);
    upload(a, bob.username, other);
    expect(await a.nextError('relay_limit')).toMatchObject({ ref: other.fileId });
    // The missing chunk completes it on the same connection.
    upload(a, bob.username, file, [1]);
    a.send({ t: 'file_commit', to: bob.username, fileId: file.fileId, count: file.count });
    expect(await a.next('file_stored')).toMatchObject({ fileId: file.fileId });
  });

  it('are bounded in number per recipient, however small', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const f = sealedFile(10);
      upload(a, bob.username, f);
      a.send({ t: 'file_commit', to: bob.username, fileId: f.fileId, count: 1 });
      const answer = await a.next((x) => x.t === 'file_stored' || x.t === 'error');
      answers.push(answer.t === 'error' ? answer.code : answer.t);
    }
    expect(answers).toEqual(['file_stored', 'file_stored', 'file_stored', 'queue_full']);
  });
});

describe('messages stored for offline contacts, paced for the disk', () => {
  const h = useServer({ env: { OFFLINE_BYTES_PER_SEC: String(256 * 1024), OFFLINE_BURST_BYTES: String(512 * 1024) } });

  it('past the burst are refused with rate_limited naming the message, and taken again once it refills', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const answers: string[] = [];
    const ids = Array.from({ length: 15 }, () => randomUUID());
    for (const id of ids) a.sendText(bob, id, 'x'.repeat(40_000)); // about 53 KB sealed each
    for (let i = 0; i < ids.length; i++) {
      const f = await a.next((x) => x.t === 'stored' || x.t === 'error');
      answers.push(f.t === 'error' ? `${f.code}:${f.ref === ids[i]}` : f.t);
    }
    // About 9 fit the burst (it refills a little meanwhile); the rest are refused, each by name.
    expect(answers.slice(0, 8)).toEqual(Array(8).fill('stored'));
    expect(answers.filter((x) => x === 'rate_limited:true').length).toBeGreaterThanOrEqual(3);
    expect(answers.every((x) => x === 'stored' || x === 'rate_limited:true')).toBe(true);
    await sleep(600);
    a.sendText(bob, ids.at(-1)!, 'x'.repeat(40_000));
    expect(await a.next((x) => x.t === 'stored' || x.t === 'error')).toEqual({ t: 'stored', id: ids.at(-1) });
  });
});
