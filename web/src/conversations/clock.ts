/**
 * Whose clock a received message shows. The envelope's `ts` is the sender's clock, chosen by the
 * sender: a message dated far in the future would sort its day separator and its time wrongly
 * for good (and, unbounded, broke the log's date formats: review H2). Up to CLOCK_SKEW_MS ahead
 * of this device is an ordinary clock difference and is shown as sent; further ahead, the
 * message shows when it arrived here. A time in the past is shown as sent (a queued message
 * arrives late by design).
 */

/** How far ahead of this device's clock a sender's may be before its time is not believed. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/** The time to show for a message the sender dated `sent`, received at `now`. */
export function shownTime(sent: number, now: number = Date.now()): number {
  return sent > now + CLOCK_SKEW_MS ? now : sent;
}
