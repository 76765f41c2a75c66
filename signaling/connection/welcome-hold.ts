/**
 * What arrives for a connection between the login claiming its user and the welcome going out:
 * frames for it (presence, contact_added from others), which follow the welcome, and changes to
 * its routing state, which are replayed on what the login read from the store.
 */
import type { ServerFrame } from '../../shared/protocol';
import type { SessionChange } from '../routing/router';

/**
 * Frames kept while the welcome is being put together. Past this many, later ones are dropped:
 * they are state changes the client would also learn at its next login.
 */
const EARLY_FRAMES_MAX = 1024;

export class WelcomeHold {
  #early: ServerFrame[] | undefined;
  /**
   * The latest change per kind and peer, in the order they last came: a change sets one peer's
   * flag, so only the last counts, and a peer flipping a block back and forth keeps one entry
   * (bounded by the peers, not by how often they flip).
   */
  #changes: Map<string, SessionChange> | undefined;

  /** True while frames wait for the welcome. */
  get holding(): boolean {
    return this.#early !== undefined;
  }

  begin(): void {
    this.#early = [];
    this.#changes = new Map();
  }

  /** Keeps `frame` for after the welcome (if there is room). */
  keep(frame: ServerFrame): void {
    if (this.#early && this.#early.length < EARLY_FRAMES_MAX) this.#early.push(frame);
  }

  recordChange(change: SessionChange): void {
    if (!this.#changes) return;
    const key = `${change.t}:${change.peer}`;
    this.#changes.delete(key); // re-inserted at the end: the replay keeps the order of last changes
    this.#changes.set(key, change);
  }

  /** The changes recorded so far; recording stops. */
  takeChanges(): SessionChange[] {
    const changes = [...(this.#changes?.values() ?? [])];
    this.#changes = undefined;
    return changes;
  }

  /** The frames kept so far; holding stops. */
  release(): ServerFrame[] {
    const early = this.#early ?? [];
    this.#early = undefined;
    return early;
  }
}
