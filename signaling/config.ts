/**
 * Server configuration: every limit and setting in one spot, read from the environment.
 * Each option has a default that is safe for a small deployment on one machine.
 */
import path from 'node:path';
import { z } from 'zod';
import { type ScheduleSettings, loadScheduleSettings } from './scheduling/schedule-settings';
import { int, parseEnv } from './env-settings';
import { LIMITS } from '../shared/limits';
import { IceServer } from '../shared/protocol';
import { type ConnectionLimits, loadConnectionLimits } from './connection/connection-settings';
import type { TurnSettings } from './turn';
import { type OpsSettings, loadOpsSettings } from './ops-settings';
import { type ClusterSettings, loadClusterSettings } from './cluster-settings';
import { type GroupSettingsConfig, loadGroupSettings } from './groups/group-settings';


const Env = z.object({
  PORT: int(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  /** Comma-separated page origins allowed to open the WebSocket. Empty: only the app's own origin. */
  ALLOWED_ORIGINS: z.string().default(''),
  WEB_DIR: z.string().default(path.resolve(import.meta.dirname, '../web/dist')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_FRAME_BYTES: int(LIMITS.maxFrameBytes),
  RATE_FRAMES_PER_SEC: int(500),
  RATE_BURST: int(1000),
  MAX_BUFFERED_BYTES: int(1024 * 1024),
  MAX_INFLIGHT_BYTES: int(2 * 1024 * 1024),
  FRAME_BACKLOG: z.coerce.number().int().min(1).default(64),
  OFFLINE_QUOTA_MESSAGES: int(1000),
  OFFLINE_QUOTA_BYTES: int(32 * 1024 * 1024),
  OFFLINE_TTL_SECONDS: int(14 * 24 * 3600),
  HEARTBEAT_MS: int(30_000),
  RELAY_BYTES_PER_SEC: int(64 * 1024 * 1024),
  RELAY_BURST_BYTES: int(8 * 1024 * 1024),
  RELAY_FILE_MAX_BYTES: int(2 * 1024 * 1024 * 1024),
  OFFLINE_FILE_MAX_BYTES: int(25 * 1024 * 1024),
  OFFLINE_FILES_QUOTA_BYTES: int(100 * 1024 * 1024),
  TEXT_BYTES_PER_SEC: int(4 * 1024 * 1024),
  TEXT_BURST_BYTES: int(4 * 1024 * 1024),
  OFFLINE_BYTES_PER_SEC: int(2 * 1024 * 1024),
  OFFLINE_BURST_BYTES: int(1024 * 1024),
  OFFLINE_SENDER_SHARE_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  OFFLINE_QUOTA_RECEIPTS: int(10_000),
  OFFLINE_UPLOADS_PER_CONNECTION: int(4),
  UPLOAD_BUFFER_BYTES: int(64 * 1024 * 1024),
  UPLOAD_BYTES_PER_SEC: int(8 * 1024 * 1024),
  UPLOAD_BYTES_PER_SEC_TOTAL: int(32 * 1024 * 1024),
  OFFLINE_FILES_PER_RECIPIENT: int(1000),
  DISK_BUDGET_BYTES: int(10 * 1024 * 1024 * 1024),
  DISK_MIN_FREE_BYTES: int(64 * 1024 * 1024),
  REQUESTS_MAX_INCOMING: int(100),
  REQUESTS_MAX_OUTGOING: int(100),
  REQUESTS_MAX_FROM_NEW_ACCOUNTS: int(20),
  NEW_ACCOUNT_SECONDS: int(7 * 24 * 3600),
  REQUEST_TTL_SECONDS: int(30 * 24 * 3600),
  REQUEST_COOLDOWN_SECONDS: int(7 * 24 * 3600),
  // Presence: transient frames (typing), per connection.
  TRANSIENT_PER_SEC: int(5),
  TRANSIENT_BURST: int(20),
  // Hardening (review 2026-12-02): account-state writes per connection, and the bound on blocks.
  /** block, unblock, remove_contact and unsend one connection may send per second, and their burst: each is an fsynced write. */
  STATE_WRITES_PER_SEC: int(10),
  STATE_WRITES_BURST: int(50),
  /** Most users one user may block; past it `block` is answered `blocks_full`. */
  BLOCKS_MAX: int(1000),
  /** Comma-separated turn:/turns: URLs of TURN servers taking short-lived credentials signed with TURN_SECRET (signaling/turn.ts). */
  TURN_URLS: z.string().default(''),
  /** The secret shared with the TURN server (coturn's static-auth-secret); required with TURN_URLS. */
  TURN_SECRET: z.string().default(''),
  /** How long a minted TURN credential is good for (default 12 h). */
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(12 * 3600),
  /** JSON array of RTCIceServer objects ({urls, username?, credential?}) handed to browsers at login. */
  ICE_SERVERS: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return z.array(IceServer).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {urls, username?, credential?}' });
        return z.NEVER;
      }
    }),
});

export type { ClusterSettings, ConnectionLimits };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Extra allowed origins; the server's own origins are always allowed. */
  allowedOrigins: string[];
  webDir: string;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** STUN/TURN servers for the direct path; none by default (host candidates need no outside server). */
  iceServers: IceServer[];
  /** TURN with credentials minted per user at login; undefined when not configured. */
  turn: TurnSettings | undefined;
  limits: ServerLimits;
  connections: ConnectionLimits;
  /** Cluster mode on Redis; undefined for the single process on SQLite. */
  cluster: ClusterSettings | undefined;
  /** Metrics, health, TURN refresh and the /check page (ops-settings.ts). */
  ops: OpsSettings;
  schedule: ScheduleSettings;
  /** Groups' limits (groups/group-settings.ts). */
  groups: GroupSettingsConfig;
  /** ADMIN_SECRET: turns on POST /admin/announcements (announcements/admin-route.ts); empty: off. */
  adminSecret: string;
}

export interface ServerLimits {
  /** Frames above this get a `too_large` error; twice this closes the socket (ws maxPayload). */
  maxFrameBytes: number;
  rateFramesPerSec: number;
  rateBurst: number;
  /** A socket whose unsent bytes exceed this is cut off (slow consumer). */
  maxBufferedBytes: number;
  /** Bytes of delivered-but-unacknowledged envelopes a connection may hold. */
  maxInflightBytes: number;
  /**
   * Frames of one connection received but not yet handled (handlers run one at a time per
   * connection and may wait on storage): past it the socket is not read until they are done.
   */
  frameBacklog: number;
  offlineQuotaMessages: number;
  offlineQuotaBytes: number;
  offlineTtlMs: number;
  /** Ping interval; a socket that misses one pong is terminated (dead within 2× this). */
  heartbeatMs: number;
  /** File chunks through the relay: bytes per second per connection, and its burst. */
  relayBytesPerSec: number;
  relayBurstBytes: number;
  /** Most bytes of one file a connection may push through the relay. */
  relayFileMaxBytes: number;
  /** The largest file (plaintext) the server keeps for an offline contact, and all such files' total per recipient. */
  offlineFileMaxBytes: number;
  offlineFilesQuotaBytes: number;
  /** Bytes of text (JSON) frames per second, and burst, one connection may send; past it the frame is dropped and the socket not read for a moment. */
  textBytesPerSec: number;
  textBurstBytes: number;
  /** Envelope bytes per second (and burst) one connection may have stored for offline contacts: each is an fsynced commit. */
  offlineBytesPerSec: number;
  offlineBurstBytes: number;
  /** Percent of a recipient's offline queue (count and bytes) one sender may fill. */
  offlineSenderSharePercent: number;
  /** Receipts kept for one offline user; past it one is dropped (its message is sent again later). */
  offlineQuotaReceipts: number;
  /** Uploads for offline contacts one connection may have open (uncommitted) at once. */
  offlineUploadsPerConnection: number;
  /** Bytes of uploaded chunks all connections together may hold in memory before they are written. */
  uploadBufferBytes: number;
  /** Upload bytes per second for offline contacts, per connection and for all connections together. */
  uploadBytesPerSec: number;
  uploadBytesPerSecTotal: number;
  /** Files (committed or not) kept for one recipient. */
  offlineFilesPerRecipient: number;
  /** Everything stored (queued messages, receipts, files) in all: past it, `server_full`. 0: no budget. */
  diskBudgetBytes: number;
  /** Free space always left on the data volume: below it, `server_full` too. 0: no floor. */
  diskMinFreeBytes: number;
  /** Pending contact requests to one user, and from one user; past them, `requests_full`. */
  requestsMaxIncoming: number;
  requestsMaxOutgoing: number;
  /** Of a user's pending requests, most from accounts younger than `newAccountMs` (fresh accounts are cheap). */
  requestsMaxFromNew: number;
  newAccountMs: number;
  /** A pending request expires after this. */
  requestTtlMs: number;
  /** After a decline, the requester may not ask the same person again for this long (`request_cooldown`). */
  requestCooldownMs: number;
  /** `transient` frames (typing) one connection may send per second, and their burst; past it they are dropped. */
  transientPerSec: number;
  transientBurst: number;
  // Hardening (review 2026-12-02)
  /**
   * Account-state writes (block, unblock, remove_contact, unsend) one connection may make per
   * second, and their burst: each is a synchronous, fsynced commit on the one event loop, so
   * past it they are answered `rate_limited` instead of paced only by the frame rate.
   */
  stateWritesPerSec: number;
  stateWritesBurst: number;
  /**
   * Most users one user may block (`blocks_full` past it): the whole list goes into every
   * welcome and the session's memory, and each block sits in the blocked user's session too.
   */
  blocksMax: number;
}

function turnSettings(urls: string, secret: string, ttlSeconds: number): TurnSettings | undefined {
  const list = urls.split(',').map((u) => u.trim()).filter(Boolean);
  if (list.length === 0) return undefined;
  if (secret.length < 16) throw new Error('invalid configuration:\n  TURN_SECRET: at least 16 characters are needed with TURN_URLS');
  if (list.some((u) => !/^turns?:/.test(u))) throw new Error('invalid configuration:\n  TURN_URLS: each URL starts with turn: or turns:');
  return { urls: list, secret, ttlSeconds };
}

/** Throws with a readable message when a variable is malformed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(Env, env);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    webDir: e.WEB_DIR,
    logLevel: e.LOG_LEVEL,
    iceServers: e.ICE_SERVERS,
    turn: turnSettings(e.TURN_URLS, e.TURN_SECRET, e.TURN_TTL_SECONDS),
    cluster: loadClusterSettings(env),
    ops: loadOpsSettings(env),
    schedule: loadScheduleSettings(env),
    groups: loadGroupSettings(env),
    adminSecret: env.ADMIN_SECRET ?? '',
    connections: loadConnectionLimits(env),
    limits: {
      maxFrameBytes: e.MAX_FRAME_BYTES,
      rateFramesPerSec: e.RATE_FRAMES_PER_SEC,
      rateBurst: e.RATE_BURST,
      maxBufferedBytes: e.MAX_BUFFERED_BYTES,
      frameBacklog: e.FRAME_BACKLOG,
      maxInflightBytes: e.MAX_INFLIGHT_BYTES,
      offlineQuotaMessages: e.OFFLINE_QUOTA_MESSAGES,
      offlineQuotaBytes: e.OFFLINE_QUOTA_BYTES,
      offlineTtlMs: e.OFFLINE_TTL_SECONDS * 1000,
      heartbeatMs: e.HEARTBEAT_MS,
      relayBytesPerSec: e.RELAY_BYTES_PER_SEC,
      relayBurstBytes: e.RELAY_BURST_BYTES,
      relayFileMaxBytes: e.RELAY_FILE_MAX_BYTES,
      offlineFileMaxBytes: e.OFFLINE_FILE_MAX_BYTES,
      offlineFilesQuotaBytes: e.OFFLINE_FILES_QUOTA_BYTES,
      textBytesPerSec: e.TEXT_BYTES_PER_SEC,
      textBurstBytes: e.TEXT_BURST_BYTES,
      offlineBytesPerSec: e.OFFLINE_BYTES_PER_SEC,
      offlineBurstBytes: e.OFFLINE_BURST_BYTES,
      offlineSenderSharePercent: e.OFFLINE_SENDER_SHARE_PERCENT,
      offlineQuotaReceipts: e.OFFLINE_QUOTA_RECEIPTS,
      offlineUploadsPerConnection: e.OFFLINE_UPLOADS_PER_CONNECTION,
      uploadBufferBytes: e.UPLOAD_BUFFER_BYTES,
      uploadBytesPerSec: e.UPLOAD_BYTES_PER_SEC,
      uploadBytesPerSecTotal: e.UPLOAD_BYTES_PER_SEC_TOTAL,
      offlineFilesPerRecipient: e.OFFLINE_FILES_PER_RECIPIENT,
      diskBudgetBytes: e.DISK_BUDGET_BYTES,
      diskMinFreeBytes: e.DISK_MIN_FREE_BYTES,
      requestsMaxIncoming: e.REQUESTS_MAX_INCOMING,
      requestsMaxOutgoing: e.REQUESTS_MAX_OUTGOING,
      requestsMaxFromNew: e.REQUESTS_MAX_FROM_NEW_ACCOUNTS,
      newAccountMs: e.NEW_ACCOUNT_SECONDS * 1000,
      requestTtlMs: e.REQUEST_TTL_SECONDS * 1000,
      requestCooldownMs: e.REQUEST_COOLDOWN_SECONDS * 1000,
      transientPerSec: e.TRANSIENT_PER_SEC,
      transientBurst: e.TRANSIENT_BURST,
      stateWritesPerSec: e.STATE_WRITES_PER_SEC,
      stateWritesBurst: e.STATE_WRITES_BURST,
      blocksMax: e.BLOCKS_MAX,
    },
  };
}
