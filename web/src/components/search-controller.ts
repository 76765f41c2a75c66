import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SearchHit } from '../conversations/search';

/** What runs a search (Services.searchMessages). */
export type Search = (query: string, options: { signal?: AbortSignal }) => Promise<SearchHit[]>;

/** A search starts this long after the last keystroke: typing a word runs one search, not one per letter. */
export const SEARCH_DEBOUNCE_MS = 150;

/**
 * The message search behind the sidebar's Search box: runs a little after the query settles,
 * cancels the search of a query that changed (or of a host that left the page), and keeps only
 * the answer to the latest query.
 */
export class SearchController implements ReactiveController {
  query = '';
  hits: SearchHit[] = [];
  /** A search is running for `query`. */
  busy = false;
  #abort: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly search: () => Search,
  ) {
    host.addController(this);
  }

  set(query: string): void {
    if (query === this.query) return;
    this.query = query;
    this.#cancel();
    if (!query.trim()) {
      this.hits = [];
      this.busy = false;
    } else {
      this.busy = true;
      this.#timer = setTimeout(() => void this.#run(query), SEARCH_DEBOUNCE_MS);
    }
    this.host.requestUpdate();
  }

  /** Searches again (the messages changed), keeping what shows until the answer comes. */
  refresh(): void {
    if (!this.query.trim() || this.#timer) return;
    this.#cancel();
    this.#timer = setTimeout(() => void this.#run(this.query), SEARCH_DEBOUNCE_MS);
  }

  async #run(query: string): Promise<void> {
    this.#timer = undefined;
    const abort = (this.#abort = new AbortController());
    const start = performance.now();
    try {
      const hits = await this.search()(query, { signal: abort.signal });
      if (abort.signal.aborted) return;
      this.hits = hits;
    } catch (err) {
      if (abort.signal.aborted) return;
      console.warn('parley: search failed', err);
      this.hits = [];
    }
    const found = performance.now() - start;
    this.busy = false;
    this.host.requestUpdate();
    await this.host.updateComplete;
    // For the benchmark (bench/search-bench.ts): the query settled → its results on screen.
    performance.measure('parley:search', { start, detail: { hits: this.hits.length, found } });
  }

  #cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort?.abort();
    this.#abort = undefined;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#cancel();
  }
}
