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
  /** True while a task runs synchronously: a task pushed then (re-entrantly) is chained once it has returned. */
  #running = false;
  /** Those tasks; made only when there is one (not an array per frame). */
  #reentrant: (() => Promise<void> | void)[] | undefined;

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

  /**
   * Runs `task` in its turn. When nothing is waiting it runs now, synchronously: most frames find
   * their connection idle, and going through a promise (a microtask hop and two promises per
   * frame) for each of them cost the relay CPU and garbage for nothing. A task that returns a
   * promise holds the queue until it settles; one that returns nothing is done when it returns.
   */
  push(task: () => Promise<void> | void): void {
    this.#waiting++;
    if (this.#waiting === 1) {
      this.#runNow(task);
      return;
    }
    if (!this.#over && this.#waiting > this.limit) {
      this.#over = true;
      this.onBacklog(true);
    }
    if (this.#running) (this.#reentrant ??= []).push(task);
    else this.#chain(task);
  }

  #chain(task: () => Promise<void> | void): void {
    this.#tail = this.#tail.then(task).then(this.#done, this.#failed);
  }

  #runNow(task: () => Promise<void> | void): void {
    this.#running = true;
    try {
      const result = task();
      if (result && typeof result.then === 'function') this.#tail = result.then(this.#done, this.#failed);
      else this.#done();
    } catch (err) {
      this.#failed(err);
    }
    this.#running = false;
    const later = this.#reentrant;
    if (!later) return;
    this.#reentrant = undefined;
    for (const t of later) this.#chain(t);
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
