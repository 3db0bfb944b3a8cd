/**
 * How Kusto names the column of an unnamed function call: each function's result-name rule as
 * Kusto.Language 12.4.1 declares it on its symbol (`ResultNameKind`, `ResultNamePrefix`),
 * for every scalar function and aggregate whose rule is not the default (a generated name
 * such as `Column1`). `tests/kql/result_names_test.ts` checks these tables against
 * Kusto.Language itself.
 *
 * @module
 */

/**
 * A result-name rule (Kusto.Language's `ResultNameKind`):
 * - `FirstArgument`: the first argument's name (`tostring(x)` is `x`);
 * - `OnlyArgument`: the argument's name when there is exactly one;
 * - `PrefixAndFirstArgument`: prefix, `_`, the first argument's name (`sum(x)` is `sum_x`,
 *   `count()` is `count_`);
 * - `NameAndFirstArgument`: the same with the function's name as the prefix (`strlen_x`);
 * - `PrefixAndOnlyArgument`, `NameAndOnlyArgument`: the same, with exactly one argument;
 * - `PrefixOnly`: the prefix alone;
 * - `FirstArgumentValueIfColumn`: the first argument's text when it names a column.
 */
export type ResultNameKind =
  | "FirstArgument"
  | "OnlyArgument"
  | "PrefixAndFirstArgument"
  | "NameAndFirstArgument"
  | "PrefixAndOnlyArgument"
  | "NameAndOnlyArgument"
  | "PrefixOnly"
  | "FirstArgumentValueIfColumn";

/** A function's result-name rule: its kind and, for the prefix kinds, the prefix. */
export interface ResultNameRule {
  readonly kind: ResultNameKind;
  readonly prefix?: string;
}

type Row = readonly [name: string, kind: ResultNameKind, prefix?: string];

function rules(rows: readonly Row[]): ReadonlyMap<string, ResultNameRule> {
  return new Map(rows.map(([name, kind, prefix]) => [name, prefix ? { kind, prefix } : { kind }]));
}

/** Result-name rules of scalar functions, by name. */
export const SCALAR_RESULT_NAMES: ReadonlyMap<string, ResultNameRule> = rules([
  ["strlen", "NameAndFirstArgument"],
  ["string_size", "NameAndFirstArgument"],
  ["split", "FirstArgument"],
  ["tostring", "FirstArgument"],
  ["tohex", "FirstArgument"],
  ["todynamic", "FirstArgument"],
  ["toobject", "FirstArgument"],
  ["tolong", "FirstArgument"],
  ["toint", "FirstArgument"],
  ["toreal", "FirstArgument"],
  ["todouble", "FirstArgument"],
  ["todatetime", "FirstArgument"],
  ["totimespan", "FirstArgument"],
  ["totime", "FirstArgument"],
  ["tobool", "FirstArgument"],
  ["toboolean", "FirstArgument"],
  ["todecimal", "FirstArgument"],
  ["toguid", "FirstArgument"],
  ["gettype", "PrefixAndFirstArgument", "type"],
  ["parse_csv", "FirstArgument"],
  ["parsejson", "FirstArgument"],
  ["parse_json", "FirstArgument"],
  ["parse_xml", "FirstArgument"],
  ["format_datetime", "FirstArgument"],
  ["format_timespan", "FirstArgument"],
  ["make_datetime", "OnlyArgument"],
  ["make_timespan", "OnlyArgument"],
  ["startofday", "FirstArgument"],
  ["bin", "FirstArgument"],
  ["floor", "FirstArgument"],
  ["bin_at", "FirstArgument"],
  ["bin_auto", "FirstArgument"],
  ["columnifexists", "FirstArgumentValueIfColumn"],
  ["column_ifexists", "FirstArgumentValueIfColumn"],
  ["binary_and", "FirstArgument"],
  ["binary_or", "FirstArgument"],
  ["binary_xor", "FirstArgument"],
  ["binary_not", "FirstArgument"],
  ["binary_shift_right", "FirstArgument"],
  ["binary_shift_left", "FirstArgument"],
  ["bitset_count_ones", "FirstArgument"],
  ["treepath", "PrefixAndFirstArgument", "tree"],
  ["repeat", "PrefixAndFirstArgument", "repeat"],
  ["percentile_tdigest", "NameAndFirstArgument"],
  ["percentiles_array_tdigest", "PrefixAndFirstArgument", "percentile_tdigest"],
  ["tdigest_merge", "PrefixOnly", "tdigests_merge_result"],
  ["merge_tdigest", "PrefixOnly", "tdigests_merge_result"],
  ["hll_merge", "PrefixOnly", "hll_merged_result"],
  ["dcount_hll", "NameAndFirstArgument"],
  ["__hll_normalize", "FirstArgument"],
  ["series_fir", "FirstArgument"],
  ["series_outliers", "FirstArgument"],
  ["series_iir", "FirstArgument"],
  ["series_fill_backward", "FirstArgument"],
  ["series_fill_forward", "FirstArgument"],
  ["series_fill_const", "FirstArgument"],
  ["series_fill_linear", "FirstArgument"],
  ["round", "FirstArgument"],
  ["ceiling", "FirstArgument"],
  ["pow", "FirstArgument"],
  ["sqrt", "FirstArgument"],
  ["log", "FirstArgument"],
  ["log2", "FirstArgument"],
  ["log10", "FirstArgument"],
  ["exp", "FirstArgument"],
  ["exp2", "FirstArgument"],
  ["exp10", "FirstArgument"],
  ["cos", "FirstArgument"],
  ["sin", "FirstArgument"],
  ["tan", "FirstArgument"],
  ["acos", "FirstArgument"],
  ["asin", "FirstArgument"],
  ["atan", "FirstArgument"],
  ["atan2", "FirstArgument"],
  ["abs", "FirstArgument"],
  ["rand", "FirstArgument"],
  ["gamma", "FirstArgument"],
  ["loggamma", "FirstArgument"],
  ["erf", "FirstArgument"],
  ["erfc", "FirstArgument"],
  ["format_bytes", "FirstArgument"],
  ["ingestion_time", "PrefixOnly", "$IngestionTime"],
]);

/** Result-name rules of aggregates, by name. */
export const AGGREGATE_RESULT_NAMES: ReadonlyMap<string, ResultNameRule> = rules([
  ["sum", "PrefixAndFirstArgument", "sum"],
  ["sumif", "PrefixAndFirstArgument", "sumif"],
  ["cnt", "PrefixAndFirstArgument", "cnt"],
  ["count", "PrefixAndFirstArgument", "count"],
  ["countif", "PrefixAndFirstArgument", "countif"],
  ["dcount", "PrefixAndFirstArgument", "dcount"],
  ["dcountif", "PrefixAndFirstArgument", "dcountif"],
  ["tdigest", "PrefixAndFirstArgument", "tdigest"],
  ["tdigest_merge", "PrefixAndFirstArgument", "merge_tdigests"],
  ["merge_tdigest", "PrefixAndFirstArgument", "merge_tdigests"],
  ["hll", "PrefixAndFirstArgument", "hll"],
  ["hll_if", "PrefixAndFirstArgument", "hll_if"],
  ["hll_merge", "PrefixAndFirstArgument", "hll_merge"],
  ["min", "PrefixAndFirstArgument", "min"],
  ["minif", "PrefixAndFirstArgument", "minif"],
  ["max", "PrefixAndFirstArgument", "max"],
  ["maxif", "PrefixAndFirstArgument", "maxif"],
  ["avg", "PrefixAndFirstArgument", "avg"],
  ["avgif", "PrefixAndFirstArgument", "avgif"],
  ["makelist", "PrefixAndFirstArgument", "list"],
  ["make_list", "PrefixAndFirstArgument", "list"],
  ["make_list_if", "PrefixAndFirstArgument", "list"],
  ["make_list_with_nulls", "PrefixAndFirstArgument", "list"],
  ["makeset", "PrefixAndFirstArgument", "set"],
  ["make_set", "PrefixAndFirstArgument", "set"],
  ["make_set_if", "PrefixAndFirstArgument", "set"],
  ["make_dictionary", "PrefixAndFirstArgument", "dictionary"],
  ["make_bag", "PrefixAndFirstArgument", "bag"],
  ["make_bag_if", "PrefixAndFirstArgument", "bag"],
  ["buildschema", "PrefixAndFirstArgument", "schema"],
  ["passthrough", "FirstArgument"],
  ["stdev", "PrefixAndFirstArgument", "stdev"],
  ["stdevif", "PrefixAndFirstArgument", "stdevif"],
  ["stdevp", "PrefixAndFirstArgument", "stdevp"],
  ["variance", "PrefixAndFirstArgument", "variance"],
  ["varianceif", "PrefixAndFirstArgument", "varianceif"],
  ["variancep", "PrefixAndFirstArgument", "variancep"],
  ["variancepif", "PrefixAndFirstArgument", "variancepif"],
  ["covariance", "PrefixAndFirstArgument", "covariance"],
  ["covarianceif", "PrefixAndFirstArgument", "covarianceif"],
  ["covariancep", "PrefixAndFirstArgument", "covariancep"],
  ["covariancepif", "PrefixAndFirstArgument", "covariancepif"],
  ["any", "PrefixAndFirstArgument", "any"],
  ["anyif", "PrefixAndFirstArgument", "anyif"],
  ["take_anyif", "FirstArgument"],
  ["binary_all_or", "FirstArgument"],
  ["binary_all_and", "FirstArgument"],
  ["binary_all_xor", "FirstArgument"],
  ["count_distinct", "PrefixAndFirstArgument", "count_distinct"],
  ["count_distinctif", "PrefixAndFirstArgument", "count_distinctif"],
]);
