/** Options every chart builder takes, and the checks of their numbers. */
import { ChartError } from "./errors.ts";

/** Options shared by every chart. */
export interface ChartOptions {
  /** The chart's title (default: says what is drawn). */
  title?: string;
  /** Width of the plotting area in pixels (default 760). */
  width?: number;
  /** Height of the plotting area in pixels (default: fits the chart). */
  height?: number;
}

/** Axis settings of charts with a value axis (what KQL `render` properties also set). */
export interface AxisOptions {
  /** Title of the horizontal axis. */
  xTitle?: string;
  /** Title of the vertical axis. */
  yTitle?: string;
  /** Scale of the value axis (default linear). */
  yScale?: "linear" | "log";
  /** Scale of the horizontal axis, for scatter charts (default linear). */
  xScale?: "linear" | "log";
  /** The value axis' lowest value, where set. */
  yMin?: number;
  /** The value axis' highest value, where set. */
  yMax?: number;
  /** Show the legend (default true). */
  legend?: boolean;
}

/** `value` when it is a whole number of at least `min`; otherwise a clear error. */
export function positiveInt(
  value: number | undefined,
  fallback: number,
  name: string,
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new ChartError(
      `Cannot draw the chart: ${name} must be a whole number of at least ${min}, not ${value}.`,
      {
        hint: `Leave ${name} out for the default (${fallback}).`,
      },
    );
  }
  return value;
}
