import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { errorText } from '../i18n/error-text';
import { tg } from '../i18n/group-strings';
import { t } from '../i18n/strings';
import { confirmStyles, controls } from './shared-styles';
import { groupConv } from './group-ids';
import './parley-add-members';
import './parley-disappearing-choice';
import './parley-group-members';
import './parley-group-settings';
import './parley-join-requests';
import { localized } from '@lit/localize';

/**
 * A group's details, opened by "Group details": the "Members" list with what this user may do
 * to each, and for owners and admins the group's "Join requests", "Add members" and its settings;
 * "Leave group" for everyone but the owner (who transfers ownership first) and "Delete group"
 * (asked again) for the owner. Opening it asks the server for the group's state now.
 */
@customElement('parley-group-details')
@localized()
export class ParleyGroupDetails extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() group!: string;
  @state() private confirmDelete = false;
  @state() private busy = false;
  @state() private error = '';
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.groups, ['groups']);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('group')) return;
    this.confirmDelete = false;
    this.error = '';
    if (!this.services.groups.view(this.group)?.removed) {
      // What is shown meanwhile is the last known state; a failure leaves it so.
      this.services.groups.admin.refresh(this.group).catch((err) => (this.error = errorText(err)));
    }
  }

  override render() {
    const view = this.services.groups.view(this.group);
    if (!view) return nothing;
    const active = !view.removed;
    const admin = active && (view.role === 'owner' || view.role === 'admin');
    return html`<section aria-label=${tg.groupDetails()}>
      ${active ? html`<parley-disappearing-choice .conv=${groupConv(this.group)} .canChange=${admin}></parley-disappearing-choice>` : nothing}
      <parley-group-members .group=${this.group}></parley-group-members>
      ${admin
        ? html`<parley-join-requests .group=${this.group}></parley-join-requests>
            <parley-add-members .group=${this.group}></parley-add-members>
            <parley-group-settings .group=${this.group}></parley-group-settings>`
        : nothing}
      ${active ? this.#leaveOrDelete(view.role === 'owner') : nothing}
      <p class="error" role="alert">${this.error}</p>
    </section>`;
  }

  #leaveOrDelete(owner: boolean) {
    const admin = this.services.groups.admin;
    if (!owner) return html`<div class="row"><button class="secondary" ?disabled=${this.busy} @click=${() => this.#run(() => admin.leave(this.group))}>${tg.leaveGroup()}</button></div>`;
    if (!this.confirmDelete) {
      return html`<p class="hint">${tg.ownerLeaves()}</p>
        <div class="row"><button class="danger" @click=${() => (this.confirmDelete = true)}>${tg.deleteGroup()}</button></div>`;
    }
    return html`<div class="confirm" role="group" aria-label=${tg.deleteGroup()}>
      <p>${tg.deleteConfirm()}</p>
      <div class="row">
        <button class="danger" ?disabled=${this.busy} @click=${() => this.#run(() => admin.deleteGroup(this.group))}>${tg.deleteConfirmYes()}</button>
        <button class="secondary" @click=${() => (this.confirmDelete = false)}>${t.cancel()}</button>
      </div>
    </div>`;
  }

  async #run(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await action();
      this.confirmDelete = false;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  static override styles = [
    controls,
    confirmStyles,
    css`
      :host { display: block; }
      section { display: flex; flex-direction: column; gap: 0.5rem; padding: 0.5rem 0.9rem 0.75rem; }
      .row { margin-top: 0.25rem; }
      .error:empty { margin: 0; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-group-details': ParleyGroupDetails;
  }
}
