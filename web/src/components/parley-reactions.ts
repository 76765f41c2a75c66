import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { reactionCounts } from '../conversations/bodies/reaction';
import type { StoredMessage } from '../storage/db';
import { t } from '../i18n/strings';
import { react } from './chat-actions';
import { type Services, servicesContext } from './context';
import { localized } from '@lit/localize';

/**
 * The reactions under a message: one button per emoji, named by the emoji and how many chose it
 * ("👍 2"), pressed when one of them is the user's. Clicking one's own takes it back; clicking
 * another makes it one's reaction.
 */
@customElement('parley-reactions')
@localized()
export class ParleyReactions extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property({ attribute: false }) message!: StoredMessage;
  /** The message's reactions: a new object whenever one changes, so the element renders again. */
  @property({ attribute: false }) reactions: StoredMessage['reactions'];

  override render() {
    const counts = reactionCounts(this.reactions);
    if (counts.length === 0) return nothing;
    const me = this.services.account.identity?.username ?? '';
    return counts.map((r) => {
      const mine = r.authors.includes(me);
      return html`<button aria-label=${t.reactionCount(r.emoji, r.count)} aria-pressed=${mine ? 'true' : 'false'}
        @click=${() => this.#toggle(r.emoji, mine)}>${r.emoji} ${r.count}</button>`;
    });
  }

  async #toggle(emoji: string, mine: boolean): Promise<void> {
    try {
      await react(this.services, this.message, emoji, mine);
    } catch (err) {
      console.warn('parley: could not react', err);
    }
  }

  static override styles = css`
    :host { display: flex; flex-wrap: wrap; gap: 0.25rem; margin-top: 0.2rem; }
    button {
      font: inherit; font-size: 0.8rem; cursor: pointer; color: inherit; background: var(--panel);
      padding: 0 0.45rem; border: 1px solid var(--border); border-radius: 999px;
    }
    button[aria-pressed='true'] { border-color: var(--accent); background: var(--bubble-out); }
    button:focus-visible { outline: 2px solid var(--accent); }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-reactions': ParleyReactions;
  }
}
