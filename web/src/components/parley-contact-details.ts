import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { publicKeyFromB64 } from '../../../shared/identity';
import { safetyNumber } from '../../../shared/safety-number';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';

/** The safety number to compare out of band, and the warning when a contact's key changed. */
@customElement('parley-contact-details')
export class ParleyContactDetails extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.contacts, ['change']);
  }

  override render() {
    const contact = this.services.contacts.get(this.peer);
    const me = this.services.account.identity;
    if (!contact || !me) return nothing;
    const s = this.services.sodium;
    const key = contact.changedKey ?? contact.identityKey;
    const digits = safetyNumber(s, me.publicKey, publicKeyFromB64(s, key));
    return html`
      ${contact.changedKey
        ? html`<div class="alert" role="alert">
            <p>${t.keyChanged(this.peer)}</p>
            <button @click=${() => this.services.contacts.acceptChangedKey(this.peer)}>${t.acceptNewKey()}</button>
          </div>`
        : nothing}
      <section aria-labelledby="sn">
        <h3 id="sn">${t.safetyNumber()}</h3>
        <p class="digits" data-testid="safety-number">${digits.join(' ')}</p>
        <p class="hint">${t.safetyHint(this.peer)}</p>
      </section>
    `;
  }

  static override styles = [
    controls,
    css`
      :host { display: block; padding: 0.75rem 1rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      h3 { margin: 0 0 0.25rem; font-size: 0.9rem; }
      .digits { font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace; font-size: 1rem; letter-spacing: 0.04em; margin: 0; word-spacing: 0.3em; max-width: 24rem; }
      .alert { border: 1px solid var(--danger); border-radius: 8px; padding: 0.6rem; margin-bottom: 0.75rem; }
      .alert p { margin: 0 0 0.5rem; color: var(--danger); }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-contact-details': ParleyContactDetails;
  }
}
