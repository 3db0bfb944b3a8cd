/**
 * What a chart is made of, as plain types: its kind, its grammar and the parts the
 * renderers read. Kept apart from the `Chart` class so the renderers (`_vega.ts`,
 * `_bundle.ts`, `_html.ts`) need not import the class that calls them.
 *
 * @module
 */
import type { JsonObject } from "./_spec.ts";

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

/** What a chart is built from (the chart builders fill it in). */
export interface ChartInit {
  /** What kind of chart this is. */
  readonly kind: ChartKind;
  /** The grammar of `spec`. */
  readonly grammar: ChartGrammar;
  /** The complete specification, data inlined. */
  readonly spec: JsonObject;
  /** The chart's title. */
  readonly title: string;
  /** How the data was reduced to be drawn (default none). */
  readonly notes?: readonly string[];
  /** Rows of the frame the chart was built from. */
  readonly sourceRows: number;
  /** Whether there was nothing to draw (default false). */
  readonly empty?: boolean;
}

/** The parts of a chart the renderers read (a `Chart` has them all). */
export interface ChartParts {
  readonly kind: ChartKind;
  readonly grammar: ChartGrammar;
  readonly spec: JsonObject;
  readonly title: string;
  readonly notes: readonly string[];
}
