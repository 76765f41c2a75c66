/**
 * ws's isAlive heartbeat (ping; a socket that did not answer the previous ping is dead), spread
 * over the period. Pinging every connection in one loop turn, as the recipe does, is a write per
 * socket and then a read per pong, all at once: with 1,000 connections the relay benchmark saw a
 * stall of tens of milliseconds every HEARTBEAT_MS, in which every message waited. Here the
 * connections are dealt into slices, one slice pinged every {@link HEARTBEAT_TICK_MS}, so each
 * connection is still pinged once per period and the work comes in small steps.
 */

/** How often a slice of the connections is pinged. Short enough that a slice stays small. */
export const HEARTBEAT_TICK_MS = 100;

/** What the heartbeat needs of a connection (a Session). */
export interface Beating {
  /** False after a ping until its pong arrives (the server's pong listener sets it). */
  alive: boolean;
  closed: boolean;
  ping(): void;
  readonly ws: { terminate(): void };
}

export class Heartbeat<S extends Beating = Beating> {
  readonly #slices: Set<S>[];
  readonly #sliceOf = new Map<S, Set<S>>();
  #next = 0;
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    /** Each connection is pinged once per this many ms (HEARTBEAT_MS). */
    private readonly periodMs: number,
    tickMs = HEARTBEAT_TICK_MS,
  ) {
    const slices = Math.max(1, Math.round(periodMs / tickMs));
    this.#slices = Array.from({ length: slices }, () => new Set<S>());
  }

  /** A new connection joins the slices in turn, so they stay even. */
  add(session: S): void {
    const slice = this.#slices[this.#next++ % this.#slices.length]!;
    slice.add(session);
    this.#sliceOf.set(session, slice);
  }

  remove(session: S): void {
    this.#sliceOf.get(session)?.delete(session);
    this.#sliceOf.delete(session);
  }

  start(): void {
    // The period divided evenly: each slice comes round exactly once per period.
    this.#timer ??= setInterval(() => this.beat(), this.periodMs / this.#slices.length);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Pings the next slice; one that did not answer its previous ping is cut. */
  beat(): void {
    const slice = this.#slices[this.#tick++ % this.#slices.length]!;
    for (const session of slice) {
      if (!session.alive) {
        session.closed = true;
        session.ws.terminate();
        this.remove(session);
        continue;
      }
      session.alive = false;
      session.ping();
    }
  }
}
