// Answer batching: ids queued in one turn go out as one call per kind and peer, each id once,
// split at the protocol's batch limit; a later turn is a new batch.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits';
import { Batcher } from './batcher';

const turn = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('Batcher', () => {
  it('one call per kind and peer per turn, each id once', async () => {
    const calls: Array<[string, string, string[]]> = [];
    const b = new Batcher<'ack' | 'refuse'>((kind, peer, ids) => calls.push([kind, peer, ids]));
    b.queue('ack', 'alice', ['m-1']);
    b.queue('ack', 'alice', ['m-2', 'm-1']);
    b.queue('refuse', 'alice', ['m-3']);
    b.queue('ack', 'bob', ['m-4']);
    expect(calls).toEqual([]); // nothing until the turn ends
    await turn();
    expect(calls).toEqual([
      ['ack', 'alice', ['m-1', 'm-2']],
      ['ack', 'bob', ['m-4']],
      ['refuse', 'alice', ['m-3']],
    ]);
    b.queue('ack', 'alice', ['m-5']);
    await turn();
    expect(calls.at(-1)).toEqual(['ack', 'alice', ['m-5']]);
  });

  it('splits a batch at LIMITS.maxAckBatch ids', async () => {
    const sizes: number[] = [];
    const b = new Batcher<'ack'>((_k, _p, ids) => sizes.push(ids.length));
    b.queue('ack', 'alice', Array.from({ length: LIMITS.maxAckBatch * 2 + 3 }, (_, i) => `m-${i}`));
    await turn();
    expect(sizes).toEqual([LIMITS.maxAckBatch, LIMITS.maxAckBatch, 3]);
  });
});
