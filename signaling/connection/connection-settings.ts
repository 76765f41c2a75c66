/** Connection bounds (signaling/connection/): per client address and in total, before and around login; read from the environment like config.ts. */
import { z } from 'zod';
import { int, parseEnv } from '../env-settings';
import { type ProxyTrust, parseProxyTrust } from './address';

const ConnectionEnv = z.object({
  /** Proxies whose X-Forwarded-For is believed: empty (none), a hop count, or addresses/CIDRs (see connection/address.ts). */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseProxyTrust(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  REGISTRATIONS_PER_HOUR_PER_ADDRESS: int(20),
  MAX_CONNECTIONS_PER_ADDRESS: int(50),
  MAX_UNAUTHENTICATED_PER_ADDRESS: int(10),
  MAX_CONNECTIONS: int(10_000),
  CONNECTION_HEADROOM: int(500),
  HANDSHAKE_TIMEOUT_MS: int(10_000),
  LOGIN_TIMEOUT_MS: int(10_000),
  UNAUTHENTICATED_MAX_FRAME_BYTES: int(1024),
  UNAUTHENTICATED_FRAMES_PER_SEC: int(2),
  UNAUTHENTICATED_BURST: int(10),
  MAX_FRAME_JSON_TOKENS: int(512),
});

/** Bounds on connections, per client address and in total (enforced in signaling/connection/). */
export interface ConnectionLimits {
  /** Whose X-Forwarded-For names the client; by default nobody's (the socket's peer is the client). */
  trustProxy: ProxyTrust;
  /** Accounts one client address (an IPv6 /64) may create per hour; more get `registration_limited`. */
  registrationsPerHourPerAddress: number;
  /** Open connections (HTTP or WebSocket) per client address; more are refused with HTTP 429. */
  maxConnectionsPerAddress: number;
  /** WebSockets per client address that have not logged in yet; more are refused with HTTP 429. */
  maxUnauthenticatedPerAddress: number;
  /** Open TCP connections beyond which WebSocket upgrades are refused with HTTP 503. */
  maxConnections: number;
  /** Above `maxConnections`, room left for /healthz and plain HTTP; past it new sockets are destroyed at once. */
  headroom: number;
  /** A TCP connection that has not sent a complete HTTP request (or upgrade) by then is closed. */
  handshakeTimeoutMs: number;
  /** A WebSocket that has not logged in by then is closed with 4002 (login_timeout). */
  loginTimeoutMs: number;
  /** Before login only register/login/ping are allowed: frames above this get `too_large` unparsed. */
  unauthenticatedMaxFrameBytes: number;
  unauthenticatedFramesPerSec: number;
  unauthenticatedBurst: number;
  /** Most JSON structure tokens (brackets, commas, colons outside strings) in a text frame; more is `bad_frame` unparsed. */
  maxFrameJsonTokens: number;
}

export function loadConnectionLimits(env: NodeJS.ProcessEnv): ConnectionLimits {
  const e = parseEnv(ConnectionEnv, env);
  return {
    trustProxy: e.TRUST_PROXY,
    registrationsPerHourPerAddress: e.REGISTRATIONS_PER_HOUR_PER_ADDRESS,
    maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
    maxUnauthenticatedPerAddress: e.MAX_UNAUTHENTICATED_PER_ADDRESS,
    maxConnections: e.MAX_CONNECTIONS,
    headroom: e.CONNECTION_HEADROOM,
    handshakeTimeoutMs: e.HANDSHAKE_TIMEOUT_MS,
    loginTimeoutMs: e.LOGIN_TIMEOUT_MS,
    unauthenticatedMaxFrameBytes: e.UNAUTHENTICATED_MAX_FRAME_BYTES,
    unauthenticatedFramesPerSec: e.UNAUTHENTICATED_FRAMES_PER_SEC,
    unauthenticatedBurst: e.UNAUTHENTICATED_BURST,
    maxFrameJsonTokens: e.MAX_FRAME_JSON_TOKENS,
  };
}
