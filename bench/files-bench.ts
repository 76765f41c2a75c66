/**
 * The file-transfer benchmark: a large file sent through the real Parley UI between two headless
 * Chromium profiles against the real server on loopback, over the direct path (WebRTC data
 * channel) and over the relay (the receiver ticks "Relay only"), beside the raw limits measured
 * between the same two tabs in the same run: a bare RTCDataChannel and the tabs' WebSockets
 * through the bare `ws` forwarder (raw-links.ts), and the receiver's OPFS written the way the
 * app writes it (opfs-probe.ts).
 *
 * Rounds alternate the four kinds of run so that noise from the shared machine falls on all of
 * them alike; medians are reported. See files-session.ts for the setting and a single run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHUNK_BYTES, MAX_SEALED_CHUNK_BYTES } from '../shared/file-chunks';
import { loadConfig } from '../signaling/config';
import { buildWebApp } from './app-browser';
import { type AppPath, type AppPhases, type FilesRun, FilesSession, type ReceiverHoldings, type RunKind } from './files-session';
import type { RawOptions } from './raw-links';
import { type OpfsProbeResult, describeOpfs, probeOpfs } from './opfs-probe';
import { median } from './stats';
import type { HotSpot } from './tab-profile';
import { type MemoryPeaks, emptyPeaks, maxPeaks } from './tab-memory';

export type { AppPath, AppPhases, FilesRun, ReceiverHoldings, RunKind } from './files-session';

export interface FilesOptions {
  /** Bytes per measured transfer. */
  bytes: number;
  rounds: number;
  /** Bytes of the warm-up transfer of each kind (code caches, the storage worker's start): not counted. */
  warmupBytes: number;
  /** Bytes the OPFS probe writes per repetition. */
  opfsProbeBytes: number;
  runTimeoutMs: number;
  raw: Pick<RawOptions, 'messageBytes' | 'highWater' | 'lowWater' | 'pollMs'>;
  /**
   * A directory: serve an unminified build (readable names) and, after the measured rounds, profile
   * one more transfer per path in both tabs, writing .cpuprofile files there.
   */
  profileDir?: string;
}

export interface FilesResult {
  options: FilesOptions;
  runs: FilesRun[];
  /** MB/s (10^6 bytes/s), medians per kind. */
  mbPerSec: Record<RunKind, number>;
  /** MB/s of the app's transfer alone (offer shown → link), medians. */
  transferMbPerSec: Record<AppPath, number>;
  phases: Record<AppPath, AppPhases>;
  memory: Record<AppPath, MemoryPeaks>;
  /** The receiver's progress saves in the chunks phase of the app's runs, medians: how many, mean ms each, share of the phase one was open. */
  progressSaves: Record<AppPath, { count: number; meanMs: number; busyShare: number }>;
  /** The receiver's OPFS alone (opfs-probe.ts). */
  opfs: OpfsProbeResult;
  /** The receiver's Blobs and memory after the measured runs, and after a forced GC in its tab. */
  holdings: { now: ReceiverHoldings; afterGc: ReceiverHoldings };
  relayLimits: { bytesPerSec: number; burstBytes: number; capMbPerSec: number };
  profiles?: Record<AppPath, Record<'sender' | 'receiver', HotSpot[]>>;
  failures: number;
  firstError?: string;
}

const MB = 1e6;
const ORDER: RunKind[] = ['bareChannel', 'direct', 'relay', 'bareSocket'];

export async function benchFiles(o: FilesOptions, log: (line: string) => void): Promise<FilesResult> {
  let webDir: string | undefined;
  if (o.profileDir) {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-unminified-'));
    buildWebApp(['--outDir', webDir, '--minify', 'false']);
    log(`  profiling: serving an unminified build from ${webDir}; profiles go to ${o.profileDir}`);
  } else {
    buildWebApp();
  }
  const session = new FilesSession({ ...o.raw, timeoutMs: o.runTimeoutMs });
  try {
    await session.open(webDir);
    const runs: FilesRun[] = [];
    let failures = 0;
    let firstError: string | undefined;
    // Round 0 is the warm-up, with a smaller file.
    for (let round = 0; round <= o.rounds; round++) {
      const bytes = round === 0 ? o.warmupBytes : o.bytes;
      for (const kind of ORDER) {
        const label = round === 0 ? `warm-up ${kind}` : `round ${round} ${kind}`;
        try {
          const run = await session.run(kind, round, bytes);
          if (round > 0) runs.push(run);
          log(`  ${label}: ${describeRun(run, bytes)}`);
        } catch (err) {
          failures++;
          const message = (err as Error).message.split('\n')[0]!;
          firstError ??= `${label}: ${message}`;
          log(`  !! ${label} failed: ${message}`);
        }
      }
    }
    const holdings = await session.receiverHoldings();
    const opfs = await probeOpfs(session.receiverPage, o.opfsProbeBytes, 3);
    log(`  receiver's OPFS alone: ${describeOpfs(opfs)}`);
    let profiles: FilesResult['profiles'];
    if (o.profileDir) {
      profiles = { direct: await session.profile('direct', o.bytes, o.profileDir), relay: await session.profile('relay', o.bytes, o.profileDir) };
    }
    return { ...summarize(o, runs, profiles, failures, firstError), opfs, holdings };
  } finally {
    await session.close();
    if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
  }
}

function summarize(
  o: FilesOptions,
  runs: FilesRun[],
  profiles: FilesResult['profiles'],
  failures: number,
  firstError: string | undefined,
): Omit<FilesResult, 'opfs' | 'holdings'> {
  const of = (kind: RunKind) => runs.filter((r) => r.kind === kind);
  const med = (kind: RunKind, pick: (r: FilesRun) => number) => median(of(kind).map(pick));
  const phaseMedians = (kind: AppPath): AppPhases => {
    const withPhases = of(kind).filter((r) => r.phases);
    const keys = ['toOffer', 'senderHash', 'toFirstChunk', 'chunks', 'verify', 'transfer'] as const;
    return Object.fromEntries(keys.map((k) => [k, median(withPhases.map((r) => r.phases![k]))])) as unknown as AppPhases;
  };
  const memoryOf = (kind: AppPath) => of(kind).reduce((peak, r) => (r.memory ? maxPeaks(peak, r.memory) : peak), emptyPeaks());
  // Over the runs whose chunks phase was seen (a NaN would upset the sort inside median).
  const progressSaves = (kind: AppPath) => {
    const seen = of(kind).flatMap((r) => (r.storage && r.phases?.chunks ? [{ saves: r.storage, chunks: r.phases.chunks }] : []));
    return {
      count: median(seen.map((x) => x.saves.count)),
      meanMs: median(seen.filter((x) => x.saves.count).map((x) => x.saves.totalMs / x.saves.count)),
      busyShare: median(seen.map((x) => x.saves.busyMs / 1000 / x.chunks)),
    };
  };
  const transferRate = (r: FilesRun) => (r.phases ? o.bytes / MB / r.phases.transfer : Number.NaN);
  // The relay's byte-rate bucket: the burst passes at once, the rest at the rate. Sealed chunks are a little larger than their plaintext.
  const limits = loadConfig(process.env).limits;
  const wireBytes = Math.ceil(o.bytes / CHUNK_BYTES) * MAX_SEALED_CHUNK_BYTES;
  const capSeconds = Math.max(0, wireBytes - limits.relayBurstBytes) / limits.relayBytesPerSec;
  return {
    options: o,
    runs,
    mbPerSec: {
      bareChannel: med('bareChannel', (r) => r.mbPerSec),
      direct: med('direct', (r) => r.mbPerSec),
      bareSocket: med('bareSocket', (r) => r.mbPerSec),
      relay: med('relay', (r) => r.mbPerSec),
    },
    transferMbPerSec: { direct: med('direct', transferRate), relay: med('relay', transferRate) },
    phases: { direct: phaseMedians('direct'), relay: phaseMedians('relay') },
    memory: { direct: memoryOf('direct'), relay: memoryOf('relay') },
    progressSaves: { direct: progressSaves('direct'), relay: progressSaves('relay') },
    relayLimits: { bytesPerSec: limits.relayBytesPerSec, burstBytes: limits.relayBurstBytes, capMbPerSec: capSeconds > 0 ? o.bytes / MB / capSeconds : Infinity },
    profiles,
    failures,
    firstError,
  };
}

const s = (v: number | undefined, digits = 2) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const mb = (bytes: number) => (bytes / MB).toFixed(0);

/** One run's line: the rate, where the app's time went, the receiving tab's memory, and who used the CPU. */
function describeRun(r: FilesRun, bytes: number): string {
  const size = `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const c = r.cpu;
  const cores =
    `cores: tabs tx ${s(c.senderTab)} rx ${s(c.receiverTab)}, rest of Chromium tx ${s(c.senderBrowser)} rx ${s(c.receiverBrowser)}, ` +
    `server ${s(c.server)}, other ${s(c.other)}`;
  if (!r.phases) return `${size} in ${s(r.seconds)} s = ${s(r.mbPerSec, 1)} MB/s; ${cores}`;
  const p = r.phases;
  const m = r.memory;
  const st = r.storage;
  return (
    `${size} attached → link ${s(r.seconds)} s = ${s(r.mbPerSec, 1)} MB/s ` +
    `(sender hash ${s(p.senderHash)}, → offer ${s(p.toOffer)}, → 1st chunk ${s(p.toFirstChunk)}, chunks ${s(p.chunks)}, verify ${s(p.verify)} s; ` +
    `offer → link ${s(bytes / MB / p.transfer, 1)} MB/s); ` +
    (st?.count
      ? `rx progress saves in the chunks phase: ${st.count}, ${s(st.totalMs / st.count, 1)} ms each, one open ${s((100 * st.busyMs) / 1000 / p.chunks, 0)}% of it; `
      : '') +
    (m
      ? `rx peaks: JS heap ${mb(m.jsHeapUsed)} MB (${mb(m.start.jsHeapUsed)} before), renderer ${mb(m.rendererPrivate)} MB private (${mb(m.start.rendererPrivate)} before) / ` +
        `${mb(m.rendererRss)} MB RSS, browser process ${mb(m.browserRss)} MB RSS (${mb(m.start.browserRss)} before); `
      : '') +
    cores
  );
}
