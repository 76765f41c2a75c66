import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { deletableForEveryone } from '../conversations/actions';
import { editable } from '../conversations/bodies/edit';
import type { StoredMessage } from '../storage/db';
import { t } from '../i18n/strings';
import { deleteForEveryone, maySendIn, react } from './chat-actions';
import { convGroup } from './group-ids';
import { type Services, servicesContext } from './context';
import { ti } from '../i18n/message-info-strings';
import { MessageInfoEvent } from './parley-message-info';
import { localized } from '@lit/localize';

/** The emoji the "React" menu offers, in its order. */
export const REACTION_CHOICES = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** What the composer is asked to do with a message (see ComposeEvent). */
export type ComposeKind = 'reply' | 'edit';

/** Asks the conversation's composer to reply to, or edit, `message`. Bubbles out of the log's shadow tree. */
export class ComposeEvent extends Event {
  constructor(
    readonly kind: ComposeKind,
    readonly message: StoredMessage,
  ) {
    super('parley-compose', { bubbles: true, composed: true });
  }
}

interface Item {
  label: string;
  run: () => void | Promise<void>;
  /** The menu stays open (it became another menu). */
  keepsOpen?: boolean;
}

/**
 * A message's "Message actions" button and its menu, as the WAI-ARIA menu button pattern has
 * it: Enter, Space or the arrows open it on an item, the arrows (Home, End) move through the
 * items, Escape closes it and focus goes back to the button; Tab or a click elsewhere closes
 * it. "React" turns the menu into one of emoji. Reply and Edit are the composer's: they are
 * asked for with a ComposeEvent; the rest it does itself.
 * @fires parley-compose - ComposeEvent: reply to or edit this message
 */
@customElement('parley-message-actions')
@localized()
export class ParleyMessageActions extends LitElement {
  @consume({ context: servicesContext }) services!: Services;
  @property({ attribute: false }) message!: StoredMessage;
  /** Which menu is open: the actions, or the emoji to react with. */
  @state() private open: 'actions' | 'react' | undefined;
  /** The menu opens upwards when the button sits in the lower half of the window. */
  @state() private up = false;

  override render() {
    return html`<button class="trigger" aria-label=${t.messageActions()} aria-haspopup="menu" aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="menu" @click=${() => this.#toggle('first')} @keydown=${this.#onTriggerKey}>
        <span aria-hidden="true">⋯</span>
      </button>
      ${this.open
        ? html`<div id="menu" role="menu" class="menu ${this.message.dir} ${this.up ? 'up' : ''}"
            aria-label=${this.open === 'react' ? t.reactions() : t.messageActions()} @keydown=${this.#onMenuKey} @focusout=${this.#onFocusOut}>
            ${(this.open === 'react' ? this.#emoji() : this.#actions()).map(
              (item) => html`<button role="menuitem" tabindex="-1" @click=${() => this.#choose(item)}>${item.label}</button>`,
            )}
          </div>`
        : nothing}`;
  }

  /** The actions this message allows, for its author or its reader. */
  #actions(): Item[] {
    const m = this.message;
    const conv = m.conv;
    const actions = this.services.messenger.actions;
    const items: Item[] = [];
    // The same actions in a group as with a contact (chat-actions.ts sends a group's through the
    // group service), but only those that stay here where this user may not send in the group now.
    const group = convGroup(conv);
    const sends = !group || maySendIn(this.services.groups.view(group), this.services.account.identity?.username);
    if (!m.deleted && !m.unsupported) {
      if (sends) items.push({ label: t.reply(), run: () => this.#compose('reply') });
      if (sends) items.push({ label: t.react(), run: () => this.#openMenu('react'), keepsOpen: true });
      if (!m.file) items.push({ label: t.copy(), run: () => navigator.clipboard.writeText(m.text) });
    }
    if (sends && m.dir === 'out' && editable(m)) items.push({ label: t.edit(), run: () => this.#compose('edit') });
    if (sends && m.dir === 'out' && !m.deleted && deletableForEveryone(m.ts)) {
      items.push({ label: t.deleteForEveryone(), run: () => deleteForEveryone(this.services, m) });
    }
    // Who has it, for one's own group message the server took (as WhatsApp: info only for one's own).
    if (group && m.dir === 'out' && !m.deleted && m.state !== 'sending' && m.state !== 'failed') {
      items.push({ label: ti.messageInfo(), run: () => void this.dispatchEvent(new MessageInfoEvent(m.id)) });
    }
    items.push({ label: t.deleteForMe(), run: () => actions.deleteForMe(conv, m.dir, m.id) });
    return items;
  }

  /** One emoji to react with each; choosing the one already chosen takes it back. */
  #emoji(): Item[] {
    const m = this.message;
    const mine = m.reactions?.[this.services.account.identity?.username ?? '']?.emoji;
    return REACTION_CHOICES.map((emoji) => ({
      label: emoji,
      run: () => react(this.services, m, emoji, mine === emoji),
    }));
  }

  async #choose(item: Item): Promise<void> {
    try {
      await item.run();
    } catch (err) {
      console.warn('parley: a message action failed', err);
    }
    if (!item.keepsOpen && this.open) this.#close(true);
  }

  #compose(kind: ComposeKind): void {
    this.#close(false);
    this.dispatchEvent(new ComposeEvent(kind, this.message));
  }

  #toggle(focus: 'first' | 'last'): void {
    if (this.open) this.#close(true);
    else void this.#openMenu('actions', focus);
  }

  async #openMenu(which: 'actions' | 'react', focus: 'first' | 'last' = 'first'): Promise<void> {
    if (!this.open) this.up = this.getBoundingClientRect().top > window.innerHeight / 2;
    this.open = which;
    await this.updateComplete;
    const items = this.#items();
    items[focus === 'first' ? 0 : items.length - 1]?.focus();
  }

  #close(refocus: boolean): void {
    this.open = undefined;
    if (refocus) this.renderRoot.querySelector<HTMLButtonElement>('.trigger')?.focus();
  }

  #items(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[role=menuitem]')];
  }

  #onTriggerKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!this.open) void this.#openMenu('actions', e.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  #onMenuKey = (e: KeyboardEvent) => {
    const items = this.#items();
    const at = items.indexOf(this.renderRoot.querySelector(':focus') as HTMLButtonElement);
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      items[(moves[e.key]! + items.length) % items.length]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.#close(true);
    } else if (e.key === 'Tab') {
      this.#close(false);
    }
  };

  /**
   * Focus left the menu (a click or Tab elsewhere): it closes. Looked at once focus has settled,
   * since the menu's own items change under it when it becomes the emoji menu.
   */
  #onFocusOut = () => {
    setTimeout(() => {
      if (this.open && !(this.renderRoot as ShadowRoot).activeElement) this.open = undefined;
    }, 0);
  };

  static override styles = css`
    :host { position: relative; display: inline-block; }
    button { font: inherit; cursor: pointer; border: 0; background: transparent; color: inherit; }
    .trigger { padding: 0 0.35rem; border-radius: 6px; font-size: 0.9rem; line-height: 1; }
    .trigger:hover, .trigger[aria-expanded='true'] { background: var(--border); }
    .menu {
      position: absolute; top: 100%; z-index: 10; display: flex; flex-direction: column; min-width: 11rem;
      padding: 0.25rem; background: var(--panel); color: var(--text); border: 1px solid var(--border);
      border-radius: 10px; box-shadow: 0 4px 16px rgb(0 0 0 / 18%);
    }
    .menu.up { top: auto; bottom: 100%; }
    .menu.out { right: 0; }
    .menu.in { left: 0; }
    .menu[aria-label] [role='menuitem'] { text-align: start; padding: 0.4rem 0.6rem; border-radius: 6px; font-size: 0.9rem; white-space: nowrap; }
    [role='menuitem']:focus, [role='menuitem']:hover { background: var(--bubble-out); outline: none; }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-message-actions': ParleyMessageActions;
  }
  interface HTMLElementEventMap {
    'parley-compose': ComposeEvent;
  }
}
