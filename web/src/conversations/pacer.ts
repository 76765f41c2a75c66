/**
 * Paces a run of sends under two per-second budgets (a count and a cost), as the server's token
 * buckets would see them: once the next one would pass either within the current second, it waits
 * for the next second. Used by broadcasts.ts so one broadcast never trips a per-connection rate.
 */
export class Pacer {
  #count = 0;
  #cost = 0;

  constructor(
    private readonly countPerSecond: number,
    private readonly costPerSecond: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Resolves when one more send of `cost` fits (at once while both budgets have room). */
  async take(cost: number): Promise<void> {
    if (this.#count > 0 && (this.#count + 1 > this.countPerSecond || this.#cost + cost > this.costPerSecond)) {
      await this.sleep(1000);
      this.#count = 0;
      this.#cost = 0;
    }
    this.#count += 1;
    this.#cost += cost;
  }
}
