import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { errorText } from '../i18n/error-text';
import { type ConversationId, dmId } from '../conversations/conversation-id';
import { t } from '../i18n/strings';
import { controls } from './shared-styles';

/** A draft is written to storage this long after the last keystroke (and when the conversation closes). */
const DRAFT_SAVE_MS = 300;

/**
 * What the user writes to one contact: the text box (Enter sends, its draft kept per
 * conversation) and the file picker. Files dropped on the conversation come in through sendFiles.
 */
@customElement('parley-composer')
export class ParleyComposer extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  @property({ type: Boolean }) disabled = false;
  @state() private error = '';
  @query('#composer') private box: HTMLTextAreaElement | undefined;
  #draftTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#saveDraft();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    const before = changed.get('peer') as string | undefined;
    if (before) this.#saveDraft(dmId(before));
    if (changed.has('peer')) this.error = '';
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('peer') && this.box) this.box.value = this.services.messenger.states.draft(this.#conv);
  }

  get #conv(): ConversationId {
    return dmId(this.peer);
  }

  /** Keeps what the composer holds as `conv`'s draft (at most a moment after the last keystroke). */
  #saveDraft(conv = this.#conv): void {
    clearTimeout(this.#draftTimer);
    this.#draftTimer = undefined;
    if (this.box) void this.services.messenger.states.saveDraft(conv, this.box.value);
  }

  #onInput() {
    this.services.typing.input(this.peer);
    clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => this.#saveDraft(), DRAFT_SAVE_MS);
  }

  override render() {
    return html`
      <form @submit=${this.#send}>
        <label class="attach secondary" title=${t.attachFile()}>
          <span aria-hidden="true">📎</span>
          <span class="visually-hidden">${t.attachFile()}</span>
          <input type="file" multiple class="visually-hidden" ?disabled=${this.disabled} @change=${this.#onPick} />
        </label>
        <label for="composer" class="visually-hidden">${t.message()}</label>
        <textarea id="composer" name="text" rows="1" placeholder=${t.message()} ?disabled=${this.disabled}
          @keydown=${this.#onKey} @input=${this.#onInput}></textarea>
        <button type="submit" ?disabled=${this.disabled}>${t.send()}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `;
  }

  #onPick(e: Event) {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.sendFiles(files);
  }

  /** Offers `files` to the contact; a refusal shows below the composer. */
  async sendFiles(files: File[]): Promise<void> {
    if (files.length === 0) return;
    try {
      this.error = '';
      await this.services.transfers.send(this.peer, files);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** Enter sends; Shift+Enter makes a new line. */
  #onKey(e: KeyboardEvent) {
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
    box.value = '';
    this.services.typing.stopped(this.peer);
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
      :host { display: block; border-top: 1px solid var(--border); background: var(--panel); }
      form { display: flex; gap: 0.5rem; padding: 0.6rem; }
      .attach { display: grid; place-items: center; cursor: pointer; border: 1px solid var(--border); border-radius: 8px; padding: 0 0.6rem; }
      .attach:focus-within { outline: 2px solid var(--accent); }
      textarea { flex: 1; resize: none; max-height: 8rem; }
      .error { padding: 0 0.9rem 0.5rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-composer': ParleyComposer;
  }
}
