import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { JoinRequestView } from '../groups/core';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { errorText } from '../i18n/error-text';
import { tg } from '../i18n/group-strings';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * "Join requests" waiting for an owner's or admin's answer: of one group (in its details), or of
 * every group this user administers (the sidebar, so they are seen live without opening each
 * group). Each item names the requester and the group, with "Approve" and "Decline"; nothing
 * renders while none wait.
 */
@customElement('parley-join-requests')
@localized()
export class ParleyJoinRequests extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  /** The group whose requests to list; all of this user's groups when unset. */
  @property() group: string | undefined;
  /** A decision the server refused, by `group user`. */
  @state() private errors = new Map<string, string>();
  /** Decisions on their way, by `group user` (their buttons wait). */
  @state() private deciding = new Set<string>();
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.groups.admin, ['requests']);
    this.#listen.watch(this.services.groups, ['groups']);
  }

  override render() {
    const requests = this.services.groups.admin.requests(this.group);
    if (requests.length === 0) return nothing;
    return html`<h3 id="requests-title">${tg.joinRequests()}</h3>
      <ul aria-labelledby="requests-title">${requests.map((r) => this.#item(r))}</ul>`;
  }

  #item(r: JoinRequestView) {
    const key = `${r.group} ${r.user}`;
    const name = this.services.groups.view(r.group)?.name ?? r.group;
    const error = this.errors.get(key);
    const busy = this.deciding.has(key);
    return html`<li>
      <span>${r.approved ? tg.approvedNotAdded(r.user, name) : tg.wantsToJoin(r.user, name)}</span>
      <span class="row">
        <button ?disabled=${busy} @click=${() => this.#decide(r, true)}>${tg.approve()}</button>
        <button class="secondary" ?disabled=${busy} @click=${() => this.#decide(r, false)}>${tg.decline()}</button>
      </span>
      ${error ? html`<span class="error" role="alert">${error}</span>` : nothing}
    </li>`;
  }

  async #decide(r: JoinRequestView, accept: boolean): Promise<void> {
    const key = `${r.group} ${r.user}`;
    this.deciding = new Set(this.deciding).add(key);
    const errors = new Map(this.errors);
    errors.delete(key);
    try {
      await this.services.groups.admin.decide(r.group, r.user, accept);
      // An approval ends in an MLS commit adding them, which no server event reports: the members are asked for again.
      if (accept) await this.services.groups.admin.refresh(r.group);
    } catch (err) {
      errors.set(key, errorText(err));
    } finally {
      const deciding = new Set(this.deciding);
      deciding.delete(key);
      this.deciding = deciding;
      this.errors = errors;
    }
  }

  static override styles = [
    controls,
    css`
      :host { display: block; }
      h3 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.75rem 0 0.25rem; }
      ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; }
      li { display: flex; flex-direction: column; gap: 0.35rem; padding: 0.5rem; border: 1px solid var(--border); border-radius: 8px; overflow-wrap: anywhere; }
      .row { display: flex; gap: 0.4rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-join-requests': ParleyJoinRequests;
  }
}
