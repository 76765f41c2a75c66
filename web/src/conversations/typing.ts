/**
 * Typing: while the user types to a contact, a sealed `typing` signal goes to them at most every
 * TYPING_SEND_EVERY_MS, as a transient frame (on the direct channel when open, else through the
 * server, which never stores or queues it). A contact is shown typing until TYPING_SHOWN_MS pass
 * without a signal, they say they stopped, or their message arrives. With "Show typing" off none
 * is sent and none is shown. Fires `change` when who is typing changes.
 */
import type { ReceivedBody } from './bodies/registry';
import type { Preferences } from './preferences';
import type { TransientSeal } from './transient';

/** While typing goes on, a signal at most this often. */
export const TYPING_SEND_EVERY_MS = 3_000;
/** A contact shows typing this long after their last signal. */
export const TYPING_SHOWN_MS = 6_000;

export interface TypingDeps {
  seal: Pick<TransientSeal, 'seal' | 'open'>;
  /** Sends a sealed transient signal on the link to `peer` (Links.sendTransient). */
  send: (peer: string, id: string, env: string) => boolean;
  preferences: Pick<Preferences, 'showTyping'>;
}

export class Typing extends EventTarget {
  /** Contacts shown typing, with the timer that ends it. */
  readonly #typing = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #lastSent = new Map<string, number>();

  constructor(private readonly d: TypingDeps) {
    super();
  }

  isTyping(peer: string): boolean {
    return this.d.preferences.showTyping && this.#typing.has(peer);
  }

  /** The user typed in the composer of the conversation with `peer`. */
  input(peer: string, now = Date.now()): void {
    if (!this.d.preferences.showTyping) return;
    if (now - (this.#lastSent.get(peer) ?? -Infinity) < TYPING_SEND_EVERY_MS) return;
    const sealed = this.d.seal.seal(peer, { kind: 'typing', on: true });
    if (sealed && this.d.send(peer, sealed.id, sealed.env)) this.#lastSent.set(peer, now);
  }

  /** The user sent their message (or cleared the box): the next keystroke signals again at once. */
  stopped(peer: string): void {
    this.#lastSent.delete(peer);
  }

  /** A transient signal came from `peer` (on either path). */
  async receive(peer: string, id: string, env: string): Promise<void> {
    const body = await this.d.seal.open(peer, id, env);
    if (body) this.show(peer, body);
  }

  /** A typing body from `peer` (transient, or an envelope from a client that sent it as one). */
  show(peer: string, body: ReceivedBody): void {
    if (body.kind !== 'typing' || !this.d.preferences.showTyping) return;
    if (body.on) {
      clearTimeout(this.#typing.get(peer));
      this.#typing.set(peer, setTimeout(() => this.clear(peer), TYPING_SHOWN_MS));
      this.dispatchEvent(new Event('change'));
    } else this.clear(peer);
  }

  /** `peer` no longer shows typing (their message arrived, or the time ran out). */
  clear(peer: string): void {
    const timer = this.#typing.get(peer);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#typing.delete(peer);
    this.dispatchEvent(new Event('change'));
  }

  stop(): void {
    for (const timer of this.#typing.values()) clearTimeout(timer);
    this.#typing.clear();
  }
}
