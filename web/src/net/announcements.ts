/**
 * Announcements from the server's operator (issue 13 item 5): the ones this account has not
 * dismissed, as the server sends them (after the welcome, and live). An id is kept once, however
 * often it comes; dismissing acknowledges the highest id shown, and the server then never sends
 * those again, on any device. Kept in memory only: the server's cursor is the record.
 */
import type { Announcement } from '../../../shared/protocol-announcements';
import { ANNOUNCEMENT_LIMITS } from '../../../shared/protocol-announcements';
import type { ClientFrame } from '../../../shared/protocol';
import type { FrameRoutes } from './frame-router';

export class Announcements extends EventTarget {
  #items: Announcement[] = [];
  /** The highest id dismissed on this page: one that comes again (a login racing a live one) stays gone. */
  #dismissed = 0;

  constructor(private readonly send: (frame: ClientFrame) => unknown) {
    super();
  }

  /** What to show, oldest first. */
  get items(): readonly Announcement[] {
    return this.#items;
  }

  attach(frames: FrameRoutes): void {
    frames.on('announcements', (f) => this.#offer(f.items));
  }

  dismiss(): void {
    const top = this.#items.at(-1)?.id;
    if (top === undefined) return;
    this.#dismissed = Math.max(this.#dismissed, top);
    this.#items = [];
    this.send({ t: 'announcement_ack', id: top });
    this.dispatchEvent(new Event('change'));
  }

  #offer(items: Announcement[]): void {
    const known = new Set(this.#items.map((a) => a.id));
    const fresh = items.filter((a) => a.id > this.#dismissed && !known.has(a.id));
    if (fresh.length === 0) return;
    this.#items = [...this.#items, ...fresh].sort((a, b) => a.id - b.id).slice(-ANNOUNCEMENT_LIMITS.maxKept);
    this.dispatchEvent(new Event('change'));
  }
}
