// This device's key packages: one fresh package at each login, a top-up to FULL when the server's
// count is below LOW, the secrets kept by ref until a Welcome uses one, old ones let go. And `ask`:
// an answer, a refusal naming one of the refs, silence and being offline.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { groupEnv } from '../../../shared/groups/index';
import { generateKeyPair } from '../../../shared/identity';
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../../../shared/protocol';
import { loadSodium } from '../../../shared/sodium';
import { openDatabase } from '../storage/db';
import { Asks } from './ask';
import { FULL, KEEP_MS, KeyPool, LOW, USED_KEEP_MS } from './key-pool';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('KeyPool', () => {
  it('uploads one at login, tops up below LOW, keeps secrets until used, and lets old ones go', async () => {
    const s = await loadSodium();
    const db = await openDatabase();
    const identity = { username: 'alice', ...generateKeyPair(s) };
    const env = await groupEnv(() => true);
    const frames: ClientFrame[] = [];
    const pool = new KeyPool({ db, sodium: s, identity: () => identity, env: async () => env, send: (f) => frames.push(f) > 0 });
    const uploaded = () => frames.flatMap((f) => (f.t === 'kp_upload' ? [f.kps.length] : []));

    await pool.onWelcome();
    expect(uploaded()).toEqual([1]);
    // A second upload waits for the answer to the first.
    await pool.upload(2);
    expect(uploaded()).toEqual([1]);
    await pool.onCount(LOW);
    expect(uploaded()).toEqual([1]);
    await pool.onCount(3);
    expect(uploaded()).toEqual([1, FULL - 3]);
    const kept = await pool.all();
    expect(kept).toHaveLength(1 + FULL - 3);
    expect(kept[0]).toMatchObject({ ref: expect.any(String), initPrivateKey: expect.any(Uint8Array), hpkePrivateKey: expect.any(Uint8Array) });

    // A used package stays a while (it may be the server's last resort, handed out again), then goes.
    const usedAt = Date.now();
    await pool.used(kept[0]!.ref, usedAt);
    await pool.used(kept[0]!.ref, usedAt + 1000);
    expect((await pool.all()).map((k) => k.ref)).toContain(kept[0]!.ref);
    await pool.prune(usedAt + USED_KEEP_MS - 1);
    expect((await pool.all()).map((k) => k.ref)).toContain(kept[0]!.ref);
    await pool.prune(usedAt + USED_KEEP_MS + 1);
    expect((await pool.all()).map((k) => k.ref)).not.toContain(kept[0]!.ref);
    expect(await pool.all()).toHaveLength(FULL - 3);
    await pool.prune(Date.now() + KEEP_MS + 1);
    expect(await pool.all()).toEqual([]);
    db.close();
  });
});

describe('Asks', () => {
  const group = 'A'.repeat(22);
  const isCreated = (f: ServerFrame): f is ServerFrameOf<'group_created'> => f.t === 'group_created' && f.group === group;

  it('resolves with the answer, rejects with the code of an error naming a ref, and `unavailable` on silence or offline', async () => {
    const asks = new Asks(() => true, 50);
    const answered = asks.ask({ t: 'group_info', group }, isCreated, [group]);
    asks.offer({ t: 'group_created', group: 'B'.repeat(22) } as ServerFrame);
    asks.offer({ t: 'group_created', group } as ServerFrame);
    await expect(answered).resolves.toEqual({ t: 'group_created', group });

    const refused = asks.ask({ t: 'group_info', group }, isCreated, [group, 'bob']);
    asks.offer({ t: 'error', code: 'not_member', message: 'x', ref: 'carol' } as ServerFrame);
    asks.offer({ t: 'error', code: 'banned', message: 'x', ref: 'bob' } as ServerFrame);
    await expect(refused).rejects.toMatchObject({ name: 'ParleyError', code: 'banned' });

    await expect(asks.ask({ t: 'group_info', group }, isCreated, [group])).rejects.toMatchObject({ code: 'unavailable' });
    await expect(new Asks(() => false).ask({ t: 'group_info', group }, isCreated, [group])).rejects.toMatchObject({ code: 'unavailable' });
    const dropped = asks.ask({ t: 'group_info', group }, isCreated, [group]);
    asks.dropAll();
    await expect(dropped).rejects.toMatchObject({ code: 'unavailable' });
  });
});
