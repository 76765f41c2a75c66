import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { FileDropController, dropZone } from './file-drop-controller';
import { type ConversationId, dmId } from '../conversations/conversation-id';
import type { PathEvent } from '../peer/peer-link';
import { t } from '../i18n/strings';
import type { ParleyComposer } from './parley-composer';
import type { OpenAt } from './log/history-window';
import type { ParleyMessageLog } from './parley-message-log';
import './parley-composer';
import './parley-contact-details';
import './parley-message-log';
import './parley-mute-switch';
import './parley-disappearing-choice';
import './parley-typing-indicator';
import './parley-member-chat-bar';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * One conversation: its header (the contact, presence, the path the link takes, details with
 * the safety number), the message log and the composer. Files dropped anywhere on it are sent.
 * With a group member who is not a contact (a member chat) the header has no presence, and
 * parley-member-chat-bar shows "Not a contact" with "Add contact" and "Block"; no files go.
 * @fires back - the user wants the contact list (phone layout)
 */
@customElement('parley-conversation')
@localized()
export class ParleyConversation extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  /**
   * "Open at message": the id of a message to show (a search result). Read when `peer` changes
   * (the conversation opens there instead of at its first unread); set again later, the open
   * conversation moves to it.
   */
  @property() at: string | undefined;
  /** Where the log opens: decided when `peer` changes, before opening reads what was unread. */
  #openAt: OpenAt = { kind: 'latest' };
  @state() private showDetails = false;
  @query('parley-composer') private composer: ParleyComposer | undefined;
  @query('parley-message-log') private log: ParleyMessageLog | undefined;
  readonly #listen = new ListenController(this);
  // Files travel between contacts only (PROTOCOL.md "Member chats").
  readonly #drop = new FileDropController(
    this,
    () => !this.#cannotWrite() && this.services.contacts.get(this.peer) !== undefined,
    (files) => void this.composer?.sendFiles(files),
  );

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.contacts, ['change']);
    this.#listen.watch(this.services.connection, ['status']);
    this.#listen.watch(this.services.preferences, ['change']);
    this.#listen.watch(this.services.links, ['path'], (e) => {
      if ((e as PathEvent).peer === this.peer) this.requestUpdate();
    });
    // Open in a hidden tab, the conversation is not being read: what arrives counts as unread until the tab is back.
    const tabShown = () => void this.services.messenger.states.setTabVisible(document.visibilityState === 'visible');
    this.#listen.watch(document, ['visibilitychange'], tabShown);
    tabShown();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.services.messenger.states.setReading(undefined);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('peer')) {
      const unread = this.services.messenger.states.unread(this.#conv);
      this.#openAt = this.at ? { kind: 'message', id: this.at } : unread > 0 ? { kind: 'unread', count: unread } : { kind: 'latest' };
      void this.services.messenger.states.setReading(this.#conv);
      this.showDetails = false;
    } else if (changed.has('at') && this.at) void this.log?.showMessage(this.at);
  }

  /** Why nothing can be written here now, if so: the user blocked the contact, or this session was taken over. */
  #cannotWrite(): string | undefined {
    if (this.services.connection.status === 'replaced') return t.composerReplaced();
    if (this.services.contacts.isBlocked(this.peer)) return t.composerBlocked(this.peer);
    return undefined;
  }

  /** The conversation shown: the one with `peer`. */
  get #conv(): ConversationId {
    return dmId(this.peer);
  }

  override render() {
    const contact = this.services.contacts.get(this.peer);
    const path = this.services.links.get(this.peer).path;
    const cannotWrite = this.#cannotWrite();
    return html`
      <header>
        <button class="secondary back" @click=${() => this.dispatchEvent(new CustomEvent('back'))} aria-label=${t.back()}>‹</button>
        <h2>${this.#name()}</h2>
        ${contact ? this.#presence(contact.online) : nothing}
        <span class="path" role="status" aria-label=${t.connectionPath()}>${path === 'direct' ? t.pathDirect() : t.pathRelay()}</span>
        <button class="secondary" aria-expanded=${this.showDetails} @click=${() => (this.showDetails = !this.showDetails)}>
          ${t.details()}
        </button>
      </header>
      ${contact ? nothing : html`<parley-member-chat-bar .peer=${this.peer}></parley-member-chat-bar>`}
      ${this.showDetails || contact?.changedKey ? html`<parley-contact-details .peer=${this.peer}></parley-contact-details>` : nothing}
      ${this.showDetails ? html`<parley-mute-switch .conv=${this.#conv}></parley-mute-switch>` : nothing}
      ${this.showDetails && contact ? html`<parley-disappearing-choice .conv=${dmId(this.peer)}></parley-disappearing-choice>` : nothing}
      <parley-message-log .openAt=${this.#openAt} .conv=${this.#conv}></parley-message-log>
      <parley-typing-indicator .peer=${this.peer}></parley-typing-indicator>
      ${cannotWrite ? html`<p class="note" role="status">${cannotWrite}</p>` : nothing}
      <parley-composer .peer=${this.peer} ?disabled=${!!contact?.changedKey || !!cannotWrite}></parley-composer>
      ${this.#drop.dragging ? html`<div class="drop" aria-hidden="true">${t.dropHere()}</div>` : nothing}
    `;
  }

  /** Blocked, online, offline; nothing once this session was taken over (nobody's presence is known here then). */
  #presence(online: boolean | undefined) {
    const status = this.services.connection.status;
    if (this.services.contacts.isBlocked(this.peer)) return html`<span class="presence blocked">${t.blockedBadge()}</span>`;
    if (status === 'replaced' || status === 'refused' || status === 'outdated') return nothing;
    return html`<span class="presence">${online ? t.online() : t.offline()}</span>`;
  }

  /** The contact's display name, with their username beside it (a name is chosen by them: never the only word). */
  #name() {
    const name = this.services.contacts.displayName(this.peer);
    return name ? html`${name} <span class="username">${this.peer}</span>` : this.peer;
  }

  static override styles = [
    controls,
    dropZone,
    css`
      :host { display: flex; flex-direction: column; height: 100%; min-height: 0; position: relative; }
      header { display: flex; align-items: center; gap: 0.6rem; padding: 0.6rem 0.9rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      h2 { margin: 0; font-size: 1.05rem; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      h2 .username { font-size: 0.8rem; font-weight: 400; color: var(--muted); }
      .presence { font-size: 0.8rem; color: var(--muted); }
      .presence.blocked { color: var(--danger); }
      .note { margin: 0; padding: 0.5rem 0.9rem; border-top: 1px solid var(--border); background: var(--panel); color: var(--muted); font-size: 0.9rem; }
      .path { font-size: 0.75rem; border: 1px solid var(--border); border-radius: 999px; padding: 0.1rem 0.5rem; color: var(--muted); }
      .back { display: none; }
      @media (max-width: 700px) { .back { display: inline-block; } }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-conversation': ParleyConversation;
  }
}
