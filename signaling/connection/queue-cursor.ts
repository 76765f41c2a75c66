/** Where the hand-over of a user's offline queue stands on one connection (see routing/handover.ts). */
import type { QueuedItem } from '../store/queue';

/** The hand-over's state: read from the store a page at a time. */
export interface QueueCursor {
  /** The cursor of the last item handed over (undefined: none yet). */
  after: string | undefined;
  /** Read from the store but not handed over yet, oldest first (at most a page). */
  page: QueuedItem[];
  /** False once a read found nothing more: from then on, new items go out live. */
  draining: boolean;
  /** True while a page is being read: one reader at a time, so no item is handed over twice. */
  reading: boolean;
  /** Set when more may have been queued while a page was being read: read again before stopping. */
  again: boolean;
}

/** A connection that has not begun a hand-over. */
export const idleCursor = (): QueueCursor => ({ after: undefined, page: [], draining: false, reading: false, again: false });
