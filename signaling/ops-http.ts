/**
 * The server's operations endpoints beside the web app: /healthz, /metrics (when METRICS=on and
 * no METRICS_PORT: see {@link startMetricsServer} for a listener of its own), and the two JSON
 * endpoints of the self-host check page (/check): what the server saw of the request
 * (check-endpoints.ts) and the ICE servers to test.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Health } from './health';
import type { Metrics } from './metrics';
import type { OpsSettings } from './ops-settings';

/** Handles the request and returns true, or returns false to let the web app serve it. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

const pathOf = (req: http.IncomingMessage): string => (req.url ?? '/').split('?')[0]!;

export function healthRoute(health: Health): Route {
  return (req, res) => {
    if (pathOf(req) !== '/healthz') return false;
    void health.report().then((report) => sendJson(res, report.status === 'ok' ? 200 : 503, report));
    return true;
  };
}

/** /metrics with the bearer token when one is set; `off` answers nothing (the web app's 404). */
export function metricsRoute(metrics: Metrics, settings: OpsSettings['metrics']): Route {
  return (req, res) => {
    if (pathOf(req) !== '/metrics') return false;
    if (!authorized(req, settings.token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return true;
    }
    metrics.expose().then(
      ({ text, contentType }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(text),
      () => res.writeHead(500).end(),
    );
    return true;
  };
}

function authorized(req: http.IncomingMessage, token: string): boolean {
  if (!token) return true;
  const given = Buffer.from(String(req.headers.authorization ?? ''));
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Runs the routes in order; the first that handles the request wins. */
export function firstOf(routes: Route[]): Route {
  return (req, res) => routes.some((route) => route(req, res));
}

/** /metrics on a listener of its own (METRICS_PORT), e.g. bound to a private address only the scraper reaches. */
export async function startMetricsServer(metrics: Metrics, settings: OpsSettings['metrics']): Promise<http.Server> {
  const route = metricsRoute(metrics, settings);
  const server = http.createServer((req, res) => {
    if (!route(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  return server;
}
