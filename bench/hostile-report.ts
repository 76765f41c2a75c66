/** The hostile-load section of the benchmark report: one table, then what each flood did and cost. */
import type { FloodResult, HostileResult } from './hostile-bench';
import { SLOW_PING_MS } from './hostile-net';
import type { WindowFigures } from './hostile-users';
import { fmt, table } from './stats';

export const TARGET_P99_MS = SLOW_PING_MS;
export const TARGET_RATIO = 0.8;

interface Verdict {
  msgRatio: number;
  fileRatio: number;
  holds: boolean;
}

function verdict(r: FloodResult): Verdict | undefined {
  if (!r.baseline || !r.attacked) return undefined;
  const msgRatio = r.attacked.msgsPerSec / r.baseline.msgsPerSec;
  const fileRatio = r.attacked.fileMBps / r.baseline.fileMBps;
  const holds = !r.error && r.attacked.ping.p99 < TARGET_P99_MS && msgRatio >= TARGET_RATIO && fileRatio >= TARGET_RATIO;
  return { msgRatio, fileRatio, holds };
}

const pair = (b: number, a: number, digits = 0): string => `${fmt(b, digits)} → ${fmt(a, digits)}`;
const counts = (c: Record<string, number>): string =>
  Object.entries(c)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ×${fmt(v)}`)
    .join(', ') || 'nothing';
const figures = (f: Record<string, number | string>): string =>
  Object.entries(f)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`)
    .join('; ');

function newcomer(w: WindowFigures): string {
  const n = w.newcomer;
  return `${fmt(n.medianMs)}${n.failures ? ` (${n.failures} failed: ${n.firstFailure})` : ''}`;
}

function row(r: FloodResult): string[] {
  const v = verdict(r);
  const b = r.baseline;
  const a = r.attacked;
  if (!v || !b || !a) return [r.title, '', '', '', '', '', '', 'FAILED'];
  return [
    r.title,
    pair(b.ping.p50, a.ping.p50, 1),
    pair(b.ping.p99, a.ping.p99, 1),
    pair(b.msgsPerSec, a.msgsPerSec),
    pair(b.fileMBps, a.fileMBps, 1),
    `${fmt(v.msgRatio, 2)} / ${fmt(v.fileRatio, 2)}`,
    newcomer(a),
    v.holds ? 'MET' : 'MISSED',
  ];
}

function details(r: FloodResult, log: (line: string) => void): void {
  log(`${r.title}:`);
  if (r.error) log(`    FAILED: ${r.error}`);
  if (r.attack) {
    log(`    attacker: ${r.attack.did}${r.setupNote ? ` (set up: ${r.setupNote})` : ''}`);
    log(`    server answered the attacker: ${counts(r.attack.server)}`);
    if (Object.keys(r.attack.figures).length) log(`    outcome: ${figures(r.attack.figures)}`);
  }
  const s = r.server;
  if (s) {
    log(
      `    server: RSS ${fmt(s.rssBeforeMiB)} → peak ${fmt(s.rssPeakMiB)} → ${fmt(s.rssAfterMiB)} MiB; CPU ${fmt(s.cpuBaseline, 2)} → ${fmt(s.cpuAttacked, 2)} cores; ` +
        `data ${fmt(s.diskBeforeMiB, 1)} → ${fmt(s.diskAfterMiB, 1)} MiB; sockets peak ${fmt(s.socketsPeak)}; attacker CPU ${fmt(r.attackerCpu ?? Number.NaN, 2)}; ` +
        `the rest of the machine ${fmt(s.otherCpuBaseline, 2)} → ${fmt(s.otherCpuAttacked, 2)} cores`,
    );
  }
  for (const [label, w] of [
    ['baseline', r.baseline],
    ['attacked', r.attacked],
  ] as const) {
    if (!w || (!Object.keys(w.troubles).length && !w.slowPings.count)) continue;
    const slow = w.slowPings;
    const late = slow.count ? `; ${fmt(slow.count)} pings over ${SLOW_PING_MS} ms, sent ${fmt(slow.firstAt, 1)}–${fmt(slow.lastAt, 1)} s into the window` : '';
    const overdue = w.ping.overdue ? ` (${w.ping.overdue} still unanswered at its end)` : '';
    log(`    ordinary users, ${label}: ${counts(w.troubles)}${late}${overdue}`);
  }
}

export function reportHostile(r: HostileResult, log: (line: string) => void): void {
  const o = r.options;
  const u = o.users;
  log('');
  log(`Hostile load: each flood against a fresh server with its default configuration, ${fmt(o.durationMs / 1000)} s of baseline then the flood;`);
  log(`ordinary users each on an address of their own: a bystander pings every 10 ms, alice → bob ${fmt(u.msgRate)} msgs/s, carol → dave`);
  log(`${fmt(u.fileBytesPerSec / 1e6)} MB/s of relayed file chunks, a newcomer logs in every second. Baseline → attacked:`);
  log(
    table([
      ['flood', 'ping p50 ms', 'ping p99 ms', 'msgs/s', 'file MB/s', 'ratio msgs / file', 'newcomer login ms', `target`],
      ...r.floods.map(row),
    ]),
  );
  log(`  target: attacked ping p99 < ${TARGET_P99_MS} ms and both throughput ratios ≥ ${TARGET_RATIO}. The attacked window lasts the flood and`);
  log(`  what follows it (a victim's login); the attacker runs at CPU niceness ${o.attackerNice} on the same cores.`);
  for (const f of r.floods) details(f, log);
  const met = r.floods.filter((f) => verdict(f)?.holds).length;
  log(`  hostile load: target held under ${met} of ${r.floods.length} floods`);
}

const round = (v: number, digits = 1): number => Number(v.toFixed(digits));

/** The figures for the bench's JSON line. */
export function hostileSummary(r: HostileResult) {
  return {
    targetP99Ms: TARGET_P99_MS,
    targetRatio: TARGET_RATIO,
    durationMs: r.options.durationMs,
    floods: r.floods.map((f) => {
      const v = verdict(f);
      const w = (x: WindowFigures | undefined) =>
        x && { pingP50: round(x.ping.p50, 2), pingP99: round(x.ping.p99, 2), pingMax: round(x.ping.max), msgsPerSec: round(x.msgsPerSec), fileMBps: round(x.fileMBps), newcomerMs: round(x.newcomer.medianMs), newcomerFailures: x.newcomer.failures };
      return {
        flood: f.name,
        holds: v?.holds ?? false,
        msgRatio: v && round(v.msgRatio, 3),
        fileRatio: v && round(v.fileRatio, 3),
        baseline: w(f.baseline),
        attacked: w(f.attacked),
        server: f.server,
        attack: f.attack,
        setup: f.setupNote,
        error: f.error,
      };
    }),
  };
}
