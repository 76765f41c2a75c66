/**
 * Preloaded into the Parley server under test for the memory benchmark only
 * (`node --expose-gc --import tsx --import ./bench/server-probe.ts signaling/main.ts`).
 * It answers over the IPC channel: collect garbage, then report memory use, so "bytes per
 * connection" counts live objects rather than whatever garbage V8 had not yet collected; and
 * memory use as it is, without collecting. It touches nothing of the server itself.
 */
import { serveRpc } from './ipc';

const gc = (globalThis as { gc?: () => void }).gc;

serveRpc({
  ready: () => true,
  gc: () => {
    if (!gc) throw new Error('start the server with --expose-gc');
    // Two passes: the first may only promote what the second frees.
    gc();
    gc();
    return process.memoryUsage();
  },
  // As it is, garbage included: sampled during a login (bench/login-bench.ts) to see what it holds.
  memory: () => process.memoryUsage(),
});
