/**
 * Settings of cluster mode (signaling/routing/redis/, README "Several nodes"), read from the
 * environment like the rest of config.ts and kept apart so the cluster's knobs sit together.
 */
import path from 'node:path';
import { z } from 'zod';
import { int, parseEnv } from './env-settings';


const ClusterEnv = z.object({
  // Set REDIS_URL on every node.
  /** `redis://host:port` (or `rediss://`): the nodes share accounts, queues and presence there. Empty: one process on SQLite. */
  REDIS_URL: z.string().default(''),
  /** The stored files' directory every node shares (a network volume); required with REDIS_URL. */
  FILES_DIR: z.string().default(''),
  /** A user's presence key lives this long unless their node refreshes it: a dead node's users look online at most this long. */
  PRESENCE_TTL_SECONDS: z.coerce.number().int().min(2).default(60),
  /** How often a node refreshes its users' presence keys; under PRESENCE_TTL_SECONDS. */
  PRESENCE_REFRESH_SECONDS: z.coerce.number().int().min(1).default(20),
  /** Most bytes Redis may use before storing answers `server_full` (0: no budget; set it below Redis's maxmemory). */
  REDIS_MEMORY_BUDGET_BYTES: int(0),
  /** This node's name in Redis (its inbox channel, its uploads); default: random per start. */
  NODE_ID: z.string().regex(/^[A-Za-z0-9_-]{0,64}$/).default(''),
});

/** A node of a cluster sharing one Redis (see signaling/routing/redis/). */
export interface ClusterSettings {
  redisUrl: string;
  filesDir: string;
  presenceTtlMs: number;
  presenceRefreshMs: number;
  memoryBudgetBytes: number;
  /** Empty: a random name per start. */
  nodeId: string;
}

/** Undefined for the single process (no REDIS_URL); throws with a readable message when a variable is malformed. */
export function loadClusterSettings(env: NodeJS.ProcessEnv): ClusterSettings | undefined {
  const e = parseEnv(ClusterEnv, env);
  if (!e.REDIS_URL) return undefined;
  const problems: string[] = [];
  if (!/^rediss?:\/\//.test(e.REDIS_URL)) problems.push('REDIS_URL: starts with redis:// or rediss://');
  if (!e.FILES_DIR) problems.push('FILES_DIR: required with REDIS_URL (a directory every node shares)');
  if (e.PRESENCE_REFRESH_SECONDS >= e.PRESENCE_TTL_SECONDS) problems.push('PRESENCE_REFRESH_SECONDS: must be under PRESENCE_TTL_SECONDS');
  if (problems.length > 0) throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return {
    redisUrl: e.REDIS_URL,
    filesDir: path.resolve(e.FILES_DIR),
    presenceTtlMs: e.PRESENCE_TTL_SECONDS * 1000,
    presenceRefreshMs: e.PRESENCE_REFRESH_SECONDS * 1000,
    memoryBudgetBytes: e.REDIS_MEMORY_BUDGET_BYTES,
    nodeId: e.NODE_ID,
  };
}
