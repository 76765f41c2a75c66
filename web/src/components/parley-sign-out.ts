import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { t } from '../i18n/strings';
import { confirmStyles, controls } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * "Sign out of this browser": first a confirmation that warns to export a backup (without one
 * the account cannot be brought back), then this browser's data is deleted and the page reloads
 * to sign-up.
 */
@customElement('parley-sign-out')
@localized()
export class ParleySignOut extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @state() private confirming = false;
  @state() private busy = false;

  override render() {
    if (!this.confirming) return html`<button class="danger" @click=${() => (this.confirming = true)}>${t.signOut()}</button>`;
    return html`<div class="confirm" role="alertdialog" aria-labelledby="warn" aria-describedby="warn">
      <p id="warn">${t.signOutWarning()}</p>
      <div class="row">
        <button class="danger" ?disabled=${this.busy} @click=${this.#signOut}>${t.signOutConfirm()}</button>
        <button class="secondary" ?disabled=${this.busy} @click=${() => (this.confirming = false)}>${t.cancel()}</button>
      </div>
      ${this.busy ? html`<p class="hint" aria-busy="true">…</p>` : nothing}
    </div>`;
  }

  async #signOut() {
    this.busy = true;
    await this.services.signOut();
  }

  static override styles = [
    controls,
    confirmStyles,
    css`
      :host { display: block; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-sign-out': ParleySignOut;
  }
}
