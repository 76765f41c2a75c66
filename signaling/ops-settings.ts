/**
 * Settings of the operations side (metrics, health, TURN refresh, the self-host check page), read
 * from the environment like the rest of config.ts, kept apart so each concern's knobs sit together.
 */
import { z } from 'zod';
import { int, parseEnv } from './env-settings';


const OpsEnv = z.object({
  /** `on` serves Prometheus metrics at /metrics; `off` (the default) serves nothing there. */
  METRICS: z.enum(['off', 'on']).default('off'),
  /** When set, /metrics wants `Authorization: Bearer <token>` (compared in constant time). */
  METRICS_TOKEN: z.string().default(''),
  /** When not 0, /metrics is served on this port of METRICS_HOST instead of the main port. */
  METRICS_PORT: int(0),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** /healthz says 503 when the store has not answered a cheap read within this long. */
  HEALTH_TIMEOUT_MS: z.coerce.number().int().min(10).default(2000),
  /** Cluster mode: /metrics' Redis round-trip gauge is a PING this often (0: no gauge; /healthz still pings). */
  REDIS_PROBE_MS: z.coerce.number().int().refine((ms) => ms === 0 || ms >= 100, 'is 0 or at least 100').default(5000),
  /** A session gets fresh TURN credentials after this fraction of TURN_TTL_SECONDS has passed. */
  TURN_REFRESH_FRACTION: z.coerce.number().min(0.1).max(0.95).default(0.75),
  /** TURN credentials minted for the /check page (no login) last this long. */
  CHECK_TURN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** /check TURN credentials one client address may get per hour; more get 429. */
  CHECK_TURN_PER_HOUR_PER_ADDRESS: int(10),
});

export interface OpsSettings {
  metrics: { enabled: boolean; token: string; port: number; host: string };
  healthTimeoutMs: number;
  /** Milliseconds between the Redis round-trip probes in cluster mode; 0 for none. */
  redisProbeMs: number;
  turnRefreshFraction: number;
  checkTurnTtlSeconds: number;
  checkTurnPerHourPerAddress: number;
}

/** Throws with a readable message when a variable is malformed. */
export function loadOpsSettings(env: NodeJS.ProcessEnv): OpsSettings {
  const e = parseEnv(OpsEnv, env);
  return {
    metrics: { enabled: e.METRICS === 'on', token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    healthTimeoutMs: e.HEALTH_TIMEOUT_MS,
    redisProbeMs: e.REDIS_PROBE_MS,
    turnRefreshFraction: e.TURN_REFRESH_FRACTION,
    checkTurnTtlSeconds: e.CHECK_TURN_TTL_SECONDS,
    checkTurnPerHourPerAddress: e.CHECK_TURN_PER_HOUR_PER_ADDRESS,
  };
}
