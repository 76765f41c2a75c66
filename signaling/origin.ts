/**
 * The WebSocket handshake's Origin check. Browsers always send Origin, so a page from another
 * site cannot drive a user's Parley connection. By default only the app's own origins pass.
 */
export function ownOrigins(host: string, port: number): string[] {
  const hosts = new Set([host, 'localhost', '127.0.0.1', '[::1]']);
  if (host === '0.0.0.0' || host === '::') hosts.delete(host);
  return [...hosts].map((h) => `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`);
}

/** A missing or foreign Origin is refused. */
export function isOriginAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  return origin !== undefined && allowed.has(origin.toLowerCase());
}
