/**
 * Property bags of a known shape, expanded by literal cuts instead of the general grammar
 * (`_dynamic_elements.ts`). A source table's dynamic column gets a lazy sampler: the first
 * non-null texts of the source frame's column (at most {@link SAMPLE_ROWS}, from its first
 * {@link SCANNED_ROWS} rows, read once per table object, when an `mv-expand` of the column
 * first asks), never the query's own rows (planning does not run the upstream plan: it may
 * be a join or a sort).
 *
 * A shape is the list of keys most sampled rows (half at least) have, in the same order:
 * each sampled value a string, a number, a boolean or null; no key that is a whole number
 * (JavaScript lists those first), none holding a quote, a backslash, a control character, a
 * comma, a colon or a dollar sign; at most {@link MAX_KEYS} keys of {@link MAX_KEY_CHARS}
 * characters in all. Nested values give no
 * shape (for now: their rows keep the general path). The shape is only a guess: each row is
 * verified by one regular expression ({@link shapeCheck}) that admits exactly the compact
 * text of a bag with those keys in that order, each value a string without escapes, a
 * number JavaScript writes back as it stands ({@link NUMBER}: at most 15 digits, `2.0`
 * kept), `true`, `false` or `null`. Such a text is what `JSON.stringify` writes of its own
 * reading, so each member is copied as it stands: no string holds a quote, so `,"key":` can
 * only be a member's start, and the bag is cut there by literal replacements
 * ({@link shapedParts}). Rows that do not verify go through the general path unchanged, so
 * answers never depend on the sample.
 *
 * @module
 */
import { type Expr, pl } from "../../polars.ts";
import type { ColumnSchema } from "../../schema/types.ts";
import type { SourceTable } from "./_context.ts";
import { regexEscape } from "../runtime/_text.ts";

/** The keys of a property bag column's rows, in order (see the module doc). */
export interface BagShape {
  readonly keys: readonly string[];
}

/** Rows read from the head of the source frame for a sample (at most). */
const SCANNED_ROWS = 2000;
/** Non-null texts a shape is inferred from (at most). */
export const SAMPLE_ROWS = 200;
/** Keys a shape has at most (each costs a literal replacement per row). */
export const MAX_KEYS = 16;
/**
 * Characters a shape's keys hold at most, in all: the row check is one regular expression
 * holding them, which Polars refuses past its size limit (about 640k characters of keys),
 * and a few crafted rows at a column's top must not make every expansion of it fail.
 */
export const MAX_KEY_CHARS = 1024;

/** Where a source column's sample comes from: the source table and the column's name. */
interface Sampler {
  readonly table: SourceTable;
  readonly name: string;
  /** The shape, once inferred (null: none). */
  shape?: BagShape | null;
}

/** The sampler of each source table's dynamic column objects (see {@link sourceColumns}). */
const samplers = new WeakMap<ColumnSchema, Sampler>();

/** The columns {@link sourceColumns} made for each source table. */
const tableColumns = new WeakMap<SourceTable, readonly ColumnSchema[]>();

/**
 * A source table's columns for a relation: its schema's columns, each dynamic one a column
 * object of this table's own with a sampler (see the module doc). The same objects for each
 * use of the table object, so its sample is read once.
 */
export function sourceColumns(table: SourceTable): readonly ColumnSchema[] {
  const known = tableColumns.get(table);
  if (known) return known;
  const columns = table.schema.columns.map((c) => {
    if (c.type !== "dynamic") return c;
    const own = { ...c };
    samplers.set(own, { table, name: c.name });
    return own;
  });
  tableColumns.set(table, columns);
  return columns;
}

/**
 * `to` with `from`'s sampler, if it has one: for an operator that makes a new column object
 * of the same values (`project F`, a rename). Returns `to`.
 */
export function carryBagShape(from: ColumnSchema | undefined, to: ColumnSchema): ColumnSchema {
  const sampler = from && samplers.get(from);
  if (sampler && to.type === "dynamic") samplers.set(to, sampler);
  return to;
}

/**
 * The shape of a source column's bags (see the module doc), or undefined: a column object
 * of {@link sourceColumns} (any operator that computes the column anew makes another
 * object, which has none).
 */
export function bagShapeOf(column: ColumnSchema | undefined): BagShape | undefined {
  const sampler = column && samplers.get(column);
  if (!sampler) return undefined;
  if (sampler.shape === undefined) sampler.shape = inferShape(sample(sampler)) ?? null;
  return sampler.shape ?? undefined;
}

/**
 * The first non-null texts of the sampler's column: an in-memory table's column read as it
 * is, a scanned one's head (none if the frame cannot be read).
 */
function sample(sampler: Sampler): string[] {
  const { table, name } = sampler;
  try {
    const values = table.head
      ? table.head(name, SCANNED_ROWS)
      : table.frame.select(pl.col(name)).head(SCANNED_ROWS).collectSync().getColumn(name)
        .toArray();
    return values.filter((v): v is string => typeof v === "string").slice(0, SAMPLE_ROWS);
  } catch {
    return [];
  }
}

/**
 * A key a shape may hold: no whole number, no quote, backslash or control character, and
 * (to keep the cuts' proof short) no comma, colon or dollar sign.
 */
const PLAIN_KEY = new RegExp(String.raw`^(?![0-9]+$)[^"\\\x00-\x1f,:$]+$`);

/**
 * The shape most texts of `texts` have (see the module doc), or undefined: none is shared
 * by at least half of them (texts that are not such bags count against every shape).
 */
export function inferShape(texts: readonly string[]): BagShape | undefined {
  const counts = new Map<string, { keys: string[]; n: number }>();
  for (const text of texts) {
    const keys = keysOf(text);
    if (!keys) continue;
    const id = JSON.stringify(keys);
    const seen = counts.get(id) ?? { keys, n: 0 };
    seen.n++;
    counts.set(id, seen);
  }
  const best = [...counts.values()].reduce<{ keys: string[]; n: number } | undefined>(
    (a, b) => a === undefined || b.n > a.n ? b : a,
    undefined,
  );
  return best && best.n * 2 >= texts.length ? { keys: best.keys } : undefined;
}

/** The keys of a text that is a bag a shape may describe, in order, or undefined. */
function keysOf(text: string): string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || entries.length > MAX_KEYS) return undefined;
  if (entries.reduce((n, [k]) => n + k.length, 0) > MAX_KEY_CHARS) return undefined;
  if (!entries.every(([k, v]) => PLAIN_KEY.test(k) && scalar(v))) return undefined;
  return entries.map(([k]) => k);
}

/** A value a shape's member may hold (a sampled one). */
function scalar(v: unknown): boolean {
  return v === null || ["string", "boolean", "number"].includes(typeof v);
}

/**
 * A number JavaScript writes back as it stands (the reading that keeps reals, which writes
 * an integral real `2.0`): at most 15 digits in all, no exponent, not `-0`; a whole number
 * (`0`, `-12`), one written with `.0` (`40503.0`), or a fraction not ending in 0 and not
 * below 1e-6 (`0.000001`, `-1.5`).
 */
const NUMBER = String.raw`(?:0|-?[1-9][0-9]{0,14})(?:\.0)?|` +
  String.raw`-?(?:0\.0{0,5}[1-9](?:[0-9]{0,7}[1-9])?|[1-9][0-9]{0,6}\.[0-9]{0,7}[1-9])`;

/**
 * A member's value a verified row may hold: a string without escapes, a {@link NUMBER},
 * `true`, `false` or `null`. Each is written back by JavaScript exactly as it stands.
 */
const VALUE = String.raw`"[^"\\\x00-\x1f]*"|${NUMBER}|true|false|null`;

/**
 * The regular expression a row of `shape` verifies by: the compact text of a bag with
 * exactly its keys, in order, each value one {@link VALUE} admits.
 */
export function shapeCheck(shape: BagShape): string {
  const members = shape.keys.map((k, i) => `${i === 0 ? "" : ","}"${regexEscape(k)}":(?:${VALUE})`);
  return `^\\{${members.join("")}\\}$`;
}

/**
 * The members of each verified row of `text` (null elsewhere), separated by `sep`: the
 * one-key bags (`bag`: `{"a":1}`) or the `[key, value]` pairs (`array`: `["a",1]`). Cut by
 * literal replacements: each key's `,"key":` (a member's start: no verified string holds a
 * quote), and for pairs the first key's `{"key":` and the closing brace.
 */
export function shapedParts(
  text: Expr,
  shape: BagShape,
  bag: "bag" | "array",
  sep: string,
): Expr {
  const [first, ...rest] = shape.keys;
  let cut = text;
  if (bag === "array") {
    cut = pl.concatString(
      [pl.lit(`["${first}",`), cut.str.slice([...first].length + 4)],
      "",
      false,
    );
  }
  for (const key of rest) {
    const open = bag === "bag" ? `}${sep}{` : `]${sep}[`;
    const to = bag === "bag" ? `${open}"${key}":` : `${open}"${key}",`;
    cut = cut.str.replace(`,"${key}":`, to, true, 1);
  }
  // The closing brace: kept by a one-key bag's last member, a pair's is a bracket (a
  // verified text's last value never ends in a brace but a string's, before its quote).
  return bag === "bag"
    ? cut
    : pl.concatString([cut.str.stripCharsEnd("}"), pl.lit("]")], "", false);
}

/**
 * The key of each pair an expansion made from a verified row: the shape's key at `index`
 * (the element's position in its row, from 0), where `shaped` holds; null elsewhere.
 */
export function pairKey(shape: BagShape, shaped: Expr, index: Expr): Expr {
  let key = pl.lit(null).cast(pl.Utf8);
  for (let i = shape.keys.length - 1; i >= 0; i--) {
    key = pl.when(index.eq(pl.lit(i))).then(pl.lit(shape.keys[i])).otherwise(key);
  }
  return pl.when(shaped).then(key).otherwise(pl.lit(null).cast(pl.Utf8));
}
