/**
 * CSV files: a structural check in one pass over the bytes (so a malformed file is reported
 * with its line instead of being misread), then Polars reads every column as text and
 * inference types them. From {@link PARALLEL_CHECK_BYTES} on, the check runs in a worker
 * while Polars reads the file, and its verdict is awaited before the rows are used.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type DataFrame, pl } from "../polars.ts";
import { asUtf8, checkCsv, type CsvShape, readWholeFile } from "./_csv_check.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";

export { asUtf8, checkCsv, type CsvShape };

/**
 * Column names as a user means them: `TimeGenerated [UTC]` (the portal's export) becomes
 * `TimeGenerated`, blanks are trimmed, empty and repeated names get Kusto's suffixes.
 */
export function normaliseHeader(header: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, i) => {
    let name = raw.trim().replace(/\s*\[(UTC|Local Time|local time)\]$/, "");
    if (name === "") name = i === 0 ? "" : `Column${i + 1}`;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}${count}`;
  });
}

/**
 * A note naming the columns {@link normaliseHeader} renamed because their name repeats an
 * earlier one (`a,a` reads as `a` and `a1`), or undefined when none was.
 */
export function repeatedNamesNote(
  header: readonly string[],
  names: readonly string[],
): string | undefined {
  const renamed = names.filter((n, i) => {
    const raw = header[i]?.trim() ?? "";
    return raw !== "" && !n.startsWith("Column") && n !== raw && !raw.endsWith("]");
  });
  if (renamed.length === 0) return undefined;
  return `repeated column names renamed: ${renamed.slice(0, 5).join(", ")}` +
    (renamed.length > 5 ? ` and ${renamed.length - 5} more` : "");
}

/** A CSV file read with every column as text, its header normalised. */
export interface RawCsv {
  readonly frame: DataFrame;
  readonly shape: CsvShape;
  readonly warnings: LoadWarning[];
  /** What the reader decided that a user may want to know (a detected separator). */
  readonly notes: string[];
}

/** The largest file read whole unless the caller allows more: 1 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 30;

/**
 * The bytes of `file`, after checking its size against `maxBytes` (before reading any of it).
 *
 * @throws {DataLoadError} naming the file when it cannot be read or is too large.
 */
export async function readBoundedFile(file: string, maxBytes: number): Promise<Uint8Array> {
  try {
    const info = await Deno.stat(file);
    if (!info.isFile) {
      throw new DataLoadError(`Cannot read ${file}: it is not a file`, {
        file,
        hint: "Point at a data file.",
      });
    }
    if (info.size > maxBytes) {
      throw new DataLoadError(
        `Cannot read ${file}: it is ${mib(info.size)}, more than the limit of ${mib(maxBytes)}`,
        {
          file,
          hint: "Split the file, convert it to Parquet, or raise the limit (maxFileBytes).",
        },
      );
    }
    return await readWholeFile(file);
  } catch (error) {
    if (error instanceof DataLoadError) throw error;
    throw new DataLoadError(`Cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 0)} MiB`;
}

const OTHER_SEPARATORS = [";", "\t", "|"];

/**
 * The separator of a `.csv` file: `,` unless the header has no comma and another separator
 * (`;` as European Excel writes, tab, `|`) splits the header and the first record alike.
 */
export function detectSeparator(bytes: Uint8Array): string {
  const lines = firstLines(bytes, 2);
  if (lines.length === 0 || fieldCount(lines[0], ",") > 1) return ",";
  for (const sep of OTHER_SEPARATORS) {
    const n = fieldCount(lines[0], sep);
    if (n > 1 && (lines.length < 2 || fieldCount(lines[1], sep) === n)) return sep;
  }
  return ",";
}

function firstLines(bytes: Uint8Array, count: number): string[] {
  const text = new TextDecoder().decode(bytes.subarray(0, 1 << 20)).replace(/^\uFEFF/, "");
  return text.split(/\r?\n/).filter((l) => l.trim() !== "").slice(0, count);
}

// Fields of a line, separators inside quotes not counted.
function fieldCount(line: string, sep: string): number {
  let n = 1;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === sep && !quoted) n++;
  }
  return n;
}

/** Options of {@link readCsvText}. */
export interface ReadCsvOptions {
  /** The largest file read (default {@link DEFAULT_MAX_FILE_BYTES}). */
  readonly maxBytes?: number;
  /** Detect `;`, tab or `|` when the header holds no comma (for `.csv`). */
  readonly detect?: boolean;
}

/** Reads `file` as text columns after checking its structure. */
export async function readCsvText(
  file: string,
  separator = ",",
  options: ReadCsvOptions = {},
): Promise<RawCsv> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const size = await fileSize(file, maxBytes);
  // A large UTF-8 file is read and checked in a worker while Polars reads it: only its
  // head is read here, for the separator. UTF-16 (re-encoded here) and small files are not.
  const head = size >= PARALLEL_CHECK_BYTES ? await readHead(file, HEAD_BYTES) : undefined;
  const parallel = head !== undefined && !isUtf16(head);
  const bytes = parallel ? head : asUtf8(await readBoundedFile(file, maxBytes), file);
  const notes: string[] = [];
  if (options.detect && separator === ",") {
    separator = detectSeparator(bytes);
    if (separator !== ",") {
      notes.push(`read with ${separator === "\t" ? "tab" : `'${separator}'`} as the separator`);
    }
  }
  const read = (source: string | Buffer) =>
    pl.readCSV(source, {
      inferSchemaLength: 0,
      hasHeader: true,
      sep: separator,
      quoteChar: '"',
      missingIsNull: true,
    });
  let shape: CsvShape;
  let frame: DataFrame | undefined;
  let readError: unknown;
  if (parallel) {
    // The check costs no wall time beside the read. Its verdict still comes first, so a
    // malformed file is reported with its line whatever Polars made of it.
    const checking = checkInWorker(file, maxBytes, separator);
    try {
      frame = read(file);
    } catch (error) {
      readError = error;
    }
    shape = await checking;
  } else {
    shape = checkCsv(bytes, file, separator);
    if (shape.records > 0) {
      try {
        // A view of the bytes, not a copy of them.
        frame = read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (error) {
        readError = error;
      }
    }
  }
  const names = normaliseHeader(shape.header);
  const repeated = repeatedNamesNote(shape.header, names);
  if (repeated) notes.push(repeated);
  const warnings: LoadWarning[] = [];
  if (shape.short.count > 0) {
    warnings.push({
      file,
      message: `${shape.short.count} record(s) have fewer fields than the header ` +
        `(first at line ${shape.short.firstLine}); the missing fields are empty`,
    });
  }
  if (!await endsWithLineBreak(file, parallel ? undefined : bytes)) {
    warnings.push({ file, message: UNTERMINATED_WARNING });
  }
  if (shape.records === 0) {
    const empty = pl.DataFrame(
      Object.fromEntries(names.map((n) => [n, pl.Series(n, [], pl.Utf8)])),
    );
    return { frame: empty, shape, warnings, notes };
  }
  if (frame === undefined) {
    throw new DataLoadError(
      `Cannot read ${file}: ${(readError as Error).message.split("\n")[0]}`,
      { file, cause: readError },
    );
  }
  if (shape.blankRows.length > 0 && frame.height === shape.records + shape.blankRows.length) {
    // Blank lines are no records: the rows Polars made of them are dropped, by position.
    const keep = new Array<boolean>(frame.height).fill(true);
    for (const row of shape.blankRows) keep[row] = false;
    frame = frame.filter(pl.Series("keep", keep));
  }
  if (frame.height !== shape.records) {
    throw new DataLoadError(
      `Cannot read ${file}: found ${shape.records} records but the CSV reader returned ` +
        `${frame.height}`,
      { file, hint: "The file may mix line endings or hold NUL bytes; re-export it as UTF-8 CSV." },
    );
  }
  // All names at once: `rename` renames one column at a time, each a scan of the header.
  frame.columns = names;
  // Polars' parallel reader leaves each column in dozens of pieces; every later expression
  // pays per piece and per column, which in a wide file outweighs the copy that joins them.
  if (frame.width >= WIDE_COLUMNS) frame = frame.rechunk();
  return { frame, shape, warnings, notes };
}

/** Files from this size on are checked in a worker, beside the read: 8 MiB. */
export const PARALLEL_CHECK_BYTES = 8 * 2 ** 20;

const HEAD_BYTES = 1 << 20;

/** From this many columns on, a file's columns are joined into one piece each after the read. */
const WIDE_COLUMNS = 500;

/** {@link readBoundedFile}'s checks without the read: the file's size. */
export async function fileSize(file: string, maxBytes: number): Promise<number> {
  try {
    const info = await Deno.stat(file);
    if (!info.isFile || info.size > maxBytes) await readBoundedFile(file, maxBytes);
    return info.size;
  } catch (error) {
    if (error instanceof DataLoadError) throw error;
    throw new DataLoadError(`Cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
}

/**
 * The warning of a text file whose last line has no line break: exports (the portal's,
 * pandas', Polars') end every record with one, so a file that stops mid-line was most
 * likely cut short (a copy or download that did not finish), and its last record with it.
 */
export const UNTERMINATED_WARNING = "the file does not end with a line break: its last " +
  "record may have been cut short (an unfinished copy or download); export it again";

/**
 * Whether `file` (or its `bytes`, when read whole) ends with a line break (LF or CR); an
 * empty file does not.
 */
export async function endsWithLineBreak(file: string, bytes?: Uint8Array): Promise<boolean> {
  const last = (bytes ?? await readTail(file, 1)).at(-1);
  return last === 0x0a || last === 0x0d;
}

/** The last `length` bytes of `file` (fewer when it is shorter). */
export async function readTail(file: string, length: number): Promise<Uint8Array> {
  using handle = await Deno.open(file);
  const end = await handle.seek(0, Deno.SeekMode.End);
  const start = Math.max(0, end - length);
  await handle.seek(start, Deno.SeekMode.Start);
  const buffer = new Uint8Array(end - start);
  let filled = 0;
  while (filled < buffer.length) {
    const n = await handle.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/** The first `length` bytes of `file` (fewer when it is shorter). */
export async function readHead(file: string, length: number): Promise<Uint8Array> {
  using handle = await Deno.open(file);
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await handle.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

function isUtf16(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/**
 * Reads `file` and runs {@link asUtf8}'s NUL check and {@link checkCsv} in a worker. Where
 * workers cannot start, they run here instead.
 */
async function checkInWorker(
  file: string,
  maxBytes: number,
  separator: string,
): Promise<CsvShape> {
  const here = async () =>
    checkCsv(asUtf8(await readBoundedFile(file, maxBytes), file), file, separator);
  let worker: Worker;
  try {
    worker = new Worker(new URL("./_csv_check_worker.ts", import.meta.url), { type: "module" });
  } catch {
    return await here();
  }
  try {
    const reply = await new Promise<WorkerReply | undefined>((resolve) => {
      worker.onmessage = (event: MessageEvent<WorkerReply>) => resolve(event.data);
      // A worker that cannot load its module: the check runs here instead.
      worker.onerror = (event) => {
        event.preventDefault();
        resolve(undefined);
      };
      worker.postMessage({ file, separator });
    });
    if (reply === undefined) return await here();
    if ("error" in reply) {
      throw new DataLoadError(reply.error.message, {
        file,
        line: reply.error.line,
        hint: reply.error.hint,
      });
    }
    return reply.shape;
  } finally {
    worker.terminate();
  }
}

type WorkerReply =
  | { shape: CsvShape }
  | { error: { message: string; line?: number; hint?: string } };

/** The 1-based line of data record `row` (0-based). */
export function lineOfRecord(shape: CsvShape, row: number): number {
  return shape.recordLines ? shape.recordLines[row] : row + 2;
}
