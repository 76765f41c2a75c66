import { css, html, nothing } from 'lit';
import type { MessageState, StoredMessage } from '../storage/db';
import { errorText } from '../i18n/error-text';
import { reactionCounts } from '../conversations/bodies/reaction';
import { t } from '../i18n/strings';
import { fullDateTime } from './log/day-separators';
// One formatter per locale for every message (formats.ts): one per message (toLocaleTimeString) is slow.
import { formatsFor } from '../i18n/formats';
import { activeLocale } from '../i18n/locale';
import { LinkMemo } from './log/linkify';
import { mentionText } from './log/mention-text';
import { quoteAuthor } from './log/quote-author';
import { timerMark } from './log/disappearing-notice';
import './parley-file-item';
import './parley-message-actions';
import './parley-reactions';
import './log/parley-scheduled-actions';
import { isScheduled } from '../conversations/scheduled';
import { ts } from '../i18n/schedule-strings';

const stateLabel: Record<MessageState, () => string> = {
  sending: t.stateSending,
  sent: t.stateSent,
  delivered: t.stateDelivered,
  read: t.stateRead,
  failed: t.stateFailed,
};

/**
 * The linked text of each message, kept between renders of the log (weakly, per message object):
 * module-wide like the formatter, since every log shows the same stored messages.
 */
const links = new LinkMemo();


/**
 * One message of the log: its content as its body kind shows it (a reply with its quote), its
 * reactions, its time, "edited", (for one's own) its state (one's own file says how its transfer
 * goes instead: parley-file-item), and its "Message actions" menu. A template, not an element: the
 * log renders many, and their text belongs to the log's own tree (what a screen reader and a test
 * read as the list item's text).
 */
export function renderMessage(m: StoredMessage, opts: { showRead: boolean; me?: string } = { showRead: true }) {
  // With "Send read receipts" off none are shown either (as in Signal): a read message reads "delivered".
  const state = m.state === 'read' && !opts.showRead ? 'delivered' : m.state;
  // One's own scheduled message, still held: when it goes, and Cancel / Send now (nothing else yet).
  if (isScheduled(m)) return html`${content(m, opts.me)}<parley-scheduled-actions .message=${m}></parley-scheduled-actions>`;
  return html`${content(m, opts.me)}
    <span class="meta">
      ${m.scheduledFor !== undefined ? html`<span class="scheduled">${ts.scheduledMark()}</span>` : nothing}
      ${m.expiresIn && !m.deleted ? timerMark(m.expiresIn) : nothing}
      ${messageTime(m.scheduledFor ?? m.ts)}
      ${m.edited && !m.deleted ? html`<span class="edited">${t.edited()}</span>` : nothing}
      ${m.dir === 'out' && !m.deleted && (!m.file || m.state === 'failed') ? html`<span class="state ${state}">${stateLabel[state]()}</span>` : nothing}
      ${m.error ? html`<span class="why">${errorText(m.error)}</span>` : nothing}
      <parley-message-actions .message=${m}></parley-message-actions>
    </span>`;
}

/**
 * The message's time, reachable with the keyboard: focused (or hovered) it shows the full date
 * and time, which is also what a screen reader reads for it (the short time is for the eye).
 */
function messageTime(ts: number) {
  return html`<time tabindex="0" datetime=${new Date(ts).toISOString()}><span aria-hidden="true">${formatsFor(activeLocale()).time.format(ts)}</span><span class="full">${fullDateTime(ts)}</span></time>`;
}

/** A message's content, as its body kind shows it; its reactions below. */
function content(m: StoredMessage, me: string | undefined) {
  if (m.deleted) return html`<p class="deleted">${t.messageDeleted()}</p>`;
  if (m.unsupported) return html`<p class="unsupported">${t.unsupportedMessage()}</p>`;
  return html`${m.reply ? quote(m, m.reply, me) : nothing}
    ${m.file ? html`<parley-file-item .file=${m.file} .sent=${m.dir === 'out' ? m.state : undefined}></parley-file-item>` : html`<p>${m.mentions?.length ? mentionText(m.text, m.mentions, me) : links.of(m, m.text)}</p>`}
    ${reactionCounts(m.reactions).length ? html`<parley-reactions .message=${m} .reactions=${m.reactions}></parley-reactions>` : nothing}`;
}

/**
 * The quote of the message a reply answers: a button that asks the log to show the original
 * (`parley-reveal`, which the log answers when the original is loaded, and the conversation's
 * history otherwise). In a conversation of two the author is the contact or the user (log/quote-author.ts).
 */
function quote(m: StoredMessage, reply: NonNullable<StoredMessage['reply']>, me: string | undefined) {
  const author = quoteAuthor(m, reply, me);
  const text = reply.text || t.quoteDeleted();
  const reveal = (e: Event) =>
    e.currentTarget!.dispatchEvent(new CustomEvent('parley-reveal', { detail: { id: reply.id }, bubbles: true, composed: true }));
  return html`<button class="quote" aria-label=${t.inReplyTo(author, text)} @click=${reveal}>
    <span class="who">${author}</span><span class="quoted">${text}</span>
  </button>`;
}

/** The styles of a message, for the element that renders them. */
export const messageStyles = css`
  li p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  li p.deleted, li p.unsupported { font-style: italic; color: var(--muted); }
  .meta { display: flex; gap: 0.4rem; justify-content: flex-end; align-items: center; font-size: 0.7rem; color: var(--muted); margin-top: 0.15rem; }
  .state.failed, .why { color: var(--danger); }
  .meta .scheduled { font-style: italic; }
  .meta time { position: relative; border-radius: 4px; }
  .meta time:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
  /* Read by screen readers always; shown as a tooltip while the time is focused or hovered. */
  .meta time .full { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .meta time:hover .full, .meta time:focus .full {
    width: auto; height: auto; overflow: visible; clip: auto; bottom: calc(100% + 4px); inset-inline-end: 0; z-index: 2;
    padding: 0.2rem 0.45rem; font-size: 0.75rem; color: var(--text); background: var(--panel); border: 1px solid var(--border); border-radius: 6px;
  }
  .quote {
    display: flex; flex-direction: column; align-items: flex-start; width: 100%; margin: 0 0 0.3rem; padding: 0.25rem 0.5rem;
    font: inherit; font-size: 0.85rem; text-align: start; color: inherit; cursor: pointer;
    background: color-mix(in srgb, var(--accent) 8%, transparent); border: 0; border-inline-start: 3px solid var(--accent); border-radius: 6px;
  }
  .quote .who { font-weight: 600; color: var(--accent); }
  .quote .quoted { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 100%; color: var(--muted); }
  .quote:focus-visible { outline: 2px solid var(--accent); }
  li.revealed { outline: 2px solid var(--accent); outline-offset: 2px; }
  .mention { font-weight: 600; color: var(--accent); background: color-mix(in srgb, var(--accent) 10%, transparent); border-radius: 4px; padding: 0 0.15rem; }
  .mention.me { color: var(--accent-text); background: var(--accent); }
`;
