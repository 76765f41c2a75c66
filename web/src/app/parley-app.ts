import '../components/parley-announcement';
import { provide } from '@lit/context';
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { servicesContext } from '../components/context';
import { ListenController } from '../components/listen-controller';
import { AppServices } from './app-services';
import { AppUpdate } from './app-update';
import { tu } from '../i18n/update-strings';
import { t } from '../i18n/strings';
import type { Selection } from '../components/parley-conversation-list';
import { type ConversationId, broadcastList, dmPeer } from '../conversations/conversation-id';
import { convGroup } from '../components/group-ids';
import '../components/parley-conversation-list';
import '../components/parley-conversation';
import '../components/parley-group-conversation';
import '../components/parley-broadcast-conversation';
import '../components/parley-signup';
import '../components/parley-account-menu';
import { localized } from '@lit/localize';

/**
 * The root: creates the services, provides them to the tree, and lays out the contact list
 * beside the conversation (one at a time on a phone-sized screen).
 */
@customElement('parley-app')
@localized()
export class ParleyApp extends LitElement {
  /** Set once, when the services are ready; nothing that consumes it renders before that. */
  @provide({ context: servicesContext }) @state() services!: AppServices;
  /** The conversation open, and the message to show in it (chosen from search results). */
  @state() private selected: Selection | undefined;
  @state() private failed = false;
  readonly #listen = new ListenController(this);
  /** The service worker: Parley opens offline, and a new build waits for "Reload". */
  readonly #update = new AppUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.#update, ['change']);
    this.#update.start();
    if (this.services) return;
    AppServices.create().then(
      (services) => {
        this.#listen.watch(services, ['signed-in']);
        this.#listen.watch(services.connection, ['status']);
        // The tab's title counts what is unread; a removed contact's conversation closes.
        this.#listen.watch(services.messenger.states, ['change']);
        this.#listen.watch(services.broadcasts, ['change']); // a broadcast list deleted closes
        this.#listen.watch(services.contacts, ['change'], () => {
          const peer = this.selected && dmPeer(this.selected.conv);
          // A member chat (a group member who is not a contact) stays open.
          if (peer && !services.contacts.get(peer) && !services.messenger.keys.isMemberChat(peer)) this.selected = undefined;
          this.requestUpdate();
        });
        // "Message" on a group member (parley-group-members): their 1:1 conversation opens.
        this.#listen.watch(this, ['open-conversation'], (e) => (this.selected = { conv: (e as CustomEvent<ConversationId>).detail }));
        // A notification clicked: its conversation opens.
        this.#listen.watch(services, ['open-conversation'], (e) => (this.selected = { conv: (e as CustomEvent<ConversationId>).detail }));
        this.services = services;
        if (services.signedIn) services.start();
      },
      (err) => {
        console.error(err);
        this.failed = true;
      },
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#update.stop();
    (this.services as AppServices | undefined)?.stop();
  }

  override render() {
    return html`${this.#newVersion()}${this.#screen()}`;
  }

  /** Shown on every screen (sign-up too) once a new build waits. */
  #newVersion() {
    if (!this.#update.waiting) return nothing;
    return html`<div class="banner" role="status">${tu.newVersion()}
      <button class="secondary" @click=${() => void this.#update.reload()}>${tu.reload()}</button></div>`;
  }

  #screen() {
    if (this.failed) return html`<p class="center">${t.cannotConnect()}</p>`;
    const s = this.services as AppServices | undefined;
    if (!s) return html`<p class="center" aria-busy="true">${t.statusConnecting()}</p>`;
    if (!s.signedIn) return html`<parley-signup></parley-signup>`;
    return html`
      ${this.#banner(s)}
      <parley-announcement></parley-announcement>
      <div class="layout ${this.selected ? 'has-selection' : ''}">
        <aside class="sidebar">
          <parley-account-menu></parley-account-menu>
          <parley-conversation-list .selected=${this.selected?.conv} @select=${(e: CustomEvent<Selection>) => (this.selected = e.detail)}></parley-conversation-list>
        </aside>
        <main class="main">
          ${this.#conversation(this.selected)}
        </main>
      </div>
    `;
  }

  /** The open conversation: with a contact, or a group's (a group stays open, read-only, once this user is out of it). */
  #conversation(selected: Selection | undefined) {
    const back = () => (this.selected = undefined);
    const peer = selected && dmPeer(selected.conv);
    if (peer) return html`<parley-conversation .peer=${peer} .at=${selected.message} @back=${back}></parley-conversation>`;
    const group = selected && convGroup(selected.conv);
    if (group) return html`<parley-group-conversation .group=${group} .at=${selected.message} @back=${back}></parley-group-conversation>`;
    const list = selected && broadcastList(selected.conv);
    if (list && this.services.broadcasts.get(list)) return html`<parley-broadcast-conversation .list=${list} @back=${back}></parley-broadcast-conversation>`;
    return html`<p class="center muted">${t.pickContact()}</p>`;
  }

  override updated(_changed: PropertyValues<this>): void {
    const unread = this.services?.signedIn ? this.services.messenger.states.totalUnread : 0;
    document.title = unread > 0 ? t.titleUnread(unread) : t.appName();
  }

  #banner(s: AppServices) {
    const text = {
      online: undefined,
      connecting: t.statusConnecting(),
      offline: t.statusOffline(),
      replaced: t.statusReplacedElsewhere(),
      refused: t.statusRefused(),
      outdated: t.statusOutdated(),
    }[s.connection.status];
    if (!text) return nothing;
    const reload = s.connection.status === 'outdated' || s.connection.status === 'replaced';
    return html`<div class="banner" role="alert">${text}
      ${reload ? html`<button class="secondary" @click=${() => location.reload()}>${t.reload()}</button>` : nothing}</div>`;
  }

  static override styles = css`
    :host { display: flex; flex-direction: column; height: 100dvh; }
    .layout { flex: 1; display: grid; grid-template-columns: minmax(260px, 320px) 1fr; min-height: 0; }
    .sidebar { border-right: 1px solid var(--border); background: var(--panel); display: flex; flex-direction: column; min-height: 0; min-width: 0; }
    .main { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
    .center { margin: auto; padding: 2rem; text-align: center; }
    .muted { color: var(--muted); }
    .banner { background: #fff4d6; color: #5c4200; padding: 0.4rem 1rem; font-size: 0.9rem; text-align: center; }
    @media (max-width: 700px) {
      /* minmax(0, …): a long unbroken name must not widen the column past the screen. */
      .layout { grid-template-columns: minmax(0, 1fr); }
      .layout.has-selection .sidebar { display: none; }
      .layout:not(.has-selection) .main { display: none; }
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-app': ParleyApp;
  }
}
