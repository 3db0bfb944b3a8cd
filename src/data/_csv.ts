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
}

/** Reads `file` as text columns after checking its structure. */
export async function readCsvText(file: string, separator = ","): Promise<RawCsv> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (error) {
    throw new DataLoadError(`Cannot read ${file}: ${(error as Error).message}`, { file });
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
    return { frame, shape, warnings };
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
  return { frame, shape, warnings };
}

/** The 1-based line of data record `row` (0-based). */
export function lineOfRecord(shape: CsvShape, row: number): number {
  return shape.recordLines ? shape.recordLines[row] : row + 2;
}
