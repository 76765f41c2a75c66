import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized } from '@lit/localize';
import { DISAPPEARING_TIMERS } from '../../../shared/envelope';
import type { ConversationId } from '../conversations/conversation-id';
import { type DisappearingEvent, isTimer } from '../conversations/disappearing';
import { td, timerName } from '../i18n/disappearing-strings';
import { errorText } from '../i18n/error-text';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { controls } from './shared-styles';

/**
 * The conversation's "Disappearing messages" choice (Off, 1 hour, 1 day, 1 week), in its details
 * (a contact's or a group's). Choosing sends the sealed notice everyone in it sees
 * (conversations/disappearing.ts); the choice shows whatever setting won, others' included. In a
 * group only owners and admins may change it: for anyone else (`canChange` false) the setting is
 * shown as words, with no control.
 */
@customElement('parley-disappearing-choice')
@localized()
export class ParleyDisappearingChoice extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() conv!: ConversationId;
  @property({ type: Boolean }) canChange = true;
  @state() private error = '';
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    // Only this conversation's changes re-render it.
    this.#listen.watch(this.services.disappearing, ['disappearing'], (e) => {
      if ((e as DisappearingEvent).conv === this.conv) this.requestUpdate();
    });
  }

  /** The select shows the setting that holds, also after a choice that could not be sent. */
  override updated(): void {
    const select = this.renderRoot.querySelector('select');
    if (select) select.value = String(this.services.disappearing.timerOf(this.conv));
  }

  override render() {
    const current = this.services.disappearing.timerOf(this.conv);
    const group = this.conv.startsWith('grp:');
    if (!this.canChange) {
      return html`<p class="current">${td.current(timerName(current))}</p>
        <p class="hint">${td.adminsOnly()}</p>`;
    }
    return html`<label for="timer">${td.label()}</label>
      <select id="timer" @change=${this.#choose}>
        ${DISAPPEARING_TIMERS.map((s) => html`<option value=${s} ?selected=${s === current}>${timerName(s)}</option>`)}
      </select>
      <p class="hint">${group ? td.groupHint() : td.hint()}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }

  #choose = async (e: Event) => {
    const select = e.target as HTMLSelectElement;
    const seconds = Number(select.value);
    if (!isTimer(seconds)) return;
    try {
      await this.services.disappearing.set(this.conv, seconds);
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
      label, .current { font-size: 0.9rem; }
      .current { margin: 0; }
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
