/**
 * One group of the conversation list: a button whose accessible name begins with the group's
 * name, says it is a group, and ends with ", N unread" as a contact's row does; it shows the
 * latest message's preview and time (conversation-row.ts's styles), and once this user is out of
 * it, why ("removed", "left", …). A template, as that one is.
 */
import { html, nothing } from 'lit';
import type { GroupView } from '../groups/core';
import type { LastMessage } from '../storage/db';
import { listTime } from '../i18n/list-time';
import { tg } from '../i18n/group-strings';
import { t } from '../i18n/strings';
import { previewText } from './conversation-row';

export interface GroupRowData {
  view: GroupView;
  last: LastMessage | undefined;
  unread: number;
}

export function renderGroupRow(row: GroupRowData, selected: boolean, select: () => void) {
  const { view, last, unread } = row;
  const time = last ? listTime(last.at) : '';
  const preview = previewText(last);
  const out = view.removed ? tg.outBadge(view.removed) : '';
  const parts = [view.name, tg.group(), out, time, preview];
  const label = parts.filter(Boolean).join(' ') + (unread ? t.unreadSuffix(unread) : '');
  return html`<button class="row ${selected ? 'active' : ''}" aria-current=${selected ? 'true' : 'false'} aria-label=${label} @click=${select}>
    <span class="dot group" aria-hidden="true">#</span>
    <span class="body">
      <span class="line">
        <bdi class="name">${view.name}</bdi>
        <span class="user">${tg.group()}</span>
        ${out ? html`<span class="presence blocked">${out}</span>` : nothing}
        ${last ? html`<time datetime=${new Date(last.at).toISOString()}>${time}</time>` : nothing}
      </span>
      <span class="line">
        <bdi class="preview ${last?.deleted ? 'deleted' : ''}">${preview}</bdi>
        ${unread ? html`<span class="unread">${unread}</span>` : nothing}
      </span>
    </span>
  </button>`;
}
