import { css, html, nothing } from 'lit';
import type { MessageState, StoredMessage } from '../storage/db';
import { errorText } from '../i18n/error-text';
import { reactionCounts } from '../conversations/bodies/reaction';
import { t } from '../i18n/strings';
import './parley-file-item';

const stateLabel: Record<MessageState, () => string> = {
  sending: t.stateSending,
  sent: t.stateSent,
  delivered: t.stateDelivered,
  read: t.stateRead,
  failed: t.stateFailed,
};

/** One formatter for every message: building one per message (toLocaleTimeString) is slow. */
const timeFormat = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

/**
 * One message of the log: its content as its body kind shows it, its reactions, its time and
 * (for one's own) its state. A template, not an element: the log renders many, and their text
 * belongs to the log's own tree (what a screen reader and a test read as the list item's text).
 */
export function renderMessage(m: StoredMessage) {
  return html`${content(m)}
    <span class="meta">
      <time datetime=${new Date(m.ts).toISOString()}>${timeFormat.format(m.ts)}</time>
      ${m.dir === 'out' ? html`<span class="state ${m.state}">${stateLabel[m.state]()}</span>` : nothing}
      ${m.error ? html`<span class="why">${errorText(m.error)}</span>` : nothing}
    </span>`;
}

/** A message's content, as its body kind shows it; its reactions below. */
function content(m: StoredMessage) {
  if (m.deleted) return html`<p class="deleted">${t.messageDeleted()}</p>`;
  if (m.unsupported) return html`<p class="unsupported">${t.unsupportedMessage()}</p>`;
  const reactions = reactionCounts(m.reactions);
  return html`${m.file ? html`<parley-file-item .file=${m.file}></parley-file-item>` : html`<p>${m.text}</p>`}
    ${reactions.length
      ? html`<span class="reactions">
          ${reactions.map((r) => html`<span class="reaction" role="img" aria-label=${t.reactionCount(r.emoji, r.count)}>${r.emoji} ${r.count}</span>`)}
        </span>`
      : nothing}`;
}

/** The styles of a message, for the element that renders them. */
export const messageStyles = css`
  li p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  li p.deleted, li p.unsupported { font-style: italic; color: var(--muted); }
  .reactions { display: flex; gap: 0.25rem; margin-top: 0.2rem; }
  .reaction { padding: 0 0.4rem; border: 1px solid var(--border); border-radius: 999px; font-size: 0.8rem; }
  .meta { display: flex; gap: 0.4rem; justify-content: flex-end; font-size: 0.7rem; color: var(--muted); margin-top: 0.15rem; }
  .state.failed, .why { color: var(--danger); }
`;
