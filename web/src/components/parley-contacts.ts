import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { dmId } from '../conversations/conversation-id';
import { errorText } from '../i18n/error-text';
import { ParleyError } from '../net/parley-error';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';

/**
 * Add a contact, answer requests, and pick a conversation.
 * @fires select - CustomEvent<string> with the chosen contact's username
 */
@customElement('parley-contacts')
export class ParleyContacts extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() selected: string | undefined;
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
    this.#listen.watch(this.services.messenger.states, ['change']);
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
      ${c.outgoing.length ? html`<p class="hint">${t.pending()} ${c.outgoing.join(', ')}</p>` : nothing}
      <h2>${t.contacts()}</h2>
      ${c.list.length === 0 && c.incoming.length === 0 && c.outgoing.length === 0 ? html`<p class="hint">${t.noContacts()}</p>` : nothing}
      <ul class="contacts" aria-label=${t.contacts()}>
        ${c.list.map(
          (contact) => html`<li>
            <button class="contact ${contact.username === this.selected ? 'active' : ''}" aria-current=${contact.username === this.selected ? 'true' : 'false'}
              @click=${() => this.dispatchEvent(new CustomEvent('select', { detail: contact.username }))}>
              <span class="dot ${contact.online ? 'on' : ''}" aria-hidden="true"></span>
              <span class="name">${contact.username}</span>
              <span class="presence">${contact.online ? t.online() : t.offline()}</span>
              ${contact.changedKey ? html`<span class="warn">${t.keyChangedBadge()}</span>` : nothing}
              ${this.#unread(contact.username)}
            </button>
          </li>`,
        )}
      </ul>
    `;
  }

  /** The unread count: a badge to see, ", N unread" at the end of the button's name to hear. */
  #unread(username: string) {
    const n = this.services.messenger.states.unread(dmId(username));
    if (n === 0) return nothing;
    return html`<span class="unread" aria-hidden="true">${n}</span><span class="visually-hidden">${t.unreadSuffix(n)}</span>`;
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
      :host { display: flex; flex-direction: column; padding: 0.75rem; gap: 0.25rem; overflow-y: auto; }
      form { display: flex; gap: 0.4rem; }
      form input { flex: 1; min-width: 0; }
      h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.75rem 0 0.25rem; }
      ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; }
      .requests li { display: flex; flex-direction: column; gap: 0.35rem; padding: 0.5rem; border: 1px solid var(--border); border-radius: 8px; }
      .row { display: flex; gap: 0.4rem; }
      button.contact { width: 100%; display: flex; align-items: center; gap: 0.5rem; background: transparent; color: inherit; text-align: left; }
      button.contact:hover, button.contact.active { background: var(--bg); }
      .name { flex: 1; min-width: 0; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .hint, .requests li, .error { overflow-wrap: anywhere; }
      .presence { font-size: 0.8rem; color: var(--muted); }
      .warn { font-size: 0.75rem; color: var(--danger); }
      .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--border); flex: none; }
      .dot.on { background: var(--ok); }
      .unread { min-width: 1.2rem; padding: 0 0.35rem; border-radius: 999px; background: var(--accent); color: #fff; font-size: 0.75rem; text-align: center; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-contacts': ParleyContacts;
  }
}
