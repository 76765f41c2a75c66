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

/** How often an idle client asks Redis PING, so that a healthy link is never silent for long. */
export const REDIS_PING_MS = 1_000;
/** A link silent this long (no reply, not even to PING) is dropped: every waiting call fails `unavailable`. */
export const REDIS_SILENCE_MS = 5_000;

/**
 * How the store and the router open their clients. While Redis is away calls fail at once
 * (no offline queue) rather than queue in memory without a bound. No per-command timeout:
 * node-redis 6 arms one by default (5 s), an AbortSignal timer per command, which cost the
 * cluster node about a tenth of its CPU on the message path; a Redis that dies or restarts
 * drops the socket and fails every waiting call at once anyway. A Redis that hangs with its
 * socket open (stopped, swapping, a network that drops packets without a reset) is caught by
 * the socket's own idle timer instead, one per connection: with a PING every REDIS_PING_MS a
 * healthy link is never silent for REDIS_SILENCE_MS, so a silence that long means Redis is not
 * answering; the socket is dropped, waiting calls fail, and the client reconnects.
 */
export const clientOptions = (url: string) =>
  ({ url, disableOfflineQueue: true, commandOptions: { timeout: 0 }, pingInterval: REDIS_PING_MS, socket: { socketTimeout: REDIS_SILENCE_MS, reconnectStrategy } }) as const;

/**
 * node-redis's own back-off (50 ms doubling to 2 s, plus up to 200 ms of jitter), except that it
 * also reconnects after a silence: node-redis gives a client up for good after a socket timeout,
 * and a Redis that was only stalled for a moment would leave the node without its store.
 */
function reconnectStrategy(retries: number): number {
  return Math.min(2 ** retries * 50, 2_000) + Math.floor(Math.random() * 200);
}

/**
 * A subscriber's options: a RESP2 subscriber may not send PING, and a quiet channel is silent by
 * nature, so it keeps neither the PING nor the idle timer (a hung Redis is noticed by the
 * command clients; the subscriber resubscribes on its reconnect).
 */
export const subscriberOverrides = { pingInterval: 0, socket: { reconnectStrategy } } as const;
