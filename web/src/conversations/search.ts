/**
 * Finding messages by their text across every conversation, on this device only (nothing is sent
 * anywhere): one cursor over the messages store (measured faster here than getAll in batches:
 * Chromium prefetches cursor values), holding only the best hits so far, never the whole history,
 * and stopping as soon as the query it answers has changed (its AbortSignal). Matching is
 * case-insensitive and Unicode-aware: both sides are NFKC-normalised (full-width and compatibility
 * forms match their plain ones) and lower-cased for the user's locale; a query in 中文 matches as
 * a plain substring (no word boundaries to respect).
 */
import type { ConversationId, Database, Direction, StoredMessage } from '../storage/db';

/** The most results a search returns (the newest ones): a list one can scan. */
export const SEARCH_MAX_RESULTS = 50;
/** The cursor looks at its AbortSignal every this many messages. */
export const SEARCH_BATCH = 500;
/** Characters of context shown on each side of the match. */
export const SNIPPET_CONTEXT = 32;
/** The longest query taken (longer ones are cut): a query is typed, not pasted history. */
export const MAX_QUERY_CHARS = 200;

export interface SearchHit {
  conv: ConversationId;
  peer: string;
  dir: Direction;
  id: string;
  /** Local order (storage/db.ts): the newest first. */
  seq: number;
  /** The sender's clock. */
  ts: number;
  /** The match with some text around it ("…" where the text goes on). */
  snippet: { before: string; match: string; after: string };
}

/** Printable ASCII and whitespace only: already in NFKC, so normalising it can be skipped (it is most of the cost). */
const ASCII = /^[\x00-\x7f]*$/;

/** The form both a query and a text are compared in. */
export function fold(text: string): string {
  return (ASCII.test(text) ? text : text.normalize('NFKC')).toLocaleLowerCase();
}

/**
 * The newest messages (at most `limit`) whose text contains `query`, newest first. Rejects with
 * the signal's reason (an AbortError) once `signal` is aborted. An empty query finds nothing.
 */
export async function searchMessages(
  db: Database,
  query: string,
  { signal, limit = SEARCH_MAX_RESULTS }: { signal?: AbortSignal; limit?: number } = {},
): Promise<SearchHit[]> {
  const needle = fold(query.trim().slice(0, MAX_QUERY_CHARS));
  if (!needle) return [];
  const top = new TopBySeq(limit);
  signal?.throwIfAborted();
  let cursor = await db.transaction('messages').store.openCursor();
  for (let n = 1; cursor; n++) {
    const m: StoredMessage = cursor.value;
    if (!m.deleted && !m.unsupported && m.text && top.wants(m.seq)) {
      const snippet = snippetOf(m.text, needle);
      if (snippet) top.add({ conv: m.conv, peer: m.peer, dir: m.dir, id: m.id, seq: m.seq, ts: m.ts, snippet });
    }
    // Not continuing ends the transaction: nothing more is read for a query that changed.
    if (n % SEARCH_BATCH === 0) signal?.throwIfAborted();
    cursor = await cursor.continue();
  }
  signal?.throwIfAborted();
  return top.list;
}

/** Where `needle` (folded) is in `text` (`folded` is its folded form), with its context; undefined when it is not there. */
export function snippetOf(text: string, needle: string, folded = fold(text)): SearchHit['snippet'] | undefined {
  const at = folded.indexOf(needle);
  if (at < 0) return undefined;
  // Folding may change the length (ﬁ → fi, İ → i̇): then the folded text is what can be cut
  // at the match's offsets.
  const source = folded.length === text.length ? text : folded;
  const end = at + needle.length;
  const from = notInPair(source, Math.max(0, at - SNIPPET_CONTEXT), -1);
  const to = notInPair(source, Math.min(source.length, end + SNIPPET_CONTEXT), 1);
  return {
    before: (from > 0 ? '…' : '') + source.slice(from, at).trimStart(),
    match: source.slice(at, end),
    after: source.slice(end, to).trimEnd() + (to < source.length ? '…' : ''),
  };
}

/** `i`, moved by `step` if it would cut a surrogate pair (an emoji) in two. */
function notInPair(text: string, i: number, step: -1 | 1): number {
  const code = text.charCodeAt(i);
  return i > 0 && i < text.length && code >= 0xdc00 && code <= 0xdfff ? i + step : i;
}

/** The `limit` hits of highest seq seen so far, kept sorted newest first. */
export class TopBySeq {
  readonly list: SearchHit[] = [];
  constructor(private readonly limit: number) {}

  /** Whether a hit of `seq` would be kept (checked before the text is searched). */
  wants(seq: number): boolean {
    return this.list.length < this.limit || seq > this.list[this.list.length - 1].seq;
  }

  add(hit: SearchHit): void {
    let i = this.list.findIndex((h) => h.seq < hit.seq);
    if (i < 0) i = this.list.length;
    this.list.splice(i, 0, hit);
    if (this.list.length > this.limit) this.list.pop();
  }
}
