import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { MemberReceipt } from '../groups/group-receipts';
import { errorText } from '../i18n/error-text';
import { ti } from '../i18n/message-info-strings';
import { type Services, servicesContext } from './context';
import { controls, dialogStyles } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * While open, the answer is asked for again this often. Polling rather than a push: the server
 * would otherwise tell the author of every message of a busy group of every member's ack and
 * read, mostly for nobody looking; asked, it costs one small frame every few seconds while one
 * dialog is open, and in a cluster the answer comes from the shared store whichever node holds it.
 */
export const INFO_REFRESH_MS = 3000;

/** Asks the group's conversation to open "Message info" for message `id`. Bubbles out of the log's shadow tree. */
export class MessageInfoEvent extends Event {
  constructor(readonly id: string) {
    super('parley-message-info', { bubbles: true, composed: true });
  }
}

/**
 * "Message info" for one's own group message (issue 12 item 4): a modal dialog listing the
 * members who were in the group then under "Read by", "Delivered to" and "Not yet delivered",
 * each naming the member. Refreshed every INFO_REFRESH_MS while open; "Close" or Escape closes it.
 * @fires close - the dialog was closed
 */
@customElement('parley-message-info')
@localized()
export class ParleyMessageInfo extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() group!: string;
  @property() messageId!: string;
  @state() private members: MemberReceipt[] | undefined;
  @state() private error = '';
  @query('dialog') private dialog!: HTMLDialogElement;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #open = false;

  override firstUpdated(): void {
    this.dialog.showModal();
    this.#open = true;
    void this.#refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#open = false;
    clearTimeout(this.#timer);
  }

  async #refresh(): Promise<void> {
    try {
      this.members = await this.services.groupReceipts.info(this.group, this.messageId);
      this.error = '';
    } catch (err) {
      this.error = errorText(err);
    }
    if (this.#open) this.#timer = setTimeout(() => void this.#refresh(), INFO_REFRESH_MS);
  }

  #closed = () => {
    this.#open = false;
    clearTimeout(this.#timer);
    this.dispatchEvent(new CustomEvent('close'));
  };

  #section(id: string, title: string, state: MemberReceipt['state']) {
    const users = (this.members ?? []).filter((m) => m.state === state).map((m) => this.services.contacts.displayName(m.user) ?? m.user);
    if (state !== 'pending' && users.length === 0 && this.members?.length === 0) return nothing;
    return html`<section>
      <h3 id=${id}>${title}</h3>
      ${users.length
        ? html`<ul aria-labelledby=${id}>${users.sort((a, b) => a.localeCompare(b)).map((u) => html`<li><bdi>${u}</bdi></li>`)}</ul>`
        : html`<p class="none">${ti.nobody()}</p>`}
    </section>`;
  }

  override render() {
    const showReads = this.services.preferences.sendReadReceipts;
    return html`<dialog aria-labelledby="info-title" @close=${this.#closed}>
      <h2 id="info-title">${ti.messageInfo()}</h2>
      ${this.members === undefined && !this.error ? html`<p role="status">${ti.loading()}</p>` : nothing}
      ${this.members?.length === 0 ? html`<p>${ti.noMembers()}</p>` : nothing}
      ${this.members?.length
        ? html`${showReads ? this.#section('read', ti.readBy(), 'read') : html`<p class="none">${ti.readsHidden()}</p>`}
            ${this.#section('delivered', ti.deliveredTo(), 'delivered')} ${this.#section('pending', ti.notYetDelivered(), 'pending')}`
        : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="row"><button type="button" @click=${() => this.dialog.close()}>${ti.close()}</button></div>
    </dialog>`;
  }

  static override styles = [
    controls,
    dialogStyles,
    css`
      dialog { width: min(24rem, calc(100vw - 2rem)); max-height: 80vh; overflow-y: auto; }
      h3 { margin: 0.6rem 0 0.2rem; font-size: 0.95rem; }
      ul { margin: 0; padding-inline-start: 1.2rem; }
      .none { margin: 0; color: var(--muted); font-size: 0.9rem; }
      .error { color: var(--danger); }
      .row { display: flex; justify-content: flex-end; margin-top: 0.8rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-message-info': ParleyMessageInfo;
  }
  interface HTMLElementEventMap {
    'parley-message-info': MessageInfoEvent;
  }
}
