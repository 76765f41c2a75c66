/**
 * The time a conversation list row shows for its latest message, in the user's locale (Intl):
 * the time of day for today, the weekday within the last week, the date before that.
 */

/** How far back a weekday is enough to say when (today excluded). */
export const WEEKDAY_WITHIN_DAYS = 6;

const DAY_MS = 24 * 3600 * 1000;

/** Built once: a formatter per row would be slow. */
const formats = {
  time: new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' }),
  weekday: new Intl.DateTimeFormat([], { weekday: 'short' }),
  date: new Intl.DateTimeFormat([], { dateStyle: 'short' }),
};

/** Midnight of `at`'s day, local time. */
function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** `at` (ms) as a row shows it, seen at `now`. */
export function listTime(at: number, now = Date.now()): string {
  const today = startOfDay(now);
  if (at >= today) return formats.time.format(at);
  // Days are counted between midnights (a day of a DST change is not 24 hours long).
  const daysAgo = Math.round((today - startOfDay(at)) / DAY_MS);
  return daysAgo <= WEEKDAY_WITHIN_DAYS ? formats.weekday.format(at) : formats.date.format(at);
}
