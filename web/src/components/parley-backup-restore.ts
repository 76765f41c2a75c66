import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { errorText } from '../i18n/error-text';
import { t } from '../i18n/strings';
import { confirmStyles, controls } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * "Restore from a backup": a backup file and its passphrase. At sign-up it restores the account
 * into this browser. In Settings (`replacing`), where an account is already here, restoring
 * another one replaces it, so a confirmation first warns that this browser's data of the current
 * account goes (and to export it first); the backup is opened before anything is deleted, so a
 * wrong passphrase costs nothing.
 */
@customElement('parley-backup-restore')
@localized()
export class ParleyBackupRestore extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  /** An account is in this browser already: restoring replaces it. */
  @property({ type: Boolean }) replacing = false;
  @state() private busy = false;
  @state() private error = '';
  @state() private note = '';
  @state() private confirming = false;

  override render() {
    return html`<form @submit=${this.#submit}>
      <label for="backup">${t.backupFile()}</label>
      <input id="backup" name="backup" type="file" accept=".json,application/json" required />
      <label for="restore-pass">${t.passphrase()}</label>
      <input id="restore-pass" name="passphrase" type="password" autocomplete="current-password" required />
      <p class="error" role="alert">${this.error}</p>
      ${this.note ? html`<p class="hint" role="status">${this.note}</p>` : nothing}
      ${this.confirming
        ? html`<div class="confirm" role="alertdialog" aria-labelledby="replace-warn" aria-describedby="replace-warn">
            <p id="replace-warn">${t.restoreReplaceWarning()}</p>
            <div class="row">
              <button type="submit" class="danger" ?disabled=${this.busy}>${t.restoreReplaceConfirm()}</button>
              <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => (this.confirming = false)}>${t.cancel()}</button>
            </div>
          </div>`
        : html`<button type="submit" ?disabled=${this.busy}>${t.restore()}</button>`}
    </form>`;
  }

  async #submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem('backup') as HTMLInputElement).files?.[0];
    const passphrase = (form.elements.namedItem('passphrase') as HTMLInputElement).value;
    if (!file) return;
    if (this.replacing && !this.confirming) {
      this.confirming = true;
      return;
    }
    this.busy = true;
    this.error = this.note = '';
    try {
      const outcome = await this.services.restore(await file.text(), passphrase);
      if (outcome === 'same') this.note = t.restoreSameAccount();
      this.confirming = false;
    } catch (err) {
      this.error = t.restoreFailed(errorText(err));
      this.confirming = false;
    } finally {
      this.busy = false;
    }
  }

  static override styles = [
    controls,
    confirmStyles,
    css`
      :host { display: block; }
      form { display: flex; flex-direction: column; gap: 0.35rem; margin-top: 0.5rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-backup-restore': ParleyBackupRestore;
  }
}
