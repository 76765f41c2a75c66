/** Transfer speed over a sliding window, and the time left at that speed. */
export class Progress {
  #samples: Array<{ t: number; bytes: number }> = [];

  constructor(private readonly windowMs = 3000) {}

  update(bytes: number, now = performance.now()): void {
    this.#samples.push({ t: now, bytes });
    while (this.#samples.length > 2 && now - this.#samples[0]!.t > this.windowMs) this.#samples.shift();
  }

  /** Bytes per second, or 0 before there is anything to measure. */
  get speed(): number {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.t - first.t < 200) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }

  /** Seconds left for `remaining` bytes, or undefined when the speed is unknown. */
  secondsLeft(remaining: number): number | undefined {
    const speed = this.speed;
    return speed > 0 ? remaining / speed : undefined;
  }

  reset(): void {
    this.#samples = [];
  }
}
