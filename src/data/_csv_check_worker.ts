/**
 * A worker that reads a CSV file and runs the structural check while the main thread has
 * Polars read the same file, so a large file's check costs no wall time there.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { asUtf8, checkCsv, checkCsvFile, type CsvShape, readWholeFile } from "./_csv_check.ts";
import { DataLoadError } from "./errors.ts";
import { scanBuffer } from "./_csv_scan.ts";

/** What the main thread sends: the file (its size already checked) and its separator. */
interface CheckRequest {
  readonly file: string;
  readonly separator: string;
}

self.onmessage = async (event: MessageEvent<CheckRequest>) => {
  const { file, separator } = event.data;
  try {
    // Most files are well-formed records, checked a window at a time; the others are read
    // whole, so the full check can name the line of what it finds.
    let fast: CsvShape | undefined;
    try {
      fast = await checkCsvFile(file, separator);
    } catch (error) {
      throw new DataLoadError(`Cannot read ${file}: ${(error as Error).message}`, { file });
    }
    if (fast !== undefined) {
      self.postMessage({ shape: fast });
      return;
    }
    let bytes: Uint8Array;
    try {
      // Read into WebAssembly memory, where the check's fast path reads it in place.
      bytes = await readWholeFile(file, scanBuffer);
    } catch (error) {
      throw new DataLoadError(`Cannot read ${file}: ${(error as Error).message}`, { file });
    }
    self.postMessage({ shape: checkCsv(asUtf8(bytes, file), file, separator) });
  } catch (error) {
    const e = error as DataLoadError;
    self.postMessage({
      error: {
        message: e.message,
        line: e instanceof DataLoadError ? e.line : undefined,
        hint: e instanceof DataLoadError ? e.hint : undefined,
      },
    });
  }
};
