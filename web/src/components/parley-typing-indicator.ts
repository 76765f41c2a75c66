import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { t } from '../i18n/strings';

/**
 * "<name> is typing…" above the composer while the contact types (conversations/typing.ts), in a
 * polite live region that is always there, so a screen reader announces the text when it comes.
 */
@customElement('parley-typing-indicator')
export class ParleyTypingIndicator extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.typing, ['change']);
    this.#listen.watch(this.services.preferences, ['change']);
  }

  override render() {
    const typing = this.services.typing.isTyping(this.peer);
    const name = this.services.contacts.displayName(this.peer) ?? this.peer;
    return html`<p aria-live="polite">${typing ? t.isTyping(name) : ''}</p>`;
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
