import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized } from '@lit/localize';
import { formatsFor } from '../../i18n/formats';
import { activeLocale } from '../../i18n/locale';
import { ts } from '../../i18n/schedule-strings';
import type { StoredMessage } from '../../storage/db';
import { type Services, servicesContext } from '../context';
import { controls } from '../shared-styles';

/**
 * What one's own scheduled message shows instead of its time and state while the server holds it
 * (conversations/scheduled.ts): "Scheduled for <time>", "Cancel" and "Send now"; once either is
 * asked for, what is happening until the server answers.
 */
@customElement('parley-scheduled-actions')
@localized()
export class ParleyScheduledActions extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property({ attribute: false }) message!: StoredMessage;

  override render() {
    const m = this.message;
    const at = m.scheduledFor ?? m.ts;
    const pending = this.services.scheduled.pending(m.id);
    const scheduled = this.services.scheduled;
    return html`<time datetime=${new Date(at).toISOString()}>${ts.scheduledFor(formatsFor(activeLocale()).when.format(at))}</time>
      ${pending
        ? html`<span class="pending" role="status">${pending === 'cancel' ? ts.cancelling() : ts.sendingNow()}</span>`
        : html`<button type="button" class="secondary" @click=${() => void scheduled.cancel(m).catch((err) => console.warn('parley: could not cancel', err))}>${ts.cancelScheduled()}</button>
            <button type="button" class="secondary" @click=${() => void scheduled.sendNow(m).catch((err) => console.warn('parley: could not send now', err))}>${ts.sendNow()}</button>`}`;
  }

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; justify-content: flex-end; font-size: 0.75rem; color: var(--muted); margin-top: 0.2rem; }
      time { font-weight: 600; }
      button { padding: 0.15rem 0.5rem; font-size: 0.75rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-scheduled-actions': ParleyScheduledActions;
  }
}
