/**
 * Scheduled messages on Redis with two nodes: held in Redis, delivered once (one node claims
 * it) at its time and not before, and by the other node when the one that took it was killed.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '../../shared/protocol';
import { useCluster } from '../test-support/cluster-harness';
import { deliverOf, scheduleText, sleep } from '../test-support/scheduling';

describe('scheduled messages (Redis, two nodes)', () => {
  const h = useCluster({ nodes: 2 });

  it('delivers once, at its time and not before, across nodes', async () => {
    const [a, b] = await h.pair(0, 1);
    const at = Date.now() + 1500;
    const id = await scheduleText(a, b, at, 'across nodes');
    await sleep(at - Date.now() - 300);
    await b.roundTrip();
    expect(b.received.some(deliverOf(id))).toBe(false);
    const got = (await b.next(deliverOf(id) as never, 5000)) as ServerFrameOf<'deliver'>;
    expect(got.ts).toBeGreaterThanOrEqual(at);
    expect(await b.openText(got, a.identity!)).toBe('across nodes');
    b.send({ t: 'ack', from: a.username, ids: [id] });
    expect(await a.next('delivered')).toEqual({ t: 'delivered', by: b.username, ids: [id] });
    await sleep(1500);
    await b.roundTrip();
    expect(b.received.filter(deliverOf(id)).length).toBe(1);
  });

  it('is delivered by the other node when the node that took it is killed', async () => {
    const [a, b] = await h.pair(0, 1);
    const at = Date.now() + 1500;
    const id = await scheduleText(a, b, at, 'the node died');
    await h.cluster.node(0).kill('SIGKILL');
    try {
      const got = (await b.next(deliverOf(id) as never, 8000)) as ServerFrameOf<'deliver'>;
      expect(got.ts).toBeGreaterThanOrEqual(at);
    } finally {
      await h.cluster.node(0).restart();
    }
  });
});
