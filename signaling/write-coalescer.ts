/**
 * Coalesces the frames written to one socket during an event-loop turn into a single write.
 *
 * `ws` writes every frame with its own syscall. A read burst from one connection (a sender's
 * messages, an ack batch) often produces several frames for the same recipient socket; the
 * relay benchmark showed those writes were the server's largest cost. Corking a socket on its
 * first frame of the turn and uncorking once the turn's I/O callbacks have run (setImmediate)
 * turns them into one writev. Order is unchanged; the delay is at most one loop turn.
 * One coalescer per server, shared by its sessions.
 */
import type { Writable } from 'node:stream';

/**
 * Held bytes beyond which the next frame sends them at once: one write is then worthwhile anyway,
 * and holding never inflates a socket's send buffer (which the slow-consumer limit watches) by
 * more than about one frame.
 */
const HOLD_MAX_BYTES = 16 * 1024;

export class WriteCoalescer {
  #pending: Writable[] = [];
  #scheduled = false;

  /** Holds `socket`'s writes until the end of this event-loop turn. */
  hold(socket: Writable): void {
    if (socket.destroyed) return;
    if (socket.writableCorked > 0) {
      if (socket.writableLength >= HOLD_MAX_BYTES) this.flush(socket);
      return;
    }
    socket.cork();
    this.#pending.push(socket);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushAll);
    }
  }

  /** Writes now whatever `socket` holds (before it is destroyed, which would drop it). */
  flush(socket: Writable): void {
    while (socket.writableCorked > 0) socket.uncork();
  }

  readonly #flushAll = (): void => {
    this.#scheduled = false;
    const sockets = this.#pending;
    this.#pending = [];
    for (const socket of sockets) this.flush(socket);
  };
}
