/**
 * CSV files: a structural check in one pass over the bytes (so a malformed file is reported
 * with its line instead of being misread), then Polars reads every column as text and
 * inference types them.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type DataFrame, pl } from "../polars.ts";
import { splitCsvRecord } from "../_csv_fields.ts";
import { DataLoadError, type LoadWarning } from "./errors.ts";

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** What the structural pass learnt of a CSV file. */
export interface CsvShape {
  /** Header fields as written. */
  readonly header: string[];
  /** Data records (header excluded). */
  readonly records: number;
  /** 1-based line each data record starts on, when some record spans several lines. */
  readonly recordLines?: Int32Array;
  /** Records with fewer fields than the header, read with the missing fields empty. */
  readonly short: { readonly count: number; readonly firstLine: number };
}

/**
 * Checks quoting and field counts of CSV `bytes`; throws a {@link DataLoadError} naming
 * the line of the first problem that would make a reader lose or shift data.
 */
export function checkCsv(bytes: Uint8Array, file: string, separator = ","): CsvShape {
  const sep = separator.charCodeAt(0);
  const fail = (message: string, line: number, hint: string): never => {
    throw new DataLoadError(`Cannot read ${file}: ${message} at line ${line}`, {
      file,
      line,
      hint,
    });
  };
  let line = 1;
  let records = -1; // the header is record -1
  let fields = 0;
  let expected = -1;
  let multiline = false;
  let headerEnd = 0;
  const starts: number[] = [];
  let shortCount = 0;
  let shortFirst = 0;
  let recordLine = 1;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let atRecordStart = true;

  const endRecord = (end: number) => {
    fields++;
    if (records === -1) {
      expected = fields;
      headerEnd = end;
    } else if (fields > expected) {
      fail(
        `the record has ${fields} fields but the header has ${expected}`,
        recordLine,
        "Quote fields that contain the separator, or fix the header.",
      );
    } else if (fields < expected) {
      if (shortCount++ === 0) shortFirst = recordLine;
    }
    if (records >= 0) starts.push(recordLine);
    records++;
    fields = 0;
    atRecordStart = true;
  };

  while (i < bytes.length) {
    if (atRecordStart) {
      // Blank lines between records are not records.
      if (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] === LF)) {
        i += bytes[i] === CR ? 2 : 1;
        line++;
        continue;
      }
      atRecordStart = false;
      recordLine = line;
    }
    if (bytes[i] === QUOTE) {
      const openLine = line;
      i++;
      for (;;) {
        if (i >= bytes.length) {
          fail(
            "a quoted field is never closed",
            openLine,
            'Check for a missing closing quote ("), or a quote inside a field that is not doubled.',
          );
        }
        const b = bytes[i++];
        if (b === LF) {
          line++;
          multiline = true;
        } else if (b === QUOTE) {
          if (bytes[i] === QUOTE) i++;
          else break;
        }
      }
      const b = bytes[i];
      if (i < bytes.length && b !== sep && b !== LF && b !== CR) {
        fail(
          "unexpected text after a closing quote",
          line,
          'A quote inside a quoted field must be doubled ("").',
        );
      }
    } else {
      while (i < bytes.length && bytes[i] !== sep && bytes[i] !== LF && bytes[i] !== CR) {
        if (bytes[i] === QUOTE) {
          fail(
            "a quote inside a field that is not quoted",
            line,
            'Quote the whole field and double the inner quote (""), or remove it.',
          );
        }
        i++;
      }
    }
    if (i >= bytes.length) {
      endRecord(i);
      break;
    }
    if (bytes[i] === sep) {
      fields++;
      i++;
      if (i >= bytes.length) endRecord(i);
      continue;
    }
    const end = i;
    i += bytes[i] === CR && bytes[i + 1] === LF ? 2 : 1;
    endRecord(end);
    line++;
  }
  if (records < 0) fail("the file is empty: no header", 1, "A CSV file starts with a header line.");

  const headerText = new TextDecoder().decode(bytes.subarray(0, headerEnd));
  return {
    // The header is well-formed here (checked above), so it splits as any record does.
    header: splitCsvRecord(headerText.replace(/^\uFEFF/, ""), separator),
    records,
    recordLines: multiline ? Int32Array.from(starts) : undefined,
    short: { count: shortCount, firstLine: shortFirst },
  };
}

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
    return await Deno.readFile(file);
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

/**
 * `bytes` as UTF-8 text: UTF-16 with a byte-order mark is decoded; other text holding NUL
 * bytes (UTF-16 without a mark, or a binary file) is refused rather than read as text.
 *
 * @throws {DataLoadError} when the bytes are not text casefile can read.
 */
export function asUtf8(bytes: Uint8Array, file: string): Uint8Array {
  const le = bytes[0] === 0xff && bytes[1] === 0xfe;
  const be = bytes[0] === 0xfe && bytes[1] === 0xff;
  if (le || be) {
    let text: string;
    try {
      text = new TextDecoder(le ? "utf-16le" : "utf-16be", { fatal: true }).decode(
        bytes.subarray(2),
      );
    } catch {
      throw new DataLoadError(`Cannot read ${file}: it is not valid UTF-16 text`, {
        file,
        hint: "Re-export the file as UTF-8.",
      });
    }
    bytes = new TextEncoder().encode(text);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = countLines(bytes, nul);
    throw new DataLoadError(
      `Cannot read ${file}: it holds a NUL byte at line ${line} (UTF-16 without a byte-order ` +
        "mark, or not a text file)",
      { file, line, hint: "Re-export the file as UTF-8 text." },
    );
  }
  return bytes;
}

function countLines(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = bytes.indexOf(LF); i >= 0 && i < end; i = bytes.indexOf(LF, i + 1)) line++;
  return line;
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
  const bytes = asUtf8(
    await readBoundedFile(file, options.maxBytes ?? DEFAULT_MAX_FILE_BYTES),
    file,
  );
  const notes: string[] = [];
  if (options.detect && separator === ",") {
    separator = detectSeparator(bytes);
    if (separator !== ",") {
      notes.push(`read with ${separator === "\t" ? "tab" : `'${separator}'`} as the separator`);
    }
  }
  const shape = checkCsv(bytes, file, separator);
  const names = normaliseHeader(shape.header);
  const warnings: LoadWarning[] = [];
  if (shape.short.count > 0) {
    warnings.push({
      file,
      message: `${shape.short.count} record(s) have fewer fields than the header ` +
        `(first at line ${shape.short.firstLine}); the missing fields are empty`,
    });
  }
  if (shape.records === 0) {
    const frame = pl.DataFrame(
      Object.fromEntries(names.map((n) => [n, pl.Series(n, [], pl.Utf8)])),
    );
    return { frame, shape, warnings, notes };
  }
  let frame: DataFrame;
  try {
    frame = pl.readCSV(Buffer.from(bytes), {
      inferSchemaLength: 0,
      hasHeader: true,
      sep: separator,
      quoteChar: '"',
      missingIsNull: true,
    });
  } catch (error) {
    throw new DataLoadError(`Cannot read ${file}: ${(error as Error).message.split("\n")[0]}`, {
      file,
      cause: error,
    });
  }
  if (frame.height !== shape.records) {
    throw new DataLoadError(
      `Cannot read ${file}: found ${shape.records} records but the CSV reader returned ` +
        `${frame.height}`,
      { file, hint: "The file may mix line endings or hold NUL bytes; re-export it as UTF-8 CSV." },
    );
  }
  frame = frame.rename(Object.fromEntries(frame.columns.map((c, i) => [c, names[i]])));
  return { frame, shape, warnings, notes };
}

/** The 1-based line of data record `row` (0-based). */
export function lineOfRecord(shape: CsvShape, row: number): number {
  return shape.recordLines ? shape.recordLines[row] : row + 2;
}
