import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ConversationId } from '../conversations/conversation-id';
import type { GroupView } from '../groups/core';
import { type Services, servicesContext } from './context';
import { groupConv } from './group-ids';
import { ListenController } from './listen-controller';
import { FileDropController, dropZone } from './file-drop-controller';
import type { ParleyComposer } from './parley-composer';
import type { OpenAt } from './log/history-window';
import type { ParleyMessageLog } from './parley-message-log';
import { errorText } from '../i18n/error-text';
import { tg } from '../i18n/group-strings';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import './parley-composer';
import './parley-group-details';
import './parley-message-log';
import './parley-mute-switch';
import './parley-typing-indicator';
import type { MessageInfoEvent } from './parley-message-info';
import './parley-message-info';
import { localized } from '@lit/localize';

/**
 * One group's conversation: its header (the group's name, "Group details"), the notice that a
 * member sees messages from the time they joined, the message log (each message naming its
 * author) and the composer, which sends through the group service. Once this user is out of the
 * group it stays readable with a notice saying why, and nothing can be written.
 * @fires back - the user wants the conversation list (phone layout)
 */
@customElement('parley-group-conversation')
@localized()
export class ParleyGroupConversation extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  /** The group's id. */
  @property() group!: string;
  /** "Open at message" (a search result), read when `group` changes; as parley-conversation's. */
  @property() at: string | undefined;
  #openAt: OpenAt = { kind: 'latest' };
  @state() private showDetails = false;
  /** The own message whose "Message info" is open. */
  @state() private infoFor: string | undefined;
  @query('parley-message-log') private log: ParleyMessageLog | undefined;
  @query('parley-composer') private composer: ParleyComposer | undefined;
  readonly #listen = new ListenController(this);
  /** services.groups.keyChanges when last looked at (#keyChangesSeen). */
  #keyChangesAt: number | undefined;
  // Dropped files go up once for every member, as attached ones do (files/group-sends.ts).
  readonly #drop = new FileDropController(
    this,
    () => {
      const view = this.services.groups.view(this.group);
      return view !== undefined && !this.#cannotWrite(view);
    },
    (files) => void this.composer?.sendFiles(files),
  );

  override connectedCallback(): void {
    super.connectedCallback();
    this.#keyChangesSeen();
    this.#listen.watch(this.services.groups, ['groups'], () => {
      this.#keyChangesSeen();
      this.requestUpdate();
    });
    this.#listen.watch(this.services.connection, ['status']);
    const tabShown = () => void this.services.messenger.states.setTabVisible(document.visibilityState === 'visible');
    this.#listen.watch(document, ['visibilitychange'], tabShown);
    tabShown();
    this.#listen.watch(this, ['parley-message-info'], (e) => (this.infoFor = (e as MessageInfoEvent).id));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.services.messenger.states.setReading(undefined);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('group')) {
      const unread = this.services.messenger.states.unread(this.#conv);
      this.#openAt = this.at ? { kind: 'message', id: this.at } : unread > 0 ? { kind: 'unread', count: unread } : { kind: 'latest' };
      void this.services.messenger.states.setReading(this.#conv);
      this.showDetails = false;
      this.infoFor = undefined;
    } else if (changed.has('at') && this.at) void this.log?.showMessage(this.at);
  }

  get #conv(): ConversationId {
    return groupConv(this.group);
  }

  /** Why nothing can be written here now, if so: out of the group, only admins send, or this session was taken over. */
  #cannotWrite(view: GroupView): string | undefined {
    if (view.removed) return tg.removed(view.removed);
    if (this.services.connection.status === 'replaced') return t.composerReplaced();
    if (view.settings.onlyAdminsSend && view.role === 'member') return tg.adminsOnlyNote();
    return undefined;
  }

  /**
   * A key was refused since this view last looked: the refused user is not in this device's MLS
   * state, so the server's member list (which names them) is read again for the alert below,
   * rather than only when Group details opens.
   */
  #keyChangesSeen(): void {
    const n = this.services.groups.keyChanges;
    if (n === this.#keyChangesAt) return;
    const first = this.#keyChangesAt === undefined;
    this.#keyChangesAt = n;
    if (!first && !this.services.groups.view(this.group)?.removed) this.services.groups.admin.refresh(this.group).catch(() => undefined);
  }

  /** Members whose key changed (refused by this device), flagged as a contact's change is. */
  #keyChanges(view: GroupView) {
    const users = new Set([...(view.members?.map((m) => m.user) ?? []), ...this.services.groups.chat.memberNames(this.group)]);
    const changed = [...users].filter((u) => this.services.groups.keyChanged(u)).sort();
    if (changed.length === 0) return nothing;
    return html`<div class="alert" role="alert">${changed.map((u) => html`<p>${tg.memberKeyChanged(this.services.contacts.displayName(u) ?? u)}</p>`)}</div>`;
  }

  override render() {
    const view = this.services.groups.view(this.group);
    if (!view) return html`<p class="note" role="status">${errorText('unknown_group')}</p>`;
    const cannotWrite = this.#cannotWrite(view);
    return html`
      <header>
        <button class="secondary back" @click=${() => this.dispatchEvent(new CustomEvent('back'))} aria-label=${t.back()}>‹</button>
        <h2><bdi>${view.name}</bdi></h2>
        ${view.topic ? html`<bdi class="topic">${view.topic}</bdi>` : nothing}
        <button class="secondary" aria-expanded=${this.showDetails} @click=${() => (this.showDetails = !this.showDetails)}>${tg.groupDetails()}</button>
      </header>
      ${this.showDetails
        ? html`<div class="details">
            <parley-group-details .group=${this.group}></parley-group-details>
            <parley-mute-switch .conv=${this.#conv}></parley-mute-switch>
          </div>`
        : nothing}
      ${this.#keyChanges(view)}
      <p class="since" role="note">${tg.sinceJoined()}</p>
      <parley-message-log .openAt=${this.#openAt} .conv=${this.#conv}></parley-message-log>
      ${cannotWrite ? html`<p class="note" role="status">${cannotWrite}</p>` : nothing}
      <parley-typing-indicator .group=${this.group}></parley-typing-indicator>
      <parley-composer .group=${this.group} ?disabled=${!!cannotWrite}></parley-composer>
      ${this.infoFor
        ? html`<parley-message-info .group=${this.group} .messageId=${this.infoFor} @close=${() => (this.infoFor = undefined)}></parley-message-info>`
        : nothing}
      ${this.#drop.dragging ? html`<div class="drop" aria-hidden="true">${t.dropHere()}</div>` : nothing}
    `;
  }

  static override styles = [
    controls,
    dropZone,
    css`
      :host { display: flex; flex-direction: column; height: 100%; min-height: 0; position: relative; }
      header { display: flex; align-items: center; gap: 0.6rem; padding: 0.6rem 0.9rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      h2 { margin: 0; font-size: 1.05rem; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .topic { flex: 1; min-width: 0; font-size: 0.8rem; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      h2:not(:has(+ .topic)) { flex: 1; }
      .details { max-height: 55%; overflow-y: auto; border-bottom: 1px solid var(--border); background: var(--panel); }
      .since { margin: 0; padding: 0.3rem 0.9rem; font-size: 0.8rem; color: var(--muted); text-align: center; }
      .note { margin: 0; padding: 0.5rem 0.9rem; border-top: 1px solid var(--border); background: var(--panel); color: var(--muted); font-size: 0.9rem; }
      .alert { margin: 0.5rem 0.9rem 0; border: 1px solid var(--danger); border-radius: 8px; padding: 0.5rem 0.6rem; }
      .alert p { margin: 0; color: var(--danger); font-size: 0.9rem; }
      .back { display: none; }
      @media (max-width: 700px) { .back { display: inline-block; } }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-group-conversation': ParleyGroupConversation;
  }
}
