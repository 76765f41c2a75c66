import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import type { ParleySettings } from './parley-settings';
import './parley-settings';
import { localized } from '@lit/localize';

/**
 * The sidebar's header: who is signed in, and the "Settings" button opening the settings dialog
 * (parley-settings.ts: display name, privacy, notifications, backup, sign-out).
 */
@customElement('parley-account-menu')
@localized()
export class ParleyAccountMenu extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @query('parley-settings') private settings!: ParleySettings;

  override render() {
    const name = this.services.account.identity?.username ?? '';
    return html`
      <header>
        <span class="me">${t.signedInAs(name)}</span>
        <button class="secondary" aria-haspopup="dialog" @click=${() => this.settings.open()}>${t.settings()}</button>
      </header>
      <parley-settings></parley-settings>
    `;
  }

  static override styles = [
    controls,
    css`
      :host { display: block; padding: 0.75rem; border-bottom: 1px solid var(--border); }
      header { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; }
      .me { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
      button.secondary { font-size: 0.85rem; padding: 0.3rem 0.6rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-account-menu': ParleyAccountMenu;
  }
}
