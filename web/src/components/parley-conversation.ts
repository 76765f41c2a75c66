import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import type { StoredMessage } from '../storage/db';
import { type ConversationId, dmId } from '../conversations/conversation-id';
import type { ConversationEvent } from '../conversations/messenger';
import type { PathEvent } from '../peer/peer-link';
import { t } from '../i18n/strings';
import type { ParleyComposer } from './parley-composer';
import './parley-composer';
import './parley-contact-details';
import './parley-message-log';
import './parley-mute-switch';
import './parley-typing-indicator';
import { SeenController } from './seen-controller';
import { controls } from './shared-styles';

/**
 * One conversation: its header (the contact, presence, the path the link takes, details with
 * the safety number), the message log and the composer. Files dropped anywhere on it are sent.
 * @fires back - the user wants the contact list (phone layout)
 */
@customElement('parley-conversation')
export class ParleyConversation extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  @state() private messages: StoredMessage[] = [];
  @state() private showDetails = false;
  @state() private dragging = false;
  @query('parley-composer') private composer: ParleyComposer | undefined;
  readonly #listen = new ListenController(this);
  readonly #seen = new SeenController(this, () => this.messages, (m) => this.services.receipts.seen(m));

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.messenger, ['conversation'], (e) => {
      if ((e as ConversationEvent).conv === this.#conv) void this.#load();
    });
    this.#listen.watch(this.services.contacts, ['change']);
    this.#listen.watch(this.services.preferences, ['change']);
    this.addEventListener('dragover', this.#onDragOver);
    this.addEventListener('dragleave', () => (this.dragging = false));
    this.addEventListener('drop', this.#onDrop);
    this.#listen.watch(this.services.links, ['path'], (e) => {
      if ((e as PathEvent).peer === this.peer) this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.services.messenger.states.setReading(undefined);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('peer')) {
      void this.services.messenger.states.setReading(this.#conv);
      this.messages = [];
      this.showDetails = false;
      void this.#load();
    }
  }

  /** The conversation shown: the one with `peer`. */
  get #conv(): ConversationId {
    return dmId(this.peer);
  }

  async #load() {
    const conv = this.#conv;
    const list = await this.services.messenger.conversation(conv);
    if (conv === this.#conv) this.messages = [...list];
  }

  override render() {
    const contact = this.services.contacts.get(this.peer);
    const path = this.services.links.get(this.peer).path;
    return html`
      <header>
        <button class="secondary back" @click=${() => this.dispatchEvent(new CustomEvent('back'))} aria-label=${t.back()}>‹</button>
        <h2>${this.#name()}</h2>
        <span class="presence">${contact?.online ? t.online() : t.offline()}</span>
        <span class="path" role="status" aria-label=${t.connectionPath()}>${path === 'direct' ? t.pathDirect() : t.pathRelay()}</span>
        <button class="secondary" aria-expanded=${this.showDetails} @click=${() => (this.showDetails = !this.showDetails)}>
          ${t.details()}
        </button>
      </header>
      ${this.showDetails || contact?.changedKey ? html`<parley-contact-details .peer=${this.peer}></parley-contact-details>` : nothing}
      ${this.showDetails ? html`<parley-mute-switch .conv=${this.#conv}></parley-mute-switch>` : nothing}
      <parley-message-log .messages=${this.#withReceipts(this.messages)}></parley-message-log>
      <parley-typing-indicator .peer=${this.peer}></parley-typing-indicator>
      <parley-composer .peer=${this.peer} ?disabled=${!!contact?.changedKey}></parley-composer>
      ${this.dragging ? html`<div class="drop" aria-hidden="true">${t.dropHere()}</div>` : nothing}
    `;
  }

  /** The contact's display name, with their username beside it (a name is chosen by them: never the only word). */
  #name() {
    const name = this.services.contacts.displayName(this.peer);
    return name ? html`${name} <span class="username">${this.peer}</span>` : this.peer;
  }

  /** With "Send read receipts" off none are shown either: a message read by its recipient reads "delivered". */
  #withReceipts(messages: StoredMessage[]): StoredMessage[] {
    if (this.services.preferences.sendReadReceipts) return messages;
    return messages.map((m) => (m.dir === 'out' && m.state === 'read' ? { ...m, state: 'delivered' } : m));
  }

  #onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    this.dragging = true;
  };

  #onDrop = (e: DragEvent) => {
    this.dragging = false;
    if (!e.dataTransfer?.files.length) return;
    e.preventDefault();
    void this.composer?.sendFiles([...e.dataTransfer.files]);
  };

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; height: 100%; min-height: 0; position: relative; }
      .drop { position: absolute; inset: 0; display: grid; place-items: center; background: color-mix(in srgb, var(--accent) 15%, transparent); border: 2px dashed var(--accent); font-weight: 600; pointer-events: none; }
      header { display: flex; align-items: center; gap: 0.6rem; padding: 0.6rem 0.9rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      h2 { margin: 0; font-size: 1.05rem; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      h2 .username { font-size: 0.8rem; font-weight: 400; color: var(--muted); }
      .presence { font-size: 0.8rem; color: var(--muted); }
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
