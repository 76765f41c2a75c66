/**
 * Whether a connection's socket is read. A sender over its rates, or with a backlog of frames not
 * yet handled, is pushed back by TCP itself: what it cannot send is never received, unmasked or
 * parsed, which refusing each frame after reading it would still cost.
 */
import type { Duplex } from 'node:stream';

/** How long a connection over one of its byte rates is not read. */
const HOLD_READING_MS = 100;

export type PauseReason = 'hold' | 'backlog';

export class ReadControl {
  /** True while reading is held back after a rate was passed. */
  #held = false;
  /** Why the socket is not being read now. */
  readonly #pauses = new Set<PauseReason>();

  constructor(
    private readonly socket: Duplex | undefined,
    private readonly isClosed: () => boolean,
  ) {}

  /** Stops reading for a moment. */
  hold(): void {
    if (this.#held || this.isClosed()) return;
    this.#held = true;
    this.pause('hold');
    setTimeout(() => {
      this.#held = false;
      this.resume('hold');
    }, HOLD_READING_MS).unref();
  }

  /** Stops reading for `reason`; the socket is read again once every reason has been lifted. */
  pause(reason: PauseReason): void {
    if (!this.socket || this.isClosed()) return;
    if (this.#pauses.size === 0) this.socket.pause();
    this.#pauses.add(reason);
  }

  resume(reason: PauseReason): void {
    if (!this.socket || !this.#pauses.delete(reason) || this.#pauses.size > 0 || this.isClosed()) return;
    this.socket.resume();
  }
}
