/**
 * The frames of one connection, handled one at a time in the order they arrived. Handlers may
 * wait on storage; a connection's frames must still apply in order (a message, then an ack, then
 * another message from one socket), so each waits for the one before it. The backlog is bounded:
 * past `limit` waiting frames the owner is told to stop reading the socket, and told to read
 * again once half of them are done.
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;
  #over = false;

  constructor(
    private readonly limit: number,
    /** Called with true when the backlog goes past the limit, and with false once it is down to half. */
    private readonly onBacklog: (over: boolean) => void,
    /** A task that throws or rejects: reported here, and the queue goes on with the next one. */
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Tasks pushed and not yet finished. */
  get waiting(): number {
    return this.#waiting;
  }

  push(task: () => Promise<void> | void): void {
    this.#waiting++;
    if (!this.#over && this.#waiting > this.limit) {
      this.#over = true;
      this.onBacklog(true);
    }
    this.#tail = this.#tail.then(task).then(this.#done, this.#failed);
  }

  /**
   * Runs a synchronous `task` now when nothing is waiting (the order is kept either way), else
   * queues it: a refusal answered at once still goes out if the socket closes right after.
   */
  runOrPush(task: () => void): void {
    if (this.#waiting > 0) {
      this.push(task);
      return;
    }
    try {
      task();
    } catch (err) {
      this.onError(err);
    }
  }

  /** Resolves once every task pushed so far has finished. */
  idle(): Promise<void> {
    return this.#tail;
  }

  readonly #done = (): void => {
    this.#waiting--;
    if (this.#over && this.#waiting <= this.limit / 2) {
      this.#over = false;
      this.onBacklog(false);
    }
  };

  readonly #failed = (err: unknown): void => {
    this.#done();
    try {
      this.onError(err);
    } catch {
      // the report itself failed: nothing more can be done, and the queue must go on
    }
  };
}
