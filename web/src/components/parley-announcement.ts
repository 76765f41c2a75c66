import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ta } from '../i18n/announcement-strings';
import { controls } from './shared-styles';

/**
 * The server operator's announcements, in a region of their own labelled as from the server (never
 * styled or placed like a message from a user). Text is rendered as text: Lit escapes it, no HTML.
 * Stays until "Dismiss", which acknowledges them for the whole account.
 */
@customElement('parley-announcement')
export class ParleyAnnouncement extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  readonly #changed = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    this.services.announcements.addEventListener('change', this.#changed);
  }

  override disconnectedCallback(): void {
    this.services.announcements.removeEventListener('change', this.#changed);
    super.disconnectedCallback();
  }

  override render() {
    const items = this.services.announcements.items;
    if (items.length === 0) return nothing;
    return html`<section role="region" aria-label=${ta.region()}>
      <h2>${ta.region()}</h2>
      ${items.map((a) => html`<p class="text">${a.text}</p>`)}
      <button class="secondary" @click=${() => this.services.announcements.dismiss()}>${ta.dismiss()}</button>
    </section>`;
  }

  static override styles = [
    controls,
    css`
      :host { display: block; }
      section { border: 2px solid #b58100; background: #fff6db; color: #3a2a00; padding: 0.5rem 0.75rem; margin: 0.5rem; border-radius: 6px; }
      h2 { font-size: 0.95rem; margin: 0 0 0.25rem; }
      .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.25rem 0; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-announcement': ParleyAnnouncement;
  }
}
