/**
 * What the UI hears of transfers: a view of one (its record and how far it got) and an event when
 * one changes, at most a few times a second per transfer so a fast transfer does not re-render
 * the log for every chunk, but always with its last progress.
 */
import type { TransferRecord } from '../storage/db';

export interface TransferView {
  record: TransferRecord;
  bytesDone: number;
  /** Bytes per second, 0 while unknown. */
  speed: number;
  secondsLeft: number | undefined;
  /** Going up to the server for a contact who is offline. */
  uploading: boolean;
}

/** Fired (at most a few times a second per transfer) when a transfer changes. */
export class TransferEvent extends Event {
  constructor(readonly fileId: string) {
    super('transfer');
  }
}

/** The shortest time between two events about one busy transfer. */
const UI_INTERVAL_MS = 200;

/** Dispatches TransferEvents on `target`, throttled per busy transfer. */
export class TransferNotifier {
  readonly #lastEvent = new Map<string, number>();
  readonly #trailing = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly target: EventTarget) {}

  /** Tells the UI, unless it heard about this transfer a moment ago. */
  notify(record: TransferRecord): void {
    const now = performance.now();
    const busy = record.state === 'active' || record.state === 'waiting';
    if (busy && now - (this.#lastEvent.get(record.fileId) ?? 0) < UI_INTERVAL_MS) {
      // Say it a little later instead, so the last progress of a burst is not lost.
      if (!this.#trailing.has(record.fileId)) {
        this.#trailing.set(record.fileId, setTimeout(() => this.#emit(record.fileId), UI_INTERVAL_MS));
      }
      return;
    }
    this.#emit(record.fileId);
  }

  #emit(fileId: string): void {
    clearTimeout(this.#trailing.get(fileId));
    this.#trailing.delete(fileId);
    this.#lastEvent.set(fileId, performance.now());
    this.target.dispatchEvent(new TransferEvent(fileId));
  }
}
