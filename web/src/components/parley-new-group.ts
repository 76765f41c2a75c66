import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { GROUP_LIMITS } from '../../../shared/limits';
import { type Services, servicesContext } from './context';
import { groupConv } from './group-ids';
import { errorText } from '../i18n/error-text';
import { tg } from '../i18n/group-strings';
import { t } from '../i18n/strings';
import { controls, dialogStyles } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * The sidebar's "New group" button and its dialog: "Group name", a topic, "Listed in search",
 * "Create group". The creator is the owner; the new group opens at once. A refusal (too many
 * groups, a name the server will not list) stays in the dialog in the code's words.
 * @fires select - CustomEvent<{ conv }>: the group created
 */
@customElement('parley-new-group')
@localized()
export class ParleyNewGroup extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @state() private error = '';
  @state() private busy = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('form') private form!: HTMLFormElement;

  override render() {
    return html`<button class="secondary open" aria-haspopup="dialog" @click=${this.#open}>${tg.newGroup()}</button>
      <dialog aria-labelledby="new-group-title" @close=${() => (this.error = '')}>
        <form @submit=${this.#create}>
          <h2 id="new-group-title">${tg.newGroup()}</h2>
          <label for="name">${tg.groupName()}</label>
          <input id="name" name="name" required maxlength=${GROUP_LIMITS.maxGroupNameChars} autocomplete="off" />
          <label for="topic">${tg.groupTopic()}</label>
          <input id="topic" name="topic" maxlength=${GROUP_LIMITS.maxGroupTopicChars} autocomplete="off" />
          <label class="check"><input type="checkbox" name="listed" aria-describedby="listed-hint" /> ${tg.listedInSearch()}</label>
          <p class="hint" id="listed-hint">${tg.listedHint()}</p>
          <p class="error" role="alert">${this.error}</p>
          <div class="row">
            <button type="submit" ?disabled=${this.busy}>${tg.createGroup()}</button>
            <button type="button" class="secondary" @click=${() => this.dialog.close()}>${t.cancel()}</button>
          </div>
        </form>
      </dialog>`;
  }

  #open = () => {
    this.form.reset();
    this.error = '';
    this.dialog.showModal();
  };

  #create = async (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(this.form);
    const name = String(data.get('name') ?? '').trim();
    const topic = String(data.get('topic') ?? '').trim();
    if (!name) return;
    this.busy = true;
    try {
      const id = await this.services.groups.create({ name, listed: data.get('listed') === 'on', ...(topic ? { topic } : {}) });
      this.dialog.close();
      this.dispatchEvent(new CustomEvent('select', { detail: { conv: groupConv(id) } }));
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  };

  static override styles = [
    controls,
    dialogStyles,
    css`
      :host { display: block; }
      .open { width: 100%; }
      form { display: flex; flex-direction: column; gap: 0.35rem; }
      .check { display: flex; gap: 0.4rem; align-items: center; color: inherit; margin-top: 0.4rem; }
      .row { display: flex; gap: 0.5rem; margin-top: 0.5rem; }
      .error:empty { margin: 0; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-new-group': ParleyNewGroup;
  }
}
