import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ConversationId } from '../conversations/conversation-id';
import type { StoredMessage } from '../storage/db';
import { t } from '../i18n/strings';
import { type Services, servicesContext } from './context';
import { type LogRow, fullDateTime, logRows } from './log/day-separators';
import { HistoryWindow, type OpenAt } from './log/history-window';
import { type ParleyImageViewer, ViewImageEvent } from './log/parley-image-viewer';
import { ScrollKeeper } from './log/scroll-keeper';
import { ListenController } from './listen-controller';
import { SeenController } from './seen-controller';
import { messageStyles, renderMessage } from './message-view';
import { noticeStyles, renderNotice } from './log/disappearing-notice';
import { type RevealEvent, revealIn } from './reveal';
import { controls } from './shared-styles';
import './log/parley-image-viewer';
import { localized } from '@lit/localize';

/** Closer than this (pixels) to the top or the bottom of what is loaded, the next page is read. */
export const LOAD_MARGIN_PX = 800;

/**
 * A conversation's messages, oldest first, as a live log: a window of its history read a page at
 * a time (log/history-window.ts), with day separators and author groups (log/day-separators.ts).
 * It owns where the log is scrolled to (log/scroll-keeper.ts): the reader's place is kept while
 * older pages come in or new messages arrive, and "Jump to latest" (with the count of new ones)
 * takes them back down. A preview's click opens the image viewer.
 *
 * Opening: set `conv` (and `openAt`, read when `conv` changes: the latest message, the first
 * unread one, or one message). `showMessage(id)` opens the conversation shown at a message later
 * ("open at message", for search results).
 */
@customElement('parley-message-log')
@localized()
export class ParleyMessageLog extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  /** The conversation shown. */
  @property() conv: ConversationId | undefined;
  /** Where it opens when `conv` changes. */
  @property({ attribute: false }) openAt: OpenAt = { kind: 'latest' };
  /** The reader is more than a screen above the bottom. */
  @state() private farFromBottom = false;
  @query('.scroller') private scroller!: HTMLElement;
  @query('ol') private list!: HTMLOListElement;
  @query('parley-image-viewer') private viewer!: ParleyImageViewer;
  readonly #window = new HistoryWindow(this, () => this.services.messenger);
  /** What is on screen in a visible tab is read (the receipts module decides whether to say so). */
  readonly #seen = new SeenController(this, () => this.#unreadInView(), (m) => this.services.receipts.seen(m));
  readonly #listen = new ListenController(this);
  #keeper: ScrollKeeper | undefined;

  /** The reader is at the bottom of the log. */
  get atBottom(): boolean {
    return this.#keeper?.following ?? true;
  }

  /** "Open at message": shows message `id` of this conversation in the middle of the view. */
  async showMessage(id: string): Promise<void> {
    if (this.conv) await this.#window.open(this.conv, { kind: 'message', id });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.preferences, ['change']);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#keeper?.disconnect();
    this.#keeper = undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conv') && this.conv) void this.#window.open(this.conv, this.openAt);
    this.#keeper?.capture();
  }

  override updated(): void {
    if (!this.#keeper) {
      this.#keeper = new ScrollKeeper(this.scroller, 'li[data-key]', () => this.#scrolled());
      this.#keeper.observe(this.list);
    }
    const keeper = this.#keeper;
    const focus = this.#window.focus;
    if (focus) {
      this.#window.focus = undefined;
      if (!focus.key || !keeper.toRow(focus.key, focus.center)) keeper.toBottom();
    } else if (this.#window.sentHere) keeper.toBottom();
    else keeper.restore();
    this.#window.sentHere = false;
    this.#scrolled();
  }

  /** After any move: reads the next page when near an end, and notes what the reader has seen. */
  #scrolled(): void {
    const keeper = this.#keeper;
    if (!keeper) return;
    if (keeper.aboveView < LOAD_MARGIN_PX && this.#window.hasOlder) void this.#window.loadOlder();
    if (keeper.belowView < LOAD_MARGIN_PX && this.#window.hasNewer) void this.#window.loadNewer();
    if (keeper.following) this.#window.seen();
    this.farFromBottom = keeper.belowView > this.scroller.clientHeight;
    this.#seen.check();
  }

  /** Received messages not yet read whose rows are at least partly inside the scroller's view. */
  #unreadInView(): StoredMessage[] {
    const rows = this.list?.querySelectorAll<HTMLElement>('li.in[data-state="delivered"]');
    if (!rows?.length) return [];
    const view = this.scroller.getBoundingClientRect();
    const ids = new Set<string>();
    for (const row of rows) {
      const r = row.getBoundingClientRect();
      if (r.height > 0 && r.bottom > view.top && r.top < view.bottom) ids.add(row.dataset.id!);
    }
    return ids.size === 0 ? [] : this.#window.messages.filter((m) => ids.has(m.id));
  }

  async #jumpToLatest(): Promise<void> {
    await this.#window.toLatest();
    await this.updateComplete;
    this.#keeper?.toBottom();
    this.farFromBottom = false;
  }

  override render() {
    const w = this.#window;
    const jump = w.newBelow > 0 || w.hasNewer || this.farFromBottom;
    return html`<div class="scroller">
        <ol role="log" aria-label=${t.messages()} aria-live="polite" @view-image=${this.#viewImage} @parley-reveal=${this.#onReveal}>
          ${repeat(logRows(w.messages), (r) => r.key, (r) => this.#row(r))}
        </ol>
      </div>
      ${jump
        ? html`<button class="jump" @click=${() => this.#jumpToLatest()}>
            ${w.newBelow > 0 ? t.jumpToLatestNew(w.newBelow) : t.jumpToLatest()}
          </button>`
        : nothing}
      <parley-image-viewer></parley-image-viewer>`;
  }

  #row(r: LogRow) {
    if (r.kind === 'day') return html`<li role="separator" aria-label=${r.label} class="day"><span aria-hidden="true">${r.label}</span></li>`;
    const m = r.message;
    const me = this.services.account.identity?.username;
    if (m.disappearing !== undefined) return html`<li data-key=${r.key} data-id=${m.id} class="notice" title=${fullDateTime(m.ts)}>${renderNotice(m, me)}</li>`;
    // In a group the author is any member: their display name when they are a contact (the username otherwise).
    const author = m.dir === 'out' ? t.authorYou() : m.conv.startsWith('grp:') ? (this.services.contacts.displayName(m.peer) ?? m.peer) : m.peer;
    // Every message names its author to a screen reader; the eye sees the name once per group.
    const label = m.dir === 'in' && !r.grouped
      ? html`<span class="author">${author}<span class="visually-hidden">:</span></span>`
      : html`<span class="visually-hidden">${t.authorSays(author)}</span>`;
    return html`<li data-key=${r.key} data-id=${m.id} class="${m.dir}${r.grouped ? ' grouped' : ''}" data-state=${m.state} title=${fullDateTime(m.scheduledFor ?? m.ts)}>
      ${label}${renderMessage(m, { showRead: this.services.preferences.sendReadReceipts, me })}
    </li>`;
  }

  /** A quote asks for its original: shown if loaded here, else this conversation opens around it. */
  #onReveal = (e: RevealEvent) => {
    e.stopPropagation();
    if (!revealIn(this.list, e.detail.id)) void this.showMessage(e.detail.id);
  };

  #viewImage = (e: Event) => {
    if (e instanceof ViewImageEvent) void this.viewer.show(e.src, e.name);
  };

  static override styles = [messageStyles, noticeStyles, controls, css`
    :host { flex: 1; display: flex; flex-direction: column; min-height: 0; position: relative; }
    .scroller { flex: 1; overflow-y: auto; overflow-anchor: none; padding: 1rem; }
    ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; }
    li[data-key] { max-width: min(75%, 36rem); padding: 0.45rem 0.7rem; border-radius: 14px; background: var(--bubble-in); border: 1px solid var(--border); margin-top: 0.5rem; }
    li.in { align-self: flex-start; }
    li.out { align-self: flex-end; background: var(--bubble-out); }
    li.grouped { margin-top: 0.15rem; }
    li.revealed { outline: 2px solid var(--accent); outline-offset: 2px; }
    li.in.grouped { border-top-left-radius: 5px; }
    li.out.grouped { border-top-right-radius: 5px; }
    .author { display: block; font-size: 0.75rem; font-weight: 600; color: var(--muted); margin-bottom: 0.1rem; }
    li.day { align-self: center; margin: 0.9rem 0 0.2rem; font-size: 0.75rem; color: var(--muted); padding: 0.1rem 0.6rem; border-radius: 999px; background: var(--panel); border: 1px solid var(--border); }
    li p a { color: var(--accent); }
    .jump { position: absolute; right: 1rem; bottom: 0.75rem; border-radius: 999px; box-shadow: 0 2px 8px rgb(0 0 0 / 0.2); }
    @media (max-width: 700px) { li[data-key] { max-width: 85%; } }
  `];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-message-log': ParleyMessageLog;
  }
}
