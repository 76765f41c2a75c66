/**
 * The log's row for a "Disappearing messages" notice (conversations/bodies/disappearing.ts): who
 * set the timer to what, in the reader's language; and the small timer mark a disappearing
 * message carries.
 */
import { css, html } from 'lit';
import type { StoredMessage } from '../../storage/db';
import { td, timerName } from '../../i18n/disappearing-strings';

/** The sentence of notice `m` (`me`: this user's name, the author of their own). */
export function noticeText(m: StoredMessage, me: string | undefined): string {
  const name = m.dir === 'out' ? (me ?? '') : m.peer;
  return m.disappearing ? td.setTo(name, timerName(m.disappearing)) : td.turnedOff(name);
}

export function renderNotice(m: StoredMessage, me: string | undefined) {
  return html`<p class="notice">${noticeText(m, me)}</p>`;
}

/** The mark on a message that will disappear: a timer glyph, named for screen readers. */
export function timerMark(seconds: number) {
  const name = td.mark(timerName(seconds));
  return html`<span class="timer" role="img" aria-label=${name} title=${name}>⏱</span>`;
}

export const noticeStyles = css`
  li.notice { align-self: center; max-width: 90%; background: none; }
  li.notice p.notice { margin: 0.4rem 0; font-size: 0.8rem; color: var(--muted); text-align: center; }
  .meta .timer { font-size: 0.75rem; }
`;
