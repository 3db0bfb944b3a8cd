/**
 * KQL series functions: functions over numeric dynamic arrays, typically the output of
 * `make-series` or `make_list()`. Element-wise arithmetic and comparisons
 * (`series_add`, `series_greater`, ...), reductions (`series_sum`, `series_stats`,
 * `series_pearson_correlation`, ...), fills and filters (`series_fill_linear`,
 * `series_fir`, `series_iir`, ...), fits (`series_fit_line`, `series_fit_2lines`,
 * `series_fit_poly`), periods and seasonality, and seasonal decomposition with anomaly
 * detection (`series_decompose_anomalies`) and forecasting.
 *
 * They run row by row in JavaScript (series are per-row arrays, few and long), batched and
 * stopped by Ctrl-C as every row-wise computation; a large job runs on worker threads
 * (`compile/_job_workers.ts`), which load the row functions from the Polars-free
 * `series/_*_rows.ts` modules. Element-wise arithmetic and comparisons,
 * `series_sum` and `series_fill_const` over series of whole numbers (make-series counts) run
 * as Polars list expressions instead (`series/_native.ts`). Functions
 * with several outputs (`series_fit_line`, `series_decompose`, ...) give their outputs as
 * `components` for `extend (a, b, ...) = f(...)`; with one name they give their first.
 *
 * @module
 */
import { defineScalar } from "./_registry.ts";
import { ELEMENTWISE, ELEMENTWISE_OUTPUT_NAMES, REDUCTIONS } from "./series/_elementwise.ts";
import { FILL } from "./series/_fill.ts";
import { ANALYSIS, ANALYSIS_OUTPUT_NAMES } from "./series/_analysis.ts";

for (const family of [ELEMENTWISE, REDUCTIONS, FILL, ANALYSIS]) {
  for (const [name, fn] of Object.entries(family)) defineScalar(name, fn);
}

/**
 * The default column-name suffixes of the functions with several outputs, in output
 * order: `extend series_fit_line(y)` names its columns `series_fit_line_y_rsquare`,
 * `series_fit_line_y_slope`, ... (function, argument column, suffix).
 */
export const SERIES_OUTPUT_NAMES: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({ ...ELEMENTWISE_OUTPUT_NAMES, ...ANALYSIS_OUTPUT_NAMES }),
);
