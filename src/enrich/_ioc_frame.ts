/**
 * The long frame of `extractIocsFrame`: indicators written into flat column builders, then
 * one DataFrame per column scanned. Millions of indicators are common, so nothing is built
 * per indicator beyond its value string: offsets go into growable typed arrays, the
 * repetitive `type` column is small codes that Polars expands natively, and with `dedupe`
 * each distinct text's indicators are joined to its rows in Polars.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type DataFrame, pl, type Series } from "../polars.ts";
import {
  compileExtractor,
  type Emit,
  type ExtractIocsOptions,
  type Extractor,
} from "./_ioc_scan.ts";
import { distinctTexts, textColumn } from "./_frame.ts";
import { EnrichmentError } from "./errors.ts";
import { columnNames } from "../errors.ts";

/** Options of the frame extraction. */
export interface IocFrameOptions extends ExtractIocsOptions {
  /** Scan each distinct value once and join back (default true). */
  readonly dedupe?: boolean;
}

/** A growable column of unsigned 32-bit integers. */
class U32Column {
  #data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.#data.length) {
      const grown = new Uint32Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.length++] = v;
  }
  series(name: string): Series {
    // A typed array crosses into Polars in one copy (a JS array goes value by value).
    return pl.Series(name, this.#data.slice(0, this.length));
  }
}

/** A string column whose few distinct values are stored as codes. */
class CodedColumn {
  readonly #codes = new U32Column();
  readonly #names: string[] = [];
  readonly #index = new Map<string, number>();
  push(v: string): void {
    let k = this.#index.get(v);
    if (k === undefined) {
      k = this.#names.length;
      this.#names.push(v);
      this.#index.set(v, k);
    }
    this.#codes.push(k);
  }
  series(name: string): Series {
    const codes = this.#codes.series(name);
    if (this.#names.length === 0) return pl.Series(name, [], pl.Utf8);
    const codeList = this.#names.map((_, i) => i);
    return pl.DataFrame([codes]).select(
      pl.col(name).replaceStrict(codeList, this.#names, undefined, pl.Utf8).alias(name),
    ).getColumn(name);
  }
}

/**
 * A string column. Polars takes a JS array of strings one napi call per value; a large
 * column goes faster as one quoted CSV body that Polars parses natively (same values:
 * quotes doubled, line breaks kept inside quotes, invalid UTF-16 replaced either way).
 */
export function stringSeries(name: string, values: string[]): Series {
  if (values.length < 10_000) return pl.Series(name, values, pl.Utf8);
  let quoted = false;
  for (let i = 0; i < values.length && !quoted; i++) quoted = values[i].includes('"');
  const body = '"' + (quoted ? values.map((v) => v.replaceAll('"', '""')) : values).join('"\n"') +
    '"\n';
  const parsed = pl.readCSV(Buffer.from(body, "utf-8"), { hasHeader: false, inferSchemaLength: 0 })
    .getColumn("column_1");
  if (parsed.length !== values.length) return pl.Series(name, values, pl.Utf8);
  return parsed.rename(name);
}

/** Flat columns of indicators, turned into one DataFrame at the end. */
class IocColumns {
  readonly rows = new U32Column();
  readonly types = new CodedColumn();
  readonly values: string[] = [];
  readonly starts = new U32Column();
  readonly ends = new U32Column();
  get length(): number {
    return this.values.length;
  }
  push(row: number, type: string, value: string, start: number, end: number): void {
    this.rows.push(row);
    this.types.push(type);
    this.values.push(value);
    this.starts.push(start);
    this.ends.push(end);
  }
  frame(rowName: string): DataFrame {
    return pl.DataFrame([
      this.rows.series(rowName),
      this.types.series("type"),
      stringSeries("value", this.values),
      this.starts.series("start"),
      this.ends.series("end"),
    ]);
  }
}

const EMPTY_COLUMNS = () =>
  pl.DataFrame([
    pl.Series("row", new Uint32Array(0)),
    pl.Series("column", [], pl.Utf8),
    pl.Series("type", [], pl.Utf8),
    pl.Series("value", [], pl.Utf8),
    pl.Series("start", new Uint32Array(0)),
    pl.Series("end", new Uint32Array(0)),
  ]);

/** Every indicator of `columns` of `frame`, one row each (by column, then row, then position). */
export function iocFrame(
  frame: DataFrame,
  columns: string | readonly string[],
  options: IocFrameOptions,
): DataFrame {
  const names = columnNames(columns);
  if (!names) {
    throw new EnrichmentError("extractIocsFrame: no column to scan is named", {
      capability: "ioc",
      hint:
        `Name one or a list, e.g. extractIocsFrame(frame, { columns: "CommandLine" }); the frame's columns: ${
          frame.columns.join(", ")
        }.`,
    });
  }
  const extractor = compileExtractor(options);
  const parts: DataFrame[] = [];
  for (const column of names) {
    const part = options.dedupe === false
      ? everyRow(frame, column, extractor)
      : distinctOnce(frame, column, extractor);
    if (part.height > 0) parts.push(part);
  }
  if (parts.length === 0) return EMPTY_COLUMNS();
  return parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });
}

/** Each row scanned in turn. */
function everyRow(frame: DataFrame, column: string, extractor: Extractor): DataFrame {
  const texts = textColumn(frame, column, "ioc");
  const out = new IocColumns();
  let row = 0;
  const emit: Emit = (type, value, start, end) => out.push(row, type, value, start, end);
  for (; row < texts.length; row++) {
    const t = texts[row];
    if (t) extractor.each(t, emit);
  }
  return withColumn(out.frame("row"), column);
}

/**
 * Each distinct text scanned once; Polars joins the indicators back to every row holding
 * that text, so repeated command lines cost neither a scan nor a copy in JS.
 */
function distinctOnce(frame: DataFrame, column: string, extractor: Extractor): DataFrame {
  const { unique, index } = distinctTexts(frame, column, "ioc");
  const out = new IocColumns();
  let k = 0;
  const emit: Emit = (type, value, start, end) => out.push(k, type, value, start, end);
  for (; k < unique.length; k++) extractor.each(unique[k], emit);
  if (out.length === 0) return EMPTY_COLUMNS();
  // `n` keeps each text's indicators in their order through the join.
  const found = out.frame("k").withColumn(pl.Series("n", sequence(out.length)));
  // Null texts have index -1, which reads as 0xffffffff through the unsigned view.
  const holders = pl.DataFrame([
    pl.Series("row", sequence(index.length)),
    pl.Series("k", new Uint32Array(index.buffer, index.byteOffset, index.length)),
  ])
    .filter(pl.col("k").neq(pl.lit(0xffffffff)));
  const joined = holders.join(found, { on: "k", how: "inner" }).sort(["row", "n"]);
  return withColumn(joined.select("row", "type", "value", "start", "end"), column);
}

/** 0, 1, ... n-1. */
function sequence(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Adds the source column's name as the second column. */
function withColumn(found: DataFrame, column: string): DataFrame {
  return found.select(
    pl.col("row"),
    pl.lit(column).cast(pl.Utf8).alias("column"),
    pl.col("type"),
    pl.col("value"),
    pl.col("start"),
    pl.col("end"),
  );
}
