/**
 * The UI language: which one a browser starts in, the user's choice (Settings → "Language"),
 * remembered per browser, and switching at run time. lit-localize keeps the active locale (its
 * msg() reads it); this module configures it once and is the one place that sets it, so
 * `<html lang>` and the stored choice always agree with what msg() shows. Code that formats
 * (formats.ts, list-time.ts) is handed activeLocale(); it never reads the browser's own default.
 */
import { configureLocalization } from '@lit/localize';
import { allLocales, sourceLocale, targetLocales } from './generated/locale-codes';

export type Locale = (typeof allLocales)[number];

/** localStorage key of the choice: a per-browser UI preference, not account data (it is not backed up). */
export const LOCALE_KEY = 'parley.locale';

/** Each locale named in its own language, as the "Language" select lists them. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-Hans': '简体中文' };

/** The generated translation modules, loaded only when chosen (Vite bundles each as a chunk: no inline script). */
const loaders: Record<(typeof targetLocales)[number], () => Promise<typeof import('./generated/zh-Hans')>> = {
  'zh-Hans': () => import('./generated/zh-Hans'),
};

/** Whether a BCP 47 tag is Chinese in simplified script: zh, zh-CN, zh-Hans(-…), zh-SG (not zh-TW, zh-HK, zh-Hant). */
function isSimplifiedChinese(tag: string): boolean {
  try {
    const l = new Intl.Locale(tag).maximize();
    return l.language === 'zh' && l.script === 'Hans';
  } catch {
    return false; // not a well-formed tag
  }
}

/** The UI locale a browser's language list asks for: the first entry Parley has, else English. */
export function localeFor(languages: readonly string[]): Locale {
  for (const tag of languages) {
    if (isSimplifiedChinese(tag)) return 'zh-Hans';
    if (/^en(-|$)/i.test(tag)) return 'en';
  }
  return sourceLocale;
}

/** The stored choice, if it is one this version has. */
function storedLocale(storage: Storage | undefined): Locale | undefined {
  try {
    const v = storage?.getItem(LOCALE_KEY);
    return (allLocales as readonly string[]).includes(v ?? '') ? (v as Locale) : undefined;
  } catch {
    return undefined; // storage blocked by the browser's privacy settings: follow its languages
  }
}

/** The locale to start in: the choice made in this browser, else what its languages ask for. */
export function initialLocale(storage: Storage | undefined, languages: readonly string[]): Locale {
  return storedLocale(storage) ?? localeFor(languages);
}

/**
 * The Intl tag to format with in `locale`: the browser's own tag when it is of that locale
 * (en-GB dates for an en-GB browser), else the locale's code.
 */
export function intlTag(locale: Locale, languages: readonly string[] = browserLanguages()): string {
  const own = languages.find((tag) => localeFor([tag]) === locale && (locale !== 'en' || /^en/i.test(tag)));
  return own ?? locale;
}

function browserLanguages(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : navigator.languages;
}

let localization: ReturnType<typeof configureLocalization> | undefined;

/** The locale msg() shows now (English until startLocalization ran, as in unit tests). */
export function activeLocale(): Locale {
  return (localization?.getLocale() ?? sourceLocale) as Locale;
}

/**
 * Configures lit-localize (once) and sets the first locale; main.ts awaits it before it defines the
 * app's elements, so the first screen is already in the right language.
 */
export async function startLocalization(
  storage: Storage | undefined = globalThis.localStorage,
  languages: readonly string[] = browserLanguages(),
  root: HTMLElement = document.documentElement,
): Promise<void> {
  localization ??= configureLocalization({ sourceLocale, targetLocales, loadLocale: (l) => loaders[l as keyof typeof loaders]() });
  await apply(initialLocale(storage, languages), root);
}

/** The user's choice in Settings: shown at once (every @localized element re-renders) and remembered. */
export async function chooseLocale(locale: Locale, storage: Storage | undefined = globalThis.localStorage, root: HTMLElement = document.documentElement): Promise<void> {
  try {
    storage?.setItem(LOCALE_KEY, locale);
  } catch {
    // Not remembered (storage blocked), still switched for this visit.
  }
  await apply(locale, root);
}

async function apply(locale: Locale, root: HTMLElement): Promise<void> {
  await localization?.setLocale(locale);
  root.lang = locale;
}
