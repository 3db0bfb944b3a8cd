/**
 * A chart: a vega-lite (or vega) specification with its data inlined, the title, and the
 * notes that say how the data was reduced to be drawn. Built by the functions of
 * `charts.ts`; rendered by those of `render.ts`; shown as a chart by Jupyter.
 *
 * @module
 */
import type { JsonObject } from "./_spec.ts";
import type { ChartGrammar, ChartInit, ChartKind } from "./_chart_types.ts";
import { vegaSpecOf } from "./_vega.ts";
import { chartBundle } from "./_bundle.ts";

export type { ChartGrammar, ChartInit, ChartKind } from "./_chart_types.ts";

/** Where a running code step listens for the charts it makes. */
const CHART_MADE = Symbol.for("casefile.chartMade");

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
 * import assert from "node:assert/strict";
 * import { barChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const alerts = await openLocalProvider().then((p) => p.query("SecurityAlert"));
 * const chart = barChart(alerts.frame, { category: "AlertSeverity" });
 * assert.deepEqual([chart.kind, chart.grammar, chart.empty], ["bar", "vega-lite", false]);
 * assert.equal(chart.sourceRows, alerts.frame.height);
 * assert.equal(chart.toSpec().$schema, "https://vega.github.io/schema/vega-lite/v5.json");
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

  /**
   * Made by the chart builders ({@link timeChart}, {@link barChart}, ...), which fill in
   * `init`; a running session step keeps the charts it makes.
   */
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

  /**
   * How the REPL and `console.log` print a chart: one line (its kind, title, rows, notes);
   * the REPL then says which file it was drawn to.
   */
  [Symbol.for("Deno.customInspect")](): string {
    const notes = this.notes.length ? `; ${this.notes.join("; ")}` : "";
    return `${this.kind} chart "${this.title}" (${this.sourceRows} rows${
      this.empty ? ", no data" : ""
    }${notes})`;
  }

  /** Jupyter's rich display: the vega(-lite) spec, a PNG fallback and a line of text. */
  [Symbol.for("Jupyter.display")](): Promise<Record<string, unknown>> {
    return chartBundle(this);
  }
}

/**
 * Whether `value` is a {@link Chart} made by one of the chart builders (the class itself is
 * exported as a type only: charts are made by the builders).
 *
 * @param value Any value.
 * @returns true for a chart.
 *
 * @example A chart, and a frame that is not one
 * ```ts
 * import assert from "node:assert/strict";
 * import { barChart, isChart } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const alerts = await openLocalProvider().then((p) => p.query("SecurityAlert"));
 * assert.equal(isChart(barChart(alerts.frame, { category: "AlertSeverity" })), true);
 * assert.equal(isChart(alerts.frame), false);
 * ```
 */
export function isChart(value: unknown): value is Chart {
  return value instanceof Chart;
}
