import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { tm } from '../i18n/group-chat-strings';

import type { MentionOption } from '../groups/mentions';
import { localized } from '@lit/localize';

export type { MentionOption };

/** The user chose a member (click); the composer inserts "@username ". */
export class MentionPickEvent extends Event {
  constructor(readonly user: string) {
    super('mention-pick');
  }
}

/** The id of option `i`: the composer's text box points at the active one (aria-activedescendant). */
export const mentionOptionId = (i: number) => `mention-option-${i}`;
export const MENTION_LISTBOX_ID = 'mention-picker';

/**
 * The member picker "@" opens in a group's composer: a listbox named "Mention a member", each
 * option named by the member's display name and username. The focus stays in the text box (the
 * combobox pattern): the composer moves `active` with the arrow keys, Enter chooses, Escape
 * closes; a click chooses too. Rendered into the composer's own tree (no shadow root of its
 * own) so the text box's aria-activedescendant can name an option; the composer styles it.
 * @fires mention-pick - MentionPickEvent: an option was clicked
 */
@customElement('parley-mention-picker')
@localized()
export class ParleyMentionPicker extends LitElement {
  @property({ attribute: false }) options: MentionOption[] = [];
  @property({ type: Number }) active = 0;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    if (this.options.length === 0) return nothing;
    return html`<ul id=${MENTION_LISTBOX_ID} role="listbox" aria-label=${tm.mentionPicker()}>
      ${this.options.map(
        (o, i) => html`<li id=${mentionOptionId(i)} role="option" aria-label=${tm.mentionOption(o.name, o.user)} aria-selected=${i === this.active ? 'true' : 'false'}
          @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.dispatchEvent(new MentionPickEvent(o.user))}>
          <bdi class="name">${o.name}</bdi> <span class="user">@${o.user}</span>
        </li>`,
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-mention-picker': ParleyMentionPicker;
  }
}
