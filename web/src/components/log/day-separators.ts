/**
 * What the log shows between and around messages: a separator where the day changes ("Today",
 * "Yesterday", a weekday within the last week, else a date, in the reader's locale) and runs of
 * messages from one author within GROUP_GAP_MS of each other, drawn as one group.
 */
import type { StoredMessage } from '../../storage/db';
import { t } from '../../i18n/strings';
import { formatsFor } from '../../i18n/formats';
import { type Locale, activeLocale } from '../../i18n/locale';

/** Messages from one author closer together than this (by their clocks) form one group. */
export const GROUP_GAP_MS = 5 * 60_000;

/** Days back (before yesterday) that are named by their weekday rather than their date. */
const WEEKDAY_DAYS = 6;

/** A message's full date and time (hover, and what a screen reader hears for its time), in the UI's locale. */
export const fullDateTime = (ts: number, locale: Locale = activeLocale()) => formatsFor(locale).full.format(ts);

/** Local midnight of the day `ts` falls on. */
function dayStart(ts: number): number {
  const d = new Date(ts);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Calendar days from `ts`'s day back to `now`'s (0 today, 1 yesterday; a clock ahead of ours counts as today). */
export function daysAgo(ts: number, now: number): number {
  // Rounded: a day with a daylight-saving change is 23 or 25 hours long.
  return Math.max(0, Math.round((dayStart(now) - dayStart(ts)) / 86_400_000));
}

/** The separator's words for the day of `ts`, seen at `now`, in `locale` (today's and yesterday's are msg()'s). */
export function dayLabel(ts: number, now: number = Date.now(), locale: Locale = activeLocale()): string {
  const f = formatsFor(locale);
  const days = daysAgo(ts, now);
  if (days === 0) return t.today();
  if (days === 1) return t.yesterday();
  if (days <= WEEKDAY_DAYS) return f.weekdayLong.format(ts);
  return new Date(ts).getFullYear() === new Date(now).getFullYear() ? f.dateThisYear.format(ts) : f.dateOtherYear.format(ts);
}

/** One row of the log: a day separator, or a message (`grouped` when it continues its author's group). */
export type LogRow = { kind: 'day'; key: string; label: string } | { kind: 'message'; key: string; message: StoredMessage; grouped: boolean };

/** The key of a message's row (and its element's `data-key`): unique in a conversation. */
export const rowKey = (m: StoredMessage) => `${m.dir}:${m.id}`;

/**
 * The rows for `messages` (in display order): a separator before the first message and wherever
 * the day changes, and each message marked grouped when it follows one of its author's within
 * GROUP_GAP_MS on the same day.
 */
export function logRows(messages: readonly StoredMessage[], now: number = Date.now()): LogRow[] {
  const rows: LogRow[] = [];
  let previous: StoredMessage | undefined;
  for (const m of messages) {
    const sameDay = previous !== undefined && dayStart(previous.ts) === dayStart(m.ts);
    if (!sameDay) rows.push({ kind: 'day', key: `day:${rowKey(m)}`, label: dayLabel(m.ts, now) });
    const grouped = sameDay && previous!.dir === m.dir && previous!.peer === m.peer && Math.abs(m.ts - previous!.ts) < GROUP_GAP_MS;
    rows.push({ kind: 'message', key: rowKey(m), message: m, grouped });
    previous = m;
  }
  return rows;
}
