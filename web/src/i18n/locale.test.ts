// Which language a browser starts in, and the choice in Settings: switched at once, remembered,
// and <html lang> following it. lit-localize is configured for real (once, in this file).
import { msg } from '@lit/localize';
import { describe, expect, it, vi } from 'vitest';
import { LOCALE_KEY, activeLocale, chooseLocale, initialLocale, intlTag, localeFor, startLocalization } from './locale';
import { t } from './strings';

/** A Storage as localStorage is (what the tests need of it). */
function memoryStorage(entries: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(entries));
  return {
    get length() { return map.size; },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
  };
}

describe('the language a browser starts in', () => {
  it('is 简体中文 for zh, zh-CN, zh-Hans and zh-SG, English otherwise', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-Hans', 'zh-Hans-CN', 'zh-SG', 'ZH-cn']) expect(localeFor([tag]), tag).toBe('zh-Hans');
    for (const tag of ['en', 'en-US', 'en-GB', 'fr-FR', 'de', 'zh-TW', 'zh-HK', 'zh-Hant', 'ja', 'not a tag!']) expect(localeFor([tag]), tag).toBe('en');
    expect(localeFor([])).toBe('en');
  });

  it('is the first of the browser’s languages that Parley has', () => {
    expect(localeFor(['fr-FR', 'zh-CN', 'en'])).toBe('zh-Hans');
    expect(localeFor(['de', 'en-GB', 'zh-CN'])).toBe('en');
    expect(localeFor(['zh-TW', 'zh-CN'])).toBe('zh-Hans');
  });

  it('is the choice made in this browser over its languages, unless the stored value is not a locale', () => {
    expect(initialLocale(memoryStorage({ [LOCALE_KEY]: 'en' }), ['zh-CN'])).toBe('en');
    expect(initialLocale(memoryStorage({ [LOCALE_KEY]: 'zh-Hans' }), ['en-US'])).toBe('zh-Hans');
    expect(initialLocale(memoryStorage({ [LOCALE_KEY]: 'klingon' }), ['zh-SG'])).toBe('zh-Hans');
    const blocked = { getItem: () => { throw new Error('SecurityError'); } } as unknown as Storage;
    expect(initialLocale(blocked, ['zh-CN'])).toBe('zh-Hans');
  });

  it('formats with the browser’s own tag when it is of the UI locale', () => {
    expect(intlTag('en', ['en-GB', 'zh-CN'])).toBe('en-GB');
    expect(intlTag('zh-Hans', ['en-GB', 'zh-SG'])).toBe('zh-SG');
    expect(intlTag('en', ['zh-CN'])).toBe('en');
    expect(intlTag('zh-Hans', ['zh-TW'])).toBe('zh-Hans');
  });
});

describe('switching', () => {
  // lit-localize announces a switch on window (its elements re-render on that event); node has none.
  vi.stubGlobal('window', new EventTarget());

  it('starts in the browser’s language, switches msg() at once, remembers the choice and sets <html lang>', async () => {
    const storage = memoryStorage();
    const root = { lang: 'en' } as HTMLElement;
    await startLocalization(storage, ['zh-CN'], root);
    expect(activeLocale()).toBe('zh-Hans');
    expect(root.lang).toBe('zh-Hans');
    expect(t.send()).toBe('发送');
    expect(storage.getItem(LOCALE_KEY)).toBeNull(); // following the browser is not a choice

    await chooseLocale('en', storage, root);
    expect([activeLocale(), root.lang, t.send(), storage.getItem(LOCALE_KEY)]).toEqual(['en', 'en', 'Send', 'en']);
    expect(initialLocale(storage, ['zh-CN'])).toBe('en'); // the next visit starts in English

    await chooseLocale('zh-Hans', storage, root);
    expect([root.lang, t.contacts(), msg('Send', { id: 'composer-send' })]).toEqual(['zh-Hans', '联系人', '发送']);
  });
});
