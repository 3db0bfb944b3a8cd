/**
 * The Log Analytics v1 wire format: result tables as JSON text built column-wise with
 * Polars expressions (one text fragment per cell, joined per row and then per table, with
 * no JavaScript object per row), error bodies, `render` and `statistics`.
 *
 * Values are written as the real service writes them: datetimes as ISO 8601 UTC with up to
 * seven fraction digits and trailing zeros dropped (`2000-01-02T03:04:05Z`,
 * `2023-02-20T11:04:02.6371632Z`), `dynamic` as a string holding compact JSON, timespans as
 * `[-][d.]hh:mm:ss[.fffffff]` strings, `long` and `int` as numbers, `real` as numbers with
 * `"NaN"`, `"Infinity"` and `"-Infinity"` as strings, `guid` as strings.
 *
 * @module
 */
import { type DataFrame, type Expr, pl } from "../../../src/polars.ts";
import type { KustoType, TableSchema } from "../../../src/schema/mod.ts";
import type { RenderSpec } from "../../../src/providers/mod.ts";
import { formatKqlTimespan } from "../../../src/kql/mod.ts";

/** A table's rows as JSON array texts, with the size of each row. */
export interface EncodedRows {
  /** `[cell,cell,...]` for each row. */
  readonly frame: DataFrame;
  readonly height: number;
}

const ROW = "__row";

/** Each row of `frame` as the text of a JSON array, in a one-column frame. */
export function encodeRows(frame: DataFrame, schema: TableSchema): EncodedRows {
  if (frame.height === 0 || schema.columns.length === 0) {
    const rows = pl.DataFrame({ [ROW]: Array(frame.height).fill("[]") });
    return { frame: rows, height: frame.height };
  }
  const cells: Expr[] = [];
  const extra: Record<string, string[]> = {};
  for (const [i, column] of schema.columns.entries()) {
    const cell = cellExpr(frame, column.name, column.type, `__cell${i}`, extra);
    cells.push(cell);
  }
  let source = frame;
  for (const [name, values] of Object.entries(extra)) {
    source = source.withColumn(pl.Series(name, values, pl.Utf8));
  }
  const rows = source.select(
    pl.concatString([pl.lit("["), pl.concatString(cells, ",", false), pl.lit("]")], "", false)
      .alias(ROW),
  );
  return { frame: rows, height: frame.height };
}

/** How many leading rows fit in `maxChars` characters of row text (commas included). */
export function rowsWithin(rows: EncodedRows, maxChars: number): number {
  if (rows.height === 0) return 0;
  const sizes = rows.frame.select(pl.col(ROW).str.lengths().cast(pl.Float64).alias("n"))
    .getColumn("n").toArray() as number[];
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    total += sizes[i] + (i > 0 ? 1 : 0);
    if (total > maxChars) return i;
  }
  return sizes.length;
}

/** The `rows` array text of the first `count` rows. */
export function rowsText(rows: EncodedRows, count: number = rows.height): string {
  if (count === 0) return "[]";
  const joined = rows.frame.head(count).select(pl.col(ROW).str.concat(",").alias(ROW));
  return `[${joined.getColumn(ROW).get(0) as string}]`;
}

/** The text of one result table object. */
export function tableText(name: string, schema: TableSchema, rows: string): string {
  const columns = JSON.stringify(schema.columns.map((c) => ({ name: c.name, type: c.type })));
  return `{"name":${JSON.stringify(name)},"columns":${columns},"rows":${rows}}`;
}

/** A cell's JSON text for column `name` of Kusto type `type`; `null` where the value is. */
function cellExpr(
  frame: DataFrame,
  name: string,
  type: KustoType,
  alias: string,
  extra: Record<string, string[]>,
): Expr {
  const col = pl.col(name);
  const text = (e: Expr) => e.fillNull(pl.lit("null")).alias(alias);
  switch (type) {
    case "bool":
    case "int":
    case "long":
      return text(col.cast(pl.Utf8));
    case "real":
    case "decimal":
      return text(
        pl.when(col.isNan()).then(pl.lit('"NaN"'))
          .when(col.eq(pl.lit(Infinity))).then(pl.lit('"Infinity"'))
          .when(col.eq(pl.lit(-Infinity))).then(pl.lit('"-Infinity"'))
          .otherwise(col.cast(pl.Float64).cast(pl.Utf8)),
      );
    case "datetime":
      return text(
        pl.concatString(
          [
            pl.lit('"'),
            // `%.6f` always writes the dot, so trailing zeros and then a bare dot can go.
            col.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f").str.stripCharsEnd("0").str.stripCharsEnd("."),
            pl.lit('Z"'),
          ],
          "",
          false,
        ),
      );
    case "timespan": {
      // Rare, and its day/hour layout is awkward in expressions: formatted value by value.
      const micros = frame.select(col.cast(pl.Int64)).getColumn(name).toArray() as unknown[];
      extra[alias] = micros.map((v) =>
        v === null || v === undefined ? "null" : `"${formatKqlTimespan(BigInt(v as number))}"`
      );
      return pl.col(alias);
    }
    case "string":
    case "guid":
    case "dynamic":
      return stringCell(frame, name, alias, extra);
  }
}

// JSON escapes for the characters text usually holds; other control characters are rare
// enough that a column holding any is encoded value by value with JSON.stringify.
function stringCell(
  frame: DataFrame,
  name: string,
  alias: string,
  extra: Record<string, string[]>,
): Expr {
  const col = pl.col(name).cast(pl.Utf8);
  const scan = frame.select(
    col.str.contains("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]").any().alias("odd"),
    col.str.contains('[\\x00-\\x1f"\\\\]').any().alias("escapes"),
  ).toRecords()[0];
  if (scan.odd) {
    const values = frame.getColumn(name).cast(pl.Utf8).toArray() as (string | null)[];
    extra[alias] = values.map((v) => (v === null ? "null" : JSON.stringify(v)));
    return pl.col(alias);
  }
  const escaped = scan.escapes
    ? col
      .str.replaceAll("\\", "\\\\", true)
      .str.replaceAll('"', '\\"', true)
      .str.replaceAll("\n", "\\n", true)
      .str.replaceAll("\r", "\\r", true)
      .str.replaceAll("\t", "\\t", true)
    : col;
  // A null part makes the whole text null (ignoreNulls false), then "null".
  return pl.concatString([pl.lit('"'), escaped, pl.lit('"')], "", false)
    .fillNull(pl.lit("null")).alias(alias);
}

/** A Log Analytics error object: `{code, message, correlationId?, innererror?, details?}`. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly correlationId?: string;
  readonly innererror?: Record<string, unknown>;
  readonly details?: readonly Record<string, unknown>[];
}

/** The body of an error response: `{"error": {...}}`. */
export function errorBody(error: ErrorInfo): string {
  return JSON.stringify({ error: { correlationId: crypto.randomUUID(), ...error } });
}

/** The `render` object of a response, in the real service's shape. */
export function renderObject(render: RenderSpec): Record<string, unknown> {
  const p = render.properties;
  const pick = (...keys: string[]) => {
    for (const key of keys) {
      const hit = Object.keys(p).find((k) => k.toLowerCase() === key.toLowerCase());
      if (hit !== undefined) return p[hit];
    }
    return null;
  };
  const number = (value: unknown) => (typeof value === "number" ? value : "NaN");
  return {
    visualization: render.visualization,
    title: pick("title"),
    accumulate: pick("accumulate") === true,
    isQuerySorted: false,
    kind: pick("kind"),
    legend: pick("legend"),
    series: pick("series"),
    yMin: number(pick("ymin")),
    yMax: number(pick("ymax")),
    xAxis: pick("xaxis"),
    xColumn: pick("xcolumn"),
    xTitle: pick("xtitle"),
    yAxis: pick("yaxis"),
    yColumns: pick("ycolumns"),
    ySplit: pick("ysplit"),
    yTitle: pick("ytitle"),
    anomalyColumns: pick("anomalycolumns"),
  };
}

/** The `statistics` object of a response (the real shape, with the numbers casefile has). */
export function statisticsObject(
  executionSeconds: number,
  rowsScanned: number,
  rowsReturned: number,
  resultBytes: number,
): Record<string, unknown> {
  const zeroCache = { hits: 0, misses: 0, total: 0 };
  const zeroShard = { hitbytes: 0, missbytes: 0, retrievebytes: 0 };
  return {
    query: {
      executionTime: executionSeconds,
      resourceUsage: {
        cache: {
          memory: zeroCache,
          disk: zeroCache,
          shards: { hot: zeroShard, cold: zeroShard, bypassbytes: 0 },
        },
        cpu: { user: "00:00:00", kernel: "00:00:00", totalCpu: "00:00:00" },
        memory: { peakPerNode: 0 },
        network: { interClusterTotalBytes: 0, crossClusterTotalBytes: 0 },
      },
      inputDatasetStatistics: {
        extents: { total: 0, scanned: 0 },
        rows: { total: rowsScanned, scanned: rowsScanned },
      },
      datasetStatistics: [{ tableRowCount: rowsReturned, tableSize: resultBytes }],
    },
  };
}
