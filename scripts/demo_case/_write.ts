/**
 * Writing the case folder: one zstd Parquet file per table (built from day-sized chunks,
 * spilled to disk for large scales), the manifest, and the text files. Everything written
 * is a pure function of the generator's inputs, so reruns give the same bytes.
 *
 * @module
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { type DataFrame, pl } from "../../src/polars.ts";
import {
  type CaseManifest,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  type ManifestExternal,
  type ManifestTable,
} from "../../src/data/manifest.ts";
import type { TableSchema } from "../../src/schema/types.ts";

/** Collects one table's day chunks and writes them as one Parquet file. */
export class TableWriter {
  /** The table's schema. */
  readonly schema: TableSchema;
  readonly #path: string;
  readonly #spill: string | null;
  readonly #frames: DataFrame[] = [];
  readonly #parts: string[] = [];
  #rows = 0;

  /**
   * Creates a writer for `schema` into `path`. With `spillDir`, chunks go to temporary
   * Parquet files there and are streamed into the final file, so memory stays bounded.
   */
  constructor(schema: TableSchema, path: string, spillDir: string | null) {
    this.schema = schema;
    this.#path = path;
    this.#spill = spillDir;
  }

  /** Rows added so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Adds a chunk; chunks must arrive in time order. */
  add(frame: DataFrame): void {
    if (frame.height === 0) return;
    this.#rows += frame.height;
    if (this.#spill === null) {
      this.#frames.push(frame);
      return;
    }
    const part = join(
      this.#spill,
      `${this.schema.name}-${String(this.#parts.length).padStart(5, "0")}.parquet`,
    );
    frame.writeParquet(part, { compression: "zstd" });
    this.#parts.push(part);
  }

  /** Writes the table's file and returns its row count. */
  finish(): number {
    if (this.#spill !== null && this.#parts.length > 0) {
      pl.scanParquet(join(this.#spill, `${this.schema.name}-*.parquet`))
        .sinkParquet(this.#path, { compression: "zstd", maintainOrder: true })
        .collectSync();
      for (const part of this.#parts) Deno.removeSync(part);
      return this.#rows;
    }
    if (this.#frames.length === 0) {
      throw new RangeError(`Cannot write ${this.schema.name}: the generator produced no rows`);
    }
    const frame = pl.concat(this.#frames, { how: "vertical" }).rechunk();
    // zstd at level 19 (writeParquet has no level): the case stays within its 15 MB.
    frame.lazy().sinkParquet(this.#path, {
      compression: "zstd",
      compressionLevel: 19,
      maintainOrder: true,
    }).collectSync();
    this.#frames.length = 0;
    return this.#rows;
  }
}

/**
 * The SHA-256 of a written file (64 lowercase hex digits), for the manifest: the loader
 * refuses a table whose file no longer has it.
 */
export async function fileSha256(path: string): Promise<string> {
  // Read in pieces: a benchmark-scale table is gigabytes.
  const hash = createHash("sha256");
  const file = await Deno.open(path, { read: true }); // its readable closes it at the end
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/** Builds the manifest for a case folder. */
export function buildManifest(
  name: string,
  description: string,
  referenceTime: string,
  timeRange: { start: string; end: string },
  tables: readonly ManifestTable[],
  external: readonly ManifestExternal[],
): CaseManifest {
  return { format: MANIFEST_FORMAT, name, description, referenceTime, timeRange, tables, external };
}

/** Writes `manifest.json` as pretty JSON with a trailing newline. */
export async function writeManifest(folder: string, manifest: CaseManifest): Promise<void> {
  await Deno.writeTextFile(join(folder, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
}
