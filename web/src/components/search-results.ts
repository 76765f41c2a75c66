/**
 * The messages a search found, newest first: each a button naming the conversation (the contact, or the group), with the time and
 * the match in its context; choosing one opens the conversation at that message.
 */
import { css, html, nothing } from 'lit';
import type { SearchHit } from '../conversations/search';
import { listTime } from '../i18n/list-time';
import { t } from '../i18n/strings';
import type { SearchController } from './search-controller';

export function renderSearchResults(search: SearchController, nameOf: (hit: SearchHit) => string, open: (hit: SearchHit) => void) {
  const { hits, busy } = search;
  return html`<h2 id="found">${t.searchResults()}</h2>
    <p class="hint" role="status">${busy ? t.searching() : hits.length === 0 ? t.noResults() : ''}</p>
    ${hits.length
      ? html`<ul class="results" aria-labelledby="found">
          ${hits.map(
            (hit) => html`<li>
              <button class="result" @click=${() => open(hit)}>
                <span class="line">
                  <bdi class="name">${nameOf(hit)}</bdi>
                  <time datetime=${new Date(hit.ts).toISOString()}>${listTime(hit.ts)}</time>
                </span>
                <bdi class="snippet">${hit.snippet.before}<mark>${hit.snippet.match}</mark>${hit.snippet.after}</bdi>
              </button>
            </li>`,
          )}
        </ul>`
      : nothing}`;
}

export const searchStyles = css`
  button.result { width: 100%; display: flex; flex-direction: column; gap: 0.1rem; background: transparent; color: inherit; text-align: left; padding: 0.4rem 0.6rem; }
  button.result:hover { background: var(--bg); }
  .snippet { font-size: 0.85rem; color: var(--muted); overflow-wrap: anywhere; }
  mark { background: color-mix(in srgb, var(--accent) 25%, transparent); color: inherit; border-radius: 3px; }
`;
