import { consume } from '@lit/context';
import { LitElement, type PropertyValues, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { GROUP_LIMITS } from '../../../shared/limits';
import type { GroupSettings } from '../../../shared/protocol-groups';
import { type Services, servicesContext } from './context';
import { changedSettings } from './group-rules';
import { ListenController } from './listen-controller';
import { errorText } from '../i18n/error-text';
import { tg } from '../i18n/group-strings';
import { controls } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * "Group settings" (owners and admins): the name, the topic, "Listed in search", "Takes join
 * requests" (off: closed, admins add members), "Only admins can send" and "Members can message
 * each other"; "Save settings" sends what changed.
 */
@customElement('parley-group-settings')
@localized()
export class ParleyGroupSettings extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property() group!: string;
  @state() private note = '';
  @state() private noteIsError = false;
  @state() private busy = false;
  @query('form') private form!: HTMLFormElement;
  readonly #listen = new ListenController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen.watch(this.services.groups, ['groups']);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('group')) this.note = '';
  }

  override render() {
    const view = this.services.groups.view(this.group);
    if (!view) return html``;
    const s = view.settings;
    return html`<form aria-labelledby="settings-title" @submit=${this.#save}>
      <h3 id="settings-title">${tg.groupSettings()}</h3>
      <label for="gname">${tg.groupName()}</label>
      <input id="gname" name="name" required maxlength=${GROUP_LIMITS.maxGroupNameChars} .value=${view.name} autocomplete="off" />
      <label for="gtopic">${tg.groupTopic()}</label>
      <input id="gtopic" name="topic" maxlength=${GROUP_LIMITS.maxGroupTopicChars} .value=${view.topic ?? s.topic ?? ''} autocomplete="off" />
      <label class="check"><input type="checkbox" name="listed" .checked=${s.listed} /> ${tg.listedInSearch()}</label>
      <label class="check"><input type="checkbox" name="requests" .checked=${s.joinPolicy === 'approval'} /> ${tg.takesJoinRequests()}</label>
      <label class="check"><input type="checkbox" name="onlyAdminsSend" .checked=${s.onlyAdminsSend} /> ${tg.onlyAdminsSend()}</label>
      <label class="check"><input type="checkbox" name="memberChats" .checked=${s.memberChats} /> ${tg.memberChats()}</label>
      <span class="row">
        <button type="submit" ?disabled=${this.busy}>${tg.saveSettings()}</button>
        <span class=${this.noteIsError ? 'error' : 'hint'} role="status">${this.note}</span>
      </span>
    </form>`;
  }

  #save = async (e: SubmitEvent) => {
    e.preventDefault();
    const view = this.services.groups.view(this.group);
    if (!view) return;
    const data = new FormData(this.form);
    const change = changedSettings(view, {
      name: String(data.get('name') ?? '').trim(),
      topic: String(data.get('topic') ?? '').trim(),
      listed: data.get('listed') === 'on',
      joinPolicy: data.get('requests') === 'on' ? 'approval' : 'closed',
      onlyAdminsSend: data.get('onlyAdminsSend') === 'on',
      memberChats: data.get('memberChats') === 'on',
    });
    if (Object.keys(change).length === 0) return;
    this.busy = true;
    try {
      await this.services.groups.admin.updateSettings(this.group, change);
      this.note = tg.saved();
      this.noteIsError = false;
    } catch (err) {
      this.note = errorText(err);
      this.noteIsError = true;
    } finally {
      this.busy = false;
    }
  };

  static override styles = [
    controls,
    css`
      :host { display: block; }
      form { display: flex; flex-direction: column; gap: 0.3rem; }
      h3 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.75rem 0 0.25rem; }
      .check { display: flex; gap: 0.4rem; align-items: center; color: inherit; }
      .row { display: flex; gap: 0.6rem; align-items: center; margin-top: 0.3rem; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-group-settings': ParleyGroupSettings;
  }
}
