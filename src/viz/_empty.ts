/** The chart drawn for a frame with nothing to draw: an empty frame is not an error. */
import { Chart, type ChartKind } from "./chart.ts";
import { noDataSpec } from "./_spec.ts";

/**
 * A chart of `kind` that says there is no data (`message`), with `notes` on the chart
 * object (default: "No rows to draw.").
 */
export function emptyChart(
  kind: ChartKind,
  title: string,
  width: number,
  options: { message?: string; notes?: readonly string[]; sourceRows?: number } = {},
): Chart {
  return new Chart({
    kind,
    grammar: "vega-lite",
    spec: noDataSpec(title, options.message ?? "No data: the frame has no rows.", width),
    title,
    notes: options.notes ?? ["No rows to draw."],
    sourceRows: options.sourceRows ?? 0,
    empty: true,
  });
}
