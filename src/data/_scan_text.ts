/**
 * CSV and TSV tables scanned lazily: Polars' own reader reads every column as text, in
 * batches, only the columns a query needs; the types come from a sample (the file's first
 * rows and rows spread through it) by the eager loader's own rules, and are parsed by Polars
 * expressions. Every typed column carries a guard: a value the sampled type does not fit
 * (which the eager loader would have seen, and so typed the column otherwise) stops the
 * read with {@link MISFIT_MARKER}, and the table is then loaded whole, never silently
 * wrong. The structural check that names a malformed line runs only when the native read
 * fails.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { basename } from "node:path";
import { type DataFrame, type Expr, type LazyDataFrame, pl } from "../polars.ts";
import type { KustoType, TableSchema } from "../schema/types.ts";
import {
  cleaned,
  datetimeForms,
  dynamicText,
  inferTextColumns,
  parseInferredText,
  parseText,
} from "./_coerce.ts";
import {
  asUtf8,
  checkCsv,
  detectSeparator,
  endsWithLineBreak,
  normaliseHeader,
  readBoundedFile,
  readHead,
  readTail,
  repeatedNamesNote,
} from "./_csv.ts";
import { refuseShadowingNames } from "./_names.ts";
import {
  fileReadFailure,
  guarded,
  HEAD_BYTES,
  HEAD_ROWS,
  LOOKS_TYPED,
  missingColumns,
  presentValues,
  SPREAD_FROM,
  spreadChunks,
} from "./_scan_sample.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";

/** A text table planned as a lazy scan. */
export interface TextScan {
  readonly frame: LazyDataFrame;
  readonly schema: TableSchema;
  /** The records of the files. */
  readonly rows: number;
  /** The columns holding an empty field. */
  readonly nullable: ReadonlySet<string>;
  readonly warnings: LoadWarning[];
  readonly notes: string[];
}

/** How one file is read: its separator and its (normalised) column names. */
interface TextFile {
  readonly file: string;
  readonly sep: string;
  readonly names: string[];
  readonly sample: DataFrame;
}

/** Above this many columns a table is loaded whole, not planned as a scan. */
const MAX_SCAN_COLUMNS = 256;

// A file → how its last plan read it, for naming the failure of a later read.
const planned = new Map<string, TextFile>();

/**
 * Plans a lazy scan of the CSV or TSV `files` (sizes and existence already checked), or
 * returns undefined when only the eager loader reads them as it should: an empty, UTF-16
 * or NUL-holding file, a pandas index column, a sample that fails to read (the loader names
 * the line), a column whose sample mixes types (the loader counts the misfits for its
 * warning), or `dynamic` text that is not compact JSON.
 */
export async function planTextScan(
  files: readonly string[],
  sizes: readonly number[],
  name: string,
  declared: ReadonlyMap<string, KustoType> = new Map(),
): Promise<TextScan | undefined> {
  const read: TextFile[] = [];
  const notes: string[] = [];
  for (const [i, file] of files.entries()) {
    const one = await sampleFile(file, sizes[i], notes);
    if (!one) return undefined;
    read.push(one);
  }
  const union: string[] = [];
  for (const one of read) for (const n of one.names) if (!union.includes(n)) union.push(n);
  // Each column costs a few guarded expressions to build (milliseconds apiece in
  // nodejs-polars): a 5,000-column file took minutes to plan. The loader reads it in seconds.
  if (union.length > MAX_SCAN_COLUMNS) return undefined;
  for (const one of read) planned.set(one.file, one);
  const parts = read.map((one) =>
    scanText(one).select(
      ...union.map((c) => one.names.includes(c) ? pl.col(c) : pl.lit(null).cast(pl.Utf8).alias(c)),
    )
  );
  const text = parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });

  let sample = read.length === 1
    ? read[0].sample
    : pl.concat(read.map((r) => r.sample), { how: "diagonal" });
  const undeclared = union.filter((c) => !declared.has(c));
  // Columns the sample holds no value of (sparse ones) are looked for in the whole scan,
  // those columns only, up to a sample's worth of rows holding one.
  const sparse = undeclared.filter((c) => presentValues(sample, c).length === 0);
  if (sparse.length > 0) {
    try {
      const found = text.select(...sparse)
        .filter(sparse.map((c) => cleaned(pl.col(c)).isNotNull()).reduce((a, b) => a.or(b)))
        .limit(HEAD_ROWS).collectSync();
      if (found.height > 0) sample = pl.concat([sample, found], { how: "diagonal" });
    } catch {
      return undefined; // the loader names the line at fault
    }
  }
  const inferred = inferTextColumns(sample.select(...undeclared)).columns;
  const types = new Map<string, KustoType>();
  const exprs: Typed[] = [];
  for (const column of union) {
    const type = declared.get(column) ?? inferred.find((c) => c.name === column)!.type;
    const mixed = inferred.find((c) => c.name === column)?.mixed;
    if (mixed && !declared.has(column)) return undefined;
    const values = presentValues(sample, column);
    if (type === "dynamic" && !declared.has(column)) {
      // The loader writes inferred dynamic text as compact JSON: scanned text is used as it
      // is only where it already is that (checked row by row by the guard).
      if (values.some((v) => dynamicText(v) !== v)) return undefined;
    }
    types.set(column, type);
    exprs.push(typedColumn(column, type, values, declared.has(column)));
  }
  const counted = countRecords(read, text);
  if (!counted) return undefined; // the loader names the line at fault
  return {
    // Two steps: each parse a column of its own, which the guard and the value then share
    // (Polars evaluates a parse inside both branches of a when twice).
    frame: text.withColumns(...exprs.flatMap((e) => e.parsed ? [e.parsed] : []))
      .select(...exprs.map((e) => e.value)),
    rows: counted.rows,
    nullable: new Set(union.filter((c) => (counted.nulls.get(c) ?? 1) > 0)),
    schema: { name, columns: union.map((c) => ({ name: c, type: types.get(c)! })) },
    warnings: missingColumns(read, union, name, (one, c) => one.names.includes(c)),
    notes,
  };
}

/**
 * The clear error for a failed read of the text `files` of table `name`: the line the
 * structural check finds at fault, or the file whose native read fails, or undefined when
 * each file reads on its own.
 */
export async function textScanFailure(
  files: readonly string[],
  name: string,
  maxBytes: number,
): Promise<DataLoadError | undefined> {
  for (const file of files) {
    const one = planned.get(file);
    try {
      // Read whole, but only now the native read has failed: a file at a time.
      const shape = checkCsv(asUtf8(await readBoundedFile(file, maxBytes), file), file, one?.sep);
      if (one && shape.header.length > one.names.length) {
        throw new DataLoadError(
          `Cannot read ${file} (table ${name}): its header changed since the query was planned`,
          { file, hint: "Run the query again." },
        );
      }
    } catch (error) {
      if (error instanceof DataLoadError) return error;
      throw error;
    }
    if (!one) continue;
    const failed = fileReadFailure(
      file,
      name,
      () => scanText(one).select(pl.len()).collectSync(),
      "Re-export the file as UTF-8 CSV, or move it out of the folder.",
    );
    if (failed) return failed;
  }
  return undefined;
}

function scanText(one: TextFile): LazyDataFrame {
  return pl.scanCSV(one.file, {
    hasHeader: true,
    sep: one.sep,
    quoteChar: '"',
    schema: Object.fromEntries(one.names.map((n) => [n, pl.Utf8])),
    inferSchemaLength: 0,
  });
}

async function sampleFile(
  file: string,
  size: number,
  notes: string[],
): Promise<TextFile | undefined> {
  const head = await readHead(file, HEAD_BYTES);
  if (head.length === 0 || head[0] === 0xff || head[0] === 0xfe || head.indexOf(0) >= 0) {
    return undefined; // empty, UTF-16 or NUL bytes: the loader re-encodes or names the line
  }
  const sep = file.toLowerCase().endsWith(".tsv") ? "\t" : detectSeparator(head);
  // A record cut short or short of fields, and a blank line, read as nulls in Polars' scan
  // without a word: the loader warns of the first two and drops blank lines. A file the
  // head holds whole has its structure checked; of a larger one, only its end (a cut last
  // record, trailing blank lines) is looked at.
  const whole = head.length >= size;
  if (!await endsWithLineBreak(file, whole ? head : undefined)) return undefined;
  if (whole ? !hasWholeRecords(head, file, sep) : endsWithBlankLine(await readTail(file, 4))) {
    return undefined;
  }
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let raw: string[];
  try {
    const first = pl.readCSV(Buffer.from(head.buffer, head.byteOffset + bom, firstLineEnd(head)), {
      hasHeader: false,
      inferSchemaLength: 0,
      sep,
      quoteChar: '"',
    });
    raw = first.row(0).map((v) => v === null ? "" : String(v));
  } catch {
    return undefined;
  }
  const names = normaliseHeader(raw);
  const repeated = repeatedNamesNote(raw, names);
  if (repeated) notes.push(`${basename(file)}: ${repeated}`);
  if (names[0] === "" || names[0] === "Unnamed: 0") return undefined; // a pandas index
  const one = { file, sep, names, sample: pl.DataFrame() };
  let headRows: DataFrame;
  try {
    headRows = scanText(one).limit(HEAD_ROWS).collectSync();
  } catch {
    return undefined; // the loader names the line at fault
  }
  if (headRows.height === 0) return undefined;
  refuseShadowingNames(headRows, file);
  if (sep !== ",") {
    notes.push(
      `${basename(file)}: read with ${sep === "\t" ? "tab" : `'${sep}'`} as the separator`,
    );
  }
  // A chunk read mid-file may begin inside a quoted field that spans lines, and then read
  // shifted values: only files whose first rows hold no line break in a field are sampled so.
  const spread = size > SPREAD_FROM && !hasLineBreaks(headRows) ? await spreadRows(one, size) : [];
  return { ...one, sample: pl.concat([headRows, ...spread], { how: "vertical" }) };
}

function hasWholeRecords(bytes: Uint8Array, file: string, sep: string): boolean {
  try {
    const shape = checkCsv(bytes, file, sep);
    return shape.short.count === 0 && shape.blankRows.length === 0;
  } catch {
    return false; // the loader names the line at fault
  }
}

function endsWithBlankLine(tail: Uint8Array): boolean {
  const text = new TextDecoder().decode(tail);
  return /(\r?\n|\r)(\r?\n|\r)$/.test(text);
}

function hasLineBreaks(rows: DataFrame): boolean {
  const found = rows.select(pl.all().str.contains("[\\r\\n]").any()).row(0);
  return found.some((v) => v === true);
}

// The end of the header line (its length in bytes, with its line end).
function firstLineEnd(head: Uint8Array): number {
  const lf = head.indexOf(0x0a);
  return lf < 0 ? head.length : lf + 1;
}

// Rows from chunks spread through the file: a chunk that does not read as whole records of
// the header's width (it began inside a quoted field) is skipped.
async function spreadRows(one: TextFile, size: number): Promise<DataFrame[]> {
  const out: DataFrame[] = [];
  for await (const lines of spreadChunks(one.file, size)) {
    try {
      const rows = pl.readCSV(Buffer.from(lines.buffer, lines.byteOffset, lines.length), {
        hasHeader: false,
        inferSchemaLength: 0,
        sep: one.sep,
        quoteChar: '"',
        missingIsNull: true,
      });
      if (rows.width !== one.names.length) continue;
      rows.columns = one.names;
      out.push(rows);
    } catch {
      // began inside a quoted field: skipped
    }
  }
  return out;
}

// Records and empty fields counted per file version: planning again (the table falls back,
// or another query plans it) does not read the files again.
const counts = new Map<string, { rows: number; nulls: Map<string, number> }>();

/**
 * One native read of every field, in batches, nothing kept but counts: Polars checks a
 * record's field count only when every column is read (a query reading some columns skips
 * a field too many without a word), so this read is where a malformed record shows.
 */
function countRecords(
  read: readonly TextFile[],
  text: LazyDataFrame,
): { rows: number; nulls: Map<string, number> } | undefined {
  const key = read.map((r) => {
    const info = statOf(r.file);
    return `${r.file}\0${info?.size}\0${info?.mtime?.getTime()}\0${r.sep}`;
  }).join("\n");
  const known = counts.get(key);
  if (known) return known;
  try {
    const row = text.select(pl.len().alias("\u0000rows"), pl.all().nullCount())
      .collectSync({ engine: "streaming" }).row(0);
    const columns = text.columns;
    const out = {
      rows: Number(row[0]),
      nulls: new Map(columns.map((c, i) => [c, Number(row[i + 1])])),
    };
    counts.set(key, out);
    return out;
  } catch {
    return undefined;
  }
}

function statOf(file: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(file);
  } catch {
    return undefined;
  }
}

// Numbers serde writes one way and JavaScript another (`1.0` and `1`, `1e21` and `1e+21`).
const REWRITTEN_NUMBER = String.raw`[\[:,]-?[0-9]+(\.0[\]},]|(\.[0-9]+)?[eE])`;

/** A column's parse (a column of its own, when it has one) and its guarded value. */
interface Typed {
  readonly parsed?: Expr;
  readonly value: Expr;
}

/** Column `name`'s expressions: its text read as `type`, guarded. */
function typedColumn(
  name: string,
  type: KustoType,
  sampled: readonly string[],
  declared: boolean,
): Typed {
  const text = pl.col(name);
  const tmp = `\u0000parsed:${name}`;
  switch (type) {
    case "string":
    case "guid": {
      if (declared || sampled.length > 0) return { value: text };
      return { value: guarded(text, cleaned(text).str.contains(LOOKS_TYPED), name) };
    }
    case "dynamic": {
      if (declared) {
        // The loader rewrites Python literals as JSON: a value that is not JSON is one.
        const bad = text.str.contains(String.raw`^\s*[\[{]`)
          .and(text.str.jsonPathMatch("$").isNull());
        return { value: guarded(text, bad, name) };
      }
      const present = text.str.strip().neq(pl.lit(""));
      const compact = text.str.contains(String.raw`^[\[{]`)
        .and(text.str.jsonPathMatch("$").eq(text))
        .and(text.str.contains(REWRITTEN_NUMBER).not());
      const value = pl.when(present).then(text).otherwise(pl.lit(null).cast(pl.Utf8));
      return { value: guarded(value, present.and(compact.fillNull(false).not()), name) };
    }
    case "bool":
    case "int":
    case "long":
    case "real":
    case "decimal":
    case "datetime":
    case "timespan": {
      const forms = type === "datetime" && !declared ? datetimeForms(sampled) : undefined;
      const parsed = pl.col(tmp);
      return {
        parsed: (declared ? parseText(name, type, forms) : parseInferredText(name, type, forms))
          .alias(tmp),
        value: guarded(parsed, cleaned(text).isNotNull().and(parsed.isNull()), name),
      };
    }
  }
}
