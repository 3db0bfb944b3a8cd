/**
 * The demo case's fixed calendar. Every timestamp is an integer count of microseconds since
 * the Unix epoch held in a JS number (exact up to 2^53, about the year 2255), so no code
 * path depends on the wall clock, the time zone or the locale.
 *
 * @module
 */

/** Microseconds per second. */
export const SECOND = 1_000_000;
/** Microseconds per minute. */
export const MINUTE = 60 * SECOND;
/** Microseconds per hour. */
export const HOUR = 60 * MINUTE;
/** Microseconds per day. */
export const DAY = 24 * HOUR;

/** Number of days the case covers. */
export const DAYS = 14;
/** Start of the data, inclusive: Monday 2026-03-02T00:00:00Z. */
export const START = Date.UTC(2026, 2, 2) * 1000;
/** End of the data, exclusive, and the case's reference time ("now"). */
export const END = START + DAYS * DAY;

/** Microseconds for a UTC wall-clock time, e.g. `at(2026, 3, 11, 2, 10, 5)` (month 1-12). */
export function at(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  micro = 0,
): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) * 1000 + micro;
}

/** Microseconds to ISO 8601 with a `Z` suffix and microsecond precision when needed. */
export function iso(us: number): string {
  const ms = Math.floor(us / 1000);
  const base = new Date(ms).toISOString(); // "2026-03-11T02:10:05.123Z"
  const micros = us - ms * 1000;
  if (us % SECOND === 0) return base.slice(0, 19) + "Z";
  return base.slice(0, 23) + String(micros).padStart(3, "0") + "Z";
}

/** Microseconds to ISO 8601 with whole seconds (`2026-03-11T02:10:05Z`). */
export function isoSeconds(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19) + "Z";
}

/** The 0-based day index of `us` within the case. */
export function dayOf(us: number): number {
  return Math.floor((us - START) / DAY);
}

/** Whether day index `day` is a Saturday or Sunday (day 0 is a Monday). */
export function isWeekend(day: number): boolean {
  const dow = day % 7;
  return dow === 5 || dow === 6;
}
