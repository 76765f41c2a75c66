/**
 * The one way the Redis store and router reach Redis: a client's `sendCommand`, with Redis being
 * away turned into an expected refusal. While node-redis reconnects (Redis restarting, the
 * network gone) a call fails at once (no offline queue) or when its socket drops, and Redis
 * answers LOADING while it replays its AOF: that is a moment's outage, not a fault, so the
 * handler's client gets `unavailable` (and sends again) and nothing is logged as a bug. Any
 * other error reply (a script's) stays what it is.
 */
import { ErrorReply } from 'redis';
import { ProtocolError } from '../../errors';
import type { RedisLink } from './redis-script';

/** Error replies that mean "not now" rather than "wrong". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

export function isTransient(err: unknown): boolean {
  if (err instanceof ErrorReply) return TRANSIENT_REPLY.test(err.message);
  return err instanceof Error;
}

/** `client` with every failure that means Redis is out of reach thrown as `unavailable`. */
export function guardedLink(client: RedisLink): RedisLink {
  const sendCommand = ((...args: Parameters<RedisLink['sendCommand']>) =>
    client.sendCommand(...args).catch((err: unknown) => {
      if (isTransient(err)) throw new ProtocolError('unavailable', 'the server cannot reach its store for a moment; try again');
      throw err;
    })) as RedisLink['sendCommand'];
  return { sendCommand };
}

/**
 * How the store and the router open their clients. While Redis is away calls fail at once
 * (no offline queue) rather than queue in memory without a bound. And no per-command timeout:
 * node-redis 6 arms one by default (5 s), an AbortSignal timer per command, which cost the
 * cluster node about a tenth of its CPU on the message path; a Redis that dies or restarts
 * drops the socket and fails every waiting call at once anyway. What that leaves uncovered is a
 * Redis that hangs with its socket open: calls then wait until TCP keepalive gives up.
 */
export const clientOptions = (url: string) => ({ url, disableOfflineQueue: true, commandOptions: { timeout: 0 } }) as const;
