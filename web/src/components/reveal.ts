/**
 * Showing one message of a log on request (a reply's quote was clicked): the log hears a
 * `parley-reveal` event ({id}, bubbling and composed) and, when it has that message's item,
 * scrolls it into view, focuses it and marks it for a moment. When it does not (the original is
 * not loaded), the event bubbles on for the conversation's history to open around it.
 */

/** The event a quote raises. */
export type RevealEvent = CustomEvent<{ id: string }>;

/** How long a revealed message stays marked. */
export const REVEAL_MARK_MS = 1500;

/** Reveals the item of message `id` in `log` (items carry `data-id`); false when it has none. */
export function revealIn(log: HTMLElement, id: string): boolean {
  const item = log.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"]`);
  if (!item) return false;
  item.scrollIntoView({ block: 'center' });
  item.tabIndex = -1; // focusable by script, not in the tab order
  item.focus({ preventScroll: true });
  item.classList.add('revealed');
  setTimeout(() => item.classList.remove('revealed'), REVEAL_MARK_MS);
  return true;
}

declare global {
  interface HTMLElementEventMap {
    'parley-reveal': RevealEvent;
  }
}
