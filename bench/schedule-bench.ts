/**
 * Scheduled messages (BENCH_ONLY=schedule, issue 13): `senders` users each hold `perSender`
 * sealed messages (10,000 in all by default, the per-user limit each) for their one contact, all
 * due at the same instant, then close their connections, as a sender who closed her browser does.
 * Their recipients stay online and acknowledge as the app does. Measured: how fast the server
 * takes holds (each one on disk before it answers `scheduled`); the server's heap after a GC with
 * everything held, over the one before (held messages live in storage, not in memory); from the
 * due instant, each message's lateness (p50/p99/max), the last one's, and any that came early; the
 * heap and RSS peaks while they go out. Targets: all delivered within the minute they fell due,
 * none early, memory that does not follow the number held.
 * Accounts and contacts are written straight into the data directory first (as login-seed.ts):
 * registering through the protocol measures nothing of scheduling.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sealEnvelope } from '../shared/envelope';
import { generateKeyPair, publicKeyB64, signChallenge } from '../shared/identity';
import { PROTOCOL_VERSION, encodeFrame } from '../shared/protocol';
import { type Sodium, loadSodium } from '../shared/sodium';
import { SqliteStore } from '../signaling/store/sqlite/sqlite-store';
import { readRssBytes, startParleyServer, stopChild } from './children';
import { RpcClient } from './ipc';
import { mapLimit, opened, openSocket, originFor, parleyUrl } from './parley-client';
import { fmt, percentile } from './stats';
import type { WebSocket } from 'ws';

export interface ScheduleOptions {
  senders: number;
  perSender: number;
  /** How long after the first hold they all fall due, ms: time to hold them all, and a GC. */
  leadMs: number;
}

export interface ScheduleResult {
  options: ScheduleOptions;
  held: number;
  holdSeconds: number;
  heldHeapOver: number;
  delivered: number;
  early: number;
  lateness: { p50: number; p99: number; max: number };
  heapPeakOver: number;
  rssPeakOver: number;
  heapAfterOver: number;
  errors: Record<string, number>;
}

const MiB = 2 ** 20;
const WITHIN_MS = 60_000;
const SAMPLE_MS = 50;
/** Sealed texts are about this long, as a short message is. */
const TEXT = 'See you at the station at nine, platform 4.';

interface User {
  name: string;
  keys: ReturnType<typeof generateKeyPair>;
}

interface Live {
  ws: WebSocket;
  frames: (f: Record<string, unknown>) => void;
}

async function seed(sodium: Sodium, o: ScheduleOptions): Promise<{ dataDir: string; pairs: [User, User][] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-schedule-bench-'));
  const store = new SqliteStore({ dataDir, quotaMessages: 1000, quotaBytes: 1 << 30, ttlMs: 14 * 24 * 3600 * 1000 });
  const pairs: [User, User][] = [];
  try {
    for (let i = 0; i < o.senders; i++) {
      const pair: [User, User] = [
        { name: `sender${i}`, keys: generateKeyPair(sodium) },
        { name: `recipient${i}`, keys: generateKeyPair(sodium) },
      ];
      for (const u of pair) await store.accounts.create({ username: u.name, identityKey: publicKeyB64(sodium, u.keys) });
      await store.contacts.add(pair[0].name, pair[1].name);
      pairs.push(pair);
    }
  } finally {
    await store.close();
  }
  return { dataDir, pairs };
}

/** Logs `u` in with its key; `onFrame` sees every frame after the welcome. */
async function login(sodium: Sodium, port: number, u: User, onFrame: (f: Record<string, unknown>) => void): Promise<Live> {
  const ws = openSocket(parleyUrl(port), originFor(port));
  ws.on('error', () => {});
  let welcomed: () => void = () => {};
  const welcome = new Promise<void>((r) => (welcomed = r));
  const live: Live = { ws, frames: onFrame };
  ws.on('message', (data: Buffer) => {
    const f = JSON.parse(data.toString()) as Record<string, unknown>;
    if (f.t === 'challenge') ws.send(encodeFrame({ t: 'login', v: PROTOCOL_VERSION, username: u.name, sig: signChallenge(sodium, u.keys.secretKey, f.nonce as string, u.name) }));
    else if (f.t === 'welcome') welcomed();
    else live.frames(f);
  });
  await opened(ws);
  await welcome;
  return live;
}

export async function benchSchedule(o: ScheduleOptions, log: (line: string) => void): Promise<ScheduleResult> {
  const sodium = await loadSodium();
  const { dataDir, pairs } = await seed(sodium, o);
  // Each sender holds up to the per-user limit; raised only if the run asks for more per sender.
  const server = await startParleyServer({ probe: true, label: 'parley server (schedule)', env: { DATA_DIR: dataDir, SCHEDULE_MAX_PENDING: String(Math.max(100, o.perSender)) } });
  const probe = new RpcClient(server.child, 'server probe');
  const errors: Record<string, number> = {};
  const count = (key: string) => (errors[key] = (errors[key] ?? 0) + 1);
  try {
    await probe.call('ready');
    const total = o.senders * o.perSender;
    const arrived = new Map<string, number>();
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => (done = r));
    // Recipients: online throughout, acknowledging each sender's messages 10 ms after the first of a batch.
    const recipients = await mapLimit(pairs, 20, ([sender, recipient]) => {
      let batch: string[] = [];
      let live: Live | undefined;
      const flush = () => {
        live!.ws.send(encodeFrame({ t: 'ack', from: sender.name, ids: batch.splice(0, 256) }));
        if (batch.length) setTimeout(flush, 10);
      };
      return login(sodium, server.port, recipient, (f) => {
        if (f.t === 'error') count(`recipient error:${f.code}`);
        if (f.t !== 'deliver') return; // presence, the group list: not this bench's
        if (!arrived.has(f.id as string)) arrived.set(f.id as string, Date.now());
        if (batch.push(f.id as string) === 1) setTimeout(flush, 10);
        if (arrived.size === total) done();
      }).then((l) => (live = l));
    });
    const senders = await mapLimit(pairs, 20, ([sender]) => login(sodium, server.port, sender, () => {}));
    const base = await probe.call<NodeJS.MemoryUsage>('gc');
    const baseRss = readRssBytes(server.pid);

    // Every hold names the same instant, far enough ahead for all of them to be held first.
    const holdStart = performance.now();
    const at = Date.now() + o.leadMs;
    let held = 0;
    await mapLimit(pairs, pairs.length, async ([sender, recipient], i) => {
      const live = senders[i]!;
      for (let k = 0; k < o.perSender; k++) {
        const id = randomUUID();
        const env = sealEnvelope(sodium, { from: sender.name, to: recipient.name, id }, { kind: 'text', text: TEXT, scheduledFor: at } as never, sender.keys.secretKey, recipient.keys.publicKey);
        const answer = new Promise<void>((resolve) => {
          live.frames = (f) => {
            if (f.t === 'scheduled') held++;
            else if (f.t === 'error') count(`sender error:${f.code}`);
            else return; // presence and the like
            resolve();
          };
        });
        live.ws.send(encodeFrame({ t: 'schedule', id, to: recipient.name, env, at }));
        await answer; // one at a time per sender, as one person scheduling does
      }
    });
    const holdSeconds = (performance.now() - holdStart) / 1000;
    for (const s of senders) s.ws.close(); // the senders close their browsers
    const heldHeap = await probe.call<NodeJS.MemoryUsage>('gc');
    log(`  ${fmt(held)} held in ${fmt(holdSeconds, 1)} s (${fmt(held / holdSeconds)}/s); server heap after GC +${fmt((heldHeap.heapUsed - base.heapUsed) / MiB, 1)} MiB over before`);

    if (Date.now() > at - 1000) count('holds took longer than the lead (raise BENCH_SCHEDULE_LEAD_MS)');
    let heapPeak = heldHeap.heapUsed;
    let rssPeak = baseRss;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const m = await probe.call<NodeJS.MemoryUsage>('memory');
        heapPeak = Math.max(heapPeak, m.heapUsed);
        rssPeak = Math.max(rssPeak, readRssBytes(server.pid));
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
    })();
    const timeout = setTimeout(done, Math.max(0, at - Date.now()) + WITHIN_MS + 30_000);
    await finished;
    clearTimeout(timeout);
    sampling = false;
    await sampler;
    for (const r of recipients) r.ws.close();
    const after = await probe.call<NodeJS.MemoryUsage>('gc');
    const late = [...arrived.values()].map((t) => t - at).sort((a, b) => a - b);
    return {
      options: o,
      held,
      holdSeconds,
      heldHeapOver: heldHeap.heapUsed - base.heapUsed,
      delivered: arrived.size,
      early: late.filter((l) => l < 0).length,
      lateness: { p50: percentile(late, 50), p99: percentile(late, 99), max: late.at(-1) ?? Number.NaN },
      heapPeakOver: heapPeak - base.heapUsed,
      rssPeakOver: rssPeak - baseRss,
      heapAfterOver: after.heapUsed - base.heapUsed,
      errors,
    };
  } finally {
    await stopChild(server.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function reportSchedule(r: ScheduleResult, log: (line: string) => void): void {
  const mib = (b: number) => `${b >= 0 ? '+' : ''}${fmt(b / MiB, 1)} MiB`;
  log('');
  log(`Scheduled messages: ${fmt(r.held)} held by ${r.options.senders} senders (who then went offline), all due at one instant, recipients online:`);
  log(`  holds: ${fmt(r.holdSeconds, 1)} s, ${fmt(r.held / r.holdSeconds)}/s (each on disk before it is answered); server heap with all held ${mib(r.heldHeapOver)} over before`);
  log(`  delivered ${fmt(r.delivered)}/${fmt(r.held)}; lateness after the due instant p50 ${fmt(r.lateness.p50)} ms, p99 ${fmt(r.lateness.p99)} ms, last ${fmt(r.lateness.max)} ms; early: ${r.early}`);
  log(`  while they went out: heap peak ${mib(r.heapPeakOver)}, RSS peak ${mib(r.rssPeakOver)}; heap after GC at the end ${mib(r.heapAfterOver)}`);
  if (Object.keys(r.errors).length) log(`  !! ${JSON.stringify(r.errors)}`);
  const ok = r.delivered === r.held && r.lateness.max < WITHIN_MS && r.early === 0;
  log(`  all delivered within the minute, none early: ${ok ? 'MET' : 'MISSED'}`);
}
