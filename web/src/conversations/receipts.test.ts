// Read receipts on a fake IndexedDB: what the user saw is marked read once and reported in
// batches of at most LIMITS.maxReadIds per sender (none with the setting off); a receipt received
// marks only the sender's own conversation's sent messages, also one stored by another tab, and
// one for a message not here yet waits in the pending store.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Body, Read } from '../../../shared/envelope';
import { LIMITS } from '../../../shared/limits';
import { type Database, type StoredMessage, openDatabase } from '../storage/db';
import { readBody } from './bodies/read';
import type { MarksModule, ReceivedBody } from './bodies/registry';
import { dmId } from './conversation-id';
import { History } from './history';
import { applyMarks } from './marks';
import { Receipts } from './receipts';

let db: Database;
beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
});
afterEach(() => db.close());

let seq = 0;
function message(peer: string, dir: 'in' | 'out', id: string, state: StoredMessage['state'] = 'delivered'): StoredMessage {
  return { conv: dmId(peer), peer, dir, id, seq: ++seq, ts: Date.now(), text: id, state };
}

function receipts(on = true) {
  const jobs: Array<{ peer: string; body: Body }> = [];
  const r = new Receipts({ db, sendJob: async (peer, kind, body) => void (kind === 'read' && jobs.push({ peer, body })), sendReceipts: () => on });
  return { r, jobs };
}

describe('sending read receipts', () => {
  it('marks what was seen read once and reports it in batches of at most maxReadIds per sender', async () => {
    const { r, jobs } = receipts();
    const fromBob = Array.from({ length: 250 }, (_, i) => message('bob', 'in', `bob-msg-${i}`));
    const fromCarol = Array.from({ length: 3 }, (_, i) => message('carol', 'in', `carol-msg-${i}`));
    const mine = message('bob', 'out', 'mine-0001');
    await r.seen([...fromBob, mine]);
    await r.seen(fromCarol);
    await r.flush();
    expect(jobs.map((j) => [j.peer, (j.body as Read).ids.length])).toEqual([
      ['bob', LIMITS.maxReadIds],
      ['bob', LIMITS.maxReadIds],
      ['bob', 50],
      ['carol', 3],
    ]);
    expect(jobs.flatMap((j) => (j.body as Read).ids)).not.toContain('mine-0001');
    expect((await db.get('messages', [dmId('bob'), 'in', 'bob-msg-7']))?.state).toBe('read');
    // Seen again (every render reports what is shown): nothing more goes.
    await r.seen(fromBob);
    await r.flush();
    expect(jobs).toHaveLength(4);
  });

  it('marks a group’s messages read without sending their authors a receipt', async () => {
    const { r, jobs } = receipts();
    const inGroup: StoredMessage = { ...message('bob', 'in', 'grp-msg-01'), conv: 'grp:AAAAAAAAAAAAAAAAAAAAAA' };
    await r.seen([inGroup, message('bob', 'in', 'dm-msg-001')]);
    await r.flush();
    expect(jobs.flatMap((j) => (j.body as Read).ids)).toEqual(['dm-msg-001']);
    expect(inGroup.state).toBe('read');
  });

  it('batches what is seen within READ_BATCH_MS into one receipt', async () => {
    const { r, jobs } = receipts();
    await r.seen([message('bob', 'in', 'first-msg')]);
    await r.seen([message('bob', 'in', 'second-msg')]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(jobs).toEqual([{ peer: 'bob', body: { kind: 'read', ids: ['first-msg', 'second-msg'] } }]);
  });

  it('with "Send read receipts" off marks them read and sends nothing, then or later', async () => {
    const { r, jobs } = receipts(false);
    const m = message('bob', 'in', 'quiet-msg');
    await r.seen([m]);
    await r.flush();
    expect(jobs).toEqual([]);
    expect(m.state).toBe('read');
  });
});

describe('receiving read receipts', () => {
  const module = readBody as unknown as MarksModule<ReceivedBody>;

  /** `shown`: the messages held (shared copies), as a log showing them holds them. */
  async function receive(from: string, ids: string[], shown: StoredMessage[]) {
    const history = new History(db);
    for (const m of shown) history.adopt(m);
    const tx = db.transaction(['messages', 'pending'], 'readwrite');
    const changed = await applyMarks(tx, module, history, { conv: dmId(from), id: `env-${++seq}`, body: { kind: 'read', ids }, ctx: { from, me: 'alice', ts: Date.now() } });
    await tx.done;
    return changed;
  }

  it("marks the sender's conversation's sent messages read, loaded or stored by another tab", async () => {
    const loaded = message('bob', 'out', 'loaded-msg', 'delivered');
    const stored = message('bob', 'out', 'stored-msg', 'sent');
    await db.put('messages', loaded);
    await db.put('messages', stored);
    const changed = await receive('bob', ['loaded-msg', 'stored-msg', 'loaded-msg'], [loaded]);
    expect(changed).toHaveLength(2);
    expect(changed[0]).toBe(loaded);
    expect(loaded.state).toBe('read');
    expect((await db.get('messages', [dmId('bob'), 'out', 'stored-msg']))?.state).toBe('read');
  });

  it("changes nothing of another conversation or of the sender's own messages", async () => {
    const toCarol = message('carol', 'out', 'carol-msg', 'delivered');
    const fromBob = message('bob', 'in', 'bob-msg');
    await db.put('messages', toCarol);
    await db.put('messages', fromBob);
    expect(await receive('bob', ['carol-msg', 'bob-msg'], [toCarol, fromBob])).toEqual([]);
    expect(toCarol.state).toBe('delivered');
    expect(fromBob.state).toBe('delivered');
    expect((await db.get('messages', [dmId('carol'), 'out', 'carol-msg']))?.state).toBe('delivered');
  });

  it('keeps a receipt for a message not here yet waiting for it, one entry per missing id', async () => {
    const here = message('bob', 'out', 'here-msg');
    await db.put('messages', here);
    await receive('bob', ['here-msg', 'later-msg-1', 'later-msg-2'], [here]);
    const waiting = await db.getAll('pending');
    expect(waiting.map((p) => [p.target, p.body])).toEqual([
      ['later-msg-1', { kind: 'read', ids: ['later-msg-1'] }],
      ['later-msg-2', { kind: 'read', ids: ['later-msg-2'] }],
    ]);
    // When the message turns up, the waiting receipt applies to it as any modifier does.
    const later = message('bob', 'out', 'later-msg-1', 'sent');
    expect(module.apply(later, waiting[0]!.body as ReceivedBody, { from: 'bob', me: 'alice', ts: 0 })).toBe(true);
    expect(later.state).toBe('read');
  });

  it('is final: a later delivery receipt does not take "read" back', async () => {
    const { applyOutcome } = await import('./message-outcome');
    const m = message('bob', 'out', 'final-msg', 'read');
    expect(applyOutcome(m, 'delivered')).toBe(false);
    expect(applyOutcome(m, 'sent')).toBe(false);
    expect(m.state).toBe('read');
  });
});
