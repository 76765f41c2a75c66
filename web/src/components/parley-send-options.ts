import { quoteOf } from '../conversations/bodies/reply';
import { groupConv } from './group-ids';
import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { localized } from '@lit/localize';
import { MAX_AHEAD_MS } from '../conversations/scheduled';
import { errorText } from '../i18n/error-text';
import { ts } from '../i18n/schedule-strings';
import type { StoredMessage } from '../storage/db';
import { type Services, servicesContext } from './context';
import { controls, dialogStyles } from './shared-styles';

/** Where the dialog's time starts: an hour from now. */
const DEFAULT_AHEAD_MS = 3_600_000;

/** `ms` as a datetime-local input's value (the browser's local time, to the second). */
export function localInputValue(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * The composer's "Send options" button beside "Send" (a conversation of two), a menu button as
 * the WAI-ARIA pattern has it, whose menu offers "Schedule message": a modal dialog with a
 * "Send at" date and time (now at the earliest, a year ahead at most) and "Schedule". What the
 * composer holds is sealed now and handed to the server (conversations/scheduled.ts); a time the
 * server refuses shows in the dialog, which stays open.
 * @fires parley-scheduled - the message was scheduled: the composer empties its text box
 */
@customElement('parley-send-options')
@localized()
export class ParleySendOptions extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer: string | undefined;
  /** The group written in, instead of a contact. */
  @property() group: string | undefined;
  /** What the composer holds now. */
  @property({ attribute: false }) text: () => string = () => '';
  /** The message replied to, if any. */
  @property({ attribute: false }) reply: StoredMessage | undefined;
  @property({ type: Boolean }) disabled = false;
  @state() private menu = false;
  @state() private error = '';
  @state() private busy = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('#send-at') private input!: HTMLInputElement;

  override render() {
    const now = Date.now();
    return html`<button type="button" class="trigger secondary" aria-label=${ts.sendOptions()} title=${ts.sendOptions()} aria-haspopup="menu"
        aria-expanded=${this.menu ? 'true' : 'false'} aria-controls="menu" ?disabled=${this.disabled} @click=${() => this.#toggle()} @keydown=${this.#onTriggerKey}>
        <span aria-hidden="true">⏱</span>
      </button>
      ${this.menu
        ? html`<div id="menu" role="menu" aria-label=${ts.sendOptions()} @keydown=${this.#onMenuKey} @focusout=${this.#onFocusOut}>
            <button role="menuitem" tabindex="-1" @click=${() => this.#openDialog()}>${ts.scheduleMessage()}</button>
          </div>`
        : nothing}
      <dialog aria-labelledby="schedule-title" @close=${() => (this.error = '')}>
        <h2 id="schedule-title">${ts.scheduleMessage()}</h2>
        <label for="send-at">${ts.sendAt()}</label>
        <input id="send-at" type="datetime-local" step="1" min=${localInputValue(now)} max=${localInputValue(now + MAX_AHEAD_MS)} @keydown=${this.#onInputKey} />
        <p class="hint">${ts.hint()}</p>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="row">
          <button type="button" class="secondary" @click=${() => this.dialog.close()}>${ts.close()}</button>
          <button type="button" ?disabled=${this.busy} @click=${() => void this.#confirm()}>${ts.schedule()}</button>
        </div>
      </dialog>`;
  }

  async #openDialog(): Promise<void> {
    this.menu = false;
    this.error = '';
    await this.updateComplete;
    this.input.value = localInputValue(Math.ceil((Date.now() + DEFAULT_AHEAD_MS) / 60_000) * 60_000);
    this.dialog.showModal();
    this.input.focus();
  }

  async #confirm(): Promise<void> {
    const text = this.text();
    // A datetime-local value without a zone is read as the browser's local time.
    const at = new Date(this.input.value).getTime();
    if (!text.trim()) return void (this.error = ts.emptyDraft());
    if (!Number.isFinite(at)) return void (this.error = ts.pickTime());
    this.busy = true;
    try {
      if (this.group) await this.#scheduleInGroup(this.group, text, Math.floor(at));
      else await this.services.scheduled.schedule(this.peer!, text, at, this.reply);
      this.dialog.close();
      this.dispatchEvent(new Event('parley-scheduled'));
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  /** A group's: composed as a group message (mentions, reply), held by the server, encrypted by the group service. */
  async #scheduleInGroup(group: string, text: string, at: number): Promise<void> {
    const reply = this.reply && quoteOf(this.reply, this.services.account.identity?.username ?? '');
    const out = this.services.groups.chat.compose(group, text, reply, at);
    if (out) await this.services.scheduled.scheduleRouted(groupConv(group), group, out.body, at, out.encode, out.named);
  }

  /** Enter in the time input schedules, as a form would. */
  #onInputKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void this.#confirm();
  };

  #toggle(): void {
    if (this.menu) this.#closeMenu(true);
    else void this.#openMenu();
  }

  async #openMenu(): Promise<void> {
    this.menu = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('[role=menuitem]')?.focus();
  }

  #closeMenu(refocus: boolean): void {
    this.menu = false;
    if (refocus) this.renderRoot.querySelector<HTMLButtonElement>('.trigger')?.focus();
  }

  #onTriggerKey = (e: KeyboardEvent) => {
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !this.menu) {
      e.preventDefault();
      void this.#openMenu();
    }
  };

  /** One item: the arrows keep it focused; Escape closes the menu, Tab leaves it. */
  #onMenuKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.#closeMenu(true);
    } else if (e.key === 'Tab') this.#closeMenu(false);
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Home' || e.key === 'End') e.preventDefault();
  };

  #onFocusOut = () => {
    setTimeout(() => {
      if (this.menu && !(this.renderRoot as ShadowRoot).activeElement) this.menu = false;
    }, 0);
  };

  static override styles = [
    controls,
    dialogStyles,
    css`
      :host { position: relative; display: flex; }
      .trigger { padding: 0 0.6rem; }
      [role='menu'] {
        position: absolute; bottom: 100%; inset-inline-end: 0; z-index: 10; display: flex; flex-direction: column; min-width: 12rem;
        padding: 0.25rem; margin-bottom: 0.25rem; background: var(--panel); color: var(--text); border: 1px solid var(--border);
        border-radius: 10px; box-shadow: 0 4px 16px rgb(0 0 0 / 18%);
      }
      [role='menuitem'] { text-align: start; padding: 0.4rem 0.6rem; border-radius: 6px; background: transparent; color: inherit; white-space: nowrap; }
      [role='menuitem']:focus, [role='menuitem']:hover { background: var(--bubble-out); outline: none; }
      dialog { width: min(24rem, calc(100vw - 2rem)); }
      dialog h2 { margin-bottom: 0.6rem; }
      label { display: block; margin-bottom: 0.25rem; }
      input { width: 100%; box-sizing: border-box; }
      .row { display: flex; gap: 0.5rem; justify-content: flex-end; margin-top: 0.8rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-send-options': ParleySendOptions;
  }
}
