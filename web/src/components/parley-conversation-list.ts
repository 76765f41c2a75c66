import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { type RowData, renderConversationRow, rowStyles } from './conversation-row';
import { SearchController } from './search-controller';
import { renderSearchResults, searchStyles } from './search-results';
import { dmId } from '../conversations/conversation-id';
import { fold } from '../conversations/search';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import './parley-contact-requests';

/** What the user chose to open: a conversation, and the message to show in it (a search result). */
export interface Selection {
  peer: string;
  message?: string;
}

/** Connection states in which nothing is known of anyone's presence (the session ended here). */
const PRESENCE_UNKNOWN = new Set(['replaced', 'refused', 'outdated']);

/**
 * The sidebar's people: requests, the Search box, and the conversations, latest activity first.
 * Typing in Search filters the conversations by name and lists the messages whose text matches
 * (found on this device: conversations/search.ts).
 * @fires select - CustomEvent<Selection>
 */
@customElement('parley-conversation-list')
export class ParleyConversationList extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() selected: string | undefined;
  readonly #listen = new ListenController(this);
  readonly #search = new SearchController(this, () => (query, options) => this.services.searchMessages(query, options));

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.contacts, ['change']);
    this.#listen.watch(this.services.messenger.states, ['change']);
    this.#listen.watch(this.services.connection, ['status']);
    // A message written or arrived may be one the standing query finds.
    this.#listen.watch(this.services.messenger, ['conversation'], () => this.#search.refresh());
  }

  override render() {
    const c = this.services.contacts;
    const query = this.#search.query;
    const rows = this.#rows();
    const needle = fold(query.trim());
    const shown = needle ? rows.filter((r) => fold(`${r.displayName ?? ''} ${r.username}`).includes(needle)) : rows;
    return html`
      <parley-contact-requests></parley-contact-requests>
      <input type="search" class="search" aria-label=${t.search()} placeholder=${t.search()} .value=${query}
        @focus=${() => this.services.warmSearch()} @input=${(e: InputEvent) => this.#search.set((e.target as HTMLInputElement).value)} />
      <h2>${t.conversations()}</h2>
      ${c.list.length === 0 && c.incoming.length === 0 && c.outgoing.length === 0 ? html`<p class="hint">${t.noContacts()}</p>` : nothing}
      ${needle && shown.length === 0 && rows.length > 0 ? html`<p class="hint">${t.noConversationMatches()}</p>` : nothing}
      <ul class="conversations" aria-label=${t.conversations()}>
        ${shown.map((r) => html`<li>${renderConversationRow(r, r.username === this.selected, () => this.#select({ peer: r.username }))}</li>`)}
      </ul>
      ${needle
        ? renderSearchResults(this.#search, (peer) => this.services.contacts.displayName(peer) ?? peer, (hit) => this.#select({ peer: hit.peer, message: hit.id }))
        : nothing}
    `;
  }

  /** Every conversation, the latest activity first (those without messages after, by name). */
  #rows(): RowData[] {
    const { contacts, messenger, connection } = this.services;
    const known = !PRESENCE_UNKNOWN.has(connection.status);
    const rows = contacts.list.map((contact): RowData => {
      const conv = dmId(contact.username);
      return {
        username: contact.username,
        displayName: contacts.displayName(contact.username),
        online: known ? contact.online : undefined,
        blocked: contacts.isBlocked(contact.username),
        changedKey: !!contact.changedKey,
        last: messenger.states.last(conv),
        unread: messenger.states.unread(conv),
      };
    });
    return rows.sort((a, b) => (b.last?.at ?? -1) - (a.last?.at ?? -1) || a.username.localeCompare(b.username));
  }

  #select(selection: Selection): void {
    this.dispatchEvent(new CustomEvent<Selection>('select', { detail: selection }));
  }

  static override styles = [
    controls,
    rowStyles,
    searchStyles,
    css`
      :host { display: flex; flex-direction: column; padding: 0.75rem; gap: 0.25rem; overflow-y: auto; }
      .search { margin-top: 0.5rem; }
      h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.75rem 0 0.25rem; }
      ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.15rem; }
      .hint { overflow-wrap: anywhere; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-conversation-list': ParleyConversationList;
  }
}
