import { LitElement, type PropertyValues, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { StoredMessage } from '../storage/db';
import { t } from '../i18n/strings';
import { messageStyles, renderMessage } from './message-view';
import { type RevealEvent, revealIn } from './reveal';

/**
 * A conversation's messages, oldest first, as a live log. It owns where the log is scrolled to;
 * the conversation (parley-conversation.ts) hands it the messages to show.
 */
@customElement('parley-message-log')
export class ParleyMessageLog extends LitElement {
  @property({ attribute: false }) messages: readonly StoredMessage[] = [];
  @query('ol') private log!: HTMLOListElement;

  override updated(_changed: PropertyValues<this>): void {
    this.log.scrollTo({ top: this.log.scrollHeight });
  }

  override render() {
    return html`<ol role="log" aria-label=${t.messages()} aria-live="polite" @parley-reveal=${this.#onReveal}>
      ${repeat(
        this.messages,
        (m) => `${m.dir}:${m.id}`,
        (m) => html`<li class=${m.dir} data-state=${m.state} data-id=${m.id}>${renderMessage(m)}</li>`,
      )}
    </ol>`;
  }

  /** A quote asks for its original: shown if loaded here, else left to bubble on to the history. */
  #onReveal = (e: RevealEvent) => {
    if (revealIn(this.log, e.detail.id)) e.stopPropagation();
  };

  static override styles = [messageStyles, css`
    :host { flex: 1; display: flex; flex-direction: column; min-height: 0; }
    ol { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 1rem; display: flex; flex-direction: column; gap: 0.4rem; }
    li { max-width: min(75%, 36rem); padding: 0.45rem 0.7rem; border-radius: 14px; background: var(--bubble-in); border: 1px solid var(--border); }
    li.out { align-self: flex-end; background: var(--bubble-out); }
    @media (max-width: 700px) { li { max-width: 85%; } }
  `];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-message-log': ParleyMessageLog;
  }
}
