/**
 * The row functions of `series_stats()` and `series_stats_dynamic()` (`_elementwise.ts`),
 * as pure functions of the row's argument values. Each is {@link portable}: a large job runs
 * it on worker threads, which import this module (so it loads no Polars).
 *
 * @module
 */
import { portable } from "../../compile/_portable.ts";
import type { Output } from "./_args.ts";
import { seriesOf } from "./_row_values.ts";
import { finite, mean, type Num, sampleVariance, sum } from "./_math.ts";

const HERE = import.meta.url;

/** The statistics `series_stats()` and `series_stats_dynamic()` report, or null. */
function stats(values: Num[], ignoreNonFinite: boolean) {
  const usable = finite(values);
  if (!ignoreNonFinite && usable.length !== values.length) return null;
  if (usable.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let minIdx = -1;
  let maxIdx = -1;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    if (v < min) [min, minIdx] = [v, i];
    if (v > max) [max, maxIdx] = [v, i];
  });
  const variance = sampleVariance(usable);
  return {
    min,
    min_idx: minIdx,
    max,
    max_idx: maxIdx,
    avg: mean(usable),
    stdev: Math.sqrt(variance),
    variance,
    sum: sum(usable),
    len: values.length,
  };
}

/** The outputs of `series_stats()`. */
export const STATS_OUTPUTS: readonly Output[] = [
  { name: "min", type: "real" },
  { name: "min_idx", type: "long" },
  { name: "max", type: "real" },
  { name: "max_idx", type: "long" },
  { name: "avg", type: "real" },
  { name: "stdev", type: "real" },
  { name: "variance", type: "real" },
];

/** `series_stats(x, ignore_nonfinite)`: the {@link STATS_OUTPUTS}. */
export const seriesStatsRow = portable(HERE, "seriesStatsRow", ([x, ignore]) => {
  const s = seriesOf(x);
  const r = s && stats(s, ignore === true);
  return r && STATS_OUTPUTS.map((o) => r[o.name as keyof typeof r]);
});

/** `series_stats_dynamic(x, ignore_nonfinite)`: the statistics as a bag. */
export const seriesStatsDynamicRow = portable(HERE, "seriesStatsDynamicRow", ([x, ignore]) => {
  const s = seriesOf(x);
  return s && stats(s, ignore === true);
});
