import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { GROUP_LIMITS } from '../../../shared/limits';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { errorText } from '../i18n/error-text';
import { tg } from '../i18n/group-strings';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * "Add members" (owners and admins): opens a list of this user's contacts who are not in the
 * group, one checkbox each (named by display name and username), and "Add to group". Added
 * directly: no request, no approval (web/src/groups/README.md: the admin claims their key
 * packages and commits the Add).
 */
@customElement('parley-add-members')
@localized()
export class ParleyAddMembers extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() group!: string;
  @state() private open = false;
  @state() private chosen = new Set<string>();
  @state() private busy = false;
  @state() private error = '';
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.contacts, ['change']);
    this.#listen.watch(this.services.groups, ['groups']);
  }

  /** Contacts not in the group (not blocked): whom one can add. */
  #candidates(): string[] {
    const members = new Set(this.services.groups.view(this.group)?.members?.map((m) => m.user) ?? []);
    const contacts = this.services.contacts;
    return contacts.list.map((c) => c.username).filter((u) => !members.has(u) && !contacts.isBlocked(u));
  }

  override render() {
    return html`<button class="secondary" aria-expanded=${this.open} @click=${this.#toggle}>${tg.addMembers()}</button>
      ${this.open ? this.#picker() : nothing}`;
  }

  #picker() {
    const candidates = this.#candidates();
    if (candidates.length === 0) return html`<p class="hint">${tg.noContactsToAdd()}</p>`;
    return html`<fieldset>
      <legend>${tg.chooseContacts()}</legend>
      ${candidates.map((user) => {
        const name = this.services.contacts.displayName(user);
        return html`<label class="check"><input type="checkbox" .checked=${this.chosen.has(user)} @change=${(e: Event) => this.#choose(user, (e.target as HTMLInputElement).checked)} />
          ${name ? `${name} ${user}` : user}</label>`;
      })}
      <span class="row">
        <button ?disabled=${this.busy || this.chosen.size === 0} @click=${this.#add}>${tg.addChosen()}</button>
        <span class="error" role="alert">${this.error}</span>
      </span>
    </fieldset>`;
  }

  #toggle = () => {
    this.open = !this.open;
    this.chosen = new Set();
    this.error = '';
  };

  #choose(user: string, on: boolean): void {
    const chosen = new Set(this.chosen);
    if (on) chosen.add(user);
    else chosen.delete(user);
    this.chosen = chosen;
  }

  #add = async () => {
    const users = [...this.chosen];
    this.busy = true;
    this.error = '';
    try {
      // The server claims at most maxClaimUsers key packages at once.
      for (let i = 0; i < users.length; i += GROUP_LIMITS.maxClaimUsers) {
        await this.services.groups.admin.addMembers(this.group, users.slice(i, i + GROUP_LIMITS.maxClaimUsers));
      }
      this.open = false;
      this.chosen = new Set();
      // The Add is an MLS commit, not a server event: the member list is asked for again to show them.
      await this.services.groups.admin.refresh(this.group);
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  };

  static override styles = [
    controls,
    css`
      :host { display: block; }
      fieldset { margin: 0.4rem 0 0; border: 1px solid var(--border); border-radius: 8px; display: flex; flex-direction: column; gap: 0.3rem; }
      legend { font-size: 0.85rem; color: var(--muted); }
      .check { display: flex; gap: 0.4rem; align-items: center; color: inherit; overflow-wrap: anywhere; }
      .row { display: flex; gap: 0.5rem; align-items: center; margin-top: 0.2rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-add-members': ParleyAddMembers;
  }
}
