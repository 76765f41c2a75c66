/**
 * What SQLite's secure_delete costs the offline queue: the same workload (queue a message, read
 * it back in a page, acknowledge it) on two stores side by side, secure_delete on and off,
 * alternating rounds so the machine's noise falls on both. Figures are medians of the rounds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../signaling/store/sqlite/sqlite-store';
import { median } from './stats';

const ROUNDS = Number(process.env.STORE_BENCH_ROUNDS ?? 7);
const PER_ROUND = Number(process.env.STORE_BENCH_MESSAGES ?? 300);
const ENV = 'A'.repeat(400); // about a short sealed text message

function open(secureDelete: boolean): { store: SqliteStore; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-bench-'));
  const store = new SqliteStore({ dataDir: dir, quotaMessages: 1_000_000, quotaBytes: 1 << 30, ttlMs: 3_600_000, secureDelete });
  return { store, dir };
}

/** Messages per second through queue → page → remove, each enqueue and remove its own commit (fsync). */
async function round(store: SqliteStore, tag: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < PER_ROUND; i++) {
    const id = `${tag}-${i}`;
    await store.queue.enqueue('bob', [{ kind: 'msg', peer: 'alice', id, env: ENV, ts: i }]);
    await store.queue.page('bob', undefined, 1);
    await store.queue.remove('bob', 'msg', 'alice', [id]);
  }
  return PER_ROUND / ((performance.now() - t0) / 1000);
}

export async function runStoreBench(): Promise<{ on: number; off: number }> {
  const on = open(true);
  const off = open(false);
  const rates = { on: [] as number[], off: [] as number[] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      rates.on.push(await round(on.store, `on${r}`));
      rates.off.push(await round(off.store, `off${r}`));
    }
  } finally {
    for (const s of [on, off]) {
      await s.store.close();
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  }
  return { on: median(rates.on), off: median(rates.off) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { on, off } = await runStoreBench();
  console.log(`offline queue, queue+read+ack per message (synchronous=FULL), median of ${ROUNDS} rounds of ${PER_ROUND}:`);
  console.log(`  secure_delete off  ${off.toFixed(0)} msg/s`);
  console.log(`  secure_delete on   ${on.toFixed(0)} msg/s  (${((on / off) * 100).toFixed(0)}% of off)`);
}
