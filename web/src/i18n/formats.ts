/**
 * Numbers, sizes, dates, times and lists in a UI locale (Intl), beside the words in strings.ts.
 * Each takes the locale it formats for (the caller passes activeLocale(), tests pass one), so
 * nothing here reads the browser's default, and a language switch shows at the next render.
 */
import { msg, str } from '@lit/localize';
import { type Locale, intlTag } from './locale';

/** Intl formatters of one locale. */
export interface Formats {
  /** A time of day: "09:05", "上午9:05"… as the locale writes it. */
  time: Intl.DateTimeFormat;
  weekdayShort: Intl.DateTimeFormat;
  weekdayLong: Intl.DateTimeFormat;
  dateShort: Intl.DateTimeFormat;
  /** A day this year: "Thu, December 3", "12月3日周四". */
  dateThisYear: Intl.DateTimeFormat;
  dateOtherYear: Intl.DateTimeFormat;
  /** A message's full date and time (hover, and what a screen reader hears for its time). */
  full: Intl.DateTimeFormat;
  /** When a scheduled message goes: "Dec 3, 14:05", "12月3日 14:05". */
  when: Intl.DateTimeFormat;
  list: Intl.ListFormat;
  plural: Intl.PluralRules;
  /** A size's number: one decimal below 10 ("1.5"), none above. */
  decimal: Intl.NumberFormat;
  integer: Intl.NumberFormat;
}

/** Built once per locale: a formatter per row would be slow. */
const built = new Map<string, Formats>();

export function formatsFor(locale: Locale): Formats {
  const tag = intlTag(locale);
  let f = built.get(tag);
  if (!f) {
    f = {
      time: new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit' }),
      weekdayShort: new Intl.DateTimeFormat(tag, { weekday: 'short' }),
      weekdayLong: new Intl.DateTimeFormat(tag, { weekday: 'long' }),
      dateShort: new Intl.DateTimeFormat(tag, { dateStyle: 'short' }),
      dateThisYear: new Intl.DateTimeFormat(tag, { weekday: 'short', day: 'numeric', month: 'long' }),
      dateOtherYear: new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric' }),
      full: new Intl.DateTimeFormat(tag, { dateStyle: 'full', timeStyle: 'short' }),
      when: new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
      list: new Intl.ListFormat(tag, { type: 'conjunction' }),
      plural: new Intl.PluralRules(tag),
      decimal: new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      integer: new Intl.NumberFormat(tag, { maximumFractionDigits: 0 }),
    };
    built.set(tag, f);
  }
  return f;
}

/**
 * The unit words of a size, translated like any string: CLDR's short units are SI-named ("kB",
 * and "byte" for bytes) while Parley counts in powers of 1024, as file managers show sizes.
 */
const UNITS: ((n: string) => string)[] = [
  (n) => msg(str`${n} B`, { id: 'size-bytes', desc: 'A file size in bytes' }),
  (n) => msg(str`${n} KB`, { id: 'size-kb', desc: 'A file size in kilobytes (1024 bytes)' }),
  (n) => msg(str`${n} MB`, { id: 'size-mb', desc: 'A file size in megabytes (1024 KB)' }),
  (n) => msg(str`${n} GB`, { id: 'size-gb', desc: 'A file size in gigabytes (1024 MB)' }),
  (n) => msg(str`${n} TB`, { id: 'size-tb', desc: 'A file size in terabytes (1024 GB)' }),
];

/** 1536 → "1.5 KB" in `locale` (its decimal sign and digits grouping). */
export function formatBytes(bytes: number, locale: Locale): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const f = formatsFor(locale);
  return UNITS[unit]!(value < 10 && unit > 0 ? f.decimal.format(value) : f.integer.format(Math.round(value)));
}

/** Seconds → "1:05" or "1:02:03"; "–" when unknown (the same in every locale Parley has). */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.ceil(seconds);
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const parts = hms[0] ? hms : hms.slice(1);
  return parts.map((n, i) => (i === 0 ? String(n) : String(n).padStart(2, '0'))).join(':');
}

/** ["a", "b", "c"] → "a, b, and c" / "a、b和c". */
export function formatList(items: readonly string[], locale: Locale): string {
  return formatsFor(locale).list.format(items);
}

/** The plural category of `n` in `locale` ("one", "other", …): which form of a counted message to show. */
export function pluralOf(n: number, locale: Locale): Intl.LDMLPluralRule {
  return formatsFor(locale).plural.select(n);
}
