import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { AUTO_ACCEPT_MAX_BYTES } from '../files/auto-accept';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';

const MiB = 1024 * 1024;

/**
 * Who is signed in, the identity backup export (without it an account dies with the browser
 * profile), and this browser's settings: relay only, and the size of file fetched without asking.
 */
@customElement('parley-account-menu')
export class ParleyAccountMenu extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @state() private exporting = false;
  @state() private error = '';

  override render() {
    const name = this.services.account.identity?.username ?? '';
    return html`
      <header>
        <span class="me">${t.signedInAs(name)}</span>
        <button class="secondary" @click=${() => (this.exporting = !this.exporting)} aria-expanded=${this.exporting}>
          ${t.exportBackup()}
        </button>
      </header>
      <label class="toggle">
        <input type="checkbox" .checked=${this.services.relayOnly} aria-describedby="relay-hint"
          @change=${(e: Event) => this.services.setRelayOnly((e.target as HTMLInputElement).checked)} />
        ${t.relayOnly()}
      </label>
      <p id="relay-hint" class="hint">${t.relayOnlyHint()}</p>
      <div class="setting">
        <label for="auto-accept">${t.autoAcceptUpTo()}</label>
        <input id="auto-accept" type="number" min="0" max=${AUTO_ACCEPT_MAX_BYTES / MiB} step="any" aria-describedby="auto-accept-hint"
          .value=${String(Math.round((this.services.transfers.autoAccept.bytes / MiB) * 10) / 10)} @input=${this.#setAutoAccept} />
      </div>
      <p id="auto-accept-hint" class="hint">${t.autoAcceptHint()}</p>
      ${this.exporting
        ? html`<form @submit=${this.#export}>
            <p class="hint">${t.exportHint()}</p>
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

  /** Saved as it is typed (each valid value), so a file offered a moment later already goes by it. */
  #setAutoAccept(e: Event) {
    const mb = (e.target as HTMLInputElement).valueAsNumber;
    if (Number.isFinite(mb) && mb >= 0) void this.services.transfers.autoAccept.set(mb * MiB);
  }

  #export(e: SubmitEvent) {
    e.preventDefault();
    const passphrase = ((e.target as HTMLFormElement).elements.namedItem('passphrase') as HTMLInputElement).value;
    if (passphrase.length < 8) {
      this.error = t.passphraseTooShort();
      return;
    }
    const blob = new Blob([this.services.account.exportBackup(passphrase)], { type: 'application/json' });
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
      :host { display: block; padding: 0.75rem; border-bottom: 1px solid var(--border); }
      header { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; }
      .me { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
      form { display: flex; flex-direction: column; gap: 0.35rem; margin-top: 0.5rem; }
      .row { display: flex; gap: 0.5rem; }
      .toggle { display: flex; align-items: center; gap: 0.4rem; margin-top: 0.5rem; color: var(--text); }
      .toggle + .hint, .setting + .hint { margin: 0.1rem 0 0; font-size: 0.75rem; }
      .setting { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; margin-top: 0.5rem; }
      .setting input { width: 5.5rem; }
      button.secondary { font-size: 0.85rem; padding: 0.3rem 0.6rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-account-menu': ParleyAccountMenu;
  }
}
