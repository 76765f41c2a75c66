/**
 * A direct channel for tests: opens when told (as if both hellos checked out), records what the
 * link sends on it, and hands the link frames "from the contact". No WebRTC involved.
 */
import type { ChannelFrame } from '../../../shared/peer-protocol';
import type { Channel } from './peer-link';

type Frame = Exclude<ChannelFrame, { t: 'hello' }>;

export class FakeChannel extends EventTarget implements Channel {
  readonly sent: Frame[] = [];
  bufferedAmount = 0;
  #open = false;
  #closed = false;

  constructor(readonly sid: string) {
    super();
  }

  get open(): boolean {
    return this.#open;
  }

  /** Both sides proved their keys: the channel carries envelopes from now on. */
  connect(): void {
    this.#open = true;
    this.dispatchEvent(new Event('open'));
  }

  /** A frame from the contact. */
  receive(frame: Frame): void {
    this.dispatchEvent(Object.assign(new Event('frame'), { frame }));
  }

  send(frame: Frame): boolean {
    if (!this.#open) return false;
    this.sent.push(frame);
    return true;
  }

  sendBinary(): boolean {
    return this.#open;
  }

  waitForDrain(): Promise<void> {
    return Promise.resolve();
  }

  signal(): void {}

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#open = false;
    this.dispatchEvent(new Event('closed'));
  }
}
