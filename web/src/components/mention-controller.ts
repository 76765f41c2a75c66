/**
 * The composer's @mention picker in a group (issue 12, item 4): typing "@" (and the start of a
 * name) opens parley-mention-picker with the group's members that match, this user left out;
 * ArrowDown/ArrowUp move through them, Enter or Tab or a click chooses one ("@username " replaces
 * what was typed after "@"), Escape closes it. The text box keeps the focus throughout and names
 * the active option (aria-activedescendant), as the WAI-ARIA combobox pattern has it.
 */
import { type ReactiveController, type ReactiveControllerHost, html, nothing } from 'lit';
import { type MentionOption, mentionQuery, pickerOptions } from '../groups/mentions';
import { MENTION_LISTBOX_ID, type MentionPickEvent, mentionOptionId } from './parley-mention-picker';
import './parley-mention-picker';

export class MentionController implements ReactiveController {
  #open: { start: number; options: MentionOption[]; active: number } | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The members who may be mentioned (none outside a group). */
    private readonly members: () => MentionOption[],
    private readonly box: () => HTMLTextAreaElement | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  get isOpen(): boolean {
    return !!this.#open;
  }

  /** After each input: opens, filters or closes the picker from what is just before the caret. */
  update(): void {
    const box = this.box();
    const at = box ? mentionQuery(box.value, box.selectionStart ?? box.value.length) : undefined;
    const options = at ? pickerOptions(this.members(), at.query) : [];
    this.#open = at && options.length ? { start: at.start, options, active: 0 } : undefined;
    this.host.requestUpdate();
  }

  close(): void {
    if (!this.#open) return;
    this.#open = undefined;
    this.host.requestUpdate();
  }

  /** The text box's keys while the picker is open; true when it took the key. */
  onKey(e: KeyboardEvent): boolean {
    const open = this.#open;
    if (!open) return false;
    const n = open.options.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') open.active = (open.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
    else if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') this.choose(open.options[open.active]!.user);
    else if (e.key === 'Escape') this.close();
    else return false;
    e.preventDefault();
    e.stopPropagation();
    this.host.requestUpdate();
    return true;
  }

  /** Puts "@user " where the "@…" being typed is, the caret after it. */
  choose(user: string): void {
    const box = this.box();
    const open = this.#open;
    if (!box || !open) return;
    const caret = box.selectionStart ?? box.value.length;
    const insert = `@${user} `;
    box.value = box.value.slice(0, open.start) + insert + box.value.slice(caret);
    const end = open.start + insert.length;
    box.setSelectionRange(end, end);
    box.dispatchEvent(new Event('input', { bubbles: true })); // the draft keeps it; the picker closes
    this.close();
    box.focus();
  }

  /** What the text box carries of the picker (spread into its attributes by the composer). */
  get activeDescendant(): string | undefined {
    return this.#open ? mentionOptionId(this.#open.active) : undefined;
  }

  get listboxId(): string | undefined {
    return this.#open ? MENTION_LISTBOX_ID : undefined;
  }

  render() {
    const open = this.#open;
    if (!open) return nothing;
    return html`<parley-mention-picker .options=${open.options} .active=${open.active}
      @mention-pick=${(e: MentionPickEvent) => this.choose(e.user)}></parley-mention-picker>`;
  }
}
