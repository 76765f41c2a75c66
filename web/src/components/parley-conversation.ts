import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import type { MessageState, StoredMessage } from '../storage/db';
import { errorText } from '../i18n/error-text';
import { reactionCounts } from '../conversations/bodies/reaction';
import { type ConversationId, dmId } from '../conversations/conversation-id';
import type { ConversationEvent } from '../conversations/messenger';
import type { PathEvent } from '../peer/peer-link';
import { t } from '../i18n/strings';
import './parley-contact-details';
import './parley-file-item';
import { controls } from './shared-styles';

const stateLabel: Record<MessageState, () => string> = {
  sending: t.stateSending,
  sent: t.stateSent,
  delivered: t.stateDelivered,
  failed: t.stateFailed,
};


/**
 * One conversation: the message log, the composer, the path the link takes, and the contact's
 * safety number.
 * @fires back - the user wants the contact list (phone layout)
 */
/** A draft is written to storage this long after the last keystroke (and when the conversation closes). */
const DRAFT_SAVE_MS = 300;

/** One formatter for every message: building one per message (toLocaleTimeString) is slow. */
const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

@customElement('parley-conversation')
export class ParleyConversation extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  @state() private messages: StoredMessage[] = [];
  @state() private showDetails = false;
  @state() private error = '';
  @state() private dragging = false;
  @query('ol') private log!: HTMLOListElement;
  @query('#composer') private composer: HTMLTextAreaElement | undefined;
  #draftTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.messenger, ['conversation'], (e) => {
      if ((e as ConversationEvent).conv === this.#conv) void this.#load();
    });
    this.#listen.watch(this.services.contacts, ['change']);
    this.addEventListener('dragover', this.#onDragOver);
    this.addEventListener('dragleave', () => (this.dragging = false));
    this.addEventListener('drop', this.#onDrop);
    this.#listen.watch(this.services.links, ['path'], (e) => {
      if ((e as PathEvent).peer === this.peer) this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#saveDraft();
    void this.services.messenger.states.setReading(undefined);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('peer')) {
      const before = changed.get('peer') as string | undefined;
      if (before) this.#saveDraft(dmId(before));
      void this.services.messenger.states.setReading(this.#conv);
      this.messages = [];
      this.showDetails = false;
      this.error = '';
      void this.#load();
    }
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('peer') && this.composer) this.composer.value = this.services.messenger.states.draft(this.#conv);
    this.log?.scrollTo({ top: this.log.scrollHeight });
  }

  /** Keeps what the composer holds as `conv`'s draft (at most a moment after the last keystroke). */
  #saveDraft(conv = this.#conv): void {
    clearTimeout(this.#draftTimer);
    this.#draftTimer = undefined;
    if (this.composer) void this.services.messenger.states.saveDraft(conv, this.composer.value);
  }

  #onInput() {
    clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => this.#saveDraft(), DRAFT_SAVE_MS);
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
        <h2>${this.peer}</h2>
        <span class="presence">${contact?.online ? t.online() : t.offline()}</span>
        <span class="path" role="status" aria-label=${t.connectionPath()}>${path === 'direct' ? t.pathDirect() : t.pathRelay()}</span>
        <button class="secondary" aria-expanded=${this.showDetails} @click=${() => (this.showDetails = !this.showDetails)}>
          ${t.details()}
        </button>
      </header>
      ${this.showDetails || contact?.changedKey ? html`<parley-contact-details .peer=${this.peer}></parley-contact-details>` : nothing}
      <ol role="log" aria-label=${t.messages()} aria-live="polite">
        ${repeat(
          this.messages,
          (m) => `${m.dir}:${m.id}`,
          (m) => html`<li class=${m.dir} data-state=${m.state}>
            ${this.#content(m)}
            <span class="meta">
              <time datetime=${new Date(m.ts).toISOString()}>${timeFormat.format(m.ts)}</time>
              ${m.dir === 'out' ? html`<span class="state">${stateLabel[m.state]()}</span>` : nothing}
              ${m.error ? html`<span class="why">${errorText(m.error)}</span>` : nothing}
            </span>
          </li>`,
        )}
      </ol>
      <form @submit=${this.#send}>
        <label class="attach secondary" title=${t.attachFile()}>
          <span aria-hidden="true">📎</span>
          <span class="visually-hidden">${t.attachFile()}</span>
          <input type="file" multiple class="visually-hidden" ?disabled=${!!contact?.changedKey}
            @change=${this.#onPick} />
        </label>
        <label for="composer" class="visually-hidden">${t.message()}</label>
        <textarea id="composer" name="text" rows="1" placeholder=${t.message()} ?disabled=${!!contact?.changedKey}
          @keydown=${this.#onKey} @input=${this.#onInput}></textarea>
        <button type="submit" ?disabled=${!!contact?.changedKey}>${t.send()}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.dragging ? html`<div class="drop" aria-hidden="true">${t.dropHere()}</div>` : nothing}
    `;
  }

  /** A message's content, as its body kind shows it; its reactions below. */
  #content(m: StoredMessage) {
    if (m.deleted) return html`<p class="deleted">${t.messageDeleted()}</p>`;
    if (m.unsupported) return html`<p class="unsupported">${t.unsupportedMessage()}</p>`;
    const reactions = reactionCounts(m.reactions);
    return html`${m.file ? html`<parley-file-item .file=${m.file}></parley-file-item>` : html`<p>${m.text}</p>`}
      ${reactions.length
        ? html`<span class="reactions">
            ${reactions.map((r) => html`<span class="reaction" role="img" aria-label=${t.reactionCount(r.emoji, r.count)}>${r.emoji} ${r.count}</span>`)}
          </span>`
        : nothing}`;
  }

  #onPick(e: Event) {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.#sendFiles(files);
  }

  async #sendFiles(files: File[]) {
    if (files.length === 0) return;
    try {
      this.error = '';
      await this.services.transfers.send(this.peer, files);
    } catch (err) {
      this.error = errorText(err);
    }
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
    void this.#sendFiles([...e.dataTransfer.files]);
  };

  /** Enter sends; Shift+Enter makes a new line. */
  #onKey(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      (e.target as HTMLTextAreaElement).form?.requestSubmit();
    }
  }

  async #send(e: SubmitEvent) {
    e.preventDefault();
    const box = (e.target as HTMLFormElement).elements.namedItem('text') as HTMLTextAreaElement;
    const text = box.value;
    if (!text.trim()) return;
    box.value = '';
    try {
      await this.services.messenger.send(this.peer, text);
      this.error = '';
      this.#saveDraft();
    } catch (err) {
      box.value = text;
      this.error = errorText(err);
    }
  }

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; height: 100%; min-height: 0; position: relative; }
      .attach { display: grid; place-items: center; cursor: pointer; border: 1px solid var(--border); border-radius: 8px; padding: 0 0.6rem; }
      .attach:focus-within { outline: 2px solid var(--accent); }
      .drop { position: absolute; inset: 0; display: grid; place-items: center; background: color-mix(in srgb, var(--accent) 15%, transparent); border: 2px dashed var(--accent); font-weight: 600; pointer-events: none; }
      header { display: flex; align-items: center; gap: 0.6rem; padding: 0.6rem 0.9rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      h2 { margin: 0; font-size: 1.05rem; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .presence { font-size: 0.8rem; color: var(--muted); }
      .path { font-size: 0.75rem; border: 1px solid var(--border); border-radius: 999px; padding: 0.1rem 0.5rem; color: var(--muted); }
      .back { display: none; }
      ol { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 1rem; display: flex; flex-direction: column; gap: 0.4rem; }
      li { max-width: min(75%, 36rem); padding: 0.45rem 0.7rem; border-radius: 14px; background: var(--bubble-in); border: 1px solid var(--border); }
      li.out { align-self: flex-end; background: var(--bubble-out); }
      li p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
      li p.deleted, li p.unsupported { font-style: italic; color: var(--muted); }
      .reactions { display: flex; gap: 0.25rem; margin-top: 0.2rem; }
      .reaction { padding: 0 0.4rem; border: 1px solid var(--border); border-radius: 999px; font-size: 0.8rem; }
      .meta { display: flex; gap: 0.4rem; justify-content: flex-end; font-size: 0.7rem; color: var(--muted); margin-top: 0.15rem; }
      li[data-state='failed'] .state, .why { color: var(--danger); }
      form { display: flex; gap: 0.5rem; padding: 0.6rem; border-top: 1px solid var(--border); background: var(--panel); }
      textarea { flex: 1; resize: none; max-height: 8rem; }
      .error { padding: 0 0.9rem 0.5rem; }
      @media (max-width: 700px) { .back { display: inline-block; } li { max-width: 85%; } }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-conversation': ParleyConversation;
  }
}
