import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized } from '@lit/localize';
import { DISAPPEARING_TIMERS } from '../../../shared/envelope';
import { dmId } from '../conversations/conversation-id';
import { type DisappearingEvent, isTimer } from '../conversations/disappearing';
import { td, timerName } from '../i18n/disappearing-strings';
import { errorText } from '../i18n/error-text';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { controls } from './shared-styles';

/**
 * The conversation's "Disappearing messages" choice (Off, 1 hour, 1 day, 1 week), in its details.
 * Choosing sends the sealed notice both sides see (conversations/disappearing.ts); the choice
 * shows whatever setting won, the contact's included.
 */
@customElement('parley-disappearing-choice')
@localized()
export class ParleyDisappearingChoice extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() peer!: string;
  @state() private error = '';
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    // Only this conversation's changes re-render it.
    this.#listen.watch(this.services.disappearing, ['disappearing'], (e) => {
      if ((e as DisappearingEvent).conv === dmId(this.peer)) this.requestUpdate();
    });
  }

  /** The select shows the setting that holds, also after a choice that could not be sent. */
  override updated(): void {
    const select = this.renderRoot.querySelector('select');
    if (select) select.value = String(this.services.disappearing.timerOf(dmId(this.peer)));
  }

  override render() {
    const current = this.services.disappearing.timerOf(dmId(this.peer));
    return html`<label for="timer">${td.label()}</label>
      <select id="timer" @change=${this.#choose}>
        ${DISAPPEARING_TIMERS.map((s) => html`<option value=${s} ?selected=${s === current}>${timerName(s)}</option>`)}
      </select>
      <p class="hint">${td.hint()}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }

  #choose = async (e: Event) => {
    const select = e.target as HTMLSelectElement;
    const seconds = Number(select.value);
    if (!isTimer(seconds)) return;
    try {
      await this.services.disappearing.set(this.peer, seconds);
      this.error = '';
    } catch (err) {
      this.error = errorText(err);
    }
    this.requestUpdate();
  };

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; padding: 0.5rem 1rem; border-bottom: 1px solid var(--border); background: var(--panel); }
      label { font-size: 0.9rem; }
      .hint { flex-basis: 100%; margin: 0; font-size: 0.8rem; color: var(--muted); }
      .error { flex-basis: 100%; margin: 0; color: var(--danger); }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-disappearing-choice': ParleyDisappearingChoice;
  }
}
