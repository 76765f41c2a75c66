import { describe, expect, it } from 'vitest';
import type { StreamEntry } from './stream-entry';
import type { Written } from './stream-writer';
import { BATCH_ITEMS, type ItemResult, type MessageItem, WriteBatcher } from './write-batch';

const msg = (peer: string, id: string, env = 'e'): MessageItem => ({ kind: 'msg', peer, id, env, ts: 1 });

/** A stream writer in memory: appends fresh ids in order, refuses a batch over `quota` whole, as the script does. */
function fakeWriter(opts: { quota?: number; holder?: 'here' | 'elsewhere' | 'nobody' } = {}) {
  const streams = new Map<string, MessageItem[]>();
  const calls: { to: string; ids: string[]; offlineOk: boolean }[] = [];
  const landed: { to: string; ids: string[] }[] = [];
  let seq = 0;
  let fail: Error | undefined;
  /** An id whose answer throws (a sender's socket gone wrong), and what the batcher reported of it. */
  let throwOn: string | undefined;
  const faults: string[] = [];
  const write = async (to: string, items: MessageItem[], offlineOk: boolean): Promise<Written> => {
    calls.push({ to, ids: items.map((i) => i.id), offlineOk });
    await new Promise((r) => setTimeout(r, 1));
    if (fail) throw fail;
    const stream = streams.get(to) ?? [];
    streams.set(to, stream);
    const fresh = items.filter((i, at) => !stream.some((s) => s.id === i.id) && items.findIndex((j) => j.id === i.id) === at);
    if ((opts.holder ?? 'here') === 'nobody' && fresh.length > 0 && !offlineOk) return { result: 'offline', entries: [], here: false };
    if (stream.length + fresh.length > (opts.quota ?? Infinity)) return { result: 'full', entries: [], here: false };
    if (fresh.length === 0) return { result: 'duplicate', entries: [], here: opts.holder !== 'elsewhere' };
    const entries: StreamEntry[] = fresh.map((item) => ({ seq: ++seq, item }));
    stream.push(...fresh);
    return { result: 'stored', entries, here: (opts.holder ?? 'here') === 'here' };
  };
  type Answer = { resolve(r: ItemResult): void; reject(e: unknown): void };
  const inner = new WriteBatcher<Answer>({
    write,
    landed: (to, entries) => landed.push({ to, ids: entries.map((e) => e.item.id) }),
    done: (_to, item, _offlineOk, answer, result, err) => {
      if (item.id === throwOn) throw new Error(`answering ${item.id} failed`);
      if (result === undefined) answer.reject(err);
      else answer.resolve(result);
    },
    fault: (err) => faults.push(String(err)),
  });
  // Each message's answer as a promise, for the tests to await.
  const batcher = {
    write: (to: string, item: MessageItem, offlineOk: boolean) => new Promise<ItemResult>((resolve, reject) => inner.write(to, item, offlineOk, { resolve, reject })),
    get pending() {
      return inner.pending;
    },
  };
  return { batcher, streams, calls, landed, faults, failWith: (e: Error | undefined) => (fail = e), throwOn: (id: string) => (throwOn = id) };
}

describe('WriteBatcher', () => {
  it('writes the messages of one turn for one recipient in one call, and the next ones while it is in flight in the next', async () => {
    const w = fakeWriter();
    const first = ['a1', 'a2', 'a3'].map((id) => w.batcher.write('bob', msg('alice', id), false));
    const other = w.batcher.write('carol', msg('alice', 'c1'), false);
    first.push(w.batcher.write('bob', msg('dave', 'd1'), false));
    await new Promise((r) => setImmediate(r));
    // In flight now: these wait for it, then go together.
    const later = ['a4', 'a5'].map((id) => w.batcher.write('bob', msg('alice', id), false));
    expect(await Promise.all([...first, other, ...later])).toEqual(Array(7).fill('stored'));
    expect(w.calls).toEqual([
      { to: 'bob', ids: ['a1', 'a2', 'a3', 'd1'], offlineOk: false },
      { to: 'carol', ids: ['c1'], offlineOk: false },
      { to: 'bob', ids: ['a4', 'a5'], offlineOk: false },
    ]);
    expect(w.streams.get('bob')!.map((i) => i.id)).toEqual(['a1', 'a2', 'a3', 'd1', 'a4', 'a5']);
    expect(w.landed.filter((l) => l.to === 'bob')).toEqual([
      { to: 'bob', ids: ['a1', 'a2', 'a3', 'd1'] },
      { to: 'bob', ids: ['a4', 'a5'] },
    ]);
    expect(w.batcher.pending).toBe(0);
  });

  it('keeps a batch within BATCH_ITEMS', async () => {
    const w = fakeWriter();
    const all = Array.from({ length: BATCH_ITEMS + 5 }, (_, i) => w.batcher.write('bob', msg('alice', `m${i}`), false));
    await Promise.all(all);
    expect(w.calls.map((c) => c.ids.length)).toEqual([BATCH_ITEMS, 5]);
  });

  it('answers a repeat in a stored batch as a duplicate, and still tells this node of a repeat alone', async () => {
    const w = fakeWriter();
    await w.batcher.write('bob', msg('alice', 'x'), false);
    const results = await Promise.all([w.batcher.write('bob', msg('alice', 'x'), false), w.batcher.write('bob', msg('alice', 'y'), false)]);
    expect(results).toEqual(['duplicate', 'stored']);
    expect(await w.batcher.write('bob', msg('alice', 'y'), false)).toBe('duplicate');
    // The hand-over of the first copy may have been lost: the holder here is told, with nothing, to read the stream.
    expect(w.landed.at(-1)).toEqual({ to: 'bob', ids: [] });
  });

  it('writes a batch refused whole for a quota again one at a time, in order, so those that fit are stored', async () => {
    const w = fakeWriter({ quota: 2 });
    const results = await Promise.all(['m1', 'm2', 'm3'].map((id) => w.batcher.write('bob', msg('alice', id), false)));
    expect(results).toEqual(['stored', 'stored', 'full']);
    expect(w.calls.map((c) => c.ids)).toEqual([['m1', 'm2', 'm3'], ['m1'], ['m2'], ['m3']]);
    expect(w.streams.get('bob')!.map((i) => i.id)).toEqual(['m1', 'm2']);
  });

  it('does not mix messages that may be stored for someone offline with those that may not', async () => {
    const w = fakeWriter({ holder: 'nobody' });
    const a = w.batcher.write('bob', msg('alice', 'a'), false);
    const b = w.batcher.write('bob', msg('alice', 'b'), true);
    expect(await Promise.all([a, b])).toEqual(['offline', 'stored']);
    expect(w.calls.map((c) => [c.ids, c.offlineOk])).toEqual([
      [['a'], false],
      [['b'], true],
    ]);
  });

  it('answers the rest of a batch, and writes the next, when answering one message throws', async () => {
    const w = fakeWriter();
    w.throwOn('b');
    const a = w.batcher.write('bob', msg('alice', 'a'), false);
    void w.batcher.write('bob', msg('alice', 'b'), false);
    const c = w.batcher.write('bob', msg('alice', 'c'), false);
    expect(await Promise.all([a, c])).toEqual(['stored', 'stored']);
    expect(w.faults).toEqual(['Error: answering b failed']);
    expect(await w.batcher.write('bob', msg('alice', 'd'), false)).toBe('stored');
    expect(w.streams.get('bob')!.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('fails every message of a batch whose write failed, and goes on with the next', async () => {
    const w = fakeWriter();
    w.failWith(new Error('redis away'));
    const failed = [w.batcher.write('bob', msg('alice', 'a'), false), w.batcher.write('bob', msg('alice', 'b'), false)];
    await expect(Promise.all(failed.map((p) => p.catch((e: Error) => e.message)))).resolves.toEqual(['redis away', 'redis away']);
    w.failWith(undefined);
    expect(await w.batcher.write('bob', msg('alice', 'c'), false)).toBe('stored');
    await new Promise((r) => setImmediate(r));
    expect(w.batcher.pending).toBe(0);
  });
});
