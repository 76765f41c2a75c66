/**
 * Fresh TURN credentials before the old ones expire: a session that logged in with minted TURN
 * credentials gets an `ice_servers` frame with new ones once TURN_REFRESH_FRACTION of
 * TURN_TTL_SECONDS has passed, and again each period after, so a browser open for days never
 * holds an expired credential for new connections. One timer per logged-in session, cleared when
 * it closes.
 */
import type { IceServer } from '../shared/protocol';
import type { Session } from './session';

export class TurnRefresh {
  readonly #timers = new Map<Session, NodeJS.Timeout>();
  readonly #periodMs: number;

  constructor(
    ttlSeconds: number,
    fraction: number,
    /** The ICE servers for `user` with freshly minted TURN credentials. */
    private readonly iceServers: (user: string) => IceServer[],
  ) {
    this.#periodMs = Math.max(1000, Math.floor(ttlSeconds * 1000 * fraction));
  }

  /** Sessions with a refresh pending (tests, metrics). */
  get size(): number {
    return this.#timers.size;
  }

  /** Starts refreshing a session that has just logged in. */
  start(session: Session): void {
    if (session.closed || !session.username || this.#timers.has(session)) return;
    const timer = setInterval(() => this.#refresh(session), this.#periodMs);
    timer.unref();
    this.#timers.set(session, timer);
  }

  stop(session: Session): void {
    clearInterval(this.#timers.get(session));
    this.#timers.delete(session);
  }

  stopAll(): void {
    for (const timer of this.#timers.values()) clearInterval(timer);
    this.#timers.clear();
  }

  #refresh(session: Session): void {
    if (session.closed || !session.username) {
      this.stop(session);
      return;
    }
    session.send({ t: 'ice_servers', iceServers: this.iceServers(session.username) });
  }
}
