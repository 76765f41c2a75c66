import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { isReservedUsername, isValidUsername } from '../../../shared/username';
import { type Services, servicesContext } from './context';
import { errorText } from '../i18n/error-text';
import { ParleyError } from '../net/parley-error';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import './parley-backup-restore';
import { localized } from '@lit/localize';

/** Sign-up (choose a username; keys are made in the browser) or restore from a backup file. */
@customElement('parley-signup')
@localized()
export class ParleySignup extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @state() private error = '';
  @state() private busy = false;

  override render() {
    return html`
      <section class="card">
        <h1>${t.appName()}</h1>
        <p class="hint">${t.tagline()}</p>
        <form @submit=${this.#create}>
          <label for="username">${t.username()}</label>
          <input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false"
            maxlength="32" required aria-describedby="username-hint username-error" />
          <p id="username-hint" class="hint">${t.usernameHint()}</p>
          <p id="username-error" class="error" role="alert">${this.error}</p>
          <button type="submit" ?disabled=${this.busy}>${this.busy ? t.creating() : t.createAccount()}</button>
        </form>
        <details>
          <summary>${t.restoreTitle()}</summary>
          <parley-backup-restore></parley-backup-restore>
        </details>
      </section>
    `;
  }

  async #create(e: SubmitEvent) {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('username') as HTMLInputElement;
    const username = input.value.trim().toLowerCase();
    if (!isValidUsername(username)) {
      this.error = t.badUsername();
      return;
    }
    if (isReservedUsername(username)) {
      this.error = errorText('username_reserved');
      return;
    }
    this.error = '';
    this.busy = true;
    try {
      await this.services.register(username);
    } catch (err) {
      // A refusal by the server (taken, reserved, too many accounts from this network) in words; anything else is the network.
      this.error = errorText(err instanceof ParleyError ? err : new ParleyError('unreachable'));
    } finally {
      this.busy = false;
    }
  }

  static override styles = [
    controls,
    css`
      :host { display: grid; place-items: center; min-height: 100dvh; padding: 1rem; box-sizing: border-box; }
      .card { background: var(--panel); border: 1px solid var(--border); border-radius: 16px; padding: 2rem; width: min(420px, 100%); box-sizing: border-box; }
      h1 { margin: 0 0 0.25rem; }
      form { display: flex; flex-direction: column; gap: 0.35rem; margin-top: 1rem; }
      details { margin-top: 1.5rem; }
      summary { cursor: pointer; color: var(--accent); }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-signup': ParleySignup;
  }
}
