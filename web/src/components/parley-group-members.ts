import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type GroupView, MUTE_FOREVER, type MemberView } from '../groups/core';
import { HOUR_MS, isMuted, memberActions, sortMembers } from './group-rules';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { errorText } from '../i18n/error-text';
import { tg } from '../i18n/group-strings';
import { controls } from './shared-styles';
import { messageAction } from './member-chat-rules';
import { tm } from '../i18n/member-chat-strings';
import { dmId } from '../conversations/conversation-id';
import { t } from '../i18n/strings';
import './parley-member-safety';
import { localized } from '@lit/localize';

/**
 * The group's "Members" list: each item names the member (display name for a contact, and the
 * username), their role ("owner", "admin", "member") and "muted" while muted; for an owner or an
 * admin, the actions the server allows them on that member: "Remove from group", "Ban", "Mute"
 * (for "1 hour", "1 day" or "until unmuted") or "Unmute"; for the owner also "Make admin" /
 * "Remove admin" and "Transfer ownership". A refusal shows in its code's words. "Message" opens
 * the 1:1 chat with a contact, or with a member who is not one when the group lets members
 * message each other (member-chat-rules.ts). "Safety number" on any other member shows the digits
 * of the key they have in this group (parley-member-safety.ts).
 * @fires open-conversation - (bubbles, composed) the user chose "Message": detail is the conversation id
 */
@customElement('parley-group-members')
@localized()
export class ParleyGroupMembers extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() group!: string;
  /** The member whose mute durations are shown. */
  @state() private muting: string | undefined;
  /** The member whose safety number is shown. */
  @state() private verifying: string | undefined;
  @state() private busy = false;
  @state() private error = '';
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.groups, ['groups']);
    this.#listen.watch(this.services.contacts, ['change']);
  }

  override render() {
    const view = this.services.groups.view(this.group);
    if (!view) return nothing;
    const members = view.members;
    return html`<h3 id="members-title">${tg.members()}</h3>
      ${members
        ? html`<ul aria-labelledby="members-title">${sortMembers(members).map((m) => this.#item(view, m))}</ul>`
        : html`<p class="hint" aria-busy="true">${tg.loadingMembers()}</p>`}
      ${this.#banned(view)}
      <p class="error" role="alert">${this.error}</p>`;
  }

  /** Owners and admins see who is banned, each with "Unban" (they may then ask to join again). */
  #banned(view: GroupView) {
    if (view.removed || view.role === 'member') return nothing;
    const bans = this.services.groups.admin.bans(this.group);
    if (bans.length === 0) return nothing;
    return html`<h3 id="bans-title">${tg.banned()}</h3>
      <ul aria-labelledby="bans-title">
        ${bans.map((user) => html`<li>
          <span class="who"><span class="name">${user}</span></span>
          <span class="actions"><button class="secondary" ?disabled=${this.busy} @click=${() => this.#run(() => this.services.groups.admin.unban(this.group, user))}>${tg.unban()}</button></span>
        </li>`)}
      </ul>`;
  }

  #item(view: GroupView, m: MemberView) {
    const me = this.services.account.identity?.username;
    const mine = view.members?.find((x) => x.user === me) ?? (me ? { user: me, role: view.role } : undefined);
    const can = view.removed ? { moderate: false, roles: false, transfer: false } : memberActions(mine, m);
    const name = this.services.contacts.displayName(m.user);
    const muted = isMuted(m);
    const any = can.moderate || can.roles || can.transfer;
    const message = messageAction(view, me, m, this.services.contacts.get(m.user) !== undefined);
    const safety = m.user !== me && this.services.groups.chat.memberKey(this.group, m.user) !== undefined;
    return html`<li>
      <span class="who">
        ${name ? html`<bdi class="name">${name}</bdi> <span class="user">${m.user}</span>` : html`<span class="name">${m.user}</span>`}
        ${m.user === me ? html`<span class="user">${tg.you()}</span>` : nothing}
        <span class="role">${tg.role(m.role)}</span>
        ${muted ? html`<span class="muted">${tg.muted()}</span>` : nothing}
      </span>
      ${any || message || safety
        ? html`<span class="actions" role="group" aria-label=${tg.actionsFor(m.user)}>
            ${message ? html`<button class="secondary" aria-label=${tm.messageMember(m.user)} @click=${() => this.#open(m.user)}>${tm.message()}</button>` : nothing}
            ${safety
              ? html`<button class="secondary" aria-expanded=${this.verifying === m.user}
                  @click=${() => (this.verifying = this.verifying === m.user ? undefined : m.user)}>${t.safetyNumber()}</button>`
              : nothing}
            ${any ? this.#actions(m, can, muted) : nothing}
          </span>`
        : nothing}
      ${safety && this.verifying === m.user ? html`<parley-member-safety .group=${this.group} .user=${m.user}></parley-member-safety>` : nothing}
      ${this.muting === m.user ? this.#durations(m.user) : nothing}
    </li>`;
  }

  #actions(m: MemberView, can: ReturnType<typeof memberActions>, muted: boolean) {
    const admin = this.services.groups.admin;
    const id = this.group;
    const b = (label: string, run: () => Promise<void>) =>
      html`<button class="secondary" ?disabled=${this.busy} @click=${() => this.#run(run)}>${label}</button>`;
    return html`
      ${can.moderate
        ? html`${b(tg.removeFromGroup(), () => admin.remove(id, m.user))}
            ${b(tg.ban(), () => admin.ban(id, m.user))}
            ${muted
              ? b(tg.unmute(), () => admin.mute(id, m.user, null))
              : html`<button class="secondary" aria-expanded=${this.muting === m.user} ?disabled=${this.busy}
                  @click=${() => (this.muting = this.muting === m.user ? undefined : m.user)}>${tg.mute()}</button>`}`
        : nothing}
      ${can.roles
        ? m.role === 'admin'
          ? b(tg.removeAdmin(), () => admin.setRole(id, m.user, 'member'))
          : b(tg.makeAdmin(), () => admin.setRole(id, m.user, 'admin'))
        : nothing}
      ${can.transfer ? b(tg.transferOwnership(), () => admin.transfer(id, m.user)) : nothing}`;
  }

  /** "Message": the 1:1 conversation with `user` opens (the app root listens). */
  #open(user: string): void {
    this.dispatchEvent(new CustomEvent('open-conversation', { detail: dmId(user), bubbles: true, composed: true }));
  }

  /** The durations a mute is for; choosing one mutes. */
  #durations(user: string) {
    const mute = (until: number) => this.#run(() => this.services.groups.admin.mute(this.group, user, until)).then(() => (this.muting = undefined));
    return html`<span class="durations" role="group" aria-label=${tg.muteFor(user)}>
      <button ?disabled=${this.busy} @click=${() => mute(Date.now() + HOUR_MS)}>${tg.oneHour()}</button>
      <button ?disabled=${this.busy} @click=${() => mute(Date.now() + 24 * HOUR_MS)}>${tg.oneDay()}</button>
      <button ?disabled=${this.busy} @click=${() => mute(MUTE_FOREVER)}>${tg.untilUnmuted()}</button>
    </span>`;
  }

  async #run(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await action();
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  static override styles = [
    controls,
    css`
      :host { display: block; }
      h3 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.75rem 0 0.25rem; }
      ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; }
      li { display: flex; flex-direction: column; gap: 0.35rem; padding: 0.45rem 0.5rem; border: 1px solid var(--border); border-radius: 8px; overflow-wrap: anywhere; }
      .who { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: baseline; }
      .name { font-weight: 600; }
      .user { font-size: 0.8rem; color: var(--muted); }
      .role { font-size: 0.75rem; border: 1px solid var(--border); border-radius: 999px; padding: 0 0.45rem; }
      .muted { font-size: 0.75rem; color: var(--danger); }
      .actions, .durations { display: flex; flex-wrap: wrap; gap: 0.3rem; }
      .actions button, .durations button { padding: 0.25rem 0.55rem; font-size: 0.85rem; }
      .error:empty { margin: 0; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-group-members': ParleyGroupMembers;
  }
}
