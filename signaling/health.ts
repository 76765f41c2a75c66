/**
 * /healthz: whether this node can serve. Each check is a cheap call to something the server
 * depends on (the store; in cluster mode also Redis, added with {@link Health.add}), given
 * `timeoutMs` to answer. 200 with `{"status":"ok"}` when all answered, 503 otherwise; the body
 * names each check's outcome and nothing else (no error text, no addresses).
 */
export type HealthCheck = () => Promise<unknown>;
export type CheckOutcome = 'ok' | 'timeout' | 'error';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckOutcome>;
}

export class Health {
  readonly #checks = new Map<string, HealthCheck>();

  constructor(private readonly timeoutMs: number) {}

  /** Adds (or replaces) the check called `name`. */
  add(name: string, check: HealthCheck): void {
    this.#checks.set(name, check);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all([...this.#checks].map(async ([name, check]) => [name, await this.#run(check)] as const));
    const checks = Object.fromEntries(entries);
    return { status: entries.every(([, outcome]) => outcome === 'ok') ? 'ok' : 'unavailable', checks };
  }

  #run(check: HealthCheck): Promise<CheckOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
      timer.unref();
      Promise.resolve()
        .then(check)
        .then(
          () => resolve('ok'),
          () => resolve('error'),
        )
        .finally(() => clearTimeout(timer));
    });
  }
}
