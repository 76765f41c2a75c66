/** The file-transfer benchmark's summary: the readable table and the figures for the JSON line. */
import type { AppPath, FilesResult, ReceiverHoldings } from './files-bench';
import { describeOpfs } from './opfs-probe';
import { fmt, table } from './stats';
import { type MemoryPeaks, maxPeaks } from './tab-memory';

export const TARGET_DIRECT_RATIO = 0.8;
export const TARGET_RELAY_RATIO = 0.6;
export const TARGET_MEMORY_BYTES = 200e6;

const MB = 1e6;
const verdict = (ok: boolean): string => (ok ? 'MET' : 'MISSED');
const round = (v: number, digits = 1): number => Number(v.toFixed(digits));
const roundAll = <T extends object>(o: T, digits: number): T =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v, digits) : v])) as T;

export function filesRatios(r: FilesResult) {
  return {
    direct: r.mbPerSec.direct / r.mbPerSec.bareChannel,
    relay: r.mbPerSec.relay / r.mbPerSec.bareSocket,
    directTransfer: r.transferMbPerSec.direct / r.mbPerSec.bareChannel,
    relayTransfer: r.transferMbPerSec.relay / r.mbPerSec.bareSocket,
  };
}

/** Peak memory of the receiving tab over both paths: the figure the target is about. */
const peakMemory = (r: FilesResult): MemoryPeaks => maxPeaks(r.memory.direct, r.memory.relay);

export function reportFiles(r: FilesResult, log: (line: string) => void): void {
  const o = r.options;
  const ratios = filesRatios(r);
  const size = `${fmt(o.bytes / 2 ** 20)} MiB`;
  const n = (kind: keyof FilesResult['mbPerSec']) => r.runs.filter((x) => x.kind === kind).length;
  const p = r.phases;
  const phase = (path: AppPath) => [
    fmt(p[path].senderHash, 2),
    fmt(p[path].toOffer, 2),
    fmt(p[path].toFirstChunk, 2),
    fmt(p[path].chunks, 2),
    fmt(p[path].verify, 2),
    fmt(r.transferMbPerSec[path], 1),
  ];
  log('');
  log(`Files, ${size} between two headless Chromium profiles (persistent: OPFS and IndexedDB on disk) on loopback, medians of the runs:`);
  log(
    table([
      ['', 'MB/s', 'runs'],
      ['bare RTCDataChannel (64 KiB messages, backpressure)', fmt(r.mbPerSec.bareChannel, 1), String(n('bareChannel'))],
      ['parley, direct path (attached → download link)', fmt(r.mbPerSec.direct, 1), String(n('direct'))],
      ['bare ws forwarder, the tabs\' WebSockets (64 KiB frames)', fmt(r.mbPerSec.bareSocket, 1), String(n('bareSocket'))],
      ['parley, relay path (attached → download link)', fmt(r.mbPerSec.relay, 1), String(n('relay'))],
    ]),
  );
  log(`  MB = 10^6 bytes. Bare runs: first byte sent → last byte received, ${fmt(o.raw.messageBytes / 1024)} KiB messages, high water`);
  log(`  ${fmt(o.raw.highWater / 1024)} KiB / low ${fmt(o.raw.lowWater / 1024)} KiB (the socket polls bufferedAmount every ${o.raw.pollMs} ms, as the app does).`);
  log(`  Where the app's time goes, seconds (medians):`);
  log(
    table([
      ['', 'sender hash', '→ offer shown', '→ 1st chunk', 'chunks', 'verify', 'offer → link MB/s'],
      ['direct', ...phase('direct')],
      ['relay', ...phase('relay')],
    ]).replace(/^/gm, '    '),
  );
  log(`    sender hash = attached → the sender's entry shows (its SHA-256 of the file); → offer shown = attached → the receiver's`);
  log(`    entry shows; chunks = first batch stored → verifying; verify = the receiver's final check (its SHA-256, computed as the`);
  log(`    chunks came, against the offer's): ~0, as nothing is read back.`);
  log(`  direct / bare channel: ${fmt(ratios.direct, 3)} (target ≥ ${TARGET_DIRECT_RATIO}: ${verdict(ratios.direct >= TARGET_DIRECT_RATIO)}); offer → link only: ${fmt(ratios.directTransfer, 3)}`);
  log(`  relay / bare ws forwarder: ${fmt(ratios.relay, 3)} (target ≥ ${TARGET_RELAY_RATIO}: ${verdict(ratios.relay >= TARGET_RELAY_RATIO)}); offer → link only: ${fmt(ratios.relayTransfer, 3)}`);
  const l = r.relayLimits;
  const capped = r.mbPerSec.bareSocket * TARGET_RELAY_RATIO > l.capMbPerSec;
  const cap = Number.isFinite(l.capMbPerSec) ? `at most ${fmt(l.capMbPerSec, 1)} MB/s for ${size}` : `the burst covers ${size}: no cap`;
  const verdictCap = capped
    ? `below ${TARGET_RELAY_RATIO} × the bare forwarder: the rate limit alone caps the relay ratio at ${fmt(l.capMbPerSec / r.mbPerSec.bareSocket, 3)}`
    : 'not what limits the relay here';
  log(
    `  relay limits (server defaults unless set in the environment): ${fmt(l.bytesPerSec / 2 ** 20)} MiB/s per connection, burst ${fmt(l.burstBytes / 2 ** 20)} MiB:` +
      ` ${cap}, ${verdictCap}.`,
  );
  const ps = r.progressSaves;
  const saves = (x: FilesResult['progressSaves'][AppPath]) => `${fmt(x.count)}, ${fmt(x.meanMs, 1)} ms each, one open ${fmt(x.busyShare * 100)}% of the phase`;
  log(`  the receiver's progress saves in the chunks phase (IndexedDB readwrite on 'transfers' after each OPFS write, medians):`);
  log(`    direct ${saves(ps.direct)}; relay ${saves(ps.relay)}.`);
  log(`  receiver's OPFS alone, from a page of its profile: ${describeOpfs(r.opfs)}.`);
  const m = peakMemory(r);
  const mb = (v: number) => `${fmt(v / MB)} MB`;
  const line = (x: MemoryPeaks) =>
    `JS heap ${mb(x.jsHeapUsed)}, renderer ${mb(x.rendererPrivate)} private / ${mb(x.rendererPss)} PSS / ${mb(x.rendererRss)} RSS, browser process ${mb(x.browserRss)} RSS` +
    ` (before the first transfer: heap ${mb(x.start.jsHeapUsed)}, renderer ${mb(x.start.rendererPrivate)} private, browser ${mb(x.start.browserRss)})`;
  log(`  receiving tab, peaks during the transfers (sampled every ~100 ms, ${fmt(m.samples)} samples):`);
  log(`    direct: ${line(r.memory.direct)}`);
  log(`    relay:  ${line(r.memory.relay)}`);
  log(`    private = RssAnon, the renderer's own pages; RSS adds Chromium's code and libraries mapped from disk and shared by all its`);
  log(`    processes, in full; PSS adds the renderer's share of those (a page shared by n processes counts 1/n). Blob data lives in`);
  log(`    the browser process, not in the tab: see the census below.`);
  const h = r.holdings;
  const held = (x: ReceiverHoldings) =>
    (x.blobs ? `${fmt(x.blobs.blobs)} Blobs (${mb(x.blobs.memoryBytes)} in memory, ${mb(x.blobs.fileBytes)} in files), ` : '') +
    `browser process ${mb(x.browserRss)} RSS, renderer ${mb(x.rendererPrivate)} private`;
  log(`  the receiver's Chromium after the runs (chrome://blob-internals): ${held(h.now)};`);
  log(`    after a forced GC in its tab: ${held(h.afterGc)}.`);
  log(
    `  < ${mb(TARGET_MEMORY_BYTES)}: JS heap ${verdict(m.jsHeapUsed < TARGET_MEMORY_BYTES)}, renderer private ${verdict(m.rendererPrivate < TARGET_MEMORY_BYTES)},` +
      ` renderer PSS ${verdict(m.rendererPss < TARGET_MEMORY_BYTES)}, renderer RSS ${verdict(m.rendererRss < TARGET_MEMORY_BYTES)}`,
  );
  if (r.profiles) {
    for (const [path, sides] of Object.entries(r.profiles)) {
      for (const [side, hot] of Object.entries(sides)) {
        log(`  profile, ${path}, ${side} tab: most self time (share of the tab's busy time)`);
        for (const h of hot.slice(0, 10)) log(`    ${fmt(h.share * 100, 1).padStart(5)}%  ${fmt(h.selfMs).padStart(6)} ms  ${h.name}`);
      }
    }
  }
  if (r.failures) log(`  WARNING: ${r.failures} run(s) failed: ${r.firstError}`);
}

/** The figures for the JSON summary line. */
export function filesSummary(r: FilesResult) {
  const ratios = filesRatios(r);
  const m = peakMemory(r);
  return {
    bytes: r.options.bytes,
    mbPerSec: Object.fromEntries(Object.entries(r.mbPerSec).map(([k, v]) => [k, round(v)])),
    transferMbPerSec: Object.fromEntries(Object.entries(r.transferMbPerSec).map(([k, v]) => [k, round(v)])),
    directRatio: round(ratios.direct, 3),
    directRatioTarget: TARGET_DIRECT_RATIO,
    directMet: ratios.direct >= TARGET_DIRECT_RATIO,
    relayRatio: round(ratios.relay, 3),
    relayRatioTarget: TARGET_RELAY_RATIO,
    relayMet: ratios.relay >= TARGET_RELAY_RATIO,
    phaseMediansSec: { direct: roundAll(r.phases.direct, 3), relay: roundAll(r.phases.relay, 3) },
    receiverPeakMB: {
      jsHeapUsed: round(m.jsHeapUsed / MB),
      rendererPrivate: round(m.rendererPrivate / MB),
      rendererPss: round(m.rendererPss / MB),
      rendererRss: round(m.rendererRss / MB),
      browserRss: round(m.browserRss / MB),
    },
    memoryTargetMB: TARGET_MEMORY_BYTES / MB,
    memoryMet: m.jsHeapUsed < TARGET_MEMORY_BYTES && m.rendererPrivate < TARGET_MEMORY_BYTES,
    progressSaves: {
      direct: { count: r.progressSaves.direct.count, meanMs: round(r.progressSaves.direct.meanMs, 2), busyShare: round(r.progressSaves.direct.busyShare, 3) },
      relay: { count: r.progressSaves.relay.count, meanMs: round(r.progressSaves.relay.meanMs, 2), busyShare: round(r.progressSaves.relay.busyShare, 3) },
    },
    receiverAfterRuns: r.holdings,
    receiverOpfs: {
      writeKiB: r.opfs.writeBytes / 1024,
      mbPerSec: round(r.opfs.mbPerSec),
      writeUs: round(r.opfs.writeUs),
      flushMs: round(r.opfs.flushMs, 2),
      ...(r.opfs.error ? { error: r.opfs.error } : {}),
    },
    relayLimits: { ...r.relayLimits, capMbPerSec: round(r.relayLimits.capMbPerSec) },
    runs: r.runs.map((x) => ({
      kind: x.kind,
      round: x.round,
      seconds: round(x.seconds, 3),
      mbPerSec: round(x.mbPerSec),
      cpuCores: roundAll(x.cpu, 3),
      phasesSec: x.phases && roundAll(x.phases, 3),
      memory: x.memory,
      progressSaves: x.storage && roundAll(x.storage, 1),
    })),
    failures: r.failures,
  };
}
