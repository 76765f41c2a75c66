/**
 * A group message's text with its @mentions highlighted (groups/mentions.ts says which count):
 * each kept "@name" is a `mark`, more strongly when it names the reader (who also hears "mentions
 * you"); the rest is text with its links, as any message's. Lit templates only: the text stays text.
 */
import { html } from 'lit';
import { mentionParts } from '../../groups/mentions';
import { tm } from '../../i18n/group-chat-strings';
import { linkify } from './linkify';

export function mentionText(text: string, mentions: readonly string[], me: string | undefined) {
  return mentionParts(text, mentions).map((p) =>
    p.mention === undefined
      ? linkify(p.text)
      : p.mention === me
        ? html`<mark class="mention me">${p.text}<span class="visually-hidden"> (${tm.mentionsYou()})</span></mark>`
        : html`<mark class="mention">${p.text}</mark>`,
  );
}
