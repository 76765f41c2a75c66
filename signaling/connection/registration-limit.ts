/**
 * Accounts created per client address per hour: a token bucket per address key that holds
 * `perHour` registrations and refills at `perHour` an hour, so a burst is allowed once and a
 * steady flood gets `registration_limited`. Only successful registrations spend a token (a taken
 * name costs nothing). A bucket that has refilled completely is forgotten by {@link sweep}.
 */
const HOUR_MS = 3600_000;

export class RegistrationLimit {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    /** 0 refuses every registration (a server that only serves existing accounts). */
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `key` may create one more account now. */
  allows(key: string): boolean {
    return this.#tokens(key) >= 1;
  }

  /** An account was created from `key`. */
  record(key: string): void {
    this.#buckets.set(key, { tokens: this.#tokens(key) - 1, at: this.now() });
  }

  /** Forgets addresses whose bucket is full again (they registered nothing for about an hour). */
  sweep(): void {
    for (const key of [...this.#buckets.keys()]) if (this.#tokens(key) >= this.perHour) this.#buckets.delete(key);
  }

  /** Addresses remembered (tests). */
  get size(): number {
    return this.#buckets.size;
  }

  #tokens(key: string): number {
    const b = this.#buckets.get(key);
    if (!b) return this.perHour;
    return Math.min(this.perHour, b.tokens + ((this.now() - b.at) * this.perHour) / HOUR_MS);
  }
}
