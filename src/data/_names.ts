/**
 * Column names the Polars binding cannot hold: nodejs-polars answers `frame.select` with a
 * column named `select` when there is one, so a file with such a column would break every
 * operation on its frame. Refused, never misread.
 *
 * @module
 */
import { type DataFrame, pl } from "../polars.ts";
import { DataLoadError } from "./errors.ts";

const EMPTY_FRAME = pl.DataFrame({});

/** Throws a {@link DataLoadError} naming `file` when a column of `frame` shadows a member. */
export function refuseShadowingNames(frame: DataFrame, file: string): void {
  // The proxy lists its columns as its own keys: read without touching a member.
  for (const column of Reflect.ownKeys(frame)) {
    if (typeof column !== "string") continue;
    if (Reflect.get(EMPTY_FRAME, column) === undefined) continue;
    throw new DataLoadError(
      `Cannot load ${file}: its column "${column}" has the name of a DataFrame member, ` +
        "which the Polars binding casefile uses cannot hold",
      { file, hint: `Rename the column (e.g. to "${column}_") in the file, then load it again.` },
    );
  }
}
