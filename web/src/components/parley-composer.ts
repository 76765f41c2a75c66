import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { type Services, servicesContext } from './context';
import { errorText } from '../i18n/error-text';
import { type ConversationId, broadcastId, dmId } from '../conversations/conversation-id';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';
import type { StoredMessage } from '../storage/db';
import type { ComposeEvent, ComposeKind } from './parley-message-actions';
import { clip, quoteOf } from '../conversations/bodies/reply';
import { groupConv } from './group-ids';
import { edit } from './chat-actions';
import { MentionController } from './mention-controller';
import { ListenController } from './listen-controller';
import { localized } from '@lit/localize';
import './parley-send-options';

/** How much of the message replied to or edited the composer shows above the text box. */
const MODE_SNIPPET_CHARS = 120;

/** A draft is written to storage this long after the last keystroke (and when the conversation closes). */
const DRAFT_SAVE_MS = 300;

/**
 * What the user writes to one contact, or in a group: the text box (Enter sends, its draft kept
 * per conversation) and (to a contact) the file picker. Files dropped on the conversation come in through sendFiles.
 * It answers the message actions' requests (ComposeEvent, heard on the conversation's tree it sits
 * in): "Replying to <name>" with "Cancel reply", or editing a message (prefilled) with "Cancel
 * edit"; Escape in the text box cancels either. In a group (`group` set) the text and edits go
 * through the group service, "@" opens the member picker (mention-controller.ts), files go up once
 * for every member (files/group-sends.ts) and typing goes as `group_typing` (groups/group-typing.ts).
 */
@customElement('parley-composer')
@localized()
export class ParleyComposer extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  /** The contact written to (a conversation of two). */
  @property() peer: string | undefined;
  /** The group written in, instead of a contact. */
  @property() group: string | undefined;
  /** The broadcast list written in: each recipient gets a 1:1 copy (conversations/broadcasts.ts). */
  @property() broadcast: string | undefined;
  @property({ type: Boolean }) disabled = false;
  @state() private error = '';
  /** Replying to, or editing, a message; and what the text box held before an edit. */
  @state() private mode: { kind: ComposeKind; message: StoredMessage; stash?: string } | undefined;
  @query('#composer') private box: HTMLTextAreaElement | undefined;
  #draftTimer: ReturnType<typeof setTimeout> | undefined;
  /** The conversation whose draft the text box holds now. */
  #shown: ConversationId | undefined;

  #root: Node | undefined;
  readonly #mentions = new MentionController(this, () => this.#mentionable(), () => this.box);
  /** A member chat's peer who becomes a contact may be sent files from then on. */
  readonly #listen = new ListenController(this);

  /** Who "@" offers: the group's other members, by display name (their username when not a contact). */
  #mentionable() {
    if (!this.group) return [];
    const me = this.services.account.identity?.username;
    return this.services.groups.chat
      .memberNames(this.group)
      .filter((user) => user !== me)
      .map((user) => ({ user, name: this.services.contacts.displayName(user) ?? user }));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#root = this.getRootNode();
    this.#root.addEventListener('parley-compose', this.#onCompose);
    this.#listen.watch(this.services.contacts, ['change']);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#root?.removeEventListener('parley-compose', this.#onCompose);
    this.#endMode();
    this.#saveDraft();
  }

  #onCompose = (e: Event) => {
    const { kind, message } = e as ComposeEvent;
    if (message.conv === this.#conv) void this.compose(kind, message);
  };

  /** Starts replying to, or editing, `message`, and puts the focus in the text box. */
  async compose(kind: ComposeKind, message: StoredMessage): Promise<void> {
    this.#endMode();
    const box = this.box;
    if (kind === 'edit' && box) {
      this.#saveDraft();
      this.mode = { kind, message, stash: box.value };
      box.value = message.text;
    } else this.mode = { kind, message };
    await this.updateComplete;
    this.box?.focus();
  }

  /** Leaves reply or edit mode; after an edit the text box gets back what it held before. */
  #endMode(): void {
    if (this.mode?.stash !== undefined && this.box) this.box.value = this.mode.stash;
    this.mode = undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('peer') && !changed.has('group') && !changed.has('broadcast')) return;
    this.#endMode(); // an edit's text is not the draft saved next
    if (this.#shown && this.#shown !== this.#conv) this.#saveDraft(this.#shown);
    this.error = '';
  }

  override updated(): void {
    if (this.#shown === this.#conv || !this.box) return;
    this.#shown = this.#conv;
    this.box.value = this.services.messenger.states.draft(this.#conv);
  }

  get #conv(): ConversationId {
    return this.group ? groupConv(this.group) : this.broadcast ? broadcastId(this.broadcast) : dmId(this.peer ?? '');
  }

  /** Keeps what the composer holds as `conv`'s draft (at most a moment after the last keystroke). */
  #saveDraft(conv = this.#conv): void {
    clearTimeout(this.#draftTimer);
    this.#draftTimer = undefined;
    if (this.box) void this.services.messenger.states.saveDraft(conv, this.box.value);
  }

  #onInput() {
    if (this.peer && !this.group) this.services.typing.input(this.peer);
    if (this.group) this.services.groupTyping.input(this.group);
    if (this.group) this.#mentions.update();
    if (this.mode?.kind === 'edit') return; // the text being edited is not a draft
    clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => this.#saveDraft(), DRAFT_SAVE_MS);
  }

  override render() {
    return html`
      ${this.#renderMode()}
      ${this.#mentions.render()}
      <form @submit=${this.#send}>
        ${this.#canAttach
          ? html`<label class="attach secondary" title=${t.attachFile()}>
              <span aria-hidden="true">📎</span>
              <span class="visually-hidden">${t.attachFile()}</span>
              <input type="file" multiple class="visually-hidden" ?disabled=${this.disabled} @change=${this.#onPick} />
            </label>`
          : nothing}
        <label for="composer" class="visually-hidden">${t.message()}</label>
        <textarea id="composer" name="text" rows="1" placeholder=${t.message()} ?disabled=${this.disabled}
          aria-autocomplete=${ifDefined(this.group ? 'list' : undefined)} aria-controls=${ifDefined(this.#mentions.listboxId)}
          aria-activedescendant=${ifDefined(this.#mentions.activeDescendant)}
          @keydown=${this.#onKey} @input=${this.#onInput} @blur=${() => this.#mentions.close()}></textarea>
        <button type="submit" ?disabled=${this.disabled}>${t.send()}</button>
        ${(this.peer || this.group) && this.mode?.kind !== 'edit'
          ? html`<parley-send-options .peer=${this.peer} .group=${this.group} .text=${() => this.box?.value ?? ''} .reply=${this.mode?.message} ?disabled=${this.disabled} @parley-scheduled=${this.#scheduled}></parley-send-options>`
          : nothing}
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `;
  }

  #renderMode() {
    const mode = this.mode;
    if (!mode) return nothing;
    const m = mode.message;
    const author = m.dir === 'in' ? (this.services.contacts.displayName(m.peer) ?? m.peer) : t.authorYou();
    const title = mode.kind === 'reply' ? t.replyingTo(author) : t.editingMessage();
    return html`<div class="mode">
      <div class="about"><strong>${title}</strong><span class="snippet">${clip(m.file?.name ?? m.text, MODE_SNIPPET_CHARS)}</span></div>
      <button type="button" class="secondary" @click=${() => this.#cancelMode()}>${mode.kind === 'reply' ? t.cancelReply() : t.cancelEdit()}</button>
    </div>`;
  }

  #cancelMode(): void {
    this.#endMode();
    this.box?.focus();
  }

  #onPick(e: Event) {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.sendFiles(files);
  }

  /** Files go to a group or a contact; not in a member chat (file chunks travel between contacts only). */
  get #canAttach(): boolean {
    return this.group !== undefined || this.broadcast !== undefined || (this.peer !== undefined && this.services.contacts.get(this.peer) !== undefined);
  }

  /** Offers `files` to the contact; a refusal shows below the composer. */
  async sendFiles(files: File[]): Promise<void> {
    if (files.length === 0 || !this.#canAttach) return;
    try {
      this.error = '';
      // In a group each file goes up once, for every member (files/group-sends.ts).
      if (this.group) await this.services.transfers.sendToGroup(this.group, files);
      else if (this.broadcast) await this.services.broadcasts.sendFiles(this.broadcast, files);
      else if (this.peer) await this.services.transfers.send(this.peer, files);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** Enter sends; Shift+Enter makes a new line; Escape leaves reply or edit mode. */
  #onKey(e: KeyboardEvent) {
    if (this.#mentions.onKey(e)) return;
    if (e.key === 'Escape' && this.mode) {
      e.preventDefault();
      this.#cancelMode();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      (e.target as HTMLTextAreaElement).form?.requestSubmit();
    }
  }

  async #send(e: SubmitEvent) {
    e.preventDefault();
    const box = this.box!;
    const text = box.value;
    if (!text.trim()) return;
    const mode = this.mode;
    box.value = '';
    if (this.peer && !this.group) this.services.typing.stopped(this.peer);
    if (this.group) this.services.groupTyping.stopped(this.group);
    try {
      if (mode?.kind === 'edit') await edit(this.services, this.#conv, mode.message.id, text);
      else if (this.group) await this.#sendInGroup(this.group, text, mode?.kind === 'reply' ? mode.message : undefined);
      else if (this.broadcast) await this.services.broadcasts.sendText(this.broadcast, text);
      else await this.services.messenger.send(this.peer!, text, mode?.message);
      this.error = '';
      if (mode === this.mode) this.#endMode();
      this.#saveDraft();
    } catch (err) {
      box.value = text;
      this.error = errorText(err);
    }
  }

  /** Scheduled (parley-send-options): what was written is on its way, as after Send. */
  #scheduled = () => {
    this.box!.value = '';
    this.#endMode();
    this.#saveDraft();
  };

  /** A group message (a reply quotes as a 1:1 reply does); it is stored before it goes, so a refusal shows on it. */
  #sendInGroup(group: string, text: string, original: StoredMessage | undefined): Promise<void> {
    const me = this.services.account.identity?.username ?? '';
    return this.services.groups.send(group, text, original ? quoteOf(original, me) : undefined);
  }

  static override styles = [
    controls,
    css`
      :host { display: block; border-top: 1px solid var(--border); background: var(--panel); }
      form { display: flex; gap: 0.5rem; padding: 0.6rem; }
      .attach { display: grid; place-items: center; cursor: pointer; border: 1px solid var(--border); border-radius: 8px; padding: 0 0.6rem; }
      .attach:focus-within { outline: 2px solid var(--accent); }
      textarea { flex: 1; resize: none; max-height: 8rem; }
      .error { padding: 0 0.9rem 0.5rem; }
      .mode { display: flex; align-items: center; gap: 0.6rem; padding: 0.5rem 0.6rem 0; }
      .about { flex: 1; min-width: 0; display: flex; flex-direction: column; font-size: 0.85rem; border-inline-start: 3px solid var(--accent); padding-inline-start: 0.5rem; }
      .snippet { color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      /* parley-mention-picker renders here (no shadow root of its own). */
      [role='listbox'] { list-style: none; margin: 0.5rem 0.6rem 0; padding: 0.25rem; max-height: 12rem; overflow-y: auto; border: 1px solid var(--border); border-radius: 10px; background: var(--panel); }
      [role='option'] { padding: 0.35rem 0.6rem; border-radius: 6px; cursor: pointer; }
      [role='option'][aria-selected='true'], [role='option']:hover { background: var(--bubble-out); }
      [role='option'] .user { color: var(--muted); font-size: 0.85rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-composer': ParleyComposer;
  }
}
