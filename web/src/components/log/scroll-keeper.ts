/**
 * Where the log is scrolled to, kept while its content changes. Following the bottom, it stays at
 * the bottom (a new message, a file's preview growing); anywhere else, the row the reader has at
 * the top of the view stays exactly where it is on screen, whatever is added or removed above or
 * below it (an older page read in, a newer one dropped, an image loading). The browser's own
 * scroll anchoring is turned off on the scroller (`overflow-anchor: none`): it is not in every
 * browser, and is skipped at the very top, just where older pages are read in.
 */

/** Within this many pixels of the bottom, the reader is at the bottom (and stays there). */
export const AT_BOTTOM_PX = 48;

interface Anchor {
  key: string;
  /** Its top, in pixels below the scroller's top. */
  offset: number;
}

export class ScrollKeeper {
  #anchor: Anchor | undefined;
  #following = true;
  #observer: ResizeObserver | undefined;
  /** The scrollTop this keeper set last, so the scroll event it causes is not taken for the reader's. */
  #setTo: number | undefined;

  /** `onScroll` is told of every scroll the reader makes (after the keeper's own bookkeeping). */
  constructor(
    private readonly scroller: HTMLElement,
    private readonly rowsSelector: string,
    private readonly onScroll: () => void,
  ) {
    scroller.addEventListener('scroll', this.#scrolled, { passive: true });
  }

  /** Keeps the position while `content` changes size (a file's preview loading, say). */
  observe(content: Element): void {
    this.#observer?.disconnect();
    this.#observer = new ResizeObserver(() => this.restore());
    this.#observer.observe(content);
  }

  disconnect(): void {
    this.#observer?.disconnect();
    this.scroller.removeEventListener('scroll', this.#scrolled);
  }

  /** The reader is at (and follows) the bottom. */
  get following(): boolean {
    return this.#following;
  }

  /** Pixels between the view's bottom and the content's. */
  get belowView(): number {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight;
  }

  get aboveView(): number {
    return this.scroller.scrollTop;
  }

  /** Notes which row is at the top of the view; call before the content changes. */
  capture(): void {
    const top = this.scroller.getBoundingClientRect().top;
    for (const row of this.scroller.querySelectorAll<HTMLElement>(this.rowsSelector)) {
      const rect = row.getBoundingClientRect();
      if (rect.bottom > top) {
        this.#anchor = { key: row.dataset.key!, offset: rect.top - top };
        return;
      }
    }
    this.#anchor = undefined;
  }

  /** Puts the view back where `capture` saw it (or at the bottom, when following); call after the change. */
  restore(): void {
    if (this.#following) return this.#set(this.scroller.scrollHeight);
    const row = this.#anchor && this.#row(this.#anchor.key);
    if (!row || !this.#anchor) return;
    const delta = row.getBoundingClientRect().top - this.scroller.getBoundingClientRect().top - this.#anchor.offset;
    if (Math.abs(delta) >= 1) this.#set(this.scroller.scrollTop + delta);
  }

  /** Goes to the bottom and follows it. */
  toBottom(): void {
    this.#following = true;
    this.#set(this.scroller.scrollHeight);
  }

  /** Brings row `key` to the top of the view (a little below it), or to the middle with `center`. */
  toRow(key: string, center = false): boolean {
    const row = this.#row(key);
    if (!row) return false;
    const rowTop = row.getBoundingClientRect().top - this.scroller.getBoundingClientRect().top + this.scroller.scrollTop;
    const target = center ? rowTop - (this.scroller.clientHeight - row.offsetHeight) / 2 : rowTop - 8;
    this.#following = false;
    this.#set(target);
    this.#following = this.belowView <= AT_BOTTOM_PX;
    this.capture();
    return true;
  }

  #row(key: string): HTMLElement | null {
    return this.scroller.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  }

  #set(top: number): void {
    this.scroller.scrollTop = top;
    this.#setTo = this.scroller.scrollTop;
  }

  #scrolled = () => {
    if (this.#setTo !== undefined && Math.abs(this.scroller.scrollTop - this.#setTo) < 1) {
      this.#setTo = undefined;
      return;
    }
    this.#setTo = undefined;
    this.#following = this.belowView <= AT_BOTTOM_PX;
    this.capture();
    this.onScroll();
  };
}
