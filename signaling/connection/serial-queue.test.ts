import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('SerialQueue', () => {
  it('runs tasks one at a time in order, each after the one before has finished', async () => {
    const log: string[] = [];
    const q = new SerialQueue(100, () => {}, () => {});
    q.push(async () => {
      log.push('a start');
      await tick(20);
      log.push('a end');
    });
    q.push(() => void log.push('b'));
    q.push(async () => {
      await tick(5);
      log.push('c');
    });
    await q.idle();
    expect(log).toEqual(['a start', 'a end', 'b', 'c']);
  });

  it('goes on after a task throws or rejects, and reports each failure', async () => {
    const errors: unknown[] = [];
    const log: number[] = [];
    const q = new SerialQueue(100, () => {}, (e) => errors.push(e));
    q.push(() => {
      throw new Error('sync');
    });
    q.push(async () => {
      throw new Error('async');
    });
    q.push(() => void log.push(3));
    await q.idle();
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync', 'async']);
    expect(log).toEqual([3]);
    expect(q.waiting).toBe(0);
  });

  it('says when the backlog passes its limit, and when it is down to half again', async () => {
    const calls: boolean[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new SerialQueue(4, (over) => calls.push(over), () => {});
    q.push(() => gate);
    for (let i = 0; i < 4; i++) q.push(() => {});
    expect(calls).toEqual([true]);
    q.push(() => {}); // still over: said once
    expect(calls).toEqual([true]);
    release();
    await q.idle();
    expect(calls).toEqual([true, false]);
  });
});

describe('SerialQueue, fast path', () => {
  it('runs a task at once when idle, and one pushed while a task runs after it, in order', async () => {
    const log: string[] = [];
    const q = new SerialQueue(100, () => {}, () => {});
    q.push(() => void log.push('now'));
    expect(log).toEqual(['now']);
    expect(q.waiting).toBe(0);
    q.push(async () => {
      log.push('a start');
      // Pushed while `a` runs (re-entrantly): must wait for `a` to finish.
      q.push(() => void log.push('inner'));
      await tick(5);
      log.push('a end');
    });
    q.push(() => void log.push('b'));
    await q.idle();
    await tick();
    expect(log).toEqual(['now', 'a start', 'a end', 'inner', 'b']);
    expect(q.waiting).toBe(0);
  });
});
