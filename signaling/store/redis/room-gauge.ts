/**
 * The server-wide budgets in cluster mode, as room left: Redis memory (`used_memory` against a
 * configured budget, so throwaway recipients cannot fill it: past it storing answers `server_full`
 * and everything else keeps working; Redis itself runs with `noeviction`, so an honest refusal
 * here comes before Redis's own OOM errors) and the free space of the shared files directory.
 *
 * Measured, not estimated, at most once a second and in the background, so a write never waits
 * for a reading: the room is the last reading less what this node wrote since. Several nodes each
 * subtract only their own writes, so together they may overshoot by one second's worth of
 * writes; the next reading sees everything.
 */

/** How long a reading is trusted. */
const MEASURE_MS = 1000;

export class RoomGauge {
  #room = Number.POSITIVE_INFINITY;
  #since = 0;
  #at = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | undefined;

  /** `measure` answers the room at this instant (Infinity: no budget). */
  constructor(
    private readonly measure: () => Promise<number>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a reading now (the store awaits one as it opens). */
  async refresh(): Promise<void> {
    this.#at = this.clock();
    this.#reading ??= this.measure()
      .then((room) => {
        this.#room = room;
        this.#since = 0;
      })
      .catch(() => {
        // A failed reading keeps the last one: the next write tries again in a second.
      })
      .finally(() => {
        this.#reading = undefined;
      });
    await this.#reading;
  }

  /** Bytes that may still be stored, -1 when there is no budget (the scripts' spelling). */
  room(): number {
    if (this.clock() - this.#at >= MEASURE_MS) void this.refresh();
    const room = this.#room - this.#since;
    return room === Number.POSITIVE_INFINITY ? -1 : Math.max(0, Math.floor(room));
  }

  /** `bytes` were just stored (counted until the next reading sees them). */
  add(bytes: number): void {
    if (bytes > 0) this.#since += bytes;
  }
}
