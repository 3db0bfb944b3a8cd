/** Turning {@link AxisOptions} into vega-lite scale, axis and legend settings. */
import type { AxisOptions } from "./_options.ts";
import type { JsonObject } from "./_spec.ts";

/** The value axis' scale: log or linear, with the range set where asked. */
export function valueScale(options: AxisOptions, base: JsonObject = {}): JsonObject {
  const scale: JsonObject = { ...base };
  if (options.yScale === "log") scale.type = "log";
  if (options.yMin !== undefined) scale.domainMin = options.yMin;
  if (options.yMax !== undefined) scale.domainMax = options.yMax;
  if (options.yMin !== undefined || options.yMax !== undefined) scale.clamp = true;
  return scale;
}

/** A note when a log axis cannot show some values (zero and below have no logarithm). */
export function logNote(values: readonly Record<string, unknown>[], field: string): string[] {
  const bad = values.filter((row) => typeof row[field] === "number" && (row[field] as number) <= 0)
    .length;
  return bad > 0
    ? [`${bad.toLocaleString("en-US")} values ≤ 0 of ${field} are not drawn on the log scale.`]
    : [];
}

/** The rows a log axis can show: `field` above zero. */
export function positiveOnly(
  values: Record<string, unknown>[],
  field: string,
): Record<string, unknown>[] {
  return values.filter((row) => typeof row[field] !== "number" || (row[field] as number) > 0);
}

/** A colour scheme with enough distinct colours for `count` categories. */
export function categoryScheme(count: number): JsonObject {
  return count > 10 ? { scheme: "tableau20" } : {};
}

/** Adds `legend: null` to a color encoding when the legend is hidden. */
export function withLegend(encoding: JsonObject, options: AxisOptions): JsonObject {
  return options.legend === false ? { ...encoding, legend: null } : encoding;
}
