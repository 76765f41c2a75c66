import { describe, expect, it } from 'vitest';
import { isDisplayName, normalizeDisplayName } from './display-name';

describe('display names', () => {
  it('accepts any script, trimmed and NFC-normalized', () => {
    expect(normalizeDisplayName('  张伟 ')).toBe('张伟');
    expect(normalizeDisplayName('Zoe\u0308')).toBe('Zoë'); // decomposed ë becomes one code point
    expect(normalizeDisplayName('👩‍💻 Ada')).toBe('👩‍💻 Ada'); // the zero-width joiner of an emoji stays
    expect(normalizeDisplayName('محمد')).toBe('محمد');
  });

  it('counts 1 to 64 characters (code points, not UTF-16 units) after trimming', () => {
    expect(normalizeDisplayName('   ')).toBeUndefined();
    expect(normalizeDisplayName('')).toBeUndefined();
    expect(normalizeDisplayName('a'.repeat(64))).toBe('a'.repeat(64));
    expect(normalizeDisplayName('a'.repeat(65))).toBeUndefined();
    expect(normalizeDisplayName('𝒜'.repeat(64))).toBe('𝒜'.repeat(64)); // 128 UTF-16 units, 64 characters
  });

  it('refuses control characters, line breaks and bidirectional overrides', () => {
    for (const bad of ['a\u0000b', 'line\nbreak', 'tab\there', 'x\u2028y', 'evil\u202Eexe.txt', 'iso\u2066late']) {
      expect(normalizeDisplayName(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('refuses invisible format characters and blank fillers, keeping joiners and a subdivision flag (review L3)', () => {
    for (const bad of ['bob\u200B', 'b\u2060ob', 'bob\u2064', 'bo\uFEFFb', 'bo\u00ADb', 'bob\u3164', '\u115Fbob', 'bob\u200E', 'bob\u{E0062}', 'bob\u2800']) {
      expect(normalizeDisplayName(bad), JSON.stringify(bad)).toBeUndefined();
    }
    for (const good of ['👨‍👩‍👧', 'می\u200Cخواهم', '🏴󠁧󠁢󠁳󠁣󠁴󠁿 Ada', '❤️ Zoë']) expect(normalizeDisplayName(good), good).toBe(good);
  });

  it('takes a received name only in its one spelling', () => {
    expect(isDisplayName('张伟')).toBe(true);
    expect(isDisplayName(' 张伟')).toBe(false);
    expect(isDisplayName('Zoe\u0308')).toBe(false);
  });
});
