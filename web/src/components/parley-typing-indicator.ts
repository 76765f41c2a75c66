import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { t } from '../i18n/strings';
import { tm } from '../i18n/group-chat-strings';
import { localized } from '@lit/localize';

/**
 * "<name> is typing…" above the composer while the contact types (conversations/typing.ts), or
 * who is typing in a group (`group` set; groups/group-typing.ts), in a polite live region that is
 * always there, so a screen reader announces the text when it comes.
 */
@customElement('parley-typing-indicator')
@localized()
export class ParleyTypingIndicator extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer: string | undefined;
  @property() group: string | undefined;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.typing, ['change']);
    this.#listen.watch(this.services.groupTyping, ['change']);
    this.#listen.watch(this.services.preferences, ['change']);
  }

  override render() {
    const name = (user: string) => this.services.contacts.displayName(user) ?? user;
    if (this.group !== undefined) {
      const typers = this.services.groupTyping.typers(this.group);
      return html`<p aria-live="polite">${typers.length > 0 ? tm.typing(typers.map(name)) : ''}</p>`;
    }
    const typing = this.peer !== undefined && this.services.typing.isTyping(this.peer);
    return html`<p aria-live="polite">${typing ? t.isTyping(name(this.peer!)) : ''}</p>`;
  }

  static override styles = css`
    :host { display: block; }
    p { margin: 0; padding: 0 0.9rem; min-height: 1.1rem; font-size: 0.75rem; color: var(--muted); font-style: italic; }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-typing-indicator': ParleyTypingIndicator;
  }
}
