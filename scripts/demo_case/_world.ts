/**
 * The shared simulation for one day, built once and read by every table's generator.
 *
 * @module
 */
import { DAY, START } from "./_clock.ts";
import type { Organisation } from "./_org.ts";
import { type PerimeterDay, simulatePerimeter } from "./_sim_network.ts";
import { simulateWindowsDay, type WindowsDay, type WindowsSink } from "./_sim_windows.ts";
import type { Row } from "./_table.ts";

/** One day of the case, as every generator sees it. */
export interface DayWorld {
  readonly org: Organisation;
  readonly day: number;
  readonly dayStart: number;
  readonly seed: string;
  readonly windows: WindowsDay;
  readonly perimeter: PerimeterDay;
}

/** Receives generated rows for one table. */
export type Emit = (row: Row) => void;

/** A generator of one table's rows for one day. */
export type DayGenerator = (world: DayWorld, emit: Emit) => void;

/** Simulates day `day` (0-based) for `org`; Windows telemetry streams into `sink`. */
export function buildDayWorld(
  org: Organisation,
  day: number,
  seed: string,
  sink: WindowsSink,
): DayWorld {
  return {
    org,
    day,
    dayStart: START + day * DAY,
    seed,
    windows: simulateWindowsDay(org, day, seed, sink),
    perimeter: simulatePerimeter(day, seed, org.scale),
  };
}
