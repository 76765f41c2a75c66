import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { BROADCAST_LIMITS } from '../conversations/broadcast-limits';
import { broadcastId } from '../conversations/conversation-id';
import { tb } from '../i18n/broadcast-strings';
import { errorText } from '../i18n/error-text';
import { t } from '../i18n/strings';
import { type Services, servicesContext } from './context';
import { controls, dialogStyles } from './shared-styles';
import { localized } from '@lit/localize';

/**
 * A broadcast list's dialog and the button that opens it: "New broadcast" (no `list`) or "Edit
 * broadcast" (`list` set, prefilled). It has a "Broadcast name" textbox and one checkbox per
 * contact, named by the contact; "Create broadcast" (or "Save") keeps it. Only contacts are
 * offered: nobody else can be a recipient (conversations/broadcasts.ts). A refusal stays in the dialog.
 * @fires select - CustomEvent<{ conv }>: the list created (it opens)
 */
@customElement('parley-broadcast-editor')
@localized()
export class ParleyBroadcastEditor extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  /** The list edited; unset, the dialog makes a new one. */
  @property() list: string | undefined;
  @state() private error = '';
  @state() private busy = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('form') private form!: HTMLFormElement;

  override render() {
    const title = this.list ? tb.editBroadcast() : tb.newBroadcast();
    const editing = this.list ? this.services.broadcasts.get(this.list) : undefined;
    const chosen = new Set(editing?.recipients ?? []);
    const contacts = this.services.contacts.list;
    return html`<button class="secondary open" aria-haspopup="dialog" @click=${this.#open}>${title}</button>
      <dialog aria-labelledby="broadcast-title" @close=${() => (this.error = '')}>
        <form @submit=${this.#save}>
          <h2 id="broadcast-title">${title}</h2>
          <label for="name">${tb.broadcastName()}</label>
          <input id="name" name="name" required maxlength=${BROADCAST_LIMITS.maxNameChars} autocomplete="off" .value=${live(editing?.name ?? '')} />
          <fieldset>
            <legend>${tb.recipients()}</legend>
            ${contacts.length === 0 ? html`<p class="hint">${tb.noContacts()}</p>` : nothing}
            <ul>
              ${contacts.map((c) => {
                const name = this.services.contacts.displayName(c.username);
                return html`<li><label class="check"><input type="checkbox" name="to" value=${c.username} .checked=${live(chosen.has(c.username))} />
                  <bdi>${name ?? c.username}</bdi>${name ? html` <span class="user">${c.username}</span>` : nothing}</label></li>`;
              })}
            </ul>
          </fieldset>
          <p class="hint">${tb.hint()}</p>
          <p class="error" role="alert">${this.error}</p>
          <div class="row">
            <button type="submit" ?disabled=${this.busy}>${this.list ? tb.save() : tb.createBroadcast()}</button>
            <button type="button" class="secondary" @click=${() => this.dialog.close()}>${t.cancel()}</button>
          </div>
        </form>
      </dialog>`;
  }

  #open = async () => {
    this.error = '';
    this.requestUpdate(); // the contacts and the list as they are now
    await this.updateComplete;
    if (!this.list) this.form.reset();
    this.dialog.showModal();
  };

  #save = async (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(this.form);
    const name = String(data.get('name') ?? '').trim();
    const recipients = data.getAll('to').map(String);
    if (!name) return;
    if (recipients.length === 0) {
      this.error = tb.pickOne();
      return;
    }
    this.busy = true;
    try {
      if (this.list) await this.services.broadcasts.update(this.list, name, recipients);
      else {
        const list = await this.services.broadcasts.create(name, recipients);
        this.dispatchEvent(new CustomEvent('select', { detail: { conv: broadcastId(list.id) } }));
      }
      this.dialog.close();
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
      dialog { max-height: 85vh; }
      form { display: flex; flex-direction: column; gap: 0.35rem; }
      fieldset { border: 1px solid var(--border); border-radius: 8px; margin: 0.5rem 0 0; padding: 0.4rem 0.6rem; }
      ul { list-style: none; margin: 0; padding: 0; max-height: 16rem; overflow-y: auto; }
      .check { display: flex; gap: 0.4rem; align-items: center; color: inherit; padding: 0.15rem 0; }
      .user { color: var(--muted); font-size: 0.85rem; }
      .row { display: flex; gap: 0.5rem; margin-top: 0.5rem; }
      .error:empty { margin: 0; }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-broadcast-editor': ParleyBroadcastEditor;
  }
}
