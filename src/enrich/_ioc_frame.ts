/**
 * The long frame of `extractIocsFrame`: indicators of every row written into flat column
 * builders, then one DataFrame. Millions of indicators are common, so nothing is built
 * per indicator beyond its value string: offsets go into growable typed arrays, and the
 * repetitive `type` and `column` columns are small codes that Polars expands natively.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type DataFrame, pl, type Series } from "../polars.ts";
import { compileExtractor, type Emit, type ExtractIocsOptions } from "./_ioc_scan.ts";
import { distinctTexts, textColumn } from "./_frame.ts";

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
function stringSeries(name: string, values: string[]): Series {
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

/** Every indicator of `columns` of `frame`, one row each. */
export function iocFrame(
  frame: DataFrame,
  columns: string | readonly string[],
  options: IocFrameOptions,
): DataFrame {
  const extractor = compileExtractor(options);
  const rows = new U32Column();
  const cols = new CodedColumn();
  const types = new CodedColumn();
  const values: string[] = [];
  const starts = new U32Column();
  const ends = new U32Column();
  for (const column of typeof columns === "string" ? [columns] : columns) {
    let row = 0;
    const emit: Emit = (type, value, start, end) => {
      rows.push(row);
      cols.push(column);
      types.push(type);
      values.push(value);
      starts.push(start);
      ends.push(end);
    };
    if (options.dedupe === false) {
      const texts = textColumn(frame, column, "ioc");
      for (; row < texts.length; row++) {
        const t = texts[row];
        if (t) extractor.each(t, emit);
      }
      continue;
    }
    // Each distinct text is scanned once into flat lists; its rows copy their slice.
    const { unique, index } = distinctTexts(frame, column, "ioc");
    const first = new Uint32Array(unique.length + 1);
    const uTypes: string[] = [];
    const uValues: string[] = [];
    const uStarts: number[] = [];
    const uEnds: number[] = [];
    const collect: Emit = (type, value, start, end) => {
      uTypes.push(type);
      uValues.push(value);
      uStarts.push(start);
      uEnds.push(end);
    };
    for (let k = 0; k < unique.length; k++) {
      first[k] = uTypes.length;
      extractor.each(unique[k], collect);
    }
    first[unique.length] = uTypes.length;
    for (; row < index.length; row++) {
      const k = index[row];
      if (k < 0) continue;
      for (let j = first[k]; j < first[k + 1]; j++) {
        emit(uTypes[j], uValues[j], uStarts[j], uEnds[j], 0);
      }
    }
  }
  return pl.DataFrame([
    rows.series("row"),
    cols.series("column"),
    types.series("type"),
    stringSeries("value", values),
    starts.series("start"),
    ends.series("end"),
  ]);
}
