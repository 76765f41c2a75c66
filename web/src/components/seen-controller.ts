import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StoredMessage } from '../storage/db';

/**
 * Tells the read receipts (conversations/receipts.ts) what the user has seen: after each render of
 * the conversation, and when the tab becomes visible again, the messages shown count as seen, but
 * only while the tab is visible (a conversation open in a background tab is not read).
 */
export class SeenController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost,
    /** The messages shown now. */
    private readonly shown: () => readonly StoredMessage[],
    private readonly seen: (messages: readonly StoredMessage[]) => Promise<void>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#check);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#check);
  }

  hostUpdated(): void {
    this.#check();
  }

  readonly #check = (): void => {
    if (document.visibilityState !== 'visible') return;
    this.seen(this.shown()).catch((err) => console.warn('parley: could not record what was read', err));
  };
}
