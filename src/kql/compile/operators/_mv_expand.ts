/**
 * `mv-expand` and `mv-apply`: dynamic arrays and property bags become rows.
 *
 * An array of strings Polars built (`split`, `pack_array`: the item itself or a column the
 * `extend` just before assigned) is expanded lazily by Polars' `explode`; the strings stay
 * beside their JSON texts, so `tostring()` of the expanded column reads them natively.
 * Bags of a source column whose sample gives their keys (`_bag_shapes.ts`) are cut at those
 * keys, and the keys of their `[key, value]` pairs kept beside them for `F[0]`.
 *
 * Expansion happens at one barrier: the item values are read in JavaScript, which builds
 * the expanded values and a vector of source row positions; the other columns are then
 * repeated natively by gathering rows at those positions.
 *
 * `mv-apply` runs its subquery over every row's expansion at once: the expanded rows carry
 * the number of the row they came from, and each subquery operator is applied per row
 * (summaries grouped by it, `top` and `take` counted within it).
 *
 * @module
 */
import { checkInterrupt } from "../../../interrupt.ts";
import { type DataFrame, type Expr, type LazyDataFrame, pl, type Series } from "../../../polars.ts";
import type { ColumnSchema, KustoType } from "../../../schema/types.ts";
import type * as A from "../../syntax/ast.ts";
import {
  type Context,
  ExprEnv,
  markJsonStrings,
  markPairKeys,
  type Relation,
  rowEnv,
  type Scope,
  type Typed,
} from "../_context.ts";
import {
  carryLists,
  decodableJson,
  explodeJsonStrings,
  explodeList,
  explodeLists,
  extendedList,
  nativeElements,
  nativeJsonStrings,
  readsElements,
} from "../_dynamic_native.ts";
import { compileExpr } from "../_expression.ts";
import { type BagShape, bagShapeOf } from "../_bag_shapes.ts";
import { derivedName, uniqueNames } from "../_names.ts";
import { sort } from "./_rows.ts";
import { summarize } from "./_summarize.ts";
import { invokePerRow, perRowWindows, positionInRow, topPerRow } from "./_mv_apply_rows.ts";
import {
  jsToSeries,
  type JsValue,
  kustoToString,
  parseJsonKeepingReals,
} from "../../runtime/_values.ts";
import {
  isExactLongAsJson,
  isRealAsJson,
  readDatetime,
  readTimespan,
} from "../../syntax/_literals.ts";
import { checkMemory, DEFAULT_MAX_MEMORY, tableBytes } from "../_limits.ts";

/** The default row limit of the legacy `mvexpand` spelling. */
const LEGACY_LIMIT = 128;

/** Applies `mv-expand`. */
export function mvExpand(
  input: Relation,
  op: A.MvExpandOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  // The parser keeps `bagexpansion=` but not its newer spelling `kind=`: read the options
  // text before the first item.
  const options = ctx.query.slice(op.span.start, op.items[0]?.span.start ?? op.span.end);
  const bagExpansion = /\bkind\s*=\s*array\b/i.test(options) ? "array" : op.bagExpansion;
  const legacy = /^mvexpand\b/i.test(options.trimStart());
  return expand(
    input,
    op.items,
    {
      bagExpansion,
      itemIndex: op.itemIndex,
      limit: op.limit ? rowLimit(op.limit, scope, ctx) : legacy ? LEGACY_LIMIT : Infinity,
    },
    scope,
    ctx,
  ).relation;
}

/**
 * Applies `mv-apply`. The source rows are numbered first, so the expansion (native where
 * `mv-expand` is: arrays of strings) carries the number like any column; the subquery then
 * runs per number, lazily, and the row's other columns join back by it.
 */
export function mvApply(
  input: Relation,
  op: A.MvApplyOperator,
  scope: Scope,
  ctx: Context,
): Relation {
  const rowId = ctx.temp("__mvrow");
  const numbered = numberRows(input, rowId);
  let limit = op.limit ? rowLimit(op.limit, scope, ctx) : Infinity;
  let subquery = op.subquery;
  // A subquery starting with `take n` keeps each row's first n elements: the expansion's
  // own limit (no numbering and filtering of every element).
  const first = subquery[0];
  if (first?.kind === "take") {
    const n = rowLimit(first.count, scope, ctx);
    [limit, subquery] = [Math.min(limit, n), subquery.slice(1)];
  }
  const expanded = expand(
    numbered,
    op.items,
    { bagExpansion: "bag", itemIndex: op.itemIndex, limit },
    scope,
    ctx,
  );
  let result = expanded.relation;
  for (const sub of subquery) result = applyPerRow(result, sub, rowId, scope, ctx);

  // The source row's columns that were not expanded come back in front of the subquery's
  // output, unless the subquery still has them.
  const produced = new Set(result.columns.map((c) => c.name));
  const replaced = new Set(expanded.names);
  const outer = input.columns.filter((c) => !replaced.has(c.name) && !produced.has(c.name));
  const inner = result.columns.filter((c) => c.name !== rowId);
  const columns = [...outer, ...inner];
  if (columns.length === 0) return { frame: pl.DataFrame({}).lazy(), columns };
  // Subquery results come back in the order of the rows they came from, each row's own
  // order kept: the join keeps the subquery's order (no sort of every result by row and
  // position), and a grouping's results are put in the rows' order by a stable sort.
  let frame = result.frame;
  if (outer.length > 0) {
    // The JavaScript expansion read the source rows already: joined from them.
    const source = expanded.source?.lazy() ?? numbered.frame;
    frame = frame.join(
      source.select(rowId, ...outer.map((c) => c.name)),
      { on: rowId, how: "left", maintainOrder: "left" } as never,
    );
  }
  if (subquery.some((sub) => REORDERING.has(sub.kind))) {
    frame = frame.sort({ by: [rowId], maintainOrder: true } as never);
  }
  return { frame: frame.select(...columns.map((c) => pl.col(c.name))), columns };
}

/**
 * The subquery operators that may leave a source row's results out of the rows' order (a
 * grouping); the others keep it (`sort` and `top` sort by the row number first).
 */
const REORDERING: ReadonlySet<A.Operator["kind"]> = new Set(["summarize", "count", "distinct"]);

/**
 * `input` with column `rowId` numbering its rows from 0 (last); the native arrays an
 * `extend` just made are carried over.
 */
function numberRows(input: Relation, rowId: string): Relation {
  const number = (frame: LazyDataFrame) =>
    frame.withRowIndex(rowId).withColumns(pl.col(rowId).cast(pl.Int64));
  const frame = number(input.frame);
  carryLists(input.frame, frame, number);
  return { ...input, frame, columns: [...input.columns, { name: rowId, type: "long" }] };
}

interface ExpandOptions {
  readonly bagExpansion: "bag" | "array";
  readonly itemIndex?: string;
  readonly limit: number;
  /** Adds a column of this name holding the source row's number (for `mv-apply`). */
  readonly rowId?: string;
}

interface Expanded {
  readonly relation: Relation;
  /** The names of the expanded columns. */
  readonly names: readonly string[];
  /** The input rows (with the row number column when asked for), for `mv-apply`. */
  readonly source?: DataFrame;
}

function expand(
  input: Relation,
  items: readonly A.MvExpandItem[],
  options: ExpandOptions,
  scope: Scope,
  ctx: Context,
): Expanded {
  // `limit 0`: no row at all. Kusto's RowLimit is "the maximum number of rows generated from
  // each original row", also for a null value (which otherwise makes one row). Expanded as
  // under `limit 1` (the same columns, types and marks), every row then filtered out.
  if (options.limit < 1) {
    const one = expand(input, items, { ...options, limit: 1 }, scope, ctx);
    const frame = one.relation.frame.filter(pl.lit(false));
    return { ...one, relation: { ...one.relation, frame } };
  }
  const env = rowEnv(input, scope, ctx);
  let unnamed = 0;
  const compiled = items.map((item) => {
    const value = compileExpr(item.expression, env);
    if (value.type !== "dynamic") {
      throw ctx.error(
        `mv-expand expects a dynamic array or property bag, but this is ${value.type}`,
        item.expression.span,
        "Convert the value first, for example with parse_json() or todynamic().",
      );
    }
    return {
      name: item.name ?? derivedName(item.expression, `Column${++unnamed}`),
      temp: ctx.temp("__mv"),
      value,
      type: item.toType ?? "dynamic",
      column: item.expression.kind === "name" && !scope.get(item.expression.name)
        ? item.expression.name
        : undefined,
      expression: item.expression,
    };
  });
  if (options.itemIndex !== undefined) {
    // An index name already taken gets a number appended, as Kusto does
    // (`with_itemindex=n` over a table with `n` makes `n1`).
    const taken = [...input.columns.map((c) => c.name), ...compiled.map((c) => c.name)];
    options = { ...options, itemIndex: uniqueNames([options.itemIndex], taken)[0] };
  }
  const span = { start: items[0].span.start, end: items[items.length - 1].span.end };
  const native = nativeExpand(input, compiled, options, env, (frame, list, columns, texts) => {
    // The rows the explode will make, counted on the list column alone (only what it reads
    // is computed): the other columns are copied to every expanded row, so check first.
    // Counting runs the plan before the explode once more (twice the time of a cheap
    // query), and the explode makes one row per element the plan already holds: it is
    // counted only under a memory limit set lower than Kusto's default. No one-pass bound
    // (issue 18): the lists are computed (split, parse_json), so no footer counts them, and
    // stopping a running plan on a sum computed in it needs an expression that fails on a
    // condition, which nodejs-polars 0.25.2 lacks (only a strict cast of a marker string,
    // whose error would have to be recognised by its text).
    if (ctx.limits.maxMemoryConsumptionPerIterator >= DEFAULT_MAX_MEMORY) return;
    const rows = expandedRows(frame, list, options.limit, texts);
    checkMemory(ctx, "mv-expand", `${rows} rows`, tableBytes(rows, columns), span);
  });
  if (native) return native;
  let data = env.materialise(input.frame).select(
    ...input.columns.map((c) => pl.col(c.name)),
    ...compiled.map((c) => c.value.expr.alias(c.temp)),
  ).collectSync();
  if (options.rowId) {
    data = data.withRowIndex(options.rowId).withColumn(pl.col(options.rowId).cast(pl.Int64));
  }

  // One column of arrays of strings (`split`, `pack_array`, `make_set` of strings): Polars
  // expands it.
  const exploded = compiled.length === 1 && !options.itemIndex && !options.rowId &&
      options.limit === Infinity
    ? explodeJsonStrings(data, compiled[0].temp, compiled[0].name, compiled[0].type)
    : undefined;
  if (exploded) {
    const columns = expandedColumns(input, compiled, options);
    return {
      relation: {
        ...input,
        frame: exploded.select(...columns.map((c) => pl.col(c.name))),
        columns,
      },
      names: [compiled[0].name],
    };
  }
  const texts = compiled.map((c) => data.getColumn(c.temp).toArray() as (string | null)[]);
  const positions: number[] = [];
  const indexes: number[] = [];
  const values: JsValue[][] = compiled.map(() => []);
  const elements: JsValue[][] = new Array(compiled.length);
  const dynamic = compiled.map((c) => c.type === "dynamic");
  const height = data.height;
  for (let row = 0; row < height; row++) {
    if ((row & 4095) === 0) checkInterrupt();
    let count = 0;
    for (let k = 0; k < compiled.length; k++) {
      elements[k] = elementsOf(texts[k][row], options.bagExpansion, compiled[k].type);
      count = Math.max(count, elements[k].length);
    }
    count = Math.min(count, options.limit);
    for (let i = 0; i < count; i++) {
      positions.push(row);
      indexes.push(i);
      for (let k = 0; k < compiled.length; k++) {
        const element = i < elements[k].length ? elements[k][i] : null;
        // Dynamic elements are written as JSON text here, where Ctrl-C is checked.
        values[k].push(
          dynamic[k]
            ? (element === null ? null : JSON.stringify(element))
            : castElement(element, compiled[k].type),
        );
      }
    }
  }

  const columns = expandedColumns(input, compiled, options);
  // The other columns are copied to every expanded row: check that before copying.
  checkMemory(
    ctx,
    "mv-expand",
    `${positions.length} rows`,
    tableBytes(positions.length, columns),
    span,
  );

  // Typed arrays make the Series directly, without converting each number. Each Series is
  // seconds of work over millions of elements: Ctrl-C is checked between them.
  checkInterrupt();
  const gather = pl.Series("__at", Uint32Array.from(positions));
  const added = new Map<string, Series>(
    compiled.map((c, k) => {
      checkInterrupt();
      const series = dynamic[k]
        ? pl.Series(c.name, values[k], pl.Utf8)
        : jsToSeries(c.name, values[k], c.type);
      return [c.name, series];
    }),
  );
  checkInterrupt();
  if (options.itemIndex) {
    added.set(
      options.itemIndex,
      pl.Series(options.itemIndex, Int32Array.from(indexes)).cast(pl.Int64),
    );
  }
  const repeated = columns.filter((c) => !added.has(c.name));
  let frame: DataFrame;
  if (repeated.length > 0) {
    frame = data.select(...repeated.map((c) => pl.col(c.name).gather(gather)));
    for (const series of added.values()) frame = frame.withColumn(series);
  } else {
    frame = pl.DataFrame([...added.values()]);
  }
  return {
    relation: {
      ...input,
      frame: frame.lazy().select(...columns.map((c) => pl.col(c.name))),
      columns,
    },
    names: compiled.map((c) => c.name),
    source: data,
  };
}

/** The columns after an expansion: expanded ones replace input columns of the same name. */
function expandedColumns(
  input: Relation,
  compiled: readonly ExpandItem[],
  options: ExpandOptions,
): ColumnSchema[] {
  const expandedBy = new Map(compiled.map((c, k) => [c.name, k]));
  const columns: ColumnSchema[] = input.columns.map((c) => {
    const k = expandedBy.get(c.name);
    return k === undefined ? c : { name: c.name, type: compiled[k].type };
  });
  for (const c of compiled) {
    if (!input.columns.some((i) => i.name === c.name)) columns.push({ name: c.name, type: c.type });
  }
  if (options.itemIndex) columns.push({ name: options.itemIndex, type: "long" });
  if (options.rowId) columns.push({ name: options.rowId, type: "long" });
  return columns;
}

interface ExpandItem {
  readonly name: string;
  readonly temp: string;
  readonly value: Typed;
  readonly type: KustoType;
  /** The column the item names, when it is a bare column name. */
  readonly column?: string;
  /** The item as written (a property access is read by Polars' JSON path). */
  readonly expression?: A.Expression;
}

/**
 * One array Polars built (`pack_array` or `split` of strings: the item itself, or a column
 * the `extend` just before assigned) expanded by Polars' `explode`, lazily; undefined where
 * the expansion needs JavaScript (several items, bags, other arrays, `mv-apply`).
 */
function nativeExpand(
  input: Relation,
  items: readonly ExpandItem[],
  options: ExpandOptions,
  env: ExprEnv,
  guard: (
    frame: LazyDataFrame,
    list: string,
    columns: readonly ColumnSchema[],
    texts?: string,
  ) => void,
): Expanded | undefined {
  if (options.rowId) return undefined;
  if (items.length > 1) return nativeExpandMany(input, items, options, env);
  const [item] = items;
  const built = nativeElements(item.value);
  const extended = built || item.column === undefined
    ? undefined
    : extendedList(input.frame, item.column);
  // Arrays of strings in JSON text (a dynamic column, `AdditionalFields.Tags`): decoded by
  // Polars; bags, mixed arrays and other values split into their elements' texts by Polars
  // (`_dynamic_elements.ts`); the other rows sent to the exact reading. Only for the types
  // expanded here: it drops the item's JavaScript job.
  const decodable = readsElements(item.type);
  // The JSON text gets a column first (read once), the list is decoded from it.
  const text = `${item.temp}_text`;
  const decoded = built || extended || !decodable || !item.expression
    ? undefined
    : nativeJsonStrings(item.value, item.expression, env, text, {
      bag: options.bagExpansion,
      type: item.type,
      shape: shapeOf(input, item),
      limit: options.limit,
    });
  const list = built ?? decoded?.list;
  let frame = list ? env.materialise(input.frame) : extended?.withList(item.temp);
  if (!frame) return undefined;
  if (decoded) frame = frame.withColumns(decoded.text.alias(text));
  for (const step of decoded?.steps ?? []) frame = frame.withColumns(...step);
  // Which rows' lists hold element texts: a column, repeated to each element by the explode.
  const texts = decoded?.texts ? `${item.temp}_texts` : undefined;
  if (list) frame = frame.withColumns(list.alias(item.temp));
  if (texts) frame = frame.withColumns(decoded!.texts!.alias(texts));
  // Which rows are arrays read by their elements' texts (the others' need no key search).
  const arrays = decoded?.arrays ? `${item.temp}_arrays` : undefined;
  if (arrays) frame = frame.withColumns(decoded!.arrays!.alias(arrays));
  const nonEmpty = list ? item.value.jsonList?.nonEmpty : extended?.nonEmpty;
  // The expanded strings' JSON texts, and the strings in a column of the frame that later
  // reads take natively (while no operator drops it).
  const strings = `${item.temp}_strings`;
  // `[key, value]` pairs of bags of a known shape: their keys are known.
  const pairKeys = decoded?.shaped && options.bagExpansion === "array" && item.type === "dynamic"
    ? decoded.shaped
    : undefined;
  // `tostring(F[0])` of each element beside it, for `F[0]` (read from the pair's key or the
  // element's text: the element itself is not computed for it).
  const first = texts && item.type === "dynamic" ? `${item.temp}_first` : undefined;
  const columns = expandedColumns(input, items, options).map((c) => {
    if (c.name !== item.name || c.type !== "dynamic") return c;
    // Element texts hold any JSON value: the strings column is only `tostring()` of each.
    const marked = markJsonStrings({ ...c }, strings, texts === undefined);
    return first ? markPairKeys(marked, first) : marked;
  });
  if (!texts && item.type !== "dynamic" && item.type !== "string") return undefined;
  guard(frame, item.temp, columns, texts);
  const exploded = explodeList({
    frame,
    list: item.temp,
    name: item.name,
    type: item.type,
    limit: options.limit,
    itemIndex: options.itemIndex,
    columns,
    strings,
    nonEmpty,
    texts,
    arrays,
    verbatim: decoded?.shaped?.verified,
    pairKeys,
    first,
  });
  if (!exploded) return undefined;
  return { relation: { ...input, frame: exploded, columns }, names: [item.name] };
}

/**
 * Several items (`mv-expand a, b`) each a native list (`pack_array`, `split`, arrays of
 * strings in JSON text) expanded side by side by Polars, lazily; undefined where one needs
 * JavaScript, or under a memory limit lower than Kusto's default (the JavaScript path counts
 * the rows first).
 */
function nativeExpandMany(
  input: Relation,
  items: readonly ExpandItem[],
  options: ExpandOptions,
  env: ExprEnv,
): Expanded | undefined {
  if (env.ctx.limits.maxMemoryConsumptionPerIterator < DEFAULT_MAX_MEMORY) return undefined;
  if (new Set(items.map((i) => i.name)).size !== items.length) return undefined;
  const usable = items.every((i) =>
    (nativeElements(i.value) !== undefined && (i.type === "dynamic" || i.type === "string")) ||
    (i.expression !== undefined && readsElements(i.type) &&
      decodableJson(i.value, i.expression, env))
  );
  if (!usable) return undefined;
  // Checked first: reading a property natively drops its JavaScript job.
  // Each JSON text gets a column first (read once), its list is decoded from it.
  const texts: Expr[] = [];
  const flags: Expr[] = [];
  const textsOf: (string | undefined)[] = [];
  const arraysOf: (string | undefined)[] = [];
  const steps: Expr[][] = [];
  const lists = items.map((i) => {
    const built = nativeElements(i.value);
    if (built) {
      textsOf.push(undefined);
      arraysOf.push(undefined);
      return built;
    }
    const decoded = nativeJsonStrings(i.value, i.expression!, env, `${i.temp}_text`, {
      bag: options.bagExpansion,
      type: i.type,
      shape: shapeOf(input, i),
    })!;
    texts.push(decoded.text.alias(`${i.temp}_text`));
    decoded.steps?.forEach((step, k) => (steps[k] ??= []).push(...step));
    textsOf.push(decoded.texts ? `${i.temp}_texts` : undefined);
    if (decoded.texts) flags.push(decoded.texts.alias(`${i.temp}_texts`));
    arraysOf.push(decoded.arrays ? `${i.temp}_arrays` : undefined);
    if (decoded.arrays) flags.push(decoded.arrays.alias(`${i.temp}_arrays`));
    return decoded.list;
  });
  let frame = env.materialise(input.frame);
  if (texts.length > 0) frame = frame.withColumns(...texts);
  for (const step of steps) frame = frame.withColumns(...step);
  frame = frame.withColumns(...lists.map((l, k) => l.alias(items[k].temp)), ...flags);
  // The strings of dynamic items kept beside them, for later reads (as for one item).
  const strings = items.map((i) => `${i.temp}_strings`);
  const columns = expandedColumns(input, items, options).map((c) => {
    const k = items.findIndex((i) => i.name === c.name);
    return k >= 0 && c.type === "dynamic"
      ? markJsonStrings({ ...c }, strings[k], textsOf[k] === undefined)
      : c;
  });
  const exploded = explodeLists({
    strings,
    frame,
    lists: items.map((i) => i.temp),
    names: items.map((i) => i.name),
    types: items.map((i) => i.type),
    limit: options.limit,
    itemIndex: options.itemIndex,
    columns,
    texts: textsOf,
    arrays: arraysOf,
  });
  return { relation: { ...input, frame: exploded, columns }, names: items.map((i) => i.name) };
}

/**
 * The shape of the bags of an item that names a source table's column still holding the
 * source's values (`_bag_shapes.ts`), or undefined.
 */
function shapeOf(input: Relation, item: ExpandItem): BagShape | undefined {
  if (item.column === undefined) return undefined;
  return bagShapeOf(input.columns.find((c) => c.name === item.column));
}

/**
 * How many rows exploding the list column `list` of `frame` makes: a null makes one, an
 * array its elements up to `limit` (on the rows of column `texts`, the list's last part is
 * none, see `explodeList`).
 */
function expandedRows(frame: LazyDataFrame, list: string, limit: number, texts?: string): number {
  const parts = pl.col(list);
  let each = parts.lst.lengths().cast(pl.Float64);
  if (texts !== undefined) {
    // Element texts: the parts before the last one that are not empty (a short array under
    // a small limit has empty parts; no element is empty).
    const filled = parts.lst.eval(pl.element().neq(pl.lit("")).cast(pl.Float64)).lst.sum();
    const lastFilled = parts.lst.last().neq(pl.lit("")).cast(pl.Float64);
    each = pl.when(pl.col(texts)).then(filled.sub(lastFilled)).otherwise(each);
  }
  if (Number.isFinite(limit)) each = pl.when(each.gt(limit)).then(pl.lit(limit)).otherwise(each);
  each = pl.when(pl.col(list).isNull()).then(pl.lit(1)).otherwise(each);
  const counted = frame.select(each.sum().alias("rows")).collectSync();
  return Number(counted.getColumn("rows").get(0) ?? 0);
}

/**
 * The values one dynamic value expands to (a null expands to one null). Expanded as dynamic
 * values, reals written `2.0` stay reals (they are only written back out).
 */
function elementsOf(
  text: string | null,
  bagExpansion: "bag" | "array",
  type: KustoType,
): JsValue[] {
  if (text === null) return [null];
  let value: unknown;
  if (type === "dynamic") value = parseJsonKeepingReals(text);
  else {
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  if (Array.isArray(value)) return value;
  // A real written `2.0` or a long past 2^53 is a number kept as its text, not a bag.
  if (
    value !== null && typeof value === "object" && !isRealAsJson(value) && !isExactLongAsJson(value)
  ) {
    const entries = Object.entries(value);
    return bagExpansion === "array"
      ? entries.map(([key, item]) => [key, item])
      : entries.map(([key, item]) => ({ [key]: item }));
  }
  return [value];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An element as a value of `to typeof(type)`: a cast, not a conversion, so elements of
 * another kind become null (dates and timespans are text inside dynamic values).
 */
function castElement(v: JsValue, type: KustoType): JsValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case "dynamic":
      return v;
    case "string":
      return typeof v === "string" ? v : kustoToString(v, "dynamic");
    case "int":
    case "long":
      return typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : null;
    case "real":
    case "decimal":
      return typeof v === "number" ? v : null;
    case "bool":
      return typeof v === "boolean" ? v : null;
    case "datetime": {
      const micros = typeof v === "string" ? readDatetime(v) : undefined;
      return micros === undefined ? null : Number(micros);
    }
    case "timespan": {
      const micros = typeof v === "string" ? readTimespan(v) : undefined;
      return micros === undefined ? null : Number(micros);
    }
    case "guid":
      return typeof v === "string" && GUID.test(v) ? v.toLowerCase() : null;
  }
}

function rowLimit(e: A.Expression, scope: Scope, ctx: Context): number {
  const value = compileExpr(e, new ExprEnv(ctx, scope)).constant?.value;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw ctx.error("the row limit must be a constant, non-negative whole number", e.span);
  }
  return Math.floor(value);
}

// ---------------------------------------------------------------- mv-apply subqueries

function name(rowId: string, span: A.Span): A.NameRef {
  return { kind: "name", name: rowId, span };
}

/** The row-number column put back after an operator that may have dropped it. */
function ensureRowId(result: Relation, rowId: string, op: A.Operator, ctx: Context): Relation {
  if (result.columns.some((c) => c.name === rowId)) return result;
  throw ctx.error(
    "this operator removes the columns mv-apply needs to put the rows back together",
    op.span,
  );
}

/** One subquery operator applied to each source row's expanded rows separately. */
function applyPerRow(
  input: Relation,
  op: A.Operator,
  rowId: string,
  scope: Scope,
  ctx: Context,
): Relation {
  // Each source row's rows are a table of their own: window functions restart per row,
  // also inside the user functions the operator calls.
  ({ op, scope } = perRowWindows(op, rowId, scope, input.columns.map((c) => c.name), ctx));
  const byRow: A.SortKey = { expression: name(rowId, op.span), descending: false };
  switch (op.kind) {
    // Row by row: the row number column goes along like any other column.
    case "where":
    case "extend":
    case "parse":
    case "mv-expand":
    case "mv-apply":
    case "serialize":
    case "project-rename":
    case "project-reorder":
    case "parse-kv":
      return ctx.compiler.applyOperator(input, op, scope, ctx);
    case "project":
      return moveLast(
        ctx.compiler.applyOperator(
          input,
          {
            ...op,
            columns: [...op.columns, { expression: name(rowId, op.span), span: op.span }],
          },
          scope,
          ctx,
        ),
        rowId,
      );
    case "project-away":
      return ensureRowId(ctx.compiler.applyOperator(input, op, scope, ctx), rowId, op, ctx);
    case "project-keep":
      return ctx.compiler.applyOperator(
        input,
        { ...op, patterns: [...op.patterns, rowId] },
        scope,
        ctx,
      );
    case "summarize":
      return moveLast(
        summarize(
          input,
          {
            ...op,
            by: [{ expression: name(rowId, op.span), span: op.span }, ...op.by],
          },
          scope,
          ctx,
        ),
        rowId,
      );
    case "count":
      return moveLast(
        summarize(
          input,
          {
            kind: "summarize",
            aggregates: [{
              names: [op.name ?? "Count"],
              expression: { kind: "call", name: "count", args: [], span: op.span },
              span: op.span,
            }],
            by: [{ expression: name(rowId, op.span), span: op.span }],
            span: op.span,
          },
          scope,
          ctx,
        ),
        rowId,
      );
    case "distinct": {
      if (op.columns.length === 1 && op.columns[0].expression.kind === "star") {
        return ctx.compiler.applyOperator(input, op, scope, ctx);
      }
      return moveLast(
        ctx.compiler.applyOperator(
          input,
          { ...op, columns: [{ expression: name(rowId, op.span), span: op.span }, ...op.columns] },
          scope,
          ctx,
        ),
        rowId,
      );
    }
    case "sort":
      return sort(input, [byRow, ...op.keys], scope, ctx);
    case "top":
      return topPerRow(input, op, rowLimit(op.count, scope, ctx), rowId, scope, ctx);
    case "take":
      return firstPerRow(input, rowId, op.count, scope, ctx);
    case "invoke":
      return invokePerRow(
        input,
        op,
        scope,
        ctx,
        (relation, o, inner) => applyPerRow(relation, o, rowId, inner, ctx),
      );
    case "join":
    case "lookup":
    case "union":
    case "as":
    case "make-series":
    case "evaluate":
    case "render":
    case "getschema":
    case "search":
    case "top-nested":
    case "top-hitters":
    case "sample":
    case "sample-distinct":
    case "partition":
    case "fork":
    case "facet":
    case "reduce":
    case "scan":
    case "make-graph":
    case "graph-match":
    case "graph-shortest-paths":
    case "graph-to-table":
    case "graph-mark-components":
    case "unsupported":
      throw ctx.unsupported(
        `The operator '${op.kind === "unsupported" ? op.name : op.kind}' inside mv-apply`,
        op.span,
      );
  }
}

/** The first `count` rows of each source row's expansion, in order. */
function firstPerRow(
  input: Relation,
  rowId: string,
  count: A.Expression,
  scope: Scope,
  ctx: Context,
): Relation {
  const n = rowLimit(count, scope, ctx);
  return { ...input, frame: input.frame.filter(positionInRow(rowId).lt(pl.lit(n))) };
}

function moveLast(relation: Relation, column: string): Relation {
  const columns = [
    ...relation.columns.filter((c) => c.name !== column),
    ...relation.columns.filter((c) => c.name === column),
  ];
  return {
    ...relation,
    frame: relation.frame.select(...columns.map((c) => pl.col(c.name))),
    columns,
  };
}
