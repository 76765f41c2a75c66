/**
 * Typing in groups: while the user types in a group, a `group_typing` signal goes to the server at
 * most every TYPING_SEND_EVERY_MS, which forwards it to the members online (never stored or
 * answered; PROTOCOL.md says what the server learns). A member is shown typing until
 * TYPING_SHOWN_MS pass without a signal or their message arrives. "Show typing" off: none sent,
 * none shown, as for 1:1 chats (conversations/typing.ts). Fires `change` (detail: the group id).
 */
import type { ClientFrame } from '../../../shared/protocol';
import { TYPING_SEND_EVERY_MS, TYPING_SHOWN_MS } from '../conversations/typing';
import type { Preferences } from '../conversations/preferences';

/** At most this many members are tracked as typing per group (beyond, "several people" is what shows). */
const MAX_SHOWN = 8;

export interface GroupTypingDeps {
  send: (frame: ClientFrame) => boolean;
  preferences: Pick<Preferences, 'showTyping'>;
  me: () => string;
}

export class GroupTyping extends EventTarget {
  /** Per group, the members shown typing (in the order they started) and the timer that ends each. */
  readonly #typing = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  readonly #lastSent = new Map<string, number>();

  constructor(private readonly d: GroupTypingDeps) {
    super();
  }

  /** The members typing in `group` now, oldest first. */
  typers(group: string): string[] {
    if (!this.d.preferences.showTyping) return [];
    return [...(this.#typing.get(group)?.keys() ?? [])];
  }

  /** The user typed in `group`'s composer. */
  input(group: string, now = Date.now()): void {
    if (!this.d.preferences.showTyping) return;
    if (now - (this.#lastSent.get(group) ?? Number.NEGATIVE_INFINITY) < TYPING_SEND_EVERY_MS) return;
    if (this.d.send({ t: 'group_typing', group })) this.#lastSent.set(group, now);
  }

  /** The user sent (or cleared the box): the next keystroke signals again at once. */
  stopped(group: string): void {
    this.#lastSent.delete(group);
  }

  /** The server says `from` is typing in `group`. */
  received(group: string, from: string): void {
    if (from === this.d.me()) return;
    let members = this.#typing.get(group);
    if (!members) this.#typing.set(group, (members = new Map()));
    const shown = members.get(from);
    if (shown) clearTimeout(shown);
    else if (members.size >= MAX_SHOWN) return;
    members.set(from, setTimeout(() => this.arrived(group, from), TYPING_SHOWN_MS));
    if (!shown) this.#changed(group);
  }

  /** A message from `from` arrived in `group` (or their signals stopped): no longer typing. */
  arrived(group: string, from: string): void {
    const members = this.#typing.get(group);
    const shown = members?.get(from);
    if (!members || !shown) return;
    clearTimeout(shown);
    members.delete(from);
    if (members.size === 0) this.#typing.delete(group);
    this.#changed(group);
  }

  #changed(group: string): void {
    this.dispatchEvent(new CustomEvent('change', { detail: group }));
  }
}
