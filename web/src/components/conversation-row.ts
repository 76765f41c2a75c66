/**
 * One row of the conversation list: a button whose accessible name begins with the contact's
 * name (display name, or username when none), holds the username, and ends with ", N unread"
 * when messages wait. It shows presence (or "blocked"), the latest message's preview (kept on this
 * device only) and its time. A template, not an element: the list renders many.
 */
import { css, html, nothing } from 'lit';
import type { LastMessage } from '../storage/db';
import { listTime } from '../i18n/list-time';
import { t } from '../i18n/strings';
import { tm } from '../i18n/member-chat-strings';
import { td, timerName } from '../i18n/disappearing-strings';

export interface RowData {
  username: string;
  displayName: string | undefined;
  /** Undefined when presence is not known (the session was taken over by another browser). */
  online: boolean | undefined;
  blocked: boolean;
  changedKey: boolean;
  last: LastMessage | undefined;
  unread: number;
  /** A member chat: a group member who is not a contact ("Not a contact" stands where presence would). */
  notContact?: boolean;
}

/** What the row says of the latest message. */
export function previewText(last: LastMessage | undefined): string {
  if (!last) return t.noMessagesYet();
  if (last.deleted) return t.messageDeleted();
  if (last.disappearing !== undefined) return td.preview(timerName(last.disappearing));
  return last.file ? t.previewFile(last.text) : last.text;
}

export function renderConversationRow(row: RowData, selected: boolean, select: () => void) {
  const status = row.blocked ? t.blockedBadge() : row.notContact ? tm.notAContact() : row.online === undefined ? '' : row.online ? t.online() : t.offline();
  const time = row.last ? listTime(row.last.at) : '';
  const preview = previewText(row.last);
  // Spelled out: a name computed from the content would put a space before ", 2 unread".
  const parts = [row.displayName ?? row.username, row.displayName ? row.username : '', status, row.changedKey ? t.keyChangedBadge() : '', time, preview];
  const label = parts.filter(Boolean).join(' ') + (row.unread ? t.unreadSuffix(row.unread) : '');
  return html`<button class="row ${selected ? 'active' : ''}" aria-current=${selected ? 'true' : 'false'} aria-label=${label} @click=${select}>
    <span class="dot ${row.online && !row.blocked ? 'on' : ''} ${row.online === undefined ? 'unknown' : ''}" aria-hidden="true"></span>
    <span class="body">
      <span class="line">
        <bdi class="name">${row.displayName ?? row.username}</bdi>
        ${row.displayName ? html`<span class="user">${row.username}</span>` : nothing}
        ${status ? html`<span class="presence ${row.blocked ? 'blocked' : ''}">${status}</span>` : nothing}
        ${row.changedKey ? html`<span class="warn">${t.keyChangedBadge()}</span>` : nothing}
        ${row.last ? html`<time datetime=${new Date(row.last.at).toISOString()}>${time}</time>` : nothing}
      </span>
      <span class="line">
        <bdi class="preview ${row.last?.deleted ? 'deleted' : ''}">${preview}</bdi>
        ${row.unread ? html`<span class="unread">${row.unread}</span>` : nothing}
      </span>
    </span>
  </button>`;
}

export const rowStyles = css`
  button.row { width: 100%; display: flex; align-items: center; gap: 0.55rem; background: transparent; color: inherit; text-align: left; padding: 0.45rem 0.6rem; }
  button.row:hover, button.row.active { background: var(--bg); }
  .body { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 0.1rem; }
  .line { display: flex; align-items: baseline; gap: 0.4rem; min-width: 0; }
  .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
  .user, .presence, time { font-size: 0.75rem; color: var(--muted); white-space: nowrap; }
  .user { overflow: hidden; text-overflow: ellipsis; min-width: 0; }
  .presence.blocked, .warn { font-size: 0.75rem; color: var(--danger); }
  time { margin-left: auto; }
  .preview { flex: 1; min-width: 0; font-size: 0.85rem; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .preview.deleted { font-style: italic; }
  .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--border); flex: none; }
  .dot.on { background: var(--ok); }
  .dot.unknown { background: transparent; border: 1px dashed var(--border); }
  .unread { min-width: 1.2rem; padding: 0 0.35rem; border-radius: 999px; background: var(--accent); color: #fff; font-size: 0.75rem; text-align: center; }
`;
