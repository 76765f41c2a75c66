// Sizes, lists, list times and error texts in both UI locales (the log's day separators:
// components/log/day-labels-locale.test.ts): the words from the
// active locale's translation, the numbers and dates from Intl in it (never the machine's default).
import { beforeAll, describe, expect, it } from 'vitest';
import { at, now, root, startInEnglish } from './locale-test-support';
import { ParleyError } from '../net/parley-error';
import { errorText } from './error-text';
import { formatBytes, formatList, formatsFor, pluralOf } from './formats';
import { tg } from './group-strings';
import { listTime } from './list-time';
import { chooseLocale } from './locale';

startInEnglish();

describe('in English', () => {
  it('sizes in powers of 1024, lists joined with "and", weekdays for the last week', () => {
    expect([formatBytes(512, 'en'), formatBytes(1536, 'en'), formatBytes(1024 * 1024, 'en'), formatBytes(300 * 1024 ** 3, 'en')]).toEqual(['512 B', '1.5 KB', '1.0 MB', '300 GB']);
    expect(formatBytes(5000 * 1024 ** 4, 'en')).toBe('5,000 TB');
    expect(formatList(['a.bin', 'b.bin', 'c.bin'], 'en')).toBe('a.bin, b.bin, and c.bin');
    expect(listTime(at(2026, 11, 30), now, 'en')).toBe('Mon');
  });

  it('counts by English plural rules', () => {
    expect([tg.memberCount(1), tg.memberCount(2), tg.memberCount(0)]).toEqual(['1 member', '2 members', '0 members']);
  });
});

describe('in 简体中文', () => {
  beforeAll(() => chooseLocale('zh-Hans', undefined, root));

  it('gives list times as Chinese writes them', () => {
    expect(listTime(at(2026, 11, 30), now, 'zh-Hans')).toBe('周一');
    expect(listTime(at(2026, 10, 1), now, 'zh-Hans')).toBe('2026/10/1');
    expect(listTime(at(2026, 12, 2, 9, 5), now, 'zh-Hans')).toBe('09:05');
  });

  it('joins lists with 、 and 和, and sizes with Chinese units text', () => {
    expect(formatList(['a.bin', 'b.bin', 'c.bin'], 'zh-Hans')).toBe('a.bin、b.bin和c.bin');
    expect(formatBytes(1536, 'zh-Hans')).toBe('1.5 KB');
    expect(formatsFor('zh-Hans')).not.toBe(formatsFor('en')); // one set of formatters per locale
  });

  it('counts with the one form Chinese has', () => {
    expect(pluralOf(1, 'zh-Hans')).toBe('other');
    expect([tg.memberCount(1), tg.memberCount(2)]).toEqual(['1 位成员', '2 位成员']);
  });

  it('gives every error code its Chinese text, with the names and sizes in it formatted in Chinese', () => {
    expect(errorText(new ParleyError('username_taken'))).toBe('该用户名已被占用，请换一个。');
    const tooLarge = errorText(new ParleyError('offline_file_too_large', { peer: 'bob', limit: 1024 * 1024, names: ['a.bin', 'b.bin'] }));
    expect(tooLarge).toBe('bob 不在线。超过 1.0 MB 的文件只能在对方在线时发送（未发送：a.bin和b.bin）。');
    expect(errorText(new Error('anything'))).toBe('Parley 出了点问题，请重试。');
  });
});
