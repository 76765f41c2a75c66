/**
 * Counts of open connections, per client address and in total, and the decisions made on them:
 * whether a new TCP socket is served, answered "too many" or dropped at once, and whether a
 * WebSocket upgrade may go ahead. Pure bookkeeping (no sockets), so the rules read in one place.
 *
 * A direct client is counted from TCP accept; a client behind a trusted proxy only from its
 * upgrade, because until its `X-Forwarded-For` is read every socket looks like the proxy.
 */
import type { ConnectionLimits } from '../config';

export type SocketVerdict =
  /** Serve it. */
  | 'ok'
  /** Over the per-address limit: answer 429 and close (it is counted until closed). */
  | 'busy'
  /** Past the total (with headroom), or twice over its address's limit: destroy it unanswered. */
  | 'drop';

export type UpgradeVerdict = 'ok' | 'full' | 'address' | 'unauthenticated';

interface Counts {
  /** Open connections of this address (TCP sockets of a direct client, WebSockets of a proxied one). */
  open: number;
  /** WebSockets of this address that have not logged in. */
  unauthenticated: number;
}

type Limits = Pick<ConnectionLimits, 'maxConnections' | 'headroom' | 'maxConnectionsPerAddress' | 'maxUnauthenticatedPerAddress'>;

export class Admission {
  #sockets = 0;
  readonly #byAddress = new Map<string, Counts>();

  constructor(private readonly limits: Limits) {}

  /** Open TCP sockets (every kind: HTTP, WebSocket, refused ones not yet closed). */
  get sockets(): number {
    return this.#sockets;
  }

  /** Distinct addresses with something counted (for tests of the bookkeeping). */
  get addresses(): number {
    return this.#byAddress.size;
  }

  /** A TCP socket was accepted from `key` (undefined: from a trusted proxy, counted at its upgrade). */
  acceptSocket(key: string | undefined): SocketVerdict {
    if (this.#sockets >= this.limits.maxConnections + this.limits.headroom) return 'drop';
    const open = key === undefined ? 0 : (this.#byAddress.get(key)?.open ?? 0);
    const perAddress = this.limits.maxConnectionsPerAddress;
    // Refused sockets are answered, which takes a moment; twice the limit bounds what one address holds meanwhile.
    if (open >= 2 * perAddress) return 'drop';
    this.#sockets++;
    if (key !== undefined) this.#counts(key).open++;
    return open >= perAddress ? 'busy' : 'ok';
  }

  /** The socket counted by {@link acceptSocket} closed. */
  releaseSocket(key: string | undefined): void {
    this.#sockets--;
    if (key !== undefined) this.#change(key, 'open', -1);
  }

  /**
   * A WebSocket upgrade from `key`. `countedAtAccept`: its TCP socket already counts against
   * `key` (a direct client); otherwise it is counted from now. On 'ok' it counts as unauthenticated.
   */
  admitWebSocket(key: string, countedAtAccept: boolean): UpgradeVerdict {
    if (this.#sockets > this.limits.maxConnections) return 'full';
    const counts = this.#byAddress.get(key);
    if (!countedAtAccept && (counts?.open ?? 0) >= this.limits.maxConnectionsPerAddress) return 'address';
    if ((counts?.unauthenticated ?? 0) >= this.limits.maxUnauthenticatedPerAddress) return 'unauthenticated';
    const c = this.#counts(key);
    if (!countedAtAccept) c.open++;
    c.unauthenticated++;
    return 'ok';
  }

  /** The WebSocket admitted from `key` logged in. */
  loggedIn(key: string): void {
    this.#change(key, 'unauthenticated', -1);
  }

  /** The WebSocket admitted from `key` closed; `unauthenticated` if it never logged in. */
  releaseWebSocket(key: string, countedAtAccept: boolean, unauthenticated: boolean): void {
    if (unauthenticated) this.#change(key, 'unauthenticated', -1);
    if (!countedAtAccept) this.#change(key, 'open', -1);
  }

  #counts(key: string): Counts {
    let c = this.#byAddress.get(key);
    if (!c) this.#byAddress.set(key, (c = { open: 0, unauthenticated: 0 }));
    return c;
  }

  /** Entries at zero are removed: the map holds only addresses with something open. */
  #change(key: string, field: keyof Counts, by: number): void {
    const c = this.#byAddress.get(key);
    if (!c) return;
    c[field] = Math.max(0, c[field] + by);
    if (c.open === 0 && c.unauthenticated === 0) this.#byAddress.delete(key);
  }
}
