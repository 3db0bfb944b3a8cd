/** The activity heat map: hour of day (UTC) against weekday, counted in Polars. */
import { emptyChart } from "./_empty.ts";
import { type DataFrame, pl } from "../polars.ts";
import { Chart } from "./chart.ts";
import { requireColumn } from "./_columns.ts";
import { type Aggregate, aggregateExpr, formatCount, nullCount, toValues } from "./_data.ts";
import type { ChartOptions } from "./_options.ts";
import { tooltipField, vegaLite } from "./_spec.ts";

/** Options of {@link heatmapChart}. */
export interface HeatmapOptions extends ChartOptions {
  /** The datetime column (default `TimeGenerated`). */
  time?: string;
  /** The numeric column to add up per cell; left out, cells count rows. */
  value?: string;
  /** How a cell's values combine (default `sum`). */
  aggregate?: Aggregate;
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export function buildHeatmap(frame: DataFrame, options: HeatmapOptions): Chart {
  const time = options.time ?? "TimeGenerated";
  requireColumn(frame, time, "the hours and weekdays", ["temporal"]);
  if (options.value) requireColumn(frame, options.value, "the cell values", ["numeric"]);
  const valueName = options.value ?? "events";
  const title = options.title ??
    (options.value
      ? `${options.value} by hour and weekday (UTC)`
      : "Events by hour and weekday (UTC)");
  const width = options.width ?? 600;
  if (frame.height === 0) {
    return emptyChart("heatmap", title, width);
  }
  const notes: string[] = [];
  const missing = nullCount(frame, time);
  if (missing > 0) notes.push(`${formatCount(missing)} rows without a ${time} are not counted.`);
  const counted = frame.lazy()
    .filter(pl.col(time).isNotNull())
    .select(
      pl.col(time).dt.hour().cast(pl.Int32).alias("hour"),
      pl.col(time).dt.weekday().cast(pl.Int32).alias("weekday"),
      ...(options.value ? [pl.col(options.value)] : []),
    )
    .groupBy(["weekday", "hour"])
    .agg(
      aggregateExpr(
        options.aggregate ?? (options.value ? "sum" : "count"),
        options.value,
        valueName,
      ),
    )
    .collectSync();
  // Every one of the 168 cells, so quiet hours show as zero rather than as holes.
  const grid = pl.DataFrame({
    weekday: Array.from({ length: 168 }, (_, i) => Math.floor(i / 24) + 1),
    hour: Array.from({ length: 168 }, (_, i) => i % 24),
  }).withColumns(pl.col("weekday").cast(pl.Int32), pl.col("hour").cast(pl.Int32));
  const cells = grid.join(counted, { on: ["weekday", "hour"], how: "left" })
    .withColumns(pl.col(valueName).fillNull(0));
  const values = toValues(cells, ["weekday", "hour", valueName]).map((row) => ({
    ...row,
    day: WEEKDAYS[Number(row.weekday) - 1],
  }));
  const spec = vegaLite(title, notes, {
    data: { values },
    mark: { type: "rect", stroke: "white", strokeWidth: 1 },
    encoding: {
      x: { field: "hour", type: "ordinal", title: "hour of day (UTC)", axis: { labelAngle: 0 } },
      y: { field: "day", type: "ordinal", title: "weekday", sort: WEEKDAYS },
      color: {
        field: valueName,
        type: "quantitative",
        title: valueName,
        scale: { scheme: "blues" },
      },
      tooltip: [
        tooltipField("day", "nominal"),
        tooltipField("hour", "nominal"),
        tooltipField(valueName, "quantitative"),
      ],
    },
  }, { width, height: options.height ?? 7 * 28 });
  return new Chart({
    kind: "heatmap",
    grammar: "vega-lite",
    spec,
    title,
    notes,
    sourceRows: frame.height,
  });
}
