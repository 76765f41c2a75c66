import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StoredMessage } from '../storage/db';

/**
 * Tells the read receipts (conversations/receipts.ts) what the user has seen: the messages whose
 * rows are on screen, only while the tab is visible (a conversation open in a background tab is
 * not read), and not every message loaded: a window of history holds up to a few hundred, most
 * of them above or below the view, and a receipt says the reader saw that message. The host calls
 * {@link check} once its rows are where they will stay (after each render's scroll restore, and
 * after every scroll); the controller checks again when the tab becomes visible.
 */
export class SeenController implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    /** The messages on screen now. */
    private readonly inView: () => readonly StoredMessage[],
    private readonly seen: (messages: readonly StoredMessage[]) => Promise<void>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.check);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.check);
  }

  readonly check = (): void => {
    if (document.visibilityState !== 'visible') return;
    const shown = this.inView();
    if (shown.length === 0) return;
    this.seen(shown).catch((err) => console.warn('parley: could not record what was read', err));
  };
}
