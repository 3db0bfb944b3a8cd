/**
 * Durations for people: the unit that suits the length (`250 ms`, `8 s`, `12 min`, `3 h`,
 * `14 d`), so that a two-week window reads as `14 d`, not as `20159.5 min`.
 *
 * @module
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration in the unit that suits it, with at most one decimal, trailing zeros dropped:
 * milliseconds under a second, seconds under two minutes, minutes under two hours, hours
 * under two days, days beyond.
 *
 * @param ms The duration in milliseconds (a negative one is formatted as its size).
 * @returns Text such as `250 ms`, `1.5 s`, `90 min`, `3 h`, `14 d`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./duration.ts";
 *
 * assert.equal(formatDuration(250), "250 ms");
 * assert.equal(formatDuration(8_000), "8 s");
 * assert.equal(formatDuration(1_500), "1.5 s");
 * assert.equal(formatDuration(45 * 60_000), "45 min");
 * assert.equal(formatDuration(3 * 3_600_000), "3 h");
 * // Two weeks less half a minute (a window split at a millisecond boundary).
 * assert.equal(formatDuration(20159.5 * 60_000), "14 d");
 * ```
 */
export function formatDuration(ms: number): string {
  const size = Math.abs(ms);
  if (size < SECOND) return `${Math.round(size)} ms`;
  if (size < 2 * MINUTE) return `${tenths(size / SECOND)} s`;
  if (size < 2 * HOUR) return `${tenths(size / MINUTE)} min`;
  if (size < 2 * DAY) return `${tenths(size / HOUR)} h`;
  return `${tenths(size / DAY)} d`;
}

function tenths(value: number): number {
  return Math.round(value * 10) / 10;
}
