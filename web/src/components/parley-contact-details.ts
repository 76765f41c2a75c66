import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { publicKeyFromB64 } from '../../../shared/identity';
import { safetyNumber } from '../../../shared/safety-number';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { errorText } from '../i18n/error-text';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * The safety number to compare out of band, the warning when a contact's key changed, and what
 * one can do about a contact: block or unblock them, or remove them (after a confirmation). For a
 * group member who is not a contact (a member chat), the safety number of the key this device
 * pinned for them in a group, so members can be verified as contacts are (issue 12).
 */
@customElement('parley-contact-details')
@localized()
export class ParleyContactDetails extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  /** "Remove contact" was pressed: the confirmation shows. */
  @state() private confirming = false;
  @state() private error = '';
  readonly #listen = new ListenController(this);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('peer')) {
      this.confirming = false;
      this.error = '';
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.contacts, ['change']);
  }

  override render() {
    const contact = this.services.contacts.get(this.peer);
    const me = this.services.account.identity;
    if (!me) return nothing;
    if (!contact) return this.#memberNumber(me.publicKey);
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
      ${this.#actions()}
    `;
  }

  /** A member who is not a contact: the pinned key's safety number (nothing for a stranger). */
  #memberNumber(mine: Uint8Array) {
    const pinned = this.services.messenger.keys.keyOf(this.peer);
    if (!pinned) return nothing;
    const s = this.services.sodium;
    const digits = safetyNumber(s, mine, publicKeyFromB64(s, pinned));
    return html`<section aria-labelledby="sn">
      <h3 id="sn">${t.safetyNumber()}</h3>
      <p class="digits" data-testid="safety-number">${digits.join(' ')}</p>
      <p class="hint">${t.safetyHint(this.peer)} ${t.memberSafetyHint()}</p>
    </section>`;
  }

  #actions() {
    const c = this.services.contacts;
    const blocked = c.isBlocked(this.peer);
    return html`<section class="actions">
      <div class="row">
        ${blocked
          ? html`<button class="secondary" @click=${() => this.#do(() => c.unblock(this.peer))}>${t.unblock()}</button>`
          : html`<button class="secondary danger" @click=${() => this.#do(() => c.block(this.peer))}>${t.block()}</button>`}
        <button class="secondary danger" aria-expanded=${this.confirming} @click=${() => (this.confirming = !this.confirming)}>${t.removeContact()}</button>
      </div>
      ${blocked ? nothing : html`<p class="hint">${t.blockHint(this.peer)}</p>`}
      ${this.confirming
        ? html`<div class="confirm" role="group" aria-label=${t.removeContact()}>
            <p>${t.removeConfirm(this.peer)}</p>
            <div class="row">
              <button class="danger" @click=${() => this.#do(() => c.remove(this.peer))}>${t.remove()}</button>
              <button class="secondary" @click=${() => (this.confirming = false)}>${t.cancel()}</button>
            </div>
          </div>`
        : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }

  /** Asks the server (the contact list changes when it answers); says why when it cannot be asked. */
  #do(ask: () => void): void {
    try {
      ask();
      this.error = '';
      this.confirming = false;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  static override styles = [
    controls,
    css`
      :host { display: block; padding: 0.75rem 1rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      h3 { margin: 0 0 0.25rem; font-size: 0.9rem; }
      .digits { font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace; font-size: 1rem; letter-spacing: 0.04em; margin: 0; word-spacing: 0.3em; max-width: 24rem; }
      .alert { border: 1px solid var(--danger); border-radius: 8px; padding: 0.6rem; margin-bottom: 0.75rem; }
      .alert p { margin: 0 0 0.5rem; color: var(--danger); }
      .actions { margin-top: 0.75rem; display: flex; flex-direction: column; gap: 0.4rem; }
      .row { display: flex; gap: 0.5rem; flex-wrap: wrap; }
      button.secondary.danger { color: var(--danger); }
      button.danger:not(.secondary) { background: var(--danger); color: #fff; }
      .confirm { border: 1px solid var(--border); border-radius: 8px; padding: 0.6rem; max-width: 28rem; }
      .confirm p { margin: 0 0 0.5rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-contact-details': ParleyContactDetails;
  }
}
