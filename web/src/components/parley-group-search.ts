import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { GROUP_LIMITS } from '../../../shared/limits';
import type { GroupCard } from '../groups/core';
import { type Services, servicesContext } from './context';
import { ListenController } from './listen-controller';
import { errorText } from '../i18n/error-text';
import { tg } from '../i18n/group-strings';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/** Where one result stands after "Request to join": sent, or refused in the code's words. */
type Asked = { sent: true } | { sent: false; error: string };

/**
 * "Find groups": a listed group's name (part of it) and "Search"; the results name each group,
 * its topic and its member count, with "Request to join" (which then says it was sent, or why
 * not: banned, closed). The directory is the server's: only listed groups are in it.
 */
@customElement('parley-group-search')
@localized()
export class ParleyGroupSearch extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @state() private results: GroupCard[] | undefined;
  @state() private busy = false;
  @state() private error = '';
  @state() private asked = new Map<string, Asked>();
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    // Approved meanwhile: the result says so instead of "Request sent".
    this.#listen.watch(this.services.groups, ['groups']);
    // Declined meanwhile: the result says so, and offers to ask again.
    this.#listen.watch(this.services.groups.admin, ['declined'], (e) => {
      const group = (e as CustomEvent<string>).detail;
      if (this.asked.get(group)?.sent) this.asked = new Map(this.asked).set(group, { sent: false, error: tg.requestDeclined() });
    });
  }

  override render() {
    return html`<form role="search" aria-label=${tg.findGroups()} @submit=${this.#search}>
        <label for="q" class="visually-hidden">${tg.findGroups()}</label>
        <input id="q" name="q" type="text" placeholder=${tg.findGroups()} required maxlength=${GROUP_LIMITS.maxGroupSearchChars} autocomplete="off" />
        <button type="submit" class="secondary" ?disabled=${this.busy}>${tg.search()}</button>
      </form>
      <p class=${this.error ? 'error' : 'hint'} role="status">${this.error || (this.busy ? tg.searching() : this.results?.length === 0 ? tg.noGroupsFound() : '')}</p>
      ${this.results?.length
        ? html`<ul aria-label=${tg.groupResults()}>${this.results.map((g) => this.#result(g))}</ul>`
        : nothing}`;
  }

  #result(g: GroupCard) {
    const asked = this.asked.get(g.group);
    const view = this.services.groups.view(g.group);
    const member = view !== undefined && view.removed === undefined;
    return html`<li>
      <span class="line"><bdi class="name">${g.name}</bdi><span class="count">${tg.memberCount(g.members)}</span></span>
      ${g.topic ? html`<bdi class="topic">${g.topic}</bdi>` : nothing}
      ${member
        ? html`<span class="hint">${tg.alreadyIn()}</span>`
        : asked?.sent
          ? html`<span class="hint" role="status">${tg.requestSent()}</span>`
          : html`<button @click=${() => this.#request(g.group)}>${tg.requestToJoin()}</button>
              ${asked ? html`<span class="error" role="alert">${asked.error}</span>` : nothing}`}
    </li>`;
  }

  #search = async (e: SubmitEvent) => {
    e.preventDefault();
    const q = String(new FormData(e.target as HTMLFormElement).get('q') ?? '').trim();
    if (!q) return;
    this.busy = true;
    this.error = '';
    try {
      this.results = await this.services.groups.admin.search(q);
      // A new search starts afresh: what was said of an earlier request (since decided, or banned) is old news.
      this.asked = new Map();
    } catch (err) {
      this.results = undefined;
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  };

  async #request(group: string): Promise<void> {
    let outcome: Asked;
    try {
      await this.services.groups.admin.requestJoin(group);
      outcome = { sent: true };
    } catch (err) {
      outcome = { sent: false, error: errorText(err) };
    }
    this.asked = new Map(this.asked).set(group, outcome);
  }

  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; gap: 0.25rem; }
      form { display: flex; gap: 0.4rem; }
      form input { flex: 1; min-width: 0; }
      ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.25rem; }
      li { display: flex; flex-direction: column; align-items: flex-start; gap: 0.3rem; padding: 0.5rem; border: 1px solid var(--border); border-radius: 8px; overflow-wrap: anywhere; }
      .line { display: flex; gap: 0.5rem; align-items: baseline; width: 100%; }
      .name { font-weight: 600; flex: 1; min-width: 0; }
      .count, .topic { font-size: 0.8rem; color: var(--muted); }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-group-search': ParleyGroupSearch;
  }
}
