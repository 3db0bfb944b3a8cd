/** Pieces every chart spec shares: the schema, the look, UTC time axes, titles with notes. */

/** A JSON object (a vega or vega-lite specification, or part of one). */
export type JsonObject = { [key: string]: unknown };

/** The vega-lite schema casefile's specs declare (Jupyter's `application/vnd.vegalite.v5+json`). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
/** The vega schema of specs drawn with vega directly (the process tree). */
export const VEGA_SCHEMA = "https://vega.github.io/schema/vega/v5.json";

/** Default chart width in pixels. */
export const DEFAULT_WIDTH = 760;

/** How every chart looks: white background, readable sizes, muted grid. */
export const CONFIG: JsonObject = {
  background: "white",
  padding: 8,
  view: { stroke: "#ddd" },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: "bold",
    labelLimit: 260,
    maxExtent: 270,
    gridColor: "#eee",
    domainColor: "#888",
    tickColor: "#888",
  },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: {
    fontSize: 15,
    anchor: "start",
    subtitleFontSize: 11,
    subtitleColor: "#8a4b08",
    offset: 10,
  },
};

/** The title block: the title, and the chart's notes under it so nobody misses them. */
export function titleBlock(title: string, notes: readonly string[]): JsonObject {
  return notes.length > 0 ? { text: title, subtitle: [...notes] } : { text: title };
}

/** The strftime format of UTC instants in tooltips. */
export const INSTANT_FORMAT = "%Y-%m-%d %H:%M:%S UTC";

/** Tick labels of time axes: dates at day boundaries, 24-hour clock times between. */
export const TIME_LABELS: JsonObject = {
  year: "%Y",
  quarter: "%b %d",
  month: "%b %d",
  week: "%b %d",
  date: "%b %d",
  hours: "%H:%M",
  minutes: "%H:%M",
  seconds: "%H:%M:%S",
  milliseconds: "%H:%M:%S.%L",
};

/** A temporal x or y encoding on a UTC scale, titled to say so. */
export function utcAxis(field: string, title?: string): JsonObject {
  return {
    field,
    type: "temporal",
    title: `${title ?? field} (UTC)`,
    scale: { type: "utc" },
    axis: { format: TIME_LABELS, labelAngle: 0, labelOverlap: true },
  };
}

/** A tooltip entry for `field` of kind `kind`. */
export function tooltipField(
  field: string,
  kind: "temporal" | "quantitative" | "nominal",
): JsonObject {
  if (kind === "temporal") {
    return { field, type: "temporal", format: INSTANT_FORMAT, scale: { type: "utc" } };
  }
  if (kind === "quantitative") return { field, type: "quantitative", format: ",~r" };
  return { field, type: "nominal" };
}

/** A whole vega-lite spec around `body`: schema, title with notes, size and config. */
export function vegaLite(
  title: string,
  notes: readonly string[],
  body: JsonObject,
  size: { width?: number; height?: number } = {},
): JsonObject {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(title, notes),
    ...(size.width !== undefined ? { width: size.width } : {}),
    ...(size.height !== undefined ? { height: size.height } : {}),
    ...body,
    config: CONFIG,
  };
}

/**
 * A chart with nothing to draw: the title, and a plain sentence where the marks would be,
 * so an empty query result reads as "no data" and never as a broken image.
 */
export function noDataSpec(title: string, message: string, width = DEFAULT_WIDTH): JsonObject {
  return vegaLite(title, [], {
    data: { values: [{ message }] },
    mark: { type: "text", fontSize: 14, color: "#666" },
    encoding: { text: { field: "message", type: "nominal" } },
  }, { width, height: 80 });
}
