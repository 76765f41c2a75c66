/**
 * Scheduled messages on Redis with two nodes: held in Redis, delivered once (one node claims
 * it) at its time and not before, and by the other node when the one that took it was killed.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealEnvelope } from '../../shared/envelope';
import type { ServerFrameOf } from '../../shared/protocol';
import type { ParleyClient } from '../test-support/client';
import { useCluster } from '../test-support/cluster-harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deliverOf = (id: string) => (f: { t: string; id?: string }) => f.t === 'deliver' && f.id === id;

async function scheduleText(a: ParleyClient, b: ParleyClient, at: number, text: string): Promise<string> {
  const id = randomUUID();
  const to = b.identity!;
  const env = sealEnvelope(a.sodium, { from: a.username, to: to.username, id }, { kind: 'text', text, scheduledFor: at } as never, a.identity!.secretKey, to.publicKey);
  a.send({ t: 'schedule', id, to: to.username, env, at });
  expect(await a.next((f) => f.t === 'scheduled' || (f.t === 'error' && f.ref === id))).toEqual({ t: 'scheduled', id, at });
  return id;
}

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
