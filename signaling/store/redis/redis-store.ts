/**
 * The cluster-mode store: everything in Redis except stored files' bytes, which live under a
 * directory all nodes share (`filesDir`). Any number of nodes may open it on the same Redis.
 * Redis should run with `appendonly yes`, `appendfsync always` (a reply then means fsynced) and
 * `maxmemory-policy noeviction` (an evicted queue is a lost message); README.md says why.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { LIMIT_DEFAULTS, type StoreLimits, sealedBytes as sealed } from '../limits';
import type { Store } from '../store';
import { ChunkDir } from './chunk-dir';
import { enqueueScript, removeScript, sweepQueueScript } from './queue-scripts';
import { RedisAccounts } from './redis-accounts';
import { RedisContacts } from './redis-contacts';
import { RedisFileStore } from './redis-file-store';
import { RedisQueue } from './redis-queue';
import { clientOptions, guardedLink } from './redis-link';
import { type RedisLink, ScriptRunner } from './redis-script';
import { addIncomingScript, addOutgoingScript, dropIncomingScript } from './request-scripts';
import { blockScript } from './block-scripts';
import { commitScript, forgetFileScript, putChunksScript } from './file-scripts';
import { RoomGauge } from './room-gauge';
import { GROUP_SCRIPTS } from './group-scripts';
import { RECEIPT_SCRIPTS } from './redis-group-receipts';
import { RedisGroups } from './redis-groups';
import { ANNOUNCEMENT_SCRIPTS, RedisAnnouncements } from './redis-announcements';
import { ANNOUNCEMENT_STORE_DEFAULTS, type AnnouncementLimits } from '../announcements';
import { GROUP_STORE_DEFAULTS, type GroupStoreLimits } from '../groups';

export interface RedisStoreOptions extends StoreLimits {
  /** `redis://host:port` (or `rediss://` for TLS). */
  url: string;
  /** The stored files' directory, shared by every node (a network volume). */
  filesDir: string;
  /** Most bytes Redis may use (`used_memory`) before storing answers `server_full` (0: no budget). */
  memoryBudgetBytes?: number;
  /** Free space always left on the files volume: past it, storing a file answers `server_full` (0: none). */
  filesMinFreeBytes?: number;
  /** An uncommitted upload with no chunk for this long is forgotten by the sweep (default 1 h). */
  uploadIdleMs?: number;
  /** This node's name in the uploads it takes (default: random per process). */
  nodeId?: string;
  /** Groups' bounds (../groups.ts); defaults for what is not given. */
  groups?: Partial<Omit<GroupStoreLimits, 'now'>>;
  /** Announcements' bounds (../announcements.ts); defaults for what is not given. */
  announcements?: Partial<AnnouncementLimits>;
  /** Told of connection errors (node-redis reconnects by itself meanwhile); the server logs them. */
  onError?: (err: Error) => void;
  /** Connections the offline queue writes through (redis-queue.ts says why more than one; default 8). */
  queueLanes?: number;
}

const DEFAULTS = { ...LIMIT_DEFAULTS, memoryBudgetBytes: 0, filesMinFreeBytes: 0, uploadIdleMs: 3600 * 1000 };
/** Default of {@link RedisStoreOptions.queueLanes}: with `appendfsync always`, a node's queue writes take up to this many times 16 KiB per fsync. */
export const QUEUE_LANES = 8;

const SCRIPTS = [
  enqueueScript, removeScript, sweepQueueScript,
  addIncomingScript, addOutgoingScript, dropIncomingScript,
  putChunksScript, commitScript, forgetFileScript,
  ...GROUP_SCRIPTS,
  ...RECEIPT_SCRIPTS,
  ...ANNOUNCEMENT_SCRIPTS,
  blockScript,
];

type Client = ReturnType<typeof createClient>;

export class RedisStore implements Store {
  readonly accounts: RedisAccounts;
  readonly contacts: RedisContacts;
  readonly queue: RedisQueue;
  readonly files: RedisFileStore;
  readonly groups: RedisGroups;
  readonly announcements: RedisAnnouncements;
  /** Room left in Redis memory and on the files volume. */
  readonly memory: RoomGauge;
  readonly room = {
    fits: (bytes: number): boolean => {
      const room = this.memory.room();
      return room < 0 || bytes <= room;
    },
    add: (bytes: number): void => this.memory.add(bytes),
  };
  readonly disk: RoomGauge;
  readonly scripts: ScriptRunner;
  /** The guarded connection, for stores kept beside this one (scheduling/redis-schedule.ts). */
  readonly link: RedisLink;

  private constructor(
    private readonly client: Client,
    /** The queue's other connections (the first lane is `client`). */
    private readonly laneClients: Client[],
    readonly chunkDir: ChunkDir,
    options: RedisStoreOptions,
  ) {
    const opts = { ...DEFAULTS, nodeId: randomBytes(6).toString('hex'), ...options };
    // Redis away is `unavailable` to the handlers, not a fault (redis-link.ts).
    const redis: RedisLink = guardedLink(client);
    this.link = redis;
    this.scripts = new ScriptRunner(redis, SCRIPTS);
    const scripts = this.scripts;
    this.memory = new RoomGauge(async () => {
      if (opts.memoryBudgetBytes <= 0) return Number.POSITIVE_INFINITY;
      return opts.memoryBudgetBytes - usedMemory(await client.sendCommand<string>(['INFO', 'memory']));
    });
    this.disk = new RoomGauge(async () => (opts.filesMinFreeBytes > 0 ? (await chunkDir.free()) - opts.filesMinFreeBytes : Number.POSITIVE_INFINITY));
    this.accounts = new RedisAccounts(redis, opts.now);
    this.contacts = new RedisContacts(redis, scripts, this.accounts, {
      maxIncoming: opts.requestsMaxIncoming,
      maxOutgoing: opts.requestsMaxOutgoing,
      maxFromNew: opts.requestsMaxFromNew,
      newAccountMs: opts.newAccountMs,
      ttlMs: opts.requestTtlMs,
      cooldownMs: opts.requestCooldownMs,
      now: opts.now,
    }, opts.blocksMax);
    const lanes = [{ redis, scripts }, ...laneClients.map((c) => ({ redis: guardedLink(c), scripts: new ScriptRunner(guardedLink(c), SCRIPTS) }))];
    this.queue = new RedisQueue(lanes, { ...opts, memory: this.memory, onIndexError: (err) => opts.onError?.(err instanceof Error ? err : new Error(String(err))) });
    this.groups = new RedisGroups(redis, scripts, { ...GROUP_STORE_DEFAULTS, ...opts.groups, now: opts.now });
    this.announcements = new RedisAnnouncements(redis, scripts, { ...ANNOUNCEMENT_STORE_DEFAULTS, ...opts.announcements, now: opts.now });
    this.files = new RedisFileStore(redis, scripts, chunkDir, {
      fileMaxBytes: sealed(opts.fileMaxBytes),
      quotaBytes: sealed(opts.filesQuotaBytes),
      filesPerRecipient: opts.filesPerRecipient,
      ttlMs: opts.ttlMs,
      uploadIdleMs: opts.uploadIdleMs,
      nodeId: opts.nodeId,
      now: opts.now,
      memory: this.memory,
      disk: this.disk,
    });
  }

  /** Connects, loads the scripts, takes the first budget readings and drops this node's dead uploads. */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    // While Redis is away, calls fail at once instead of queueing in memory without a bound: the
    // handler answers an error and the client's outbox sends again; an enqueue that reached Redis
    // before the connection dropped is then a `duplicate`, not a second copy.
    const client: Client = createClient(clientOptions(options.url));
    // An 'error' listener keeps a dropped connection from crashing the process; node-redis reconnects by itself.
    client.on('error', (err: Error) => options.onError?.(err));
    const lanes = Array.from({ length: Math.max(1, options.queueLanes ?? QUEUE_LANES) - 1 }, () => client.duplicate());
    for (const lane of lanes) lane.on('error', (err: Error) => options.onError?.(err));
    try {
      await Promise.all([client, ...lanes].map((c) => c.connect()));
      const chunkDir = new ChunkDir(options.filesDir);
      await chunkDir.open();
      const store = new RedisStore(client, lanes, chunkDir, options);
      await store.scripts.load();
      await Promise.all([store.memory.refresh(), store.disk.refresh()]);
      await store.files.sweepIncomplete();
      return store;
    } catch (err) {
      for (const c of [client, ...lanes]) if (c.isOpen) c.destroy();
      throw err;
    }
  }

  async sweepExpired(now: number, limit: number): Promise<number> {
    return (await this.queue.sweepExpired(now, limit)) + (await this.files.sweepExpired(now, limit)) + (await this.groups.sweepExpired(now, limit));
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.client, ...this.laneClients].map(async (c) => {
        if (!c.isOpen) return;
        // A client waiting to reconnect would wait for Redis to come back before closing.
        if (c.isReady) await c.close();
        else c.destroy();
      }),
    );
  }
}

/** `used_memory` from an `INFO memory` reply. */
export function usedMemory(info: string): number {
  const match = /^used_memory:(\d+)\r?$/m.exec(info);
  return match ? Number(match[1]) : 0;
}

/** Opens the Redis store (the server picks it over SQLite when `REDIS_URL` is set). */
export function openRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  return RedisStore.open(options);
}
