import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { AUTO_ACCEPT_MAX_BYTES } from '../files/auto-accept';
import type { PreferenceValues } from '../conversations/preferences';
import { t } from '../i18n/strings';
import { LOCALE_NAMES, type Locale, activeLocale, chooseLocale } from '../i18n/locale';
import { controls } from './shared-styles';
import './parley-backup-export';
import './parley-backup-restore';
import './parley-sign-out';
import { localized } from '@lit/localize';

const MiB = 1024 * 1024;

/**
 * Settings, in one place: a modal dialog (Escape or "Close" closes it) with the UI's language
 * (each option named in its own language; the switch re-renders every @localized element), the display name,
 * privacy (Relay only, Send read receipts, Show typing), notifications, files fetched without
 * asking, the backup export, and "Sign out of this browser". Opened with open().
 */
@customElement('parley-settings')
@localized()
export class ParleySettings extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @query('dialog') private dialog!: HTMLDialogElement;
  @state() private nameNote = '';
  @state() private nameError = false;
  @state() private notifyNote = '';
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.preferences, ['change']);
    this.#listen.watch(this.services.profiles, ['change']);
  }

  /** Shows the dialog (modal: the page behind is inert until it closes). */
  open(): void {
    this.nameNote = '';
    this.notifyNote = '';
    this.dialog.showModal();
  }

  close(): void {
    this.dialog.close();
  }

  override render() {
    const s = this.services;
    const p = s.preferences;
    return html`<dialog aria-labelledby="settings-title">
      <header>
        <h2 id="settings-title">${t.settings()}</h2>
        <button class="secondary" @click=${() => this.close()}>${t.close()}</button>
      </header>
      <section class="setting">
        <label for="language">${t.language()}</label>
        <select id="language" @change=${(e: Event) => void chooseLocale((e.target as HTMLSelectElement).value as Locale)}>
          ${Object.entries(LOCALE_NAMES).map(([code, name]) => html`<option value=${code} lang=${code} ?selected=${code === activeLocale()}>${name}</option>`)}
        </select>
      </section>
      <section aria-labelledby="s-profile">
        <h3 id="s-profile">${t.settingsProfile()}</h3>
        <form class="name" @submit=${this.#saveName}>
          <label for="display-name">${t.displayName()}</label>
          <div class="row">
            <input id="display-name" name="displayName" maxlength="256" autocomplete="nickname" aria-describedby="display-name-hint display-name-note"
              .value=${s.profiles.mine ?? ''} aria-invalid=${this.nameError} />
            <button type="submit">${t.saveDisplayName()}</button>
          </div>
          <p id="display-name-hint" class="hint">${t.displayNameHint()}</p>
          <p id="display-name-note" class=${this.nameError ? 'error' : 'hint'} role="status">${this.nameNote}</p>
        </form>
      </section>
      <section aria-labelledby="s-privacy">
        <h3 id="s-privacy">${t.settingsPrivacy()}</h3>
        ${this.#toggle('relay-only', t.relayOnly(), t.relayOnlyHint(), s.relayOnly, (on) => s.setRelayOnly(on))}
        ${this.#toggle('read-receipts', t.sendReadReceipts(), t.sendReadReceiptsHint(), p.sendReadReceipts, (on) => this.#set('sendReadReceipts', on))}
        ${this.#toggle('typing', t.showTyping(), t.showTypingHint(), p.showTyping, (on) => this.#set('showTyping', on))}
      </section>
      <section aria-labelledby="s-notify">
        <h3 id="s-notify">${t.settingsNotifications()}</h3>
        ${this.#toggle('notify', t.enableNotifications(), t.notificationsHint(), p.notifications && this.#permission() === 'granted', (on, input) => this.#enableNotifications(on, input))}
        ${this.notifyNote ? html`<p class="hint" role="status">${this.notifyNote}</p>` : nothing}
        ${this.#toggle('notify-text', t.notificationText(), '', p.notificationText, (on) => this.#set('notificationText', on))}
      </section>
      <section aria-labelledby="s-files">
        <h3 id="s-files" class="visually-hidden">${t.autoAcceptUpTo()}</h3>
        <div class="setting">
          <label for="auto-accept">${t.autoAcceptUpTo()}</label>
          <input id="auto-accept" type="number" min="0" max=${AUTO_ACCEPT_MAX_BYTES / MiB} step="any" aria-describedby="auto-accept-hint"
            .value=${String(Math.round((s.transfers.autoAccept.bytes / MiB) * 10) / 10)} @input=${this.#setAutoAccept} />
        </div>
        <p id="auto-accept-hint" class="hint">${t.autoAcceptHint()}</p>
      </section>
      <section aria-labelledby="s-backup">
        <h3 id="s-backup">${t.settingsBackup()}</h3>
        <parley-backup-export></parley-backup-export>
        <details>
          <summary>${t.restoreTitle()}</summary>
          <parley-backup-restore replacing></parley-backup-restore>
        </details>
      </section>
      <section aria-labelledby="s-browser">
        <h3 id="s-browser">${t.settingsBrowser()}</h3>
        <parley-sign-out></parley-sign-out>
      </section>
    </dialog>`;
  }

  #toggle(id: string, label: string, hint: string, checked: boolean, change: (on: boolean, input: HTMLInputElement) => unknown) {
    return html`<label class="toggle">
        <input type="checkbox" id=${id} .checked=${checked} aria-describedby=${hint ? `${id}-hint` : nothing}
          @change=${(e: Event) => change((e.target as HTMLInputElement).checked, e.target as HTMLInputElement)} />
        ${label}
      </label>
      ${hint ? html`<p id="${id}-hint" class="hint">${hint}</p>` : nothing}`;
  }

  #set(key: keyof PreferenceValues, on: boolean) {
    return this.services.preferences.set(key, on);
  }

  #permission(): NotificationPermission | 'unsupported' {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  /** Asks the browser's permission from this click (never on load), then remembers the choice. */
  async #enableNotifications(on: boolean, input: HTMLInputElement) {
    this.notifyNote = '';
    if (!on) return this.#set('notifications', false);
    if (this.#permission() === 'unsupported') {
      input.checked = false;
      this.notifyNote = t.notificationsUnsupported();
      return;
    }
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (permission !== 'granted') {
      input.checked = false;
      this.notifyNote = t.notificationsDenied();
      return;
    }
    await this.#set('notifications', true);
  }

  async #saveName(e: SubmitEvent) {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('displayName') as HTMLInputElement;
    const ok = await this.services.profiles.setMine(input.value);
    this.nameError = !ok;
    this.nameNote = ok ? t.displayNameSaved() : t.displayNameInvalid();
    if (ok) input.value = this.services.profiles.mine ?? '';
  }

  /** Saved as it is typed (each valid value), so a file offered a moment later already goes by it. */
  #setAutoAccept(e: Event) {
    const mb = (e.target as HTMLInputElement).valueAsNumber;
    if (Number.isFinite(mb) && mb >= 0) void this.services.transfers.autoAccept.set(mb * MiB);
  }

  static override styles = [
    controls,
    css`
      dialog { width: min(32rem, calc(100vw - 2rem)); max-height: calc(100dvh - 2rem); border: 1px solid var(--border); border-radius: 12px;
        background: var(--panel); color: var(--text); padding: 0 1rem 1rem; }
      dialog::backdrop { background: rgb(0 0 0 / 0.4); }
      header { display: flex; align-items: center; justify-content: space-between; position: sticky; top: 0; background: var(--panel); padding: 0.75rem 0 0.25rem; }
      h2 { margin: 0; font-size: 1.1rem; }
      h3 { margin: 1rem 0 0.35rem; font-size: 0.9rem; }
      .row { display: flex; gap: 0.5rem; }
      .row input { flex: 1; }
      .name { display: flex; flex-direction: column; gap: 0.25rem; }
      .toggle { display: flex; align-items: center; gap: 0.4rem; margin-top: 0.5rem; color: var(--text); }
      .toggle + .hint, .setting + .hint { margin: 0.1rem 0 0; font-size: 0.75rem; }
      .setting { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; margin-top: 0.5rem; }
      .setting input { width: 5.5rem; }
      section.setting { margin-top: 0.75rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-settings': ParleySettings;
  }
}
