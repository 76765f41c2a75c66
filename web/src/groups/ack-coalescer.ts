/**
 * Group log acknowledgements, coalesced. `group_ack`'s `upTo` is cumulative, so of the acks for one
 * group within ACK_DELAY_MS only the highest needs to go: a member catching up on a long log acks
 * a few times a second rather than once per entry (each ack is a frame the server counts against
 * the connection's rate and a write to its store). An ack lost with the connection before its
 * flush only means those entries come again, and the log knows them by seq.
 */
export const ACK_DELAY_MS = 100;
/**
 * Entries acknowledged in one group that send the ack at once: half the server's window of
 * unacknowledged entries per group (64, PROTOCOL.md), so a fast reader never waits on the delay.
 */
export const ACK_EARLY_ENTRIES = 32;

export class AckCoalescer {
  readonly #due = new Map<string, number>();
  /** Acks taken per group since its last flush. */
  readonly #counts = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (group: string, upTo: number) => void,
    private readonly delayMs = ACK_DELAY_MS,
  ) {}

  /** The log of `group` is stored up to `upTo`: acknowledged with the next flush. */
  ack(group: string, upTo: number): void {
    if ((this.#due.get(group) ?? -1) < upTo) this.#due.set(group, upTo);
    const count = (this.#counts.get(group) ?? 0) + 1;
    this.#counts.set(group, count);
    if (count >= ACK_EARLY_ENTRIES) return this.flush();
    this.#timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Sends what is due now (also before a frame that must follow the acks). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const due = [...this.#due];
    this.#due.clear();
    this.#counts.clear();
    for (const [group, upTo] of due) this.send(group, upTo);
  }
}
