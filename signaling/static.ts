/** Serves the built web app (web/dist) with a strict Content-Security-Policy. */
import fs from 'node:fs';
import type http from 'node:http';
import sirv from 'sirv';

const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'", // libsodium is WebAssembly
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function setSecurityHeaders(res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/** `before` answers the server's own routes (health, metrics, the check page's endpoints) ahead of the app. */
export function createStaticHandler(webDir: string, before?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): http.RequestListener {
  const built = fs.existsSync(webDir);
  const assets = built ? sirv(webDir, { single: true, etag: true, gzip: false, setHeaders: setSecurityHeaders }) : undefined;
  return (req, res) => {
    if (before?.(req, res)) return;
    if (!assets) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The web app is not built: run `npm run build` (npm start does it).');
      return;
    }
    setSecurityHeaders(res);
    assets(req, res, () => {
      res.writeHead(404).end();
    });
  };
}
