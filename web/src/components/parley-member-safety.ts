import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { publicKeyFromB64 } from '../../../shared/identity';
import { safetyNumber } from '../../../shared/safety-number';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { ts } from '../i18n/group-safety-strings';
import { localized } from '@lit/localize';

/**
 * A group member's safety number, opened from the "Members" list (issue 12: each member's MLS
 * signature key is their Ed25519 identity key, so safety numbers cover members too). The digits
 * are of the key the member has in this group's MLS state, the key their messages here are
 * verified with, computed as a contact's are (shared/safety-number.ts), so both members see the
 * same digits. When the member is a contact whose key (the one their contact details show) is
 * not that key, it says so: the two numbers would otherwise silently differ.
 */
@customElement('parley-member-safety')
@localized()
export class ParleyMemberSafety extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() group!: string;
  @property() user!: string;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.groups, ['groups']);
    this.#listen.watch(this.services.contacts, ['change']);
  }

  override render() {
    const me = this.services.account.identity;
    const key = this.services.groups.chat.memberKey(this.group, this.user);
    if (!me || !key) return nothing;
    const s = this.services.sodium;
    const digits = safetyNumber(s, me.publicKey, key);
    const contact = this.services.contacts.get(this.user);
    const contactKey = contact?.changedKey ?? contact?.identityKey;
    const differs = contactKey !== undefined && !this.#same(contactKey, key);
    return html`<section aria-label=${ts.safetyNumberOf(this.user)}>
      ${differs ? html`<p class="alert" role="alert">${ts.notContactKey(this.user)}</p>` : nothing}
      <p class="digits" data-testid="safety-number">${digits.join(' ')}</p>
      <p class="hint">${ts.groupKeyHint(this.user)}</p>
      ${this.services.groups.keyChanged(this.user) ? html`<p class="hint">${ts.refusedKey(this.user)}</p>` : nothing}
    </section>`;
  }

  #same(b64: string, key: Uint8Array): boolean {
    try {
      const known = publicKeyFromB64(this.services.sodium, b64);
      return known.length === key.length && this.services.sodium.memcmp(known, key);
    } catch {
      return false;
    }
  }

  static override styles = css`
    :host { display: block; }
    section { border-top: 1px solid var(--border); padding-top: 0.35rem; }
    p { margin: 0 0 0.3rem; }
    .digits { font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace; font-size: 0.95rem; letter-spacing: 0.04em; word-spacing: 0.3em; max-width: 24rem; }
    .hint { font-size: 0.8rem; color: var(--muted); }
    .alert { color: var(--danger); }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-member-safety': ParleyMemberSafety;
  }
}
