/**
 * Coalesces the frames written to one socket by one piece of work into a single write.
 *
 * `ws` writes every frame with its own syscall. A read burst from one connection (a sender's
 * messages, an ack batch) often produces several frames for the same recipient socket; the
 * relay benchmark showed those writes were the server's largest cost. A socket is corked on its
 * first frame and uncorked once the work that wrote it is done, so those frames leave in one
 * writev. Order is unchanged. One coalescer per server, shared by its sessions.
 *
 * When is the work done? Two answers (see {@link FlushAt}):
 * - 'task' (the server's): at the end of the callback that wrote (the socket read, the timer), once
 *   its promise jobs have run too: a connection's later frames of the same read are handled in
 *   promise jobs chained behind the first (connection/serial-queue.ts), and belong to the same write.
 * - 'turn': once the whole loop turn's I/O callbacks have run (setImmediate). This was the server's
 *   rule until the relay benchmark's open loop showed its cost: every frame written during a poll
 *   phase waited for all the reads of that phase, so after any stall (a GC pause, a burst of
 *   heartbeats) the frames read first left last, and the tail latency doubled. Kept for the
 *   benchmark's load client, whose figures must not change with the server's rule.
 */
import type { Writable } from 'node:stream';

/**
 * Held bytes beyond which the next frame sends them at once: one write is then worthwhile anyway,
 * and holding never inflates a socket's send buffer (which the slow-consumer limit watches) by
 * more than about one frame.
 */
const HOLD_MAX_BYTES = 16 * 1024;

/** When held frames are written (see the module comment). */
export type FlushAt = 'task' | 'turn';

export class WriteCoalescer {
  #pending: Writable[] = [];
  #scheduled = false;

  constructor(private readonly flushAt: FlushAt = 'task') {}

  /** Holds `socket`'s writes until the current piece of work is done. */
  hold(socket: Writable): void {
    if (socket.destroyed) return;
    if (socket.writableCorked > 0) {
      if (socket.writableLength >= HOLD_MAX_BYTES) this.flush(socket);
      return;
    }
    socket.cork();
    this.#pending.push(socket);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A promise job runs after the callback's own code; the tick it queues runs once every promise
    // job queued meanwhile (the chained frames) has run, before the loop moves on.
    if (this.flushAt === 'task') queueMicrotask(this.#flushSoon);
    else setImmediate(this.#flushAll);
  }

  /** Writes now whatever `socket` holds (before it is destroyed, which would drop it). */
  flush(socket: Writable): void {
    while (socket.writableCorked > 0) socket.uncork();
  }

  readonly #flushSoon = (): void => process.nextTick(this.#flushAll);

  readonly #flushAll = (): void => {
    this.#scheduled = false;
    const sockets = this.#pending;
    this.#pending = [];
    for (const socket of sockets) this.flush(socket);
  };
}
