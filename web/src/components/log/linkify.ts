/**
 * http(s) links in a message's text, made clickable with lit templates (the text stays text: no
 * innerHTML, nothing parsed as markup). Only the http and https schemes become links; a link
 * opens in a new tab with no opener and no referrer, and nothing is fetched for a preview, so no
 * third party learns that a message named it until the reader chooses to follow it.
 */
import { type TemplateResult, html } from 'lit';

/** A candidate: a scheme, then anything up to white space or a character that cannot end a pasted link. */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/giu;
/** Punctuation that ends a sentence rather than the link ("see https://x.org."). */
const TRAILING = /[.,;:!?'’”»)\]}]+$/u;

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
    let candidate = match[0];
    const trailing = TRAILING.exec(candidate)?.[0] ?? '';
    candidate = balanceParens(candidate.slice(0, candidate.length - trailing.length), trailing);
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
