/**
 * One broadcast list of the conversation list: a button whose accessible name begins with the
 * list's name, says it is a broadcast and to how many, then its latest message's time and
 * preview (conversation-row.ts's styles). A template, as that one is.
 */
import { html, nothing } from 'lit';
import type { StoredBroadcast } from '../storage/db';
import { tb } from '../i18n/broadcast-strings';
import { listTime } from '../i18n/list-time';
import { previewText } from './conversation-row';

export function renderBroadcastRow(list: StoredBroadcast, selected: boolean, select: () => void) {
  const last = list.last;
  const time = last ? listTime(last.at) : '';
  const preview = previewText(last);
  const count = tb.recipientCount(list.recipients.length);
  const label = [list.name, tb.broadcast(), count, time, preview].filter(Boolean).join(' ');
  return html`<button class="row ${selected ? 'active' : ''}" aria-current=${selected ? 'true' : 'false'} aria-label=${label} @click=${select}>
    <span class="dot group" aria-hidden="true">📣</span>
    <span class="body">
      <span class="line">
        <bdi class="name">${list.name}</bdi>
        <span class="user">${tb.broadcast()}</span>
        ${last ? html`<time datetime=${new Date(last.at).toISOString()}>${time}</time>` : nothing}
      </span>
      <span class="line"><bdi class="preview">${preview}</bdi></span>
    </span>
  </button>`;
}
