/**
 * A chart: a vega-lite (or vega) specification with its data inlined, the title, and the
 * notes that say how the data was reduced to be drawn. Built by the functions of
 * `charts.ts`; rendered by those of `render.ts`; shown as a chart by Jupyter.
 *
 * @module
 */
import type { JsonObject } from "./_spec.ts";
import { vegaSpecOf } from "./_vega.ts";
import { chartBundle } from "./_bundle.ts";

/** Where a running code step listens for the charts it makes. */
const CHART_MADE = Symbol.for("casefile.chartMade");

/** The kinds of chart casefile draws. */
export type ChartKind =
  | "timeline"
  | "timechart"
  | "bar"
  | "stacked-bar"
  | "heatmap"
  | "scatter"
  | "histogram"
  | "pie"
  | "anomaly"
  | "process-tree";

/** The grammar a chart's specification is written in. */
export type ChartGrammar = "vega-lite" | "vega";

/** What {@link Chart}'s constructor takes. */
export interface ChartInit {
  readonly kind: ChartKind;
  readonly grammar: ChartGrammar;
  readonly spec: JsonObject;
  readonly title: string;
  readonly notes?: readonly string[];
  readonly sourceRows: number;
  readonly empty?: boolean;
}

/**
 * A chart ready to render: a complete vega-lite (or, for process trees, vega) specification
 * with its data inlined.
 *
 * In a Deno Jupyter notebook a chart displays itself as
 * `application/vnd.vegalite.v5+json` (or `application/vnd.vega.v5+json`) with a PNG
 * fallback for front ends that do not draw vega.
 *
 * @example Inspect a chart's notes and specification
 * ```ts
 * import { barChart, openLocalProvider } from "../../mod.ts";
 *
 * const alerts = await openLocalProvider().then((p) => p.query("SecurityAlert"));
 * const chart = barChart(alerts.frame, { category: "AlertSeverity" });
 * console.log(chart.kind, chart.title, chart.notes, Object.keys(chart.toSpec()));
 * ```
 */
export class Chart {
  /** What kind of chart this is. */
  readonly kind: ChartKind;
  /** The grammar of {@link Chart.spec}. */
  readonly grammar: ChartGrammar;
  /** The complete specification, data inlined. */
  readonly spec: JsonObject;
  /** The chart's title. */
  readonly title: string;
  /**
   * How the data was reduced to be drawn (binned, sampled, top categories kept, rows
   * without a value left out). Also shown under the title, in the chart itself.
   */
  readonly notes: readonly string[];
  /** Rows of the frame the chart was built from. */
  readonly sourceRows: number;
  /** Whether there was nothing to draw (the chart then says "No data"). */
  readonly empty: boolean;

  constructor(init: ChartInit) {
    this.kind = init.kind;
    this.grammar = init.grammar;
    this.spec = init.spec;
    this.title = init.title;
    this.notes = init.notes ?? [];
    this.sourceRows = init.sourceRows;
    this.empty = init.empty ?? false;
    // A session running a code step keeps the charts it makes (see session/_capture.ts).
    (globalThis as { [CHART_MADE]?: (chart: Chart) => void })[CHART_MADE]?.(this);
  }

  /** The specification (what vega-lite or vega draws). */
  toSpec(): JsonObject {
    return this.spec;
  }

  /** The specification compiled to vega (vega-lite charts are compiled; vega ones returned). */
  toVega(): JsonObject {
    return vegaSpecOf(this);
  }

  /** The specification, so `JSON.stringify(chart)` writes it. */
  toJSON(): JsonObject {
    return this.spec;
  }

  /** Jupyter's rich display: the vega(-lite) spec, a PNG fallback and a line of text. */
  [Symbol.for("Jupyter.display")](): Promise<Record<string, unknown>> {
    return chartBundle(this);
  }
}
