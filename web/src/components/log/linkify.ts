/**
 * http(s) links in a message's text, made clickable with lit templates (the text stays text: no
 * innerHTML, nothing parsed as markup). Only the http and https schemes become links; a link
 * opens in a new tab with no opener and no referrer, and nothing is fetched for a preview, so no
 * third party learns that a message named it until the reader chooses to follow it.
 */
import { type TemplateResult, html } from 'lit';

/** A candidate: a scheme, then anything up to white space or a character that cannot end a pasted link. */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/giu;
/**
 * Punctuation that ends a sentence rather than the link ("see https://x.org."). Cut by a loop from
 * the end, not by a regex anchored at `$`: that one backtracks quadratically on a long run of
 * punctuation inside a candidate, and a contact chooses the text (review H1).
 */
const TRAILING = new Set([...".,;:!?'’”»)]}"]);

/**
 * The longest candidate made a link (UTF-16 code units). Real URLs are far shorter (browsers
 * and servers commonly stop near 2,000); a longer run stays plain text, so a contact's text
 * cannot make this page parse huge URLs.
 */
export const MAX_LINK_CHARS = 2_048;

/** A link's text part, and the URL it opens. */
export interface LinkPart {
  text: string;
  href?: string;
}

/** `text` cut into plain parts and link parts (with their parsed, http(s) only href). */
export function linkParts(text: string): LinkPart[] {
  const parts: LinkPart[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    if (match[0].length > MAX_LINK_CHARS) continue;
    const cut = trailingStart(match[0]);
    const candidate = balanceParens(match[0].slice(0, cut), match[0].slice(cut));
    const href = safeHref(candidate);
    if (!href) continue;
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** Where the trailing sentence punctuation of `candidate` starts (its length when there is none). */
function trailingStart(candidate: string): number {
  let i = candidate.length;
  while (i > 0 && TRAILING.has(candidate[i - 1]!)) i--;
  return i;
}

/** Gives back a closing parenthesis the trailing cut took when the link holds its opening one (Wikipedia's "Foo_(bar)"). */
function balanceParens(link: string, trailing: string): string {
  const open = link.split('(').length - 1;
  const close = link.split(')').length - 1;
  return open > close && trailing.startsWith(')') ? `${link})` : link;
}

/** The URL `candidate` names, when it parses and its scheme is http or https. */
function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** `text` as lit content, its http(s) links clickable. */
export function linkify(text: string): Array<string | TemplateResult> {
  if (!text.includes('http')) return [text]; // most messages: no work
  return linkParts(text).map((p) => (p.href ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer">${p.text}</a>` : p.text));
}

/**
 * `linkify`, computed once per message object and text: the log renders every row of its window
 * on each arrival, receipt and page load, and re-cutting up to 200 long texts each time is what
 * made a conversation hang (review H1). Weakly held: an entry goes with the message object, and
 * an edit (a new text) computes it again.
 */
export class LinkMemo {
  readonly #parts = new WeakMap<object, { text: string; parts: Array<string | TemplateResult> }>();

  /** The parts of `text`, the text of message `key`. */
  of(key: object, text: string): Array<string | TemplateResult> {
    const known = this.#parts.get(key);
    if (known?.text === text) return known.parts;
    const parts = linkify(text);
    this.#parts.set(key, { text, parts });
    return parts;
  }
}
