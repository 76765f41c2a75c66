/** Operator announcements in cluster mode: posted to one node, a user online on another node gets it live; a later login on either gets what it has not acknowledged. */
import { describe, expect, it } from 'vitest';
import { useCluster } from '../test-support/cluster-harness';

const SECRET = 'cluster-admin-secret-0123456789';
const c = useCluster({ nodes: 2, env: { ADMIN_SECRET: SECRET } });

describe('announcements on Redis', () => {
  it('reach every node live, and a later login elsewhere', async () => {
    const far = await c.user(1, 'ann-far');
    const res = await fetch(`http://127.0.0.1:${c.cluster.nodes[0]!.port}/admin/announcements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'cluster notice' }),
    });
    expect(res.status).toBe(200);
    expect(await far.next((f) => f.t === 'announcements')).toMatchObject({ items: [{ text: 'cluster notice' }] });
    await far.close();
    const again = await c.login(0, far.identity!);
    expect(await again.next((f) => f.t === 'announcements')).toMatchObject({ items: [{ text: 'cluster notice' }] });
  });
});
