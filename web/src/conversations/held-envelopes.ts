/**
 * Envelopes from someone who is not a contact, held because this device has no key for them yet
 * (peer-keys.ts): a member chat's first message may come before the group that pins the sender's
 * key is processed (a member offline meanwhile gets the queued message and the Welcome at the
 * same login). Held ones are tried again when the keys change, and answered then; otherwise they
 * stay unanswered, as before, and come again at the next login. Bounded: a stranger's flood
 * cannot grow it (the oldest goes; it comes again at the next login).
 */
export const HELD_ENVELOPES_MAX = 200;

interface Held {
  from: string;
  id: string;
  env: string;
}

export class HeldEnvelopes {
  readonly #held = new Map<string, Held>();

  constructor(
    /** Receives one again; false when it is still held (no key yet). */
    private readonly retry: (from: string, id: string, env: string) => Promise<boolean>,
    private readonly max = HELD_ENVELOPES_MAX,
  ) {}

  keep(from: string, id: string, env: string): void {
    const key = `${from}\n${id}`;
    this.#held.delete(key);
    this.#held.set(key, { from, id, env });
    while (this.#held.size > this.max) this.#held.delete(this.#held.keys().next().value!);
  }

  get size(): number {
    return this.#held.size;
  }

  /** Tries every held envelope again, oldest first; those that open (or are refused) go. */
  async retryAll(): Promise<void> {
    for (const [key, h] of [...this.#held]) {
      if (await this.retry(h.from, h.id, h.env)) this.#held.delete(key);
    }
  }
}
