/**
 * The structural check of CSV bytes: quoting and field counts in one pass, the line of the
 * first problem named. Imports nothing of Polars, so a worker can run it beside a read.
 *
 * @module
 */
import { splitCsvRecord } from "../_csv_fields.ts";
import { DataLoadError } from "./errors.ts";
import { csvScanner, indexOfByte, isScanBuffer, scanBuffer } from "./_csv_scan.ts";

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
  /**
   * Blank lines after the header, as the 0-based rows Polars' reader makes of them (it
   * reads each as a record of nulls, where they are no record).
   */
  readonly blankRows: readonly number[];
}

/**
 * Checks quoting and field counts of CSV `bytes`; throws a {@link DataLoadError} naming
 * the line of the first problem that would make a reader lose or shift data.
 */
export function checkCsv(bytes: Uint8Array, file: string, separator = ","): CsvShape {
  const sep = separator.charCodeAt(0);
  // Bytes that need a decision (separator, quote, line ends): every other byte is skipped
  // with one table look-up, quoted fields are crossed with native `indexOf` jumps, and no
  // closure captures the loop's variables, so V8 keeps them in registers.
  const stop = new Uint8Array(256);
  stop[sep] =
    stop[LF] =
    stop[CR] =
    stop[QUOTE] =
      1;
  const n = bytes.length;
  let line = 1;
  let records = -1; // the header is record -1
  let expected = -1;
  let multiline = false;
  let headerEnd = 0;
  const starts: number[] = [];
  let shortCount = 0;
  let shortFirst = 0;
  const blankRows: number[] = [];
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let nextLf = bytes.indexOf(LF, i);
  let nextQuote = bytes.indexOf(QUOTE, i);
  let nextCr = bytes.indexOf(CR, i);
  // The bytes as 32-bit words from the first 4-byte boundary, to count four at a time.
  const align = (4 - (bytes.byteOffset & 3)) & 3;
  const words = n < align + 4
    ? new Uint32Array(0)
    : new Uint32Array(bytes.buffer, bytes.byteOffset + align, Math.floor((n - align) / 4));

  const scanner = csvScanner(bytes);
  while (i < n) {
    if (scanner !== undefined && records >= 0) {
      // Well-formed one-line records are crossed in WebAssembly; the record it stops at
      // (blank, short, malformed, spanning lines, the last) is checked below.
      const fast = scanner.scan(i, sep, expected);
      for (let r = 0; r < fast.records; r++) starts.push(line + r);
      records += fast.records;
      line += fast.records;
      i = fast.stop;
      if (i >= n) break;
    }
    // Blank lines between records are not records.
    if (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] === LF)) {
      if (records === -1) {
        // Polars would take the blank line for the header, and the header for a record.
        csvFail(file, "a blank line before the header", line, "Remove the blank lines at the top.");
      }
      blankRows.push(records + blankRows.length);
      i += bytes[i] === CR ? 2 : 1;
      line++;
      continue;
    }
    const recordLine = line;
    let fields = 1;
    let fieldStart = true;
    if (nextLf >= 0 && nextLf < i) nextLf = bytes.indexOf(LF, i);
    if (nextQuote >= 0 && nextQuote < i) nextQuote = bytes.indexOf(QUOTE, i);
    const lineEnd = nextLf < 0 ? n : nextLf;
    if (nextQuote < 0 || nextQuote > lineEnd) {
      // Most lines hold no quote: counting their separators (up to a CR, which ends the
      // line) is all there is to check.
      if (nextCr >= 0 && nextCr < i) nextCr = bytes.indexOf(CR, i);
      const end = nextCr >= 0 && nextCr < lineEnd ? nextCr : lineEnd;
      fields += countByte(bytes, words, align, i, end, sep);
      i = end;
    }
    while (i < n) {
      const b = bytes[i];
      if (stop[b] === 0) {
        i++;
        fieldStart = false;
      } else if (b === sep) {
        fields++;
        i++;
        fieldStart = true;
      } else if (b === QUOTE) {
        if (!fieldStart) {
          csvFail(
            file,
            "a quote inside a field that is not quoted",
            line,
            'Quote the whole field and double the inner quote (""), or remove it.',
          );
        }
        const openLine = line;
        i++;
        for (;;) {
          const close = bytes.indexOf(QUOTE, i);
          if (close < 0) {
            csvFail(
              file,
              "a quoted field is never closed",
              openLine,
              'Check for a missing closing quote ("), or a quote inside a field that is not ' +
                "doubled.",
            );
          }
          // The next newline is remembered: searching afresh per quoted field would cross
          // the rest of a long line once per field.
          if (nextLf >= 0 && nextLf < i) nextLf = bytes.indexOf(LF, i);
          while (nextLf >= 0 && nextLf < close) {
            line++;
            multiline = true;
            nextLf = bytes.indexOf(LF, nextLf + 1);
          }
          i = close + 1;
          if (bytes[i] === QUOTE) i++;
          else break;
        }
        const after = bytes[i];
        if (i < n && after !== sep && after !== LF && after !== CR) {
          csvFail(
            file,
            "unexpected text after a closing quote",
            line,
            'A quote inside a quoted field must be doubled ("").',
          );
        }
        fieldStart = false;
      } else {
        break; // a line end
      }
    }
    if (records === -1) {
      expected = fields;
      headerEnd = i;
    } else if (fields > expected) {
      csvFail(
        file,
        `the record has ${fields} fields but the header has ${expected}`,
        recordLine,
        "Quote fields that contain the separator, or fix the header.",
      );
    } else if (fields < expected) {
      if (shortCount++ === 0) shortFirst = recordLine;
    }
    if (records >= 0) starts.push(recordLine);
    records++;
    if (i < n) {
      i += bytes[i] === CR && bytes[i + 1] === LF ? 2 : 1;
      line++;
    }
  }
  if (records < 0) {
    csvFail(file, "the file is empty: no header", 1, "A CSV file starts with a header line.");
  }

  const headerText = new TextDecoder().decode(bytes.subarray(0, headerEnd));
  return {
    // The header is well-formed here (checked above), so it splits as any record does.
    header: splitCsvRecord(headerText.replace(/^\uFEFF/, ""), separator),
    records,
    recordLines: multiline ? Int32Array.from(starts) : undefined,
    short: { count: shortCount, firstLine: shortFirst },
    blankRows,
  };
}

/** The bytes {@link checkCsvFile} reads at a time: 8 MiB. */
const WINDOW_BYTES = 8 * 2 ** 20;

/**
 * {@link checkCsv} of `file` (UTF-8, its size already checked) read a window at a time into
 * one small buffer, for a file of well-formed one-line records: a quote-free header, then
 * records of as many fields ended by LF or CRLF, with no NUL byte and a line break at the end.
 * Anything else (a blank or short record, a quoted field over two lines, an error, a record
 * longer than half the window), or no WebAssembly SIMD, gives undefined, and the caller reads
 * the file whole for {@link checkCsv}, which names the line. Reading into a buffer that is
 * reused costs a tenth of reading a large file into one of its own (no fresh pages to map).
 *
 * @param window The buffer's size (smaller in tests, to cut records at its edges).
 */
export async function checkCsvFile(
  file: string,
  separator = ",",
  window = WINDOW_BYTES,
): Promise<CsvShape | undefined> {
  const sep = separator.charCodeAt(0);
  if (separator.length !== 1 || sep >= 0x80 || sep === QUOTE || sep === LF || sep === CR) {
    return undefined;
  }
  const buffer = scanBuffer(window);
  // The scanner must read the buffer in place (not a copy of it made once).
  const scanner = isScanBuffer(buffer) ? csvScanner(buffer) : undefined;
  if (scanner === undefined) return undefined;
  using handle = await Deno.open(file);
  let header: string[] | undefined;
  let expected = 0;
  let records = 0;
  let filled = 0; // the bytes of the buffer holding the file's
  for (let end = false; !end;) {
    while (filled < buffer.length) {
      const n = await handle.read(buffer.subarray(filled));
      if (n === null) {
        end = true;
        break;
      }
      if (indexOfByte(buffer.subarray(filled, filled + n), 0) >= 0) return undefined;
      filled += n;
    }
    let from = 0;
    if (header === undefined) {
      const start = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
      const lf = buffer.subarray(0, filled).indexOf(LF, start);
      const lineEnd = lf > start && buffer[lf - 1] === CR ? lf - 1 : lf;
      if (lineEnd <= start) return undefined; // no header line in the window, or a blank one
      const line = buffer.subarray(start, lineEnd);
      if (line.includes(QUOTE) || line.includes(CR)) return undefined;
      const text = new TextDecoder().decode(buffer.subarray(0, lineEnd));
      header = splitCsvRecord(text.replace(/^\uFEFF/, ""), separator);
      expected = header.length;
      from = lf + 1;
    }
    const crossed = scanner.scan(from, sep, expected, filled);
    records += crossed.records;
    // What is left is a record the window cut, unless it holds a line end: then it is a record
    // the scan left to the full check (at the end of the file, whatever it holds).
    const rest = buffer.subarray(crossed.stop, filled);
    if (end && rest.length > 0) return undefined;
    if (end) break;
    if (rest.includes(LF) || rest.includes(CR) || rest.length > window / 2) return undefined;
    buffer.copyWithin(0, crossed.stop, filled);
    filled = rest.length;
  }
  if (header === undefined) return undefined;
  return { header, records, short: { count: 0, firstLine: 0 }, blankRows: [] };
}

/**
 * How many of `bytes[from..to)` equal `byte`: the bytes before the first word boundary and
 * after the last one singly, the words between four at a time (a word's matching bytes are
 * found without a branch per byte and summed with one multiplication). `words` views
 * `bytes` from offset `align`.
 */
function countByte(
  bytes: Uint8Array,
  words: Uint32Array,
  align: number,
  from: number,
  to: number,
  byte: number,
): number {
  let count = 0;
  let i = from;
  while (i < to && ((i - align) & 3) !== 0) {
    if (bytes[i] === byte) count++;
    i++;
  }
  const first = (i - align) >> 2;
  const last = (to - align) >> 2;
  if (i < to && last > first) {
    const pattern = Math.imul(byte, 0x01010101);
    for (let w = first; w < last; w++) {
      const x = words[w] ^ pattern;
      // 0x80 in every byte of x that is zero (no carries between bytes, so no false ones).
      const zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      if (zero !== 0) count += Math.imul((zero >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    i = align + (last << 2);
  }
  for (; i < to; i++) if (bytes[i] === byte) count++;
  return count;
}

function csvFail(file: string, message: string, line: number, hint: string): never {
  throw new DataLoadError(`Cannot read ${file}: ${message} at line ${line}`, { file, line, hint });
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
  const nul = indexOfByte(bytes, 0);
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

/** The size of each read of {@link readWholeFile}: 1 MiB. */
const READ_CHUNK = 1 << 20;

/**
 * The bytes of `file`, read into one buffer of the size the file has. `Deno.readFile` grows
 * its buffer as it reads, copying what it has read each time: on a 250 MB CSV it cost 240–260
 * ms of CPU, this 140–170 ms. A file that shrinks while read gives the bytes it had; one that
 * grows is read again by `Deno.readFile`, whole. `allocate` makes the buffer (e.g. in
 * WebAssembly memory, where the check's fast path reads it without a copy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readWholeFile } from "./_csv_check.ts";
 *
 * const file = await Deno.makeTempFile();
 * await Deno.writeTextFile(file, "a,b\n1,2\n");
 * assert.equal(new TextDecoder().decode(await readWholeFile(file)), "a,b\n1,2\n");
 * await Deno.remove(file);
 * ```
 */
export async function readWholeFile(
  file: string,
  allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): Promise<Uint8Array> {
  using handle = await Deno.open(file);
  const size = (await handle.stat()).size;
  const buffer = allocate(size);
  let filled = 0;
  while (filled < size) {
    const n = await handle.read(buffer.subarray(filled, Math.min(size, filled + READ_CHUNK)));
    if (n === null) return buffer.subarray(0, filled);
    filled += n;
  }
  if (await handle.read(new Uint8Array(1)) !== null) return await Deno.readFile(file);
  return buffer;
}
