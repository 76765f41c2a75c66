/**
 * What each benchmark of bench/run.ts measures with, read from the BENCH_* environment variables
 * (run.ts's header lists them with their defaults), kept apart so run.ts only runs and reports.
 */
import type { BrowserOptions } from './browser-bench';
import type { FilesOptions } from './files-bench';
import type { HostileOptions } from './hostile-bench';
import { FLOOD_ORDER, type FloodName } from './hostile-flood-list';
import type { IdleOptions } from './idle-bench';
import type { LoginOptions } from './login-bench';
import type { HistoryOptions } from './history-bench';
import type { RelayOptions } from './relay-bench';
import type { ScheduleOptions } from './schedule-bench';
import type { SearchOptions } from './search-bench';
import type { MlsOptions } from './mls-bench';
import type { GroupBenchOptions } from './group-bench';

const num = (name: string, def: number): number => {
  const v = process.env[name];
  return v === undefined || v === '' ? def : Number(v);
};

export const relayOptions: RelayOptions = {
  pairs: num('BENCH_PAIRS', 500),
  window: num('BENCH_WINDOW', 64),
  rates: (process.env.BENCH_RATE || '5000,10000').split(',').map(Number),
  envChars: 150,
  warmupMs: 1000,
  durationMs: num('BENCH_SECONDS', 5) * 1000,
  rounds: num('BENCH_ROUNDS', 3),
  beforeRoot: process.env.BENCH_BEFORE || undefined,
  loopProbe: process.env.BENCH_LOOP_PROBE === '1',
};
export const idleOptions: IdleOptions = {
  // The process limit is 20,000 open files; the server needs a few dozen for itself.
  connections: num('BENCH_IDLE_CONNECTIONS', 19_500),
  warmup: 100,
  perProcess: 7000,
  concurrency: 64,
  holdMs: 3000,
};
export const browserOptions: BrowserOptions = {
  runs: Math.max(10, num('BENCH_BROWSER_RUNS', 20)),
  warmup: 1,
  // Past the app's 10 s connect timeout and first retry: a run that slow has failed.
  runTimeoutMs: 15_000,
  history: num('BENCH_BROWSER_HISTORY', 0),
};

// Login after an absence (issue 11): a queue of each length, side by side.
export const loginOptions: LoginOptions = {
  contacts: num('BENCH_LOGIN_CONTACTS', 1000),
  queues: (process.env.BENCH_LOGIN_QUEUES || '10000,1000').split(',').map(Number),
  envChars: 200,
  rounds: Math.max(1, num('BENCH_LOGIN_ROUNDS', 3)),
};

export const historyOptions: HistoryOptions = {
  big: num('BENCH_HISTORY_MESSAGES', 10_000),
  small: 100,
  runs: Math.max(3, num('BENCH_HISTORY_RUNS', 5)),
};

// MLS: group sizes and runs per size (each run adds, removes and sends once from the same state).
export const mlsOptions: MlsOptions = {
  sizes: (process.env.BENCH_MLS_SIZES || '10,100,1000').split(',').map(Number),
  runs: Math.max(3, num('BENCH_MLS_RUNS', 7)),
};

// Group fan-out: members, the sender's rate and how long, and the saturation window.
export const groupOptions: GroupBenchOptions = {
  members: num('BENCH_GROUP_MEMBERS', 100),
  rate: num('BENCH_GROUP_RATE', 10),
  seconds: num('BENCH_GROUP_SECONDS', 5),
  window: num('BENCH_GROUP_WINDOW', 32),
};

/** Membership changes through the server (bench/group-changes.ts): the group sizes. */
export const groupChangeSizes = (process.env.BENCH_GROUP_CHANGE_SIZES || '10,100,1000').split(',').map(Number);

export const MiB = 1024 * 1024;
export const filesOptions: FilesOptions = {
  bytes: num('BENCH_FILES_MIB', 100) * MiB,
  rounds: Math.max(3, num('BENCH_FILES_ROUNDS', 3)),
  warmupBytes: 4 * MiB,
  opfsProbeBytes: 8 * MiB,
  // A 100 MiB transfer at a few MB/s still finishes well inside this.
  runTimeoutMs: 120_000,
  // The app's own figures (web/src/files/outgoing.ts, net/connection.ts), so the bare runs
  // differ from the app only in what the app does besides moving bytes.
  raw: { messageBytes: 64 * 1024, highWater: MiB, lowWater: 256 * 1024, pollMs: 5 },
  profileDir: process.env.BENCH_FILES_PROF || undefined,
};

const quick = process.env.BENCH_HOSTILE_QUICK === '1';
const hostileFloods = (process.env.BENCH_HOSTILE_FLOODS || FLOOD_ORDER.join(',')).split(',').map((f) => f.trim());
const unknownFlood = hostileFloods.find((f) => !FLOOD_ORDER.includes(f as FloodName));
if (unknownFlood) throw new Error(`BENCH_HOSTILE_FLOODS: no flood "${unknownFlood}" (floods: ${FLOOD_ORDER.join(', ')})`);
export const hostileOptions: HostileOptions = {
  floods: hostileFloods as FloodName[],
  durationMs: num('BENCH_HOSTILE_SECONDS', quick ? 2 : 8) * 1000,
  warmupMs: 1000,
  // Under every per-connection limit (500 frames/s, 64 MiB/s of relayed chunks): without an attacker they get it all.
  users: { msgRate: num('BENCH_HOSTILE_MSG_RATE', 300), fileBytesPerSec: num('BENCH_HOSTILE_FILE_MBPS', 32) * 1e6 },
  flood: {
    spreadAccounts: num('BENCH_HOSTILE_ACCOUNTS', quick ? 300 : 2000),
    spreadDeadlineMs: 60_000,
    // Past the 10 s login deadline the server is to enforce for sockets that never log in.
    holdMs: quick ? 2000 : 12_000,
    // Well under the ~20,000 open files one process may hold here (the attacker's and the server's).
    idleConnections: num('BENCH_HOSTILE_IDLE', quick ? 1000 : 5000),
    idleSpreadConnections: num('BENCH_HOSTILE_IDLE_SPREAD', quick ? 1000 : 12_000),
    unauthConnections: num('BENCH_HOSTILE_UNAUTH', quick ? 500 : 2000),
    bigFrameConnections: 4,
    victimDeadlineMs: 30_000,
  },
  attackerNice: 10,
};

export const searchOptions: SearchOptions = { messages: num('BENCH_SEARCH_MESSAGES', 10_000), conversations: 10, rounds: 5 };

/** 100 senders × 100 (the per-user limit) = 10,000 held messages, all due 20 s after the first hold (holding them takes about 4 s here). */
export const scheduleOptions: ScheduleOptions = {
  senders: num('BENCH_SCHEDULE_SENDERS', 100),
  perSender: num('BENCH_SCHEDULE_PER_SENDER', 100),
  leadMs: num('BENCH_SCHEDULE_LEAD_MS', 20_000),
};
