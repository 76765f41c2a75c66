/**
 * The operations side of one server, put together in one place so server.ts only hooks it in:
 * metrics (when METRICS=on), /healthz, the /check page's endpoints, and the TURN refresh timers.
 * The cluster mode adds its own through {@link OpsHooks} (a Redis health check, the Redis
 * round-trip gauge) without touching this file.
 */
import type http from 'node:http';
import type { IceServer } from '../shared/protocol';
import { createCheckEndpoints } from './check-endpoints';
import type { Config } from './config';
import { Health } from './health';
import { Metrics, type StoreGauges } from './metrics';
import { type Route, firstOf, healthRoute, metricsRoute, startMetricsServer } from './ops-http';
import type { Router } from './routing/router';
import type { Session } from './session';
import type { Store } from './store/store';
import { TurnRefresh } from './turn-refresh';

/** A name no account can have (usernames have no `~`): the store's cheapest read, answered "no such user". */
const HEALTH_PROBE_USER = '~healthz';

export interface OpsHooks {
  /** Undefined when METRICS=off: nothing is counted then. */
  readonly metrics: Metrics | undefined;
  readonly health: Health;
}

export interface Ops extends OpsHooks {
  /** The HTTP routes to try before the web app. */
  route: Route;
  loggedIn(session: Session): void;
  closed(session: Session): void;
  sweep(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface OpsDeps {
  config: Config;
  store: Store;
  router: Router;
  iceServers: (user: string) => IceServer[];
  sessions: ReadonlySet<Session>;
  storeGauges?: StoreGauges;
}

export function createOps(deps: OpsDeps): Ops {
  const { config } = deps;
  const settings = config.ops;
  const live = {
    connections: () => deps.sessions.size,
    onlineUsers: () => {
      let n = 0;
      for (const s of deps.sessions) if (s.username && s.welcomed && !s.closed) n++;
      return n;
    },
  };
  const metrics = settings.metrics.enabled ? new Metrics(live, deps.storeGauges) : undefined;
  const health = new Health(settings.healthTimeoutMs);
  health.add('storage', () => deps.store.accounts.get(HEALTH_PROBE_USER));
  const check = createCheckEndpoints({ trustProxy: config.connections.trustProxy, iceServers: config.iceServers, turn: config.turn, settings });
  const refresh = config.turn ? new TurnRefresh(config.turn.ttlSeconds, settings.turnRefreshFraction, deps.iceServers) : undefined;
  const routes: Route[] = [healthRoute(health), check.route];
  if (metrics && settings.metrics.port === 0) routes.push(metricsRoute(metrics, settings.metrics));
  let metricsServer: http.Server | undefined;

  return {
    metrics,
    health,
    route: firstOf(routes),
    loggedIn: (session) => refresh?.start(session),
    closed: (session) => refresh?.stop(session),
    sweep: () => check.sweep(),
    async start() {
      if (metrics && settings.metrics.port !== 0) metricsServer = await startMetricsServer(metrics, settings.metrics);
    },
    async stop() {
      refresh?.stopAll();
      if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
    },
  };
}
