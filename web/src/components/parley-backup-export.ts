import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/** The identity backup export (without it an account dies with the browser profile), the display name with it: a passphrase, then a download. */
@customElement('parley-backup-export')
@localized()
export class ParleyBackupExport extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @state() private exporting = false;
  @state() private error = '';

  override render() {
    return html`
      <p class="hint">${t.exportHint()}</p>
      <button class="secondary" @click=${() => (this.exporting = !this.exporting)} aria-expanded=${this.exporting}>${t.exportBackup()}</button>
      ${this.exporting
        ? html`<form @submit=${this.#export}>
            <label for="backup-pass">${t.exportPassphrase()}</label>
            <input id="backup-pass" name="passphrase" type="password" autocomplete="new-password" minlength="8" required />
            <p class="error" role="alert">${this.error}</p>
            <div class="row">
              <button type="submit">${t.exportConfirm()}</button>
              <button type="button" class="secondary" @click=${() => (this.exporting = false)}>${t.cancel()}</button>
            </div>
          </form>`
        : nothing}
    `;
  }

  #export(e: SubmitEvent) {
    e.preventDefault();
    const passphrase = ((e.target as HTMLFormElement).elements.namedItem('passphrase') as HTMLInputElement).value;
    if (passphrase.length < 8) {
      this.error = t.passphraseTooShort();
      return;
    }
    const blob = new Blob([this.services.account.exportBackup(passphrase, this.services.profiles.mine)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `parley-${this.services.account.identity!.username}.backup.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    this.exporting = false;
    this.error = '';
  }

  static override styles = [
    controls,
    css`
      :host { display: block; }
      form { display: flex; flex-direction: column; gap: 0.35rem; margin-top: 0.5rem; }
      .row { display: flex; gap: 0.5rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-backup-export': ParleyBackupExport;
  }
}
