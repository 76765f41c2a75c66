// Which parts of a message's text become links, and which never do.
import { describe, expect, it } from 'vitest';
import { linkParts } from './linkify';

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
