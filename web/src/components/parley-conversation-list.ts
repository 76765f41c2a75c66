import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { type RowData, renderConversationRow, rowStyles } from './conversation-row';
import { SearchController } from './search-controller';
import { renderSearchResults, searchStyles } from './search-results';
import { type ConversationId, dmId, dmPeer } from '../conversations/conversation-id';
import type { LastMessage } from '../storage/db';
import { convGroup, groupConv } from './group-ids';
import type { SearchHit } from '../conversations/search';
import { type GroupRowData, renderGroupRow } from './group-row';
import { renderBroadcastRow } from './broadcast-row';
import type { StoredBroadcast } from '../storage/db';
import { broadcastId } from '../conversations/conversation-id';
import { fold } from '../conversations/search';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import './parley-contact-requests';
import './parley-group-search';
import './parley-join-requests';
import './parley-new-group';
import './parley-broadcast-editor';
import { localized } from '@lit/localize';

/** What the user chose to open: a conversation (with a contact, or a group), and the message to show in it (a search result). */
export interface Selection {
  conv: ConversationId;
  message?: string;
}

/** A row of the list: a contact's conversation or a group's, and when it was last active. */
type Row = { conv: ConversationId; at: number; /** What Search filters by. */ name: string; /** Order among rows as active. */ key: string } & (
  { kind: 'dm'; data: RowData } | { kind: 'group'; data: GroupRowData } | { kind: 'broadcast'; data: StoredBroadcast }
);

/** Connection states in which nothing is known of anyone's presence (the session ended here). */
const PRESENCE_UNKNOWN = new Set(['replaced', 'refused', 'outdated']);

/**
 * The sidebar's people: requests, the Search box, and the conversations, latest activity first.
 * Typing in Search filters the conversations by name and lists the messages whose text matches
 * (found on this device: conversations/search.ts).
 * @fires select - CustomEvent<Selection>
 */
@customElement('parley-conversation-list')
@localized()
export class ParleyConversationList extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  /** The conversation open. */
  @property() selected: ConversationId | undefined;
  readonly #listen = new ListenController(this);
  /** The search index's version when the standing query last ran again. */
  #searchVersion = -1;
  readonly #search = new SearchController(this, () => (query, options) => this.services.searchMessages(query, options));

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.contacts, ['change']);
    this.#listen.watch(this.services.messenger.states, ['change']);
    this.#listen.watch(this.services.connection, ['status']);
    this.#listen.watch(this.services.groups, ['groups']);
    this.#listen.watch(this.services.broadcasts, ['change']);
    // A message written, arrived, edited or deleted may change what the standing query finds; a
    // receipt or a reaction does not, and runs no search (review M7).
    this.#listen.watch(this.services.messenger, ['conversation'], () => {
      const version = this.services.searchVersion();
      if (version === this.#searchVersion) return;
      this.#searchVersion = version;
      this.#search.refresh();
    });
  }

  override render() {
    const c = this.services.contacts;
    const query = this.#search.query;
    const rows = this.#rows();
    const needle = fold(query.trim());
    const shown = needle ? rows.filter((r) => fold(r.name).includes(needle)) : rows;
    return html`
      <parley-contact-requests></parley-contact-requests>
      <parley-join-requests></parley-join-requests>
      <div class="groups">
        <parley-new-group @select=${(e: CustomEvent<Selection>) => this.#select(e.detail)}></parley-new-group>
        <parley-broadcast-editor @select=${(e: CustomEvent<Selection>) => this.#select(e.detail)}></parley-broadcast-editor>
        <parley-group-search></parley-group-search>
      </div>
      <input type="search" class="search" aria-label=${t.search()} placeholder=${t.search()} .value=${query}
        @focus=${() => this.services.warmSearch()} @input=${(e: InputEvent) => this.#search.set((e.target as HTMLInputElement).value)} />
      <h2>${t.conversations()}</h2>
      ${c.list.length === 0 && c.incoming.length === 0 && c.outgoing.length === 0 ? html`<p class="hint">${t.noContacts()}</p>` : nothing}
      ${needle && shown.length === 0 && rows.length > 0 ? html`<p class="hint">${t.noConversationMatches()}</p>` : nothing}
      <ul class="conversations" aria-label=${t.conversations()}>
        ${shown.map((r) => html`<li>${this.#row(r)}</li>`)}
      </ul>
      ${needle
        ? renderSearchResults(this.#search, (hit) => this.#conversationName(hit), (hit) => this.#select({ conv: hit.conv, message: hit.id }))
        : nothing}
    `;
  }

  #row(r: Row) {
    const select = () => this.#select({ conv: r.conv });
    const selected = r.conv === this.selected;
    if (r.kind === 'broadcast') return renderBroadcastRow(r.data, selected, select);
    return r.kind === 'dm' ? renderConversationRow(r.data, selected, select) : renderGroupRow(r.data, selected, select);
  }

  /**
   * Every conversation, with contacts and groups alike, the latest activity first (a group's
   * joining counts as activity; contacts without messages after, by name).
   */
  #rows(): Row[] {
    const { contacts, messenger, connection, groups } = this.services;
    const known = !PRESENCE_UNKNOWN.has(connection.status);
    const activity = (last: LastMessage | undefined, since = -1) => last?.at ?? since;
    const rows: Row[] = contacts.list.map((contact) => {
      const conv = dmId(contact.username);
      const displayName = contacts.displayName(contact.username);
      const last = messenger.states.last(conv);
      const data: RowData = {
        username: contact.username,
        displayName,
        online: known ? contact.online : undefined,
        blocked: contacts.isBlocked(contact.username),
        changedKey: !!contact.changedKey,
        last,
        unread: messenger.states.unread(conv),
      };
      return { kind: 'dm', conv, at: activity(last), name: `${displayName ?? ''} ${contact.username}`, key: contact.username, data };
    });
    // Member chats: conversations with group members who are not contacts, once they have a message.
    for (const conv of messenger.states.ids()) {
      const peer = dmPeer(conv);
      const last = messenger.states.last(conv);
      if (peer === undefined || !last || contacts.get(peer) || !messenger.keys.isMemberChat(peer)) continue;
      const data: RowData = { username: peer, displayName: undefined, online: undefined, blocked: contacts.isBlocked(peer), changedKey: false, last, unread: messenger.states.unread(conv), notContact: true };
      rows.push({ kind: 'dm', conv, at: activity(last), name: peer, key: peer, data });
    }
    for (const view of groups.list()) {
      const conv = groupConv(view.id);
      const last = messenger.states.last(conv);
      rows.push({ kind: 'group', conv, at: activity(last, view.joinedAt), name: view.name, key: view.name, data: { view, last, unread: messenger.states.unread(conv) } });
    }
    for (const list of this.services.broadcasts.list()) {
      rows.push({ kind: 'broadcast', conv: broadcastId(list.id), at: list.last?.at ?? list.created, name: list.name, key: list.name, data: list });
    }
    return rows.sort((a, b) => b.at - a.at || a.key.localeCompare(b.key));
  }

  /** The conversation a found message is in: the group's name, or the contact's (a group's `peer` is its author, or the group). */
  #conversationName(hit: SearchHit): string {
    const group = convGroup(hit.conv);
    if (group !== undefined) return this.services.groups.view(group)?.name ?? group;
    return this.services.contacts.displayName(hit.peer) ?? hit.peer;
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
      .groups { display: flex; flex-direction: column; gap: 0.25rem; margin-top: 0.5rem; }
      .dot.group { display: grid; place-items: center; width: 1.1rem; height: 1.1rem; border-radius: 4px; background: var(--bg); color: var(--muted); font-size: 0.7rem; }
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
