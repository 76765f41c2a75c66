/**
 * The time a conversation list row shows for its latest message, in the UI's locale (Intl):
 * the time of day for today, the weekday within the last week, the date before that.
 */
import { formatsFor } from './formats';
import { type Locale, activeLocale } from './locale';

/** How far back a weekday is enough to say when (today excluded). */
export const WEEKDAY_WITHIN_DAYS = 6;

const DAY_MS = 24 * 3600 * 1000;


/** Midnight of `at`'s day, local time. */
function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** `at` (ms) as a row shows it, seen at `now`, in `locale`. */
export function listTime(at: number, now = Date.now(), locale: Locale = activeLocale()): string {
  const formats = formatsFor(locale);
  const today = startOfDay(now);
  if (at >= today) return formats.time.format(at);
  // Days are counted between midnights (a day of a DST change is not 24 hours long).
  const daysAgo = Math.round((today - startOfDay(at)) / DAY_MS);
  return daysAgo <= WEEKDAY_WITHIN_DAYS ? formats.weekdayShort.format(at) : formats.dateShort.format(at);
}
