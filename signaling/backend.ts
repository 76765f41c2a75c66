/**
 * Where the server keeps its state, chosen by configuration: SQLite and the local router in one
 * process (the default), or with REDIS_URL the Redis store and the Redis router, so any number
 * of identical nodes share the work (routing/redis/). Same server, no fork.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { RedisRouter } from './routing/redis/redis-router';
import type { Router } from './routing/router';
import { handoverWindowBytes } from './server';
import type { StoreGauges } from './metrics';
import type { OpsHooks } from './ops';
import { SqliteGauges } from './store/sqlite/sqlite-gauges';
import { SqliteStore } from './store/sqlite/sqlite-store';
import type { Store } from './store/store';
import type { ScheduleStore } from './scheduling/schedule-store';

export interface Backend {
  store: Store;
  /** Undefined: the server's own local router. */
  router: RedisRouter | undefined;
  /** What /metrics reads of the stored state; undefined where the backend has none yet (Redis). */
  storeGauges?: StoreGauges;
  /** Adds the backend's own health checks and gauges (cluster mode: Redis) to a server's operations side. */
  attachOps?(ops: OpsHooks): void;
  /** Where scheduled messages wait; undefined: the server's own SQLite file (scheduling/). */
  schedule?: ScheduleStore;
  /** Closes the router (after the server has stopped) and then the store. */
  close(): Promise<void>;
}

/** The limits both stores share, from the server's configuration. */
function storeLimits(config: Config) {
  const limits = config.limits;
  return {
    quotaMessages: limits.offlineQuotaMessages,
    quotaBytes: limits.offlineQuotaBytes,
    ttlMs: limits.offlineTtlMs,
    senderSharePercent: limits.offlineSenderSharePercent,
    receiptsMax: limits.offlineQuotaReceipts,
    fileMaxBytes: limits.offlineFileMaxBytes,
    filesQuotaBytes: limits.offlineFilesQuotaBytes,
    filesPerRecipient: limits.offlineFilesPerRecipient,
    requestsMaxIncoming: limits.requestsMaxIncoming,
    requestsMaxOutgoing: limits.requestsMaxOutgoing,
    requestsMaxFromNew: limits.requestsMaxFromNew,
    newAccountMs: limits.newAccountMs,
    requestTtlMs: limits.requestTtlMs,
    requestCooldownMs: limits.requestCooldownMs,
    blocksMax: limits.blocksMax,
    groups: groupStoreLimits(config),
  };
}

/** The groups' bounds the stores enforce (groups/group-settings.ts). */
function groupStoreLimits(config: Config) {
  const g = config.groups;
  return {
    maxMembers: g.maxMembers,
    maxGroupsPerUser: g.maxGroupsPerUser,
    maxKeyPackages: g.maxKeyPackages,
    logMaxEntries: g.logMaxEntries,
    logTtlMs: g.logTtlMs,
    requestsMax: g.requestsMax,
  };
}

export async function openBackend(config: Config, log: Logger): Promise<Backend> {
  const cluster = config.cluster;
  if (!cluster) {
    const store = new SqliteStore({
      dataDir: config.dataDir,
      ...storeLimits(config),
      diskBudgetBytes: config.limits.diskBudgetBytes,
      diskMinFreeBytes: config.limits.diskMinFreeBytes,
    });
    return { store, router: undefined, storeGauges: new SqliteGauges(config.dataDir), close: () => store.close() };
  }
  // Loaded only in cluster mode: the single process never pays for the Redis client's modules.
  const [{ openRedisStore }, { RedisRouter }, { RedisProbe }, { RedisSchedule }] = await Promise.all([
    import('./store/redis/redis-store'),
    import('./routing/redis/redis-router'),
    import('./redis-probe'),
    import('./scheduling/redis-schedule'),
  ]);
  const nodeId = cluster.nodeId || randomBytes(6).toString('hex');
  // node-redis reconnects by itself; each failed attempt is worth a line, not a crash.
  const onError = (err: Error) => log.warn({ err: err.message, node: nodeId }, 'redis connection error');
  const store = await openRedisStore({
    url: cluster.redisUrl,
    filesDir: cluster.filesDir,
    ...storeLimits(config),
    memoryBudgetBytes: cluster.memoryBudgetBytes,
    filesMinFreeBytes: config.limits.diskMinFreeBytes,
    nodeId,
    onError,
  });
  let router: RedisRouter;
  try {
    router = await RedisRouter.open({
      url: cluster.redisUrl,
      store,
      queue: store.queue,
      log,
      maxBufferedBytes: config.limits.maxBufferedBytes,
      queueWindowBytes: handoverWindowBytes(config.limits),
      presenceTtlMs: cluster.presenceTtlMs,
      presenceRefreshMs: cluster.presenceRefreshMs,
      nodeId,
      onError,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const probe = await RedisProbe.open(cluster.redisUrl, onError).catch(async (err: unknown) => {
    await router.close();
    await store.close();
    throw err;
  });
  log.info({ node: nodeId }, 'cluster node on redis');
  // Held in the same Redis as the queue, so every node may deliver any of them (one claims each).
  const schedule = await RedisSchedule.open(store.link, store.scripts);
  return {
    store,
    router,
    schedule,
    attachOps: (ops) => probe.attach(ops, config.ops.redisProbeMs),
    close: async () => {
      await probe.close();
      await router.close();
      await store.close();
    },
  };
}

export type { Router };
