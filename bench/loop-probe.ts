/**
 * Preloaded into the relay benchmark's Parley server with BENCH_LOOP_PROBE=1, to find where its
 * latency tail comes from: it records how long the event loop was blocked (monitorEventLoopDelay)
 * and every GC pause (by kind), and prints a summary to stderr each time the process gets SIGUSR2
 * (the benchmark sends one after each measured window), resetting the figures. It touches nothing
 * of the server itself.
 */
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
};

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
let gcs: { kind: string; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const detail = (e as unknown as { detail?: { kind?: number } }).detail;
    gcs.push({ kind: KINDS[detail?.kind ?? -1] ?? 'other', ms: e.duration });
  }
}).observe({ entryTypes: ['gc'] });
let since = performance.now();

process.on('SIGUSR2', () => {
  const secs = (performance.now() - since) / 1000;
  const byKind = new Map<string, number[]>();
  for (const g of gcs) byKind.set(g.kind, [...(byKind.get(g.kind) ?? []), g.ms]);
  const gcText = [...byKind]
    .map(([kind, ms]) => {
      const sorted = ms.sort((a, b) => a - b);
      const total = sorted.reduce((n, x) => n + x, 0);
      return `${kind} ${sorted.length}× (${(sorted.length / secs).toFixed(1)}/s) median ${sorted[sorted.length >> 1]!.toFixed(2)} max ${sorted.at(-1)!.toFixed(2)} ms, ${((total / 1000 / secs) * 100).toFixed(1)}% of the time`;
    })
    .join('; ');
  const ms = (ns: number) => (ns / 1e6).toFixed(2);
  process.stderr.write(
    `    [server loop] delay p50 ${ms(loop.percentile(50))} p99 ${ms(loop.percentile(99))} max ${ms(loop.max)} ms; gc: ${gcText || 'none'}\n`,
  );
  loop.reset();
  gcs = [];
  since = performance.now();
});
