/** The event timeline: one lane per group, one mark per event (or per time bin when many). */
import { type DataFrame, pl } from "../polars.ts";
import { Chart } from "./chart.ts";
import { requireColumn } from "./_columns.ts";
import {
  binByTime,
  foldOthers,
  formatCount,
  formatStep,
  niceStep,
  nullCount,
  timeExtent,
  topValues,
  toValues,
} from "./_data.ts";
import { type ChartOptions, positiveInt } from "./_options.ts";
import {
  DEFAULT_WIDTH,
  type JsonObject,
  noDataSpec,
  tooltipField,
  utcAxis,
  vegaLite,
} from "./_spec.ts";
import { ChartError } from "./errors.ts";
import { emptyChart } from "./_empty.ts";

/** A moment to mark on a timeline (an alert, a known step of the attack). */
export interface TimelineMarker {
  /** When it happened. */
  readonly time: Date;
  /** What it is, written beside the line. */
  readonly label: string;
}

/** Options of {@link timelineChart}. */
export interface TimelineOptions extends ChartOptions {
  /** The datetime column (default `TimeGenerated`). */
  time?: string;
  /** One lane per value of this column (default: a single lane). */
  group?: string;
  /** Colour marks by this column (default: the group). */
  color?: string;
  /** Columns to show when hovering an event (interactive output). */
  tooltip?: readonly string[];
  /** Moments drawn as labelled vertical lines. */
  markers?: readonly TimelineMarker[];
  /** Above this many events, events are counted in time bins (default 5,000). */
  maxEvents?: number;
  /** Lanes kept; the rest are folded into one "others" lane (default 25). */
  maxGroups?: number;
}

const LANE_HEIGHT = 26;
const MAX_COLORS = 20;

/** The event timeline: options checked, lanes and colours kept, events drawn, markers added. */
export function buildTimeline(frame: DataFrame, options: TimelineOptions): Chart {
  const time = options.time ?? "TimeGenerated";
  const { group, color, tooltip, maxEvents, maxGroups } = checkTimeline(frame, options, time);
  const title = options.title ?? (group ? `Events by ${group}` : "Events over time");
  const width = options.width ?? DEFAULT_WIDTH;
  if (frame.height === 0) {
    return emptyChart("timeline", title, width);
  }

  const notes: string[] = [];
  const missing = nullCount(frame, time);
  if (missing > 0) notes.push(`${formatCount(missing)} events without a ${time} are not drawn.`);
  const events = frame.height - missing;
  if (events === 0) {
    return new Chart({
      kind: "timeline",
      grammar: "vega-lite",
      spec: noDataSpec(title, `No data: no row has a ${time}.`, width),
      title,
      notes,
      sourceRows: frame.height,
      empty: true,
    });
  }

  const lanes = keepLanes(frame.filter(pl.col(time).isNotNull()), time, group, color, maxGroups);
  notes.push(...lanes.notes);
  const height = options.height ?? Math.max(60, lanes.count * LANE_HEIGHT);
  const x = utcAxis(time);
  const y: JsonObject | undefined = group
    ? {
      field: group,
      type: "nominal",
      title: group,
      sort: { field: time, op: "min", order: "ascending" },
    }
    : undefined;
  const layer = events <= maxEvents
    ? eventLayer(lanes.working, { time, group, color, tooltip, columns: lanes.columns, x, y })
    : binnedLayer(lanes.working, { time, group, events, maxEvents, x, y }, notes);
  const layers: JsonObject[] = [layer, ...markerLayers(options.markers ?? [])];
  const spec = vegaLite(title, notes, { layer: layers }, { width, height });
  return new Chart({
    kind: "timeline",
    grammar: "vega-lite",
    spec,
    title,
    notes,
    sourceRows: frame.height,
  });
}

/** Checks the columns and numbers the options name, and the markers' times. */
function checkTimeline(frame: DataFrame, options: TimelineOptions, time: string) {
  requireColumn(frame, time, "the time axis", ["temporal"]);
  const group = options.group;
  if (group) requireColumn(frame, group, "the lanes", ["text", "numeric", "boolean", "temporal"]);
  const color = options.color ?? group;
  if (color) requireColumn(frame, color, "the colours", ["text", "numeric", "boolean"]);
  const tooltip = options.tooltip ?? [];
  for (const c of tooltip) requireColumn(frame, c, "the tooltip");
  const maxEvents = positiveInt(options.maxEvents, 5000, "maxEvents");
  const maxGroups = positiveInt(options.maxGroups, 25, "maxGroups");
  for (const m of options.markers ?? []) {
    if (!(m.time instanceof Date) || Number.isNaN(m.time.getTime())) {
      throw new ChartError(`Cannot draw the timeline: the marker "${m.label}" has no valid time.`, {
        hint:
          "Give each marker a Date, e.g. { time: new Date('2026-03-12T01:52:08Z'), label: '...' }.",
      });
    }
  }
  return { group, color, tooltip, maxEvents, maxGroups };
}

/**
 * The busiest `maxGroups` lanes kept and the `MAX_COLORS` most frequent colours, the rest
 * merged (noted); with the columns the marks read and the number of lanes.
 */
function keepLanes(
  events: DataFrame,
  time: string,
  group: string | undefined,
  color: string | undefined,
  maxGroups: number,
): { working: DataFrame; columns: string[]; count: number; notes: string[] } {
  const notes: string[] = [];
  let count = 1;
  const columns = [time];
  let working = events;
  if (group) {
    const top = topValues(working, group, maxGroups);
    if (top.others > 0) {
      notes.push(
        `${top.keep.length} busiest of ${formatCount(top.keep.length + top.others)} ${group} ` +
          `lanes drawn; the other ${formatCount(top.others)} are merged into one lane.`,
      );
    }
    working = working.withColumns(foldOthers(group, top.keep, top.others));
    count = working.getColumn(group).nUnique();
    columns.push(group);
  }
  if (color && color !== group) {
    const top = topValues(working, color, MAX_COLORS);
    if (top.others > 0) {
      notes.push(
        `${MAX_COLORS} most frequent ${color} values coloured; the rest share one colour.`,
      );
    }
    working = working.withColumns(foldOthers(color, top.keep, top.others));
    columns.push(color);
  }
  return { working, columns, count, notes };
}

/** What the event layers share: the columns and the axes. */
interface LayerAxes {
  readonly time: string;
  readonly group?: string;
  readonly x: JsonObject;
  readonly y?: JsonObject;
}

/** One diamond per event. */
function eventLayer(
  working: DataFrame,
  a: LayerAxes & { color?: string; tooltip: readonly string[]; columns: readonly string[] },
): JsonObject {
  const { time, group, color, tooltip } = a;
  const values = toValues(working, [...a.columns, ...tooltip]);
  const encoding: JsonObject = {
    x: a.x,
    tooltip: [
      tooltipField(time, "temporal"),
      ...(group ? [tooltipField(group, "nominal")] : []),
      ...(color && color !== group ? [tooltipField(color, "nominal")] : []),
      ...tooltip.filter((c) => c !== time && c !== group && c !== color).map((c) =>
        tooltipField(c, "nominal")
      ),
    ],
  };
  if (a.y) encoding.y = a.y;
  if (color) encoding.color = { field: color, type: "nominal", title: color };
  return {
    data: { values },
    mark: { type: "point", shape: "diamond", filled: true, size: 50, opacity: 0.75 },
    encoding,
  };
}

/** Events counted in time bins, each lane a strip of coloured cells (noted). */
function binnedLayer(
  working: DataFrame,
  a: LayerAxes & { events: number; maxEvents: number },
  notes: string[],
): JsonObject {
  const { time, group } = a;
  const [lo, hi] = timeExtent(working, time)!;
  const step = niceStep(Math.max(hi - lo, 1000), 240);
  const binned = binByTime(working, time, step, group ? [group] : [], [pl.len().alias("events")])
    .withColumns(pl.col(time).add(step).alias("__end"));
  notes.push(
    `${formatCount(a.events)} events counted in ${formatStep(step)} bins ` +
      `(more than ${formatCount(a.maxEvents)} to draw one by one).`,
  );
  const encoding: JsonObject = {
    x: a.x,
    x2: { field: "__end" },
    color: {
      field: "events",
      type: "quantitative",
      title: `events per ${formatStep(step)}`,
      scale: { type: "log", scheme: "orangered" },
    },
    tooltip: [
      { ...tooltipField(time, "temporal"), title: "bin start" },
      ...(group ? [tooltipField(group, "nominal")] : []),
      tooltipField("events", "quantitative"),
    ],
  };
  if (a.y) encoding.y = a.y;
  return {
    data: { values: toValues(binned, [time, "__end", "events", ...(group ? [group] : [])]) },
    mark: { type: "rect" },
    encoding,
  };
}

/** A dashed red rule and a label per marker. */
function markerLayers(markers: readonly TimelineMarker[]): JsonObject[] {
  if (markers.length === 0) return [];
  const values = markers.map((m) => ({ time: m.time.getTime(), label: m.label }));
  return [
    {
      data: { values },
      mark: { type: "rule", color: "#c0392b", strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: {
        x: { field: "time", type: "temporal" },
        tooltip: [{ field: "label", type: "nominal" }, tooltipField("time", "temporal")],
      },
    },
    {
      data: { values },
      mark: {
        type: "text",
        color: "#c0392b",
        align: "left",
        baseline: "top",
        dx: 3,
        fontSize: 10,
        angle: 0,
      },
      encoding: {
        x: { field: "time", type: "temporal" },
        y: { value: 2 },
        text: { field: "label" },
      },
    },
  ];
}
