/** The relay benchmark's report: the table, the verdicts against the targets, and the JSON summary. */
import type { RelayResult } from './relay-bench';
import { fmt, table } from './stats';

/** Parley's relay throughput as a share of the bare forwarder's (issue 11). */
export const TARGET_RATIO = 0.9;
/** Parley's p99 send → receive latency at each measured rate, ms (issue 11). */
export const TARGET_P99_MS = 2;

const verdict = (ok: boolean): string => (ok ? 'MET' : 'MISSED');

export function reportRelay(r: RelayResult, log: (line: string) => void): void {
  const s = r.summary;
  const o = r.options;
  log('');
  log(`Relay, ${o.pairs} sender→receiver pairs per target, ${o.envChars}-char sealed envelope, medians of ${o.rounds} alternating runs:`);
  const head = ['', 'msgs/s', 'server µs/msg', ...s.latencyByRate.flatMap((l) => [`p50 ms @${fmt(l.rate)}`, `p99 ms @${fmt(l.rate)}`])];
  const lat = (k: 'bare' | 'full' | 'before') => s.latencyByRate.flatMap((l) => [fmt(l[k]!.p50, 2), fmt(l[k]!.p99, 2)]);
  const rows = [
    head,
    ['bare ws forwarder (forwards frames only)', fmt(s.bareMsgsPerSec), fmt(s.bareServerUs, 1), ...lat('bare')],
    ...(s.before ? [[`parley server of ${o.beforeRoot} (before)`, fmt(s.before.msgsPerSec), fmt(s.before.serverUs, 1), ...lat('before')]] : []),
    ['parley server (full reliable delivery)', fmt(s.fullMsgsPerSec), fmt(s.fullServerUs, 1), ...lat('full')],
  ];
  log(table(rows));
  log(`  throughput = messages received per second at saturation; server µs/msg = its CPU time per message there;`);
  log(`  latency = send → receive at the given total rate (open loop).`);
  log(`  parley/bare throughput ratio: ${fmt(s.ratio, 3)} (target ≥ ${TARGET_RATIO}: ${verdict(s.ratio >= TARGET_RATIO)})`);
  if (s.before) log(`  before/bare throughput ratio: ${fmt(s.before.ratio, 3)}`);
  for (const l of s.latencyByRate) log(`  p99 at ${fmt(l.rate)} msg/s: ${fmt(l.full.p99, 2)} ms (target < ${TARGET_P99_MS} ms: ${verdict(l.full.p99 < TARGET_P99_MS)})`);
  log('  Parley runs the complete exchange per message: send → deliver → batched ack → delivered → batched receipt_ack,');
  log('  with authentication, schema validation, contact authorization and rate limiting; the bare forwarder only forwards.');
  const troubled = [...r.throughput, ...r.latency].filter((x) => x.undelivered || Object.keys(x.errors).length);
  if (troubled.length) log(`  WARNING: ${troubled.length} run(s) saw errors or undelivered messages (see the lines marked !! above)`);
}

/** The relay part of the closing JSON line. */
export function relaySummary(r: RelayResult): Record<string, unknown> {
  const s = r.summary;
  return {
    bareMsgsPerSec: Math.round(s.bareMsgsPerSec),
    fullMsgsPerSec: Math.round(s.fullMsgsPerSec),
    ratio: Number(s.ratio.toFixed(3)),
    ratioTarget: TARGET_RATIO,
    bareServerUsPerMsg: Number(s.bareServerUs.toFixed(2)),
    fullServerUsPerMsg: Number(s.fullServerUs.toFixed(2)),
    latencyRate: r.options.rates[0],
    bareLatencyMs: s.bareLatency,
    fullLatencyMs: s.fullLatency,
    latencyByRate: s.latencyByRate,
    p99TargetMs: TARGET_P99_MS,
    ...(s.before ? { before: s.before } : {}),
    runs: { throughput: r.throughput, latency: r.latency },
    options: r.options,
  };
}
