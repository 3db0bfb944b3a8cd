/**
 * Kusto v2 query responses (a JSON array of frames) → Polars frames typed like the local
 * engine's, with the partial failures and truncation the frames report.
 *
 * The body is parsed with JSON source text access: integers beyond 2^53 keep every digit
 * (a `long` column becomes Int64 from BigInt, a `dynamic` value keeps the digits in its
 * JSON text). Values are read as the service writes them: `datetime` as ISO 8601 UTC text
 * with up to seven fraction digits (kept to the microsecond, as the local engine keeps
 * them; dropped 100-ns digits are reported), `timespan` as `[-][d.]hh:mm:ss[.fffffff]`,
 * `decimal` as text, `real` as numbers or `"NaN"`/`"Infinity"`, `dynamic` as JSON values,
 * `guid` as text.
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
import { readKqlDatetime, readKqlTimespan } from "../../kql/syntax.ts";
import type { QueryWarning, RenderSpec } from "../provider.ts";
import { bigSeries, isRaw } from "../_exact_json.ts";

export { parseExact } from "../_exact_json.ts";

/** A column of a v1 or v2 table. */
interface WireColumn {
  readonly ColumnName: string;
  readonly ColumnType?: string;
  readonly DataType?: string;
}

/** A v2 `DataTable` frame, or a v1 table. */
export interface WireTable {
  readonly TableKind?: string;
  readonly TableName?: string;
  readonly Columns: readonly WireColumn[];
  readonly Rows: readonly unknown[];
}

/** One `OneApiErrors` entry: `{error: {code, message, "@message", ...}}`. */
export interface OneApiError {
  readonly error?: Readonly<Record<string, unknown>>;
}

/** What a v2 answer holds. */
export interface V2Answer {
  readonly primary?: WireTable;
  /** Errors the answer reported: in the data, in `QueryCompletionInformation`, at completion. */
  readonly errors: readonly string[];
  /** Whether an error is a limit (truncation) rather than a failure. */
  readonly truncated: boolean;
  /** The chart the query asked for with `render`. */
  readonly render?: RenderSpec;
  /** Whether the answer was complete (a `DataSetCompletion` frame came). */
  readonly complete: boolean;
}

/** A body that is not a Kusto response; the message says what is wrong. */
export class ShapeError extends Error {
  /** Makes the error. */
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

const LIMIT_CODES = /E_QUERY_RESULT_SET_TOO_LARGE|E_RUNAWAY_QUERY|truncat|LimitsExceeded/i;

/**
 * Reads a v2 answer: its primary table and what it reported. A progressive answer's tables
 * (`TableHeader`, `TableFragment`s appended or replaced, `TableCompletion`) are merged into
 * whole tables first; a table without its completion frame is a {@link ShapeError}.
 */
export function readV2(body: unknown): V2Answer {
  if (!Array.isArray(body)) throw new ShapeError("the answer is not a list of frames");
  let primary: WireTable | undefined;
  const errors: string[] = [];
  let truncated = false;
  let render: RenderSpec | undefined;
  let complete = false;
  const note = (message: string) => {
    if (!errors.includes(message)) errors.push(message);
    if (LIMIT_CODES.test(message)) truncated = true;
  };
  // Progressive tables (TableHeader, TableFragment..., TableCompletion) by TableId.
  const open = new Map<unknown, { header: WireTable; rows: unknown[]; fragments: number }>();
  const tables: Record<string, unknown>[] = [];
  for (const frame of body as Record<string, unknown>[]) {
    if (typeof frame !== "object" || frame === null) {
      throw new ShapeError("a frame is not an object");
    }
    switch (frame.FrameType) {
      case "TableHeader": {
        if (!Array.isArray(frame.Columns)) {
          throw new ShapeError(`table ${String(frame.TableName)} lacks Columns`);
        }
        open.set(frame.TableId, {
          header: { ...(frame as unknown as WireTable), Rows: [] },
          rows: [],
          fragments: 0,
        });
        break;
      }
      case "TableFragment": {
        const table = open.get(frame.TableId);
        if (!table) throw new ShapeError(`a fragment of table ${frame.TableId} before its header`);
        if (!Array.isArray(frame.Rows)) throw new ShapeError("a fragment lacks Rows");
        if (frame.TableFragmentType === "DataReplace") table.rows = [...frame.Rows];
        else for (const row of frame.Rows) table.rows.push(row);
        table.fragments++;
        break;
      }
      case "TableCompletion": {
        const table = open.get(frame.TableId);
        if (!table) {
          throw new ShapeError(`the completion of table ${frame.TableId} before its header`);
        }
        open.delete(frame.TableId);
        // Rows of errors in the data are not counted by RowCount.
        const count = table.rows.filter(Array.isArray).length;
        if (typeof frame.RowCount === "number" && frame.RowCount !== count) {
          throw new ShapeError(
            `table ${table.header.TableName} announced ${frame.RowCount} rows but its ` +
              `fragments held ${count}`,
          );
        }
        for (const e of (frame.OneApiErrors ?? []) as OneApiError[]) note(errorText(e));
        tables.push({ ...table.header, FrameType: "DataTable", Rows: table.rows });
        break;
      }
      default:
        tables.push(frame);
    }
  }
  for (const { header, fragments, rows } of open.values()) {
    throw new ShapeError(
      `table ${header.TableName} stopped after ${fragments} fragment(s) (${rows.length} rows) ` +
        "without its TableCompletion frame: the answer is not whole",
    );
  }
  for (const frame of tables) {
    switch (frame.FrameType) {
      case "DataTable": {
        const table = frame as unknown as WireTable;
        if (!Array.isArray(table.Columns) || !Array.isArray(table.Rows)) {
          throw new ShapeError(`table ${String(table.TableName)} lacks Columns or Rows`);
        }
        if (table.TableKind === "PrimaryResult" && primary === undefined) {
          // Errors in the data (ErrorReportingPlacement InData) are objects among the rows.
          const rows = table.Rows.filter((row) => {
            if (Array.isArray(row)) return true;
            for (const e of (row as { OneApiErrors?: OneApiError[] })?.OneApiErrors ?? []) {
              note(errorText(e));
            }
            return false;
          });
          primary = { ...table, Rows: rows };
        } else if (table.TableKind === "QueryCompletionInformation") {
          const level = table.Columns.findIndex((c) => c.ColumnName === "Level");
          const payload = table.Columns.findIndex((c) => c.ColumnName === "Payload");
          for (const row of table.Rows as unknown[][]) {
            if (level >= 0 && typeof row[level] === "number" && row[level] <= 2) {
              note(payloadText(row[payload]));
            }
          }
        } else if (table.TableKind === "QueryProperties") {
          render ??= renderOf(table);
        }
        break;
      }
      case "DataSetCompletion": {
        complete = true;
        const oneApi = (frame.OneApiErrors ?? []) as OneApiError[];
        for (const e of oneApi) note(errorText(e));
        if (frame.HasErrors === true && oneApi.length === 0 && errors.length === 0) {
          note("the service reported errors without details");
        }
        if (frame.Cancelled === true) note("the query was cancelled on the service");
        break;
      }
      default:
        break;
    }
  }
  return { primary, errors, truncated, render, complete };
}

function errorText(e: OneApiError): string {
  const error = e?.error ?? {};
  return String(error["@message"] ?? error.message ?? error.code ?? "unknown error");
}

function payloadText(payload: unknown): string {
  if (typeof payload !== "string") return JSON.stringify(payload);
  try {
    const parsed = JSON.parse(payload) as OneApiError;
    if (parsed && typeof parsed === "object" && parsed.error) return errorText(parsed);
  } catch {
    // A plain text payload.
  }
  return payload;
}

/** The `render` of a `Visualization` row of the QueryProperties table. */
function renderOf(table: WireTable): RenderSpec | undefined {
  const key = table.Columns.findIndex((c) => c.ColumnName === "Key");
  const value = table.Columns.findIndex((c) => c.ColumnName === "Value");
  for (const row of table.Rows as unknown[][]) {
    if (row[key] !== "Visualization") continue;
    let v = row[value];
    if (typeof v === "string") v = JSON.parse(v);
    const spec = v as Record<string, unknown> | null;
    if (!spec || typeof spec.Visualization !== "string") return undefined;
    const properties: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(spec)) {
      if (k === "Visualization" || x === null || x === "" || x === "NaN") continue;
      properties[k.charAt(0).toLowerCase() + k.slice(1)] = x;
    }
    return { visualization: spec.Visualization, properties };
  }
  return undefined;
}

/** A frame with its Kusto schema, and what converting it needed to say. */
export interface TypedFrame {
  readonly frame: DataFrame;
  readonly schema: TableSchema;
  readonly warnings: QueryWarning[];
}

/** The Kusto type of a column type name (`long`, `Int64`, `System.DateTime`, ...). */
export function wireType(column: WireColumn): KustoType {
  const name = column.ColumnType ?? column.DataType ?? "string";
  return kustoTypeFromName(name) ?? kustoTypeFromName(name.replace(/^System\./, "")) ?? "string";
}

/**
 * A table as a Polars frame typed like the local engine's.
 *
 * @throws {ShapeError} when a row is not one cell per column, or a cell does not fit.
 */
export function tableToFrame(table: WireTable, name = "PrimaryResult"): TypedFrame {
  const columns: ColumnSchema[] = table.Columns.map((c) => ({
    name: c.ColumnName,
    type: wireType(c),
  }));
  const rows = table.Rows as unknown[][];
  const warnings: QueryWarning[] = [];
  let finer = 0;
  const series = columns.map((column, c) => {
    const cells = rows.map((row, i) => {
      if (!Array.isArray(row) || row.length !== columns.length) {
        throw new ShapeError(`row ${i} does not have ${columns.length} cells`);
      }
      return row[c];
    });
    const made = columnSeries(column, cells);
    finer += made.finer;
    return made.series;
  });
  if (finer > 0) {
    warnings.push({
      kind: "data",
      message: `${finer} datetime/timespan value(s) had 100-ns digits; kept to the microsecond ` +
        "(casefile's resolution)",
    });
  }
  return { frame: pl.DataFrame(series), schema: { name, columns }, warnings };
}

function columnSeries(
  column: ColumnSchema,
  cells: unknown[],
): { series: Series; finer: number } {
  const { name, type } = column;
  const misfit = (i: number) => {
    throw new ShapeError(
      `column ${name} is declared ${type} but row ${i} holds ${
        JSON.stringify(cells[i])?.slice(0, 60)
      }`,
    );
  };
  switch (type) {
    case "string":
      return {
        series: pl.Series(name, cells.map((v) => v == null ? "" : String(v)), pl.Utf8),
        finer: 0,
      };
    case "guid":
      return {
        series: pl.Series(name, cells.map((v) => v == null ? null : String(v)), pl.Utf8),
        finer: 0,
      };
    case "dynamic":
      return {
        series: pl.Series(name, cells.map((v) => v == null ? null : JSON.stringify(v)), pl.Utf8),
        finer: 0,
      };
    case "bool":
      return {
        series: pl.Series(
          name,
          cells.map((v, i) =>
            v == null
              ? null
              : v === true || v === 1
              ? true
              : v === false || v === 0
              ? false
              : misfit(i)
          ),
          pl.Bool,
        ),
        finer: 0,
      };
    case "int":
    case "long": {
      const values = cells.map((v, i) => {
        if (v == null) return null;
        if (isRaw(v)) return BigInt(v.rawJSON);
        if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
        if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
        return misfit(i);
      });
      return { series: bigSeries(name, values, polarsTypeOf(type)), finer: 0 };
    }
    case "real":
    case "decimal": {
      const values = cells.map((v, i) => {
        if (v == null) return null;
        if (typeof v === "number") return v;
        if (isRaw(v)) return Number(v.rawJSON);
        if (typeof v === "string") {
          const x = Number(v);
          return Number.isNaN(x) && v !== "NaN" ? misfit(i) : x;
        }
        return misfit(i);
      });
      return { series: pl.Series(name, values, pl.Float64), finer: 0 };
    }
    case "datetime":
    case "timespan": {
      let finer = 0;
      const read = type === "datetime" ? readKqlDatetime : readKqlTimespan;
      const values = cells.map((v, i) => {
        if (v == null) return null;
        if (typeof v !== "string") return misfit(i);
        // The seventh fraction digit is 100 ns: below casefile's microsecond.
        const fraction = /\.(\d+)Z?$/.exec(v)?.[1] ?? "";
        if (fraction.length > 6 && /[1-9]/.test(fraction.slice(6))) finer++;
        const x = read(v);
        return x === undefined ? misfit(i) : BigInt(x);
      });
      return { series: bigSeries(name, values, type === "datetime" ? DATETIME : DURATION), finer };
    }
  }
}
