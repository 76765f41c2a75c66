import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CopyView } from '../conversations/broadcast-tally';
import { tally } from '../conversations/broadcast-tally';
import { broadcastId } from '../conversations/conversation-id';
import { tb } from '../i18n/broadcast-strings';
import { errorText } from '../i18n/error-text';
import { formatBytes, formatsFor } from '../i18n/formats';
import { activeLocale } from '../i18n/locale';
import { t } from '../i18n/strings';
import { BroadcastLogController, type ShownSend } from './broadcast-log-controller';
import { type Services, servicesContext } from './context';
import { fullDateTime } from './log/day-separators';
import { controls } from './shared-styles';
import './parley-broadcast-editor';
import './parley-composer';
import { localized } from '@lit/localize';

/**
 * A broadcast list's conversation: its header (name, recipients, "Edit broadcast", "Delete
 * broadcast"), the messages written in it, each saying what became of its copies ("Delivered to
 * 2 of 3", "Read by 1 of 3", and per recipient under "Message info", read from the 1:1 copies),
 * and the composer (text and files, sent as one 1:1 message per recipient). Replies never come
 * here: they are 1:1 messages, in the 1:1 chats.
 * @fires back - the user wants the conversation list (phone layout), or the list was deleted
 */
@customElement('parley-broadcast-conversation')
@localized()
export class ParleyBroadcastConversation extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() list!: string;
  @state() private confirming = false;
  @state() private error = '';
  readonly #log = new BroadcastLogController(this, () => this.services, () => this.list);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('list') && changed.get('list') !== undefined) {
      this.confirming = false;
      void this.#log.reload();
    }
  }

  override render() {
    const list = this.services.broadcasts.get(this.list);
    if (!list) return nothing;
    return html`
      <header>
        <button class="secondary back" @click=${this.#back} aria-label=${t.back()}>‹</button>
        <h2><bdi>${list.name}</bdi> <span class="sub">${tb.broadcast()} · ${tb.recipientCount(list.recipients.length)}</span></h2>
        <parley-broadcast-editor .list=${this.list}></parley-broadcast-editor>
        <button class="secondary" @click=${() => (this.confirming = true)}>${tb.deleteBroadcast()}</button>
      </header>
      ${this.confirming
        ? html`<div class="confirm" role="alert">
            <span>${tb.confirmDelete()}</span>
            <button class="danger" @click=${this.#delete}>${tb.delete()}</button>
            <button class="secondary" @click=${() => (this.confirming = false)}>${t.cancel()}</button>
          </div>`
        : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p class="note">${tb.hint()}</p>
      ${this.#messages(this.#log.shown)}
      <parley-composer .broadcast=${this.list}></parley-composer>
    `;
  }

  #messages(shown: ShownSend[] | undefined) {
    if (!shown) return html`<div class="log"></div>`;
    if (shown.length === 0) return html`<div class="log"><p class="note">${tb.noMessages()}</p></div>`;
    return html`<ol class="log" aria-label=${tb.messages()}>
      ${shown.map((s) => html`<li>${this.#message(s)}</li>`)}
    </ol>`;
  }

  #message({ entry, copies }: ShownSend) {
    const showRead = this.services.preferences.sendReadReceipts;
    const n = tally(copies);
    const locale = activeLocale();
    return html`${entry.file ? html`<p class="file">📎 <bdi>${entry.file.name}</bdi> <span class="size">${formatBytes(entry.file.size, locale)}</span></p>` : html`<p>${entry.text}</p>`}
      <div class="meta">
        <time datetime=${new Date(entry.ts).toISOString()} title=${fullDateTime(entry.ts)}>${formatsFor(locale).time.format(entry.ts)}</time>
        <span class="tally">${tb.deliveredTo(n.delivered, n.total)}</span>
        ${showRead ? html`<span class="tally">${tb.readBy(n.read, n.total)}</span>` : nothing}
        ${n.failed ? html`<span class="tally failed">${tb.notSentTo(n.failed)}</span>` : nothing}
      </div>
      <details>
        <summary>${tb.details()}</summary>
        <ul>${copies.map((c) => this.#copy(c, showRead))}</ul>
      </details>`;
  }

  /** One recipient's copy: who, its state (a read one reads "delivered" with read receipts off, as in the 1:1 log), and why it failed. */
  #copy(c: CopyView, showRead: boolean) {
    const name = this.services.contacts.displayName(c.peer) ?? c.peer;
    const state = c.state === 'read' && !showRead ? 'delivered' : c.state;
    return html`<li>
      <bdi>${name}</bdi> <span class="state ${state}">${tb.copyState(state)}</span>
      ${c.error ? html`<span class="why">${errorText(c.error)}</span>` : nothing}
    </li>`;
  }

  #back = () => this.dispatchEvent(new CustomEvent('back'));

  #delete = async () => {
    try {
      await this.services.broadcasts.remove(this.list);
      void this.services.messenger.states.saveDraft(broadcastId(this.list), '');
      this.#back();
    } catch (err) {
      this.error = errorText(err);
    }
  };

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; height: 100%; min-height: 0; }
      header { display: flex; align-items: center; gap: 0.6rem; padding: 0.6rem 0.9rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      h2 { margin: 0; font-size: 1.05rem; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      h2 .sub { font-size: 0.8rem; font-weight: 400; color: var(--muted); }
      .confirm { display: flex; align-items: center; gap: 0.5rem; padding: 0.5rem 0.9rem; background: var(--panel); border-bottom: 1px solid var(--border); }
      .confirm span { flex: 1; }
      .note { margin: 0; padding: 0.5rem 0.9rem; color: var(--muted); font-size: 0.85rem; }
      .log { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 0.6rem 0.9rem; display: flex; flex-direction: column; gap: 0.5rem; }
      .log > li { align-self: flex-end; max-width: min(36rem, 85%); background: var(--bubble-out); border-radius: 12px; padding: 0.45rem 0.7rem; }
      .log p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
      .size { color: var(--muted); font-size: 0.8rem; }
      .meta { display: flex; flex-wrap: wrap; gap: 0.5rem; justify-content: flex-end; font-size: 0.75rem; color: var(--muted); margin-top: 0.15rem; }
      .failed, .state.failed, .why { color: var(--danger); }
      details { font-size: 0.8rem; margin-top: 0.2rem; }
      details ul { margin: 0.2rem 0 0; padding-inline-start: 1.1rem; }
      .why { margin-inline-start: 0.4rem; }
      .back { display: none; }
      @media (max-width: 700px) { .back { display: inline-block; } }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-broadcast-conversation': ParleyBroadcastConversation;
  }
}
