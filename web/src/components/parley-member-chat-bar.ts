import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { sharesChatGroup } from './member-chat-rules';
import { errorText } from '../i18n/error-text';
import { tm } from '../i18n/member-chat-strings';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * The header's part for a chat with someone who is not a contact (a member chat, issue 12 item
 * 5): the "Not a contact" mark, "Add contact" (an ordinary contact request) and "Block" (as for
 * anyone), and a line saying whether the chat is open: while a shared group lets members message
 * each other, or that it no longer does (the server refuses the next send then: its words show
 * on the message). Presence is never shown to a non-contact.
 */
@customElement('parley-member-chat-bar')
@localized()
export class ParleyMemberChatBar extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  @state() private note = '';
  @state() private busy = false;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.contacts, ['change']);
    this.#listen.watch(this.services.groups, ['groups']);
  }

  override render() {
    const c = this.services.contacts;
    const blocked = c.isBlocked(this.peer);
    const requested = c.outgoing.includes(this.peer);
    const open = sharesChatGroup(this.services.groups.list(), this.peer);
    return html`<div class="bar" role="group" aria-label=${tm.actions(this.peer)}>
        <span class="mark">${tm.notAContact()}</span>
        <button class="secondary" ?disabled=${this.busy || requested || blocked} @click=${() => this.#run(async () => {
          await c.request(this.peer);
          this.note = tm.requestSent();
        })}>${tm.addContact()}</button>
        ${blocked
          ? html`<button class="secondary" ?disabled=${this.busy} @click=${() => this.#run(async () => c.unblock(this.peer))}>${tm.unblock()}</button>`
          : html`<button class="secondary danger" ?disabled=${this.busy} @click=${() => this.#run(async () => c.block(this.peer))}>${tm.block()}</button>`}
      </div>
      <p class="hint" role="status">${this.note || (requested ? tm.requestSent() : open ? tm.notAContactHint() : tm.noSharedGroup())}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }

  @state() private error = '';

  async #run(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await action();
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  static override styles = [
    controls,
    css`
      :host { display: block; padding: 0.4rem 0.9rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; }
      .mark { font-size: 0.75rem; border: 1px solid var(--border); border-radius: 999px; padding: 0.1rem 0.5rem; color: var(--muted); }
      button { padding: 0.25rem 0.55rem; font-size: 0.85rem; }
      .hint { margin: 0.3rem 0 0; font-size: 0.85rem; color: var(--muted); }
      .error { margin: 0.3rem 0 0; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-member-chat-bar': ParleyMemberChatBar;
  }
}
