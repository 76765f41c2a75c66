import { LitElement, type PropertyValues, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { StoredMessage } from '../storage/db';
import { t } from '../i18n/strings';
import { messageStyles, renderMessage } from './message-view';

/**
 * A conversation's messages, oldest first, as a live log. It owns where the log is scrolled to;
 * the conversation (parley-conversation.ts) hands it the messages to show.
 */
@customElement('parley-message-log')
export class ParleyMessageLog extends LitElement {
  @property({ attribute: false }) messages: readonly StoredMessage[] = [];
  @query('ol') private log!: HTMLOListElement;

  constructor() {
    super();
    // A message to show (a search result, a quote): scrolled to, instead of the latest.
    this.addEventListener('parley-reveal', (e) => {
      const id = (e as CustomEvent<{ id: string }>).detail?.id;
      const item = [...this.log.querySelectorAll<HTMLElement>('li[data-id]')].find((li) => li.dataset.id === id);
      item?.scrollIntoView({ block: 'center' });
    });
  }

  override updated(_changed: PropertyValues<this>): void {
    this.log.scrollTo({ top: this.log.scrollHeight });
  }

  override render() {
    return html`<ol role="log" aria-label=${t.messages()} aria-live="polite">
      ${repeat(
        this.messages,
        (m) => `${m.dir}:${m.id}`,
        (m) => html`<li class=${m.dir} data-state=${m.state} data-id=${m.id}>${renderMessage(m)}</li>`,
      )}
    </ol>`;
  }

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
