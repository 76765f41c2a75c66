import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { errorText } from '../i18n/error-text';
import { ParleyError } from '../net/parley-error';
import { formatList } from '../i18n/formats';
import { activeLocale } from '../i18n/locale';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/** Add a contact, answer the requests that came, and see the ones still waiting for an answer. */
@customElement('parley-contact-requests')
@localized()
export class ParleyContactRequests extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @state() private note = '';
  @state() private noteIsError = false;
  readonly #listen = new ListenController(this);
  /** Whom the "Request sent" note is about, while it shows. */
  #requested: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.contacts, ['change'], () => {
      // "Request sent to bob." says nothing once bob has answered (or the request went away).
      if (this.#requested && !this.services.contacts.outgoing.includes(this.#requested)) this.#setNote('');
      this.requestUpdate();
    });
  }

  override render() {
    const c = this.services.contacts;
    return html`
      <form @submit=${this.#request}>
        <label for="add" class="visually-hidden">${t.addContact()}</label>
        <input id="add" name="username" placeholder=${t.addContact()} autocapitalize="none" spellcheck="false" maxlength="32" required
          @input=${() => this.noteIsError && this.#setNote('')} />
        <button type="submit">${t.sendRequest()}</button>
      </form>
      <p class=${this.noteIsError ? 'error' : 'hint'} role="status">${this.note}</p>
      ${c.incoming.length
        ? html`<h2>${t.requests()}</h2>
            <ul class="requests" aria-label=${t.requests()}>
              ${c.incoming.map(
                (from) => html`<li>
                  <span>${t.wantsToConnect(from)}</span>
                  <span class="row">
                    <button @click=${() => c.respond(from, true)}>${t.accept()}</button>
                    <button class="secondary" @click=${() => c.respond(from, false)}>${t.decline()}</button>
                  </span>
                </li>`,
              )}
            </ul>`
        : nothing}
      ${c.outgoing.length ? html`<p class="hint">${t.pending(formatList(c.outgoing, activeLocale()))}</p>` : nothing}
    `;
  }

  async #request(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const input = form.elements.namedItem('username') as HTMLInputElement;
    const name = input.value.trim().toLowerCase();
    try {
      await this.services.contacts.request(name);
      input.value = '';
      // Made contacts at once (they had asked us): nothing is pending, so nothing to say.
      if (this.services.contacts.outgoing.includes(name)) {
        this.#setNote(t.requestSent(name));
        this.#requested = name;
      }
    } catch (err) {
      // The server's message is for developers: the user reads the words for its code.
      this.#setNote(err instanceof ParleyError && err.code === 'unknown_user' ? errorText(err) : t.requestFailed(errorText(err)), true);
    }
  }

  #setNote(note: string, isError = false) {
    this.note = note;
    this.noteIsError = isError;
    this.#requested = undefined;
  }

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; gap: 0.25rem; }
      form { display: flex; gap: 0.4rem; }
      form input { flex: 1; min-width: 0; }
      h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.75rem 0 0.25rem; }
      ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; }
      .requests li { display: flex; flex-direction: column; gap: 0.35rem; padding: 0.5rem; border: 1px solid var(--border); border-radius: 8px; }
      .row { display: flex; gap: 0.4rem; }
      .hint, .requests li, .error { overflow-wrap: anywhere; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-contact-requests': ParleyContactRequests;
  }
}
