// Envelopes held for lack of a key (held-envelopes.ts): tried again on a key change, gone once
// they open, and bounded (the oldest goes first).
import { describe, expect, it } from 'vitest';
import { HeldEnvelopes } from './held-envelopes';

describe('HeldEnvelopes', () => {
  it('tries held envelopes again, keeps those still without a key, and drops the oldest past the bound', async () => {
    const keys = new Set<string>();
    const opened: string[] = [];
    const held = new HeldEnvelopes(async (from, id) => {
      if (!keys.has(from)) return false;
      opened.push(`${from}:${id}`);
      return true;
    }, 3);
    held.keep('ann', '1', 'e1');
    held.keep('mallory', '2', 'e2');
    held.keep('ann', '3', 'e3');
    held.keep('ann', '3', 'e3'); // the same one again counts once
    expect(held.size).toBe(3);
    await held.retryAll();
    expect(opened).toEqual([]);
    keys.add('ann');
    await held.retryAll();
    expect(opened).toEqual(['ann:1', 'ann:3']);
    expect(held.size).toBe(1);
    for (const id of ['4', '5', '6']) held.keep('mallory', id, 'e');
    expect(held.size).toBe(3);
    keys.add('mallory');
    await held.retryAll();
    // mallory's '2' was the oldest: it went when the bound was passed.
    expect(opened.slice(2)).toEqual(['mallory:4', 'mallory:5', 'mallory:6']);
  });
});
