/**
 * A columnar row buffer for one table. Generators add rows as small objects; values go
 * straight into typed per-column arrays (text is dictionary-coded, since most columns
 * repeat a handful of values), and `flush()` turns the buffered rows into a Polars frame
 * in the schema's column order, sorted by `TimeGenerated` with insertion order breaking
 * ties. Codes and numbers cross into Polars as typed arrays, which is what keeps large
 * scales fast.
 *
 * @module
 */
import {
  type DataFrame,
  type DataType,
  DATETIME,
  type Expr,
  pl,
  type Series,
} from "../../src/polars.ts";
import type { KustoType, TableSchema } from "../../src/schema/types.ts";

/**
 * One cell value: text (also GUIDs and dynamic JSON), a number (datetimes are
 * microseconds since the epoch), a bool, or null.
 */
export type Cell = string | number | boolean | null | undefined;

/** One row: column name to value. Columns left out are null. */
export type Row = Readonly<Record<string, Cell>>;

/** A column name the schema does not have, or a value of the wrong kind for a column. */
export class SchemaMismatchError extends TypeError {
  /** The table the row was for. */
  readonly table: string;
  /** The offending column. */
  readonly column: string;

  /** Creates the error. */
  constructor(table: string, column: string, message: string) {
    super(`Cannot add a row to ${table}: ${message}`);
    this.name = "SchemaMismatchError";
    this.table = table;
    this.column = column;
  }
}

/** How a column becomes a Polars series: raw series to put in a frame, and the expression. */
interface Built {
  readonly raw: Series[];
  readonly expr: Expr;
}

interface ColumnBuffer {
  readonly name: string;
  set(row: number, value: Exclude<Cell, null | undefined>): void;
  /** Raw series of `rows` values and an expression that turns them into the column. */
  build(rows: number, order: readonly number[], key: string): Built;
  /** Keeps only the rows at `indices` (in that order), dropping the rest. */
  keep(indices: readonly number[]): void;
}

function grow<T extends Uint32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  let capacity = Math.max(1024, array.length);
  while (capacity < size) capacity *= 2;
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}

class TextBuffer implements ColumnBuffer {
  readonly name: string;
  readonly #constant: string | undefined;
  #codes = new Uint32Array(0);
  #values: (string | null)[] = [null];
  #dict = new Map<string, number>();
  #lastValue: string | undefined;
  #lastCode = 0;

  constructor(name: string, constant: string | undefined) {
    this.name = name;
    this.#constant = constant;
  }

  set(row: number, value: Exclude<Cell, null | undefined>): void {
    if (typeof value !== "string") throw new TypeError(`expected text, got ${typeof value}`);
    // Consecutive rows often repeat a value (same host, same event); skip the lookup then.
    let code = value === this.#lastValue ? this.#lastCode : this.#dict.get(value);
    this.#lastValue = value;
    if (code === undefined) {
      code = this.#values.length;
      this.#values.push(value);
      this.#dict.set(value, code);
    }
    this.#lastCode = code;
    if (row >= this.#codes.length) this.#codes = grow(this.#codes, row + 1);
    this.#codes[row] = code;
  }

  build(rows: number, order: readonly number[], key: string): Built {
    if (this.#constant !== undefined) {
      return { raw: [], expr: pl.lit(this.#constant).cast(pl.Utf8).alias(this.name) };
    }
    if (this.#values.length === 1) {
      return { raw: [], expr: pl.lit(null).cast(pl.Utf8).alias(this.name) };
    }
    const codes = this.#codes;
    const picked = new Uint32Array(rows);
    for (let i = 0; i < rows; i++) {
      const r = order[i];
      picked[i] = r < codes.length ? codes[r] : 0;
    }
    // The dictionary goes in as one list literal and is exploded and indexed inside Polars:
    // codes cross as a typed array, values once each. Code 0 is null.
    const dictionary = pl.lit(pl.Series("d", this.#values, pl.Utf8)).explode();
    return { raw: [pl.Series(key, picked)], expr: dictionary.gather(pl.col(key)).alias(this.name) };
  }

  keep(indices: readonly number[]): void {
    const codes = this.#codes;
    const values = this.#values;
    this.#codes = new Uint32Array(0);
    this.#values = [null];
    this.#dict = new Map();
    this.#lastValue = undefined;
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i];
      const code = r < codes.length ? codes[r] : 0;
      if (code !== 0) this.set(i, values[code] as string);
    }
  }
}

class ValueBuffer implements ColumnBuffer {
  readonly name: string;
  readonly #kind: "number" | "boolean";
  readonly #type: KustoType;
  #values = new Float64Array(0);
  #valid = new Uint8Array(0);

  constructor(name: string, type: KustoType) {
    this.name = name;
    this.#type = type;
    this.#kind = type === "bool" ? "boolean" : "number";
    if (!["bool", "int", "long", "real", "decimal", "datetime"].includes(type)) {
      throw new TypeError(`column ${name} has type ${type}, which is not a number`);
    }
  }

  set(row: number, value: Exclude<Cell, null | undefined>): void {
    const kind = typeof value === "boolean" ? "boolean" : typeof value === "number" ? "number" : "";
    if (kind !== this.#kind) throw new TypeError(`expected a ${this.#kind}, got ${typeof value}`);
    const n = this.#kind === "boolean" ? (value ? 1 : 0) : value as number;
    if (!Number.isFinite(n)) throw new TypeError(`expected a finite number, got ${value}`);
    if (row >= this.#values.length) {
      this.#values = grow(this.#values, row + 1);
      this.#valid = grow(this.#valid, row + 1);
    }
    this.#values[row] = n;
    this.#valid[row] = 1;
  }

  /** The value at `row`, or undefined when null. */
  get(row: number): number | undefined {
    return row < this.#valid.length && this.#valid[row] === 1 ? this.#values[row] : undefined;
  }

  build(rows: number, order: readonly number[], key: string): Built {
    const values = this.#values;
    const valid = this.#valid;
    const picked = new Float64Array(rows);
    const mask = new Uint8Array(rows);
    let nulls = 0;
    for (let i = 0; i < rows; i++) {
      const r = order[i];
      if (r < valid.length && valid[r] === 1) {
        picked[i] = values[r];
        mask[i] = 1;
      } else {
        nulls++;
      }
    }
    const raw = [pl.Series(key, picked)];
    let expr: Expr = pl.col(key);
    if (nulls > 0) {
      raw.push(pl.Series(`${key}m`, mask));
      expr = pl.when(pl.col(`${key}m`).eq(pl.lit(1))).then(expr).otherwise(pl.lit(null));
    }
    for (const dtype of castsFor(this.#type)) expr = expr.cast(dtype);
    return { raw, expr: expr.alias(this.name) };
  }

  keep(indices: readonly number[]): void {
    const values = this.#values;
    const valid = this.#valid;
    this.#values = new Float64Array(Math.max(1024, indices.length));
    this.#valid = new Uint8Array(this.#values.length);
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i];
      if (r < valid.length && valid[r] === 1) {
        this.#values[i] = values[r];
        this.#valid[i] = 1;
      }
    }
  }
}

function castsFor(type: KustoType): DataType[] {
  switch (type) {
    case "bool":
      return [pl.Bool];
    case "int":
      return [pl.Int32];
    case "long":
      return [pl.Int64];
    case "datetime":
      // Microsecond counts become Int64 and are reinterpreted: exact, no Date rounding.
      return [pl.Int64, DATETIME];
    default:
      return [pl.Float64];
  }
}

/** Buffers rows for one table and flushes them as sorted Polars frames. */
export class TableBuilder {
  /** The table's schema; flushed frames have exactly these columns, in this order. */
  readonly schema: TableSchema;
  readonly #columns: ColumnBuffer[];
  readonly #byName: Map<string, ColumnBuffer>;
  readonly #time: ValueBuffer;
  #rows = 0;
  #flushed = -Infinity;

  /**
   * Creates a builder for `schema`. `constants` fills columns that never vary (`Type`,
   * `TenantId`, ...); rows must not set those.
   */
  constructor(schema: TableSchema, constants: Readonly<Record<string, string>> = {}) {
    this.schema = schema;
    for (const name of Object.keys(constants)) {
      if (!schema.columns.some((c) => c.name === name)) {
        throw new SchemaMismatchError(schema.name, name, `no column ${name}`);
      }
    }
    this.#columns = schema.columns.map((c) => {
      const constant = constants[c.name];
      if (c.type === "string" || c.type === "guid" || c.type === "dynamic") {
        return new TextBuffer(c.name, constant);
      }
      if (constant !== undefined) {
        throw new SchemaMismatchError(schema.name, c.name, `constant for non-text column`);
      }
      return new ValueBuffer(c.name, c.type);
    });
    this.#byName = new Map();
    for (const column of this.#columns) {
      if (constants[column.name] === undefined) this.#byName.set(column.name, column);
    }
    const time = this.#byName.get("TimeGenerated");
    if (!(time instanceof ValueBuffer)) {
      throw new SchemaMismatchError(schema.name, "TimeGenerated", "no TimeGenerated column");
    }
    this.#time = time;
  }

  /** Rows buffered since the last flush. */
  get rows(): number {
    return this.#rows;
  }

  /** Adds one row. Throws {@link SchemaMismatchError} on an unknown column or a wrong kind. */
  add(row: Row): void {
    const index = this.#rows;
    for (const key in row) {
      const value = row[key];
      if (value === null || value === undefined) continue;
      const column = this.#byName.get(key);
      if (column === undefined) {
        throw new SchemaMismatchError(this.schema.name, key, `no settable column ${key}`);
      }
      try {
        column.set(index, value);
      } catch (error) {
        throw new SchemaMismatchError(
          this.schema.name,
          key,
          `column ${key}: ${(error as Error).message}`,
        );
      }
    }
    this.#rows = index + 1;
  }

  /**
   * Returns the buffered rows timed before `until` as a frame sorted by `TimeGenerated`
   * (ties keep insertion order), and keeps later rows for the next flush. Flushing day by
   * day with increasing `until` therefore yields frames that concatenate in time order.
   * Throws if a row is older than the previous flush's `until`.
   */
  flush(until: number): DataFrame {
    const rows = this.#rows;
    const time = this.#time;
    const out: number[] = [];
    const kept: number[] = [];
    const stamps = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const t = time.get(i);
      if (t === undefined) {
        throw new SchemaMismatchError(this.schema.name, "TimeGenerated", `row ${i} has no time`);
      }
      if (t < this.#flushed) {
        throw new SchemaMismatchError(
          this.schema.name,
          "TimeGenerated",
          `row ${i} at ${t} is older than rows already flushed`,
        );
      }
      stamps[i] = t;
      (t < until ? out : kept).push(i);
    }
    out.sort((a, b) => (stamps[a] - stamps[b]) || (a - b));
    const built = this.#columns.map((c, i) => c.build(out.length, out, `c${i}`));
    const raw = built.flatMap((b) => b.raw);
    const frame = pl.DataFrame(raw).select(...built.map((b) => b.expr));
    for (const column of this.#columns) column.keep(kept);
    this.#rows = kept.length;
    this.#flushed = until;
    return frame;
  }
}
