/**
 * What the lazy CSV/TSV ({@link ./_scan_text.ts}) and NDJSON ({@link ./_scan_ndjson.ts})
 * scans share: how much of a file they sample (its head and chunks spread through it), the
 * sample's values, the guard that stops a read on a value the sampled type does not fit,
 * and the warning for columns some files lack.
 *
 * @module
 */
import { basename } from "node:path";
import { type DataFrame, type Expr, pl } from "../polars.ts";
import { cleaned } from "./_coerce.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";

/** Rows read from the head of each file for the sample. */
export const HEAD_ROWS = 1000;
/** Bytes read from the head of each file (for a text file's header and separator). */
export const HEAD_BYTES = 1 << 20;
/** Files above this size are also sampled at offsets spread through them. */
export const SPREAD_FROM = 4 * HEAD_BYTES;
/** Chunks read at offsets spread through a file, and their size. */
const SPREAD_CHUNKS = 8;
const CHUNK_BYTES = 64 * 1024;

/**
 * The whole lines (from after the first line break to the last, included) of chunks read
 * at offsets spread through a file of `size` bytes; a chunk holding no whole line is
 * skipped.
 */
export async function* spreadChunks(file: string, size: number): AsyncGenerator<Uint8Array> {
  using handle = await Deno.open(file);
  for (let k = 1; k <= SPREAD_CHUNKS; k++) {
    await handle.seek(Math.floor((size * k) / (SPREAD_CHUNKS + 1)), Deno.SeekMode.Start);
    const chunk = new Uint8Array(CHUNK_BYTES);
    let filled = 0;
    while (filled < chunk.length) {
      const n = await handle.read(chunk.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    const start = chunk.indexOf(0x0a) + 1;
    const end = chunk.subarray(0, filled).lastIndexOf(0x0a) + 1;
    if (start <= 0 || end <= start) continue;
    yield chunk.subarray(start, end);
  }
}

/** The text of the error a guard raises when a value does not fit its sampled type. */
export const MISFIT_MARKER = "casefile-scan-misfit";

/**
 * Whether `error` (or an error it wraps) is a scan guard's: a value that does not fit the
 * type the sample gave its column.
 */
export function isMisfit(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; depth++) {
    if (e.message.includes(MISFIT_MARKER)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The column a guard's error names. */
export function misfitColumn(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; depth++) {
    const found = new RegExp(`${MISFIT_MARKER}:([^"\\]]*)`).exec(e.message);
    if (found) return found[1];
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `value`, or the {@link MISFIT_MARKER} error naming column `name` on any row where `bad` holds. */
export function guarded(value: Expr, bad: Expr, name: string): Expr {
  const guard = marked(bad, `${MISFIT_MARKER}:${name}`);
  return pl.when(guard.isNull()).then(value).otherwise(pl.lit(null)).alias(name);
}

// Null, or an error whose message holds `marker` (a strict cast of it) on any row where
// `bad` holds.
function marked(bad: Expr, marker: string): Expr {
  return pl.when(bad.fillNull(false)).then(pl.lit(marker))
    .otherwise(pl.lit(null).cast(pl.Utf8)).cast(pl.Int64, true as never);
}

/**
 * A value that some type other than text could read: in a column whose sample held no
 * value, the loader (seeing them all) might have typed it.
 */
export const LOOKS_TYPED = String.raw`^(?i)([+-]?([0-9.]|inf)|true$|false$|[\[{])`;

// A sample → its cleaned columns: one select for all of them, not one per column (a select
// costs time in the frame's width, so one per column made wide files quadratic).
const cleanedSamples = new WeakMap<DataFrame, DataFrame>();

/** The values of `column` in `sample` that are not empty (none when it has no such column). */
export function presentValues(sample: DataFrame, column: string): string[] {
  let clean = cleanedSamples.get(sample);
  if (!clean) {
    clean = sample.select(...sample.columns.map((c) => cleaned(pl.col(c)).alias(c)));
    cleanedSamples.set(sample, clean);
  }
  if (!clean.columns.includes(column)) return [];
  return clean.getColumn(column).toArray().filter((v): v is string => v !== null);
}

/**
 * The error naming `file` of table `name` when `scan` (a native read of it alone) fails,
 * with Polars' first line of the reason; undefined when it reads.
 */
export function fileReadFailure(
  file: string,
  name: string,
  scan: () => unknown,
  hint: string,
): DataLoadError | undefined {
  try {
    scan();
    return undefined;
  } catch (cause) {
    return new DataLoadError(
      `Cannot read ${file} (table ${name}): ${String((cause as Error)?.message).split("\n")[0]}`,
      { file, cause, hint },
    );
  }
}

/** A warning for each column of `union` that some of the files `read` lack (`has` says). */
export function missingColumns<T extends { readonly file: string }>(
  read: readonly T[],
  union: readonly string[],
  table: string,
  has: (one: T, column: string) => boolean,
): LoadWarning[] {
  const warnings: LoadWarning[] = [];
  if (read.length < 2) return warnings;
  for (const column of union) {
    const lacking = read.filter((r) => !has(r, column));
    if (lacking.length === 0) continue;
    warnings.push({
      file: lacking[0].file,
      column,
      message: `column ${column} is missing from ${lacking.length} of ${read.length} files ` +
        `of table ${table} (first: ${basename(lacking[0].file)}); its rows there are empty`,
    });
  }
  return warnings;
}
