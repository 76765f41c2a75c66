// Which parts of a message's text become links, and which never do.
import { describe, expect, it } from 'vitest';
import { LinkMemo, MAX_LINK_CHARS, linkParts } from './linkify';

const links = (text: string) => linkParts(text).filter((p) => p.href).map((p) => p.href);

describe('linkParts', () => {
  it('finds http and https links and keeps every character of the text', () => {
    const text = 'see https://example.org/a?b=1#c and http://x.test, then stop.';
    expect(links(text)).toEqual(['https://example.org/a?b=1#c', 'http://x.test/']);
    expect(linkParts(text).map((p) => p.text).join('')).toBe(text);
  });

  it('leaves sentence punctuation outside the link, but a parenthesis the link opened inside it', () => {
    expect(links('look: https://example.org/page.')).toEqual(['https://example.org/page']);
    expect(links('(https://example.org/x)')).toEqual(['https://example.org/x']);
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)')).toEqual(['https://en.wikipedia.org/wiki/Foo_(bar)']);
  });

  it('never links another scheme, a bare host or markup', () => {
    expect(links('javascript:alert(1) data:text/html,<b>x</b> ftp://host/file www.example.org')).toEqual([]);
    expect(links('<a href="javascript:alert(1)">https://ok.test</a>')).toEqual(['https://ok.test/']);
    expect(links('http://')).toEqual([]);
  });
});

describe('linkParts on hostile text (review H1)', () => {
  it('cuts a long run of punctuation in linear time and leaves an overlong candidate plain', () => {
    // The old trailing regex took seconds on this (quadratic backtracking); a linear cut takes milliseconds.
    const run = `https://a${'.'.repeat(40_000)}x`;
    const started = performance.now();
    expect(links(run)).toEqual([]); // longer than MAX_LINK_CHARS: text, not a link
    const punct = `${`https://a.test/${'.'.repeat(MAX_LINK_CHARS - 40)}x `.repeat(20)}`;
    expect(links(punct)).toHaveLength(20);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(linkParts(run).map((p) => p.text).join('')).toBe(run);
  });

  it('links a candidate of exactly MAX_LINK_CHARS, and cuts trailing punctuation from it', () => {
    const url = `https://a.test/${'b'.repeat(MAX_LINK_CHARS - 15)}`;
    expect(url).toHaveLength(MAX_LINK_CHARS);
    expect(links(`${url} and ${url}b`)).toEqual([url]);
    expect(links(`(${url.slice(0, -10)})...`)).toEqual([url.slice(0, -10)]);
  });
});

describe('LinkMemo', () => {
  it('computes the parts once per message and text, again after an edit', () => {
    const memo = new LinkMemo();
    const message = { text: 'see https://x.test' };
    const first = memo.of(message, message.text);
    expect(memo.of(message, message.text)).toBe(first);
    expect(memo.of({ ...message }, message.text)).not.toBe(first);
    const edited = memo.of(message, 'now https://y.test');
    expect(edited).not.toBe(first);
    expect(edited).toHaveLength(2);
  });
});
