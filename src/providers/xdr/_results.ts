/**
 * Graph's hunting results (`{ schema: [{name, type}], results: [{...}, ...] }`, one JSON
 * object per row) → a Polars DataFrame with the dtypes the local engine gives.
 *
 * Graph names column types with .NET type names (`String`, `DateTime`, `Int64`, `Int32`,
 * `Double`, `Boolean`, `Object` for `dynamic`, `Guid`, `TimeSpan`, `Decimal`; sometimes in
 * `Name`/`Type` capitals) and writes values as JSON: datetimes as ISO 8601 text with up to
 * seven fraction digits, longs as numbers (or text, past 2^53), `dynamic` as nested JSON or
 * as JSON text, timespans as `[d.]hh:mm:ss[.fffffff]` text. Each column is read by the type
 * the schema gives it, never guessed from its values. Longs are exact beyond 2^53 when the
 * body was parsed with `parseExact` (src/providers/_exact_json.ts): Int64 from BigInt.
 *
 * @module
 */
import { type DataFrame, DATETIME, DURATION, pl, type Series } from "../../polars.ts";
import {
  type ColumnSchema,
  type KustoType,
  kustoTypeFromName,
  polarsTypeOf,
  type TableSchema,
} from "../../schema/types.ts";
import { readKqlDatetime, readKqlTimespan } from "../../kql/mod.ts";
import { bigSeries, isRaw } from "../_exact_json.ts";

/** A hunting result as read from the body: its columns (Kusto types) and rows. */
export interface HuntingBody {
  readonly columns: readonly ColumnSchema[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/** Why a body is not a hunting result (the provider turns it into an `XdrResponseError`). */
export class HuntingShapeError extends Error {}

const GRAPH_TYPES: Readonly<Record<string, KustoType>> = {
  string: "string",
  datetime: "datetime",
  int64: "long",
  long: "long",
  int32: "int",
  int: "int",
  double: "real",
  single: "real",
  real: "real",
  decimal: "decimal",
  boolean: "bool",
  bool: "bool",
  sbyte: "bool",
  object: "dynamic",
  dynamic: "dynamic",
  guid: "guid",
  timespan: "timespan",
};

/** The Kusto type of a Graph column type name (unknown names are `string`). */
export function graphType(name: string): KustoType {
  const lower = name.toLowerCase().replace(/^system\./, "");
  return GRAPH_TYPES[lower] ?? kustoTypeFromName(lower) ?? "string";
}

/** Reads the parsed response body; throws {@link HuntingShapeError} when it is not one. */
export function readHuntingBody(body: unknown): HuntingBody {
  const value = body as {
    schema?: unknown;
    Schema?: unknown;
    results?: unknown;
    Results?: unknown;
  };
  const schema = value?.schema ?? value?.Schema;
  const results = value?.results ?? value?.Results;
  if (!Array.isArray(schema)) throw new HuntingShapeError("it has no 'schema' list");
  if (!Array.isArray(results)) throw new HuntingShapeError("it has no 'results' list");
  const columns = schema.map((c: Record<string, unknown>, i) => {
    const name = c?.name ?? c?.Name;
    const type = c?.type ?? c?.Type;
    if (typeof name !== "string" || typeof type !== "string") {
      throw new HuntingShapeError(`schema entry ${i} has no name and type`);
    }
    return { name, type: graphType(type) };
  });
  results.forEach((row, i) => {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new HuntingShapeError(`result ${i} is not an object`);
    }
  });
  return { columns, rows: results };
}

/** The rows as a DataFrame typed by `columns`; throws {@link HuntingShapeError} on a misfit. */
export function huntingFrame(body: HuntingBody, name = "result"): {
  frame: DataFrame;
  schema: TableSchema;
} {
  const series = body.columns.map((column) =>
    columnSeries(column, body.rows.map((row) => row[column.name]))
  );
  return { frame: pl.DataFrame(series), schema: { name, columns: body.columns } };
}

function columnSeries(column: ColumnSchema, cells: readonly unknown[]): Series {
  const { name, type } = column;
  const misfit = (i: number): never => {
    throw new HuntingShapeError(
      `column ${name} is declared ${type} but row ${i} holds ${
        JSON.stringify(cells[i])?.slice(0, 60)
      }`,
    );
  };
  switch (type) {
    case "string":
      // Kusto strings are never null: an absent value is "".
      return pl.Series(name, cells.map((v) => v == null ? "" : textOf(v)), pl.Utf8);
    case "guid":
      return pl.Series(name, cells.map((v) => v == null ? null : textOf(v)), pl.Utf8);
    case "dynamic":
      return pl.Series(name, cells.map((v) => v == null ? null : dynamicText(v)), pl.Utf8);
    case "bool":
      return pl.Series(
        name,
        cells.map((v, i) =>
          v == null ? null : TRUE.has(v) ? true : FALSE.has(v) ? false : misfit(i)
        ),
        pl.Bool,
      );
    case "datetime":
      return micros(name, cells, readKqlDatetime, misfit).cast(DATETIME);
    case "timespan":
      return micros(name, cells, readKqlTimespan, misfit).cast(DURATION);
    case "int":
    case "long": {
      // Exact beyond 2^53: raw JSON integers (see parseExact) and digit strings become BigInt.
      const values = cells.map((v, i) => {
        if (v == null) return null;
        if (isRaw(v)) return BigInt(v.rawJSON);
        if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
        if (typeof v === "string" && /^[+-]?\d+$/.test(v)) return BigInt(v);
        return misfit(i);
      });
      return bigSeries(name, values, polarsTypeOf(type));
    }
    case "real":
    case "decimal":
      return pl.Series(
        name,
        cells.map((v, i) => {
          if (v == null) return null;
          if (typeof v === "number") return v;
          if (isRaw(v)) return Number(v.rawJSON);
          const x = typeof v === "string" ? Number(v) : NaN;
          return Number.isNaN(x) && v !== "NaN" ? misfit(i) : x;
        }),
        pl.Float64,
      );
  }
}

const TRUE = new Set<unknown>([true, 1, "true", "True"]);
const FALSE = new Set<unknown>([false, 0, "false", "False"]);

function micros(
  name: string,
  cells: readonly unknown[],
  read: (text: string) => bigint | undefined,
  misfit: (i: number) => never,
): Series {
  const values = cells.map((v, i) => {
    if (v == null) return null;
    const x = typeof v === "string" ? read(v) : undefined;
    return x === undefined ? misfit(i) : Number(x);
  });
  // Float64 holds every datetime and timespan in microseconds exactly (below 2^53).
  return pl.Series(name, values, pl.Float64).cast(pl.Int64);
}

function textOf(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** A `dynamic` cell as the local engine keeps it: compact JSON text. */
function dynamicText(v: unknown): string {
  if (typeof v !== "string") return JSON.stringify(v);
  try {
    JSON.parse(v);
    return v; // JSON text, kept as Graph wrote it
  } catch {
    return JSON.stringify(v); // a bare string value
  }
}
