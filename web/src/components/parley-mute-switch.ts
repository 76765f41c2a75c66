import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import type { ConversationId } from '../conversations/conversation-id';
import { t } from '../i18n/strings';
import { localized } from '@lit/localize';

/** The conversation's "Mute notifications" switch, in its details: kept on the conversation's record. */
@customElement('parley-mute-switch')
@localized()
export class ParleyMuteSwitch extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() conv!: ConversationId;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.messenger.states, ['change']);
  }

  override render() {
    const states = this.services.messenger.states;
    return html`<label>
      <input type="checkbox" role="switch" .checked=${states.muted(this.conv)}
        @change=${(e: Event) => states.setMuted(this.conv, (e.target as HTMLInputElement).checked)} />
      ${t.muteNotifications()}
    </label>`;
  }

  static override styles = css`
    :host { display: block; padding: 0.5rem 1rem; border-bottom: 1px solid var(--border); background: var(--panel); }
    label { display: flex; align-items: center; gap: 0.4rem; font-size: 0.9rem; }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-mute-switch': ParleyMuteSwitch;
  }
}
