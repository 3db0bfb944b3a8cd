/**
 * Binary columns (a Parquet byte array that is not text, Arrow `binary`) read as lowercase
 * hexadecimal text, two digits a byte: `MZ` is `4d5a`. Kusto has no bytes type, and
 * nodejs-polars 0.25.2 cannot hand binary values to JavaScript ("DataType Binary is not
 * supported for JS conversion"). Hex is how investigators read bytes (file magic, hashes,
 * packet payloads) and can be searched with `startswith`/`has` byte for byte, where base64
 * shifts with the position of a byte.
 *
 * @module
 */
import { type DataFrame, type Expr, pl } from "../polars.ts";
import { DataLoadError } from "./errors.ts";

const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const BYTES = Array.from({ length: 256 }, (_, i) => i);

/**
 * The binary columns of `frame` (which may be empty: a plan's schema), in order.
 *
 * @throws {DataLoadError} naming `file` and the column, for a column of a type JavaScript
 *   cannot receive other than a top-level binary one (binary inside lists or records).
 */
export function binaryColumns(frame: DataFrame, file: string): string[] {
  try {
    frame.dtypes;
    return [];
  } catch {
    // some column's type does not convert: find which
  }
  const binary: string[] = [];
  for (const column of frame.columns) {
    try {
      frame.select(column).dtypes;
      continue;
    } catch (error) {
      try {
        frame.head(0).select(pl.col(column).cast(pl.List(pl.UInt8))).dtypes;
        binary.push(column);
      } catch {
        throw new DataLoadError(
          `Cannot read ${file}: column ${column} has a type casefile cannot read (${
            String((error as Error)?.message ?? error).split("\n")[0]
          })`,
          {
            file,
            hint: "Convert the column to text (hexadecimal or base64) when exporting the file, " +
              "or leave it out.",
          },
        );
      }
    }
  }
  return binary;
}

/** The binary column `column` as lowercase hexadecimal text (null stays null). */
export function hexText(column: string): Expr {
  return pl.col(column).cast(pl.List(pl.UInt8))
    .lst.eval(pl.element().cast(pl.Int64).replaceStrict(BYTES, HEX_DIGITS, undefined, pl.Utf8))
    .lst.join("").alias(column);
}

/**
 * `frame` with its binary columns as hexadecimal text, and a note for each in `notes`.
 *
 * @throws {DataLoadError} as {@link binaryColumns}.
 */
export function withHexText(frame: DataFrame, file: string, notes: string[]): DataFrame {
  const binary = binaryColumns(frame, file);
  if (binary.length === 0) return frame;
  notes.push(binaryNote(file, binary));
  return frame.withColumns(...binary.map(hexText));
}

/** The note that `columns` of `file` were binary and read as hex text. */
export function binaryNote(file: string, columns: readonly string[]): string {
  const names = columns.join(", ");
  const one = columns.length === 1;
  return `${file.split(/[\\/]/).pop()}: column${one ? "" : "s"} ${names} ${
    one ? "holds" : "hold"
  } ` +
    "bytes, read as hexadecimal text (two digits a byte)";
}
