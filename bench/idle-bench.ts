/**
 * Idle-connection benchmark: how much memory one authenticated, idle connection costs the
 * Parley server. A fresh server gets a few warm-up connections (so code is loaded and compiled),
 * then N more, each a registered, logged-in account. Bytes per connection = ΔVmRSS / N, read
 * from /proc after a forced garbage collection on both sides of the difference (the server
 * preloads bench/server-probe.ts for that); the figure before collecting is reported as well.
 */
import { RpcClient } from './ipc';
import { countSockets, readCpuSeconds, readRssBytes, startClient, startParleyServer, stopChild } from './children';
import type { IdleStatus, OpenArgs, OpenResult } from './idle-client';
import { fmt, sleep } from './stats';

export interface IdleOptions {
  connections: number;
  warmup: number;
  /** Connections per client process (each process is limited to ~20,000 open files). */
  perProcess: number;
  /** Registrations in flight per client process. */
  concurrency: number;
  /** How long the connections stay idle before the final reading. */
  holdMs: number;
}

export interface IdleResult {
  options: IdleOptions;
  held: number;
  serverSockets: number;
  failures: number;
  firstError: string | undefined;
  registerSeconds: number;
  registrationsPerSec: number;
  /** Server CPU used while registering, in cores: well below 1 means it waited on disk (fsync per commit). */
  registerServerCpu: number;
  rssBefore: number;
  rssAfter: number;
  rssAfterNoGc: number;
  bytesPerConnection: number;
  bytesPerConnectionNoGc: number;
  heapBytesPerConnection: number;
}

type Memory = NodeJS.MemoryUsage;

export async function benchIdle(o: IdleOptions, log: (line: string) => void): Promise<IdleResult> {
  const server = await startParleyServer({ probe: true, label: 'parley server (idle)' });
  const probe = new RpcClient(server.child, 'server probe');
  const processes = Math.max(1, Math.ceil(o.connections / o.perProcess));
  const clients: RpcClient[] = [];
  try {
    await probe.call('ready');
    for (let k = 0; k < processes; k++) clients.push(await startClient('bench/idle-client.ts', `idle client ${k}`));

    const warm = await clients[0]!.call<OpenResult>('open', { port: server.port, count: o.warmup, prefix: 'warm', concurrency: 16 } satisfies OpenArgs);
    if (warm.failures) throw new Error(`warm-up registrations failed: ${warm.firstError}`);
    await sleep(500);
    const memBefore = await probe.call<Memory>('gc');
    const rssBefore = readRssBytes(server.pid);
    log(`  warm-up: ${o.warmup} connections; server RSS ${fmt(rssBefore / 2 ** 20, 1)} MiB, heap ${fmt(memBefore.heapUsed / 2 ** 20, 1)} MiB`);

    // Register in parallel from every client process; report progress while the server works.
    const started = performance.now();
    const cpuStart = readCpuSeconds(server.pid);
    const shares = clients.map((_, k) => Math.min(o.perProcess, o.connections - k * o.perProcess));
    const progress = setInterval(() => {
      void Promise.all(clients.map((c) => c.call<IdleStatus>('status')))
        .then((st) => log(`  … ${fmt(st.reduce((n, s) => n + s.opened, 0))} registered after ${fmt((performance.now() - started) / 1000, 0)} s`))
        .catch(() => {});
    }, 10_000);
    const results = await Promise.all(
      clients.map((c, k) =>
        c.call<OpenResult>('open', { port: server.port, count: shares[k]!, prefix: `idle${k}_`, concurrency: o.concurrency } satisfies OpenArgs, 600_000),
      ),
    ).finally(() => clearInterval(progress));
    const registerSeconds = (performance.now() - started) / 1000;
    const registerServerCpu = (readCpuSeconds(server.pid) - cpuStart) / registerSeconds;
    const failures = results.reduce((n, r) => n + r.failures, 0);
    const opened = results.reduce((n, r) => n + r.opened, 0);
    log(`  registered ${fmt(opened)} accounts, each on its own connection, in ${fmt(registerSeconds, 1)} s (${fmt(opened / registerSeconds)}/s, server CPU ${fmt(registerServerCpu * 100)}%)${failures ? `; ${failures} failed: ${results.find((r) => r.firstError)?.firstError}` : ''}`);

    await sleep(o.holdMs);
    const rssAfterNoGc = readRssBytes(server.pid);
    const memAfter = await probe.call<Memory>('gc');
    const rssAfter = readRssBytes(server.pid);
    const statuses = await Promise.all(clients.map((c) => c.call<IdleStatus>('status')));
    const held = statuses.reduce((n, s) => n + s.open, 0) - o.warmup;
    const serverSockets = countSockets(server.pid);
    return {
      options: o,
      held,
      serverSockets,
      failures,
      firstError: results.find((r) => r.firstError)?.firstError,
      registerSeconds,
      registrationsPerSec: opened / registerSeconds,
      registerServerCpu,
      rssBefore,
      rssAfter,
      rssAfterNoGc,
      bytesPerConnection: (rssAfter - rssBefore) / opened,
      bytesPerConnectionNoGc: (rssAfterNoGc - rssBefore) / opened,
      heapBytesPerConnection: (memAfter.heapUsed - memBefore.heapUsed) / opened,
    };
  } finally {
    await Promise.all(clients.map((c) => c.call('close', {}, 10_000).catch(() => {})));
    await Promise.all([...clients.map((c) => stopChild(c.child)), stopChild(server.child)]);
  }
}
