/** Vitest glue for a cluster (like harness.ts's `useServer`): clients closed after each test, no node's error lines at the end. */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Identity } from '../../shared/identity';
import { ParleyClient, makeContacts, newIdentity, uniqueName } from './client';
import { Cluster, type ClusterOptions, START_TIMEOUT_MS } from './cluster';

export interface ClusterHarness {
  readonly cluster: Cluster;
  /** Registers a new user named after `prefix` on node `i`. */
  user(i: number, prefix: string): Promise<ParleyClient>;
  /** Logs in as an existing identity on node `i`. */
  login(i: number, identity: Identity): Promise<ParleyClient>;
  /** A new alice on node `a` and a new bob on node `b`, made contacts: where most cluster tests begin. */
  pair(a: number, b: number): Promise<[ParleyClient, ParleyClient]>;
}

export function useCluster(options: ClusterOptions = {}): ClusterHarness {
  let cluster: Cluster | undefined;
  const clients: ParleyClient[] = [];
  const track = (c: ParleyClient) => (clients.push(c), c);

  beforeAll(async () => {
    cluster = await Cluster.start(options);
  }, 2 * START_TIMEOUT_MS);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close(500)));
  });

  afterAll(async () => {
    if (!cluster) return;
    try {
      expect(cluster.errors()).toEqual([]);
    } finally {
      await cluster.dispose();
    }
  });

  const h: ClusterHarness = {
    get cluster() {
      if (!cluster) throw new Error('the cluster is not started (use the harness inside tests)');
      return cluster;
    },
    user: async (i, prefix) => track(await ParleyClient.register(h.cluster.node(i).port, await newIdentity(uniqueName(prefix)))),
    login: async (i, identity) => track(await ParleyClient.login(h.cluster.node(i).port, identity)),
    pair: async (a, b) => {
      const [alice, bob] = await Promise.all([h.user(a, 'alice'), h.user(b, 'bob')]);
      await makeContacts(alice, bob);
      return [alice, bob];
    },
  };
  return h;
}
