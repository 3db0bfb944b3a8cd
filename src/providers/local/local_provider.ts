/**
 * The local provider: serves tables from a folder of Parquet, CSV, JSON and NDJSON files
 * (the bundled demo case by default). Tables load on first use and stay loaded.
 *
 * `query()` runs KQL with the local engine (src/kql/).
 *
 * @module
 */
import { resolve as resolvePath } from "node:path";
import { createHash } from "node:crypto";
import { type DataFrame, type LazyDataFrame, pl } from "../../polars.ts";
import {
  type CaseManifest,
  discoverTables,
  type FolderContents,
  loadExternalData,
  loadTable,
  type LoadWarning,
  type TableEntry,
} from "../../data/mod.ts";
import { type KustoType, SENTINEL_SCHEMAS, type TableSchema } from "../../schema/mod.ts";
import type {
  QueryOptions,
  QueryResult,
  QueryWarning,
  TableInfo,
  TableSource,
} from "../provider.ts";
import { UnknownTableError, UnsupportedQueryError } from "../errors.ts";
import { CasefileError } from "../../errors.ts";
import type { ExternalRequest, SourceTable } from "../../kql/mod.ts";

/** The bundled demo case's folder. */
export const DEMO_CASE_DIR: string = resolvePath(
  new URL("../../../fixtures/demo-case", import.meta.url).pathname,
);

/** Options of {@link openLocalProvider}. */
export interface LocalProviderOptions {
  /** Extra or overriding tables: name → file or glob (relative to the folder). */
  tables?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Known column types by table name, applied where the folder has no manifest (default:
   * Sentinel's reference schemas, so a portal export of SecurityEvent is typed right).
   */
  knownSchemas?: Readonly<Record<string, TableSchema>>;
  /**
   * Files or folders outside the case folder that `externaldata` may read (default: none;
   * files inside the case folder are always allowed).
   */
  allowedPaths?: readonly string[];
  /** The largest data file read, in bytes (default 1 GiB). */
  maxFileBytes?: number;
}

/** A table once loaded. */
export interface LocalTable {
  /** The table's rows (all of them: the local provider holds tables in memory). */
  readonly frame: DataFrame;
  /** The table's name and Kusto column types. */
  readonly schema: TableSchema;
  /** What loading found in the data (values that did not fit a type, short rows). */
  readonly warnings: readonly LoadWarning[];
  /** What the loader did that a user may want to know. */
  readonly notes: readonly string[];
}

/**
 * Opens the folder `folder` (default: the bundled demo case) as a provider. Tables named
 * like Sentinel's get Sentinel's column types unless `knownSchemas` says otherwise.
 *
 * @param folder A case folder (with `manifest.json`) or any folder of data files.
 * @param options Extra tables (files or globs) and known schemas.
 * @returns The provider; tables load when first used.
 * @throws {DataLoadError} when the folder is missing or its manifest is invalid.
 *
 * @example Read a table of the bundled demo case
 * ```ts
 * import assert from "node:assert/strict";
 * import { openLocalProvider } from "./local_provider.ts";
 *
 * const provider = await openLocalProvider();
 * const alerts = await provider.query("SecurityAlert");
 * assert.equal(alerts.rowCount, 13);
 * assert.ok(alerts.schema.columns.some((c) => c.name === "AlertName" && c.type === "string"));
 * ```
 */
export async function openLocalProvider(
  folder: string = DEMO_CASE_DIR,
  options: LocalProviderOptions = {},
): Promise<LocalProvider> {
  const root = resolvePath(folder);
  const contents = await discoverTables(root, { tables: options.tables });
  return new LocalProvider(root, contents, options.knownSchemas ?? SENTINEL_SCHEMAS, {
    allowedPaths: (options.allowedPaths ?? []).map((p) => resolvePath(p)),
    maxFileBytes: options.maxFileBytes,
  });
}

/** Tables from a folder. Create one with {@link openLocalProvider}. */
export class LocalProvider implements TableSource {
  /** Always `local`. */
  readonly kind = "local" as const;
  readonly id: string;
  readonly description: string;
  readonly referenceTime?: Date;
  /** The folder served. */
  readonly folder: string;
  readonly #contents: FolderContents;
  readonly #known: Readonly<Record<string, TableSchema>>;
  readonly #loaded = new Map<string, Promise<LocalTable>>();
  readonly #limits: Pick<LocalProviderOptions, "allowedPaths" | "maxFileBytes">;

  /** Use {@link openLocalProvider}, which finds the folder's tables first. */
  constructor(
    folder: string,
    contents: FolderContents,
    known: Readonly<Record<string, TableSchema>>,
    limits: Pick<LocalProviderOptions, "allowedPaths" | "maxFileBytes"> = {},
  ) {
    this.folder = folder;
    this.#contents = contents;
    this.#known = known;
    this.#limits = limits;
    this.id = `local:${folder}`;
    const manifest = contents.manifest;
    this.description = manifest
      ? `${manifest.name} (${folder})`
      : `${contents.tables.length} table(s) in ${folder}`;
    this.referenceTime = manifest ? new Date(manifest.referenceTime) : undefined;
  }

  /** The case's manifest, when the folder has one. */
  get manifest(): CaseManifest | undefined {
    return this.#contents.manifest;
  }

  /** The outside data files the case lists (HR exports, asset lists, feeds). */
  get externalData(): ReadonlyArray<{ name: string; source: string }> {
    return this.#contents.external.map(({ name, source }) => ({ name, source }));
  }

  async tables(): Promise<TableInfo[]> {
    return await Promise.all(this.#contents.tables.map(async (entry) => {
      if (entry.columns) {
        return { name: entry.name, columns: entry.columns, rows: entry.rows, source: entry.source };
      }
      try {
        const table = await this.table(entry.name);
        return { ...table.schema, rows: table.frame.height, source: entry.source };
      } catch (error) {
        // One unreadable file is reported on its table; the others are still listed.
        if (!(error instanceof CasefileError)) throw error;
        return { name: entry.name, columns: [], source: entry.source, error: error.message };
      }
    }));
  }

  async schema(table: string): Promise<TableSchema> {
    const entry = this.#entry(table);
    if (entry.columns) return { name: entry.name, columns: entry.columns };
    return (await this.table(table)).schema;
  }

  /**
   * A table, loaded on first use. Outside data files listed by the manifest are read
   * the same way by their names.
   *
   * @throws {UnknownTableError} when there is no such table.
   * @throws {DataLoadError} when its files cannot be read.
   */
  table(name: string): Promise<LocalTable> {
    let entry: TableEntry;
    try {
      entry = this.#entry(name);
    } catch (error) {
      return Promise.reject(error);
    }
    let loading = this.#loaded.get(entry.name);
    if (!loading) {
      loading = this.#load(entry);
      // A failed load is not remembered: the user may fix the file and try again.
      loading.catch(() => this.#loaded.delete(entry.name));
      this.#loaded.set(entry.name, loading);
    }
    return loading;
  }

  /**
   * A digest of the sizes and modification times of the folder's files (tables, outside
   * data, manifest): it changes when any of them does.
   */
  async dataVersion(): Promise<string> {
    const files = [...this.#contents.tables, ...this.#contents.external]
      .flatMap((entry) => entry.files.map((file) => resolvePath(this.folder, file)));
    files.push(resolvePath(this.folder, "manifest.json"));
    const hash = createHash("sha256");
    for (const file of [...new Set(files)].sort()) {
      const info = await Deno.stat(file).catch(() => undefined);
      hash.update(`${file}\0${info?.size ?? -1}\0${info?.mtime?.getTime() ?? -1}\n`);
    }
    return hash.digest("hex");
  }

  async lazyTable(name: string): Promise<{ frame: LazyDataFrame; schema: TableSchema }> {
    const table = await this.table(name);
    return { frame: table.frame.lazy(), schema: table.schema };
  }

  /**
   * Runs a KQL query over this folder's tables with the local engine. Only the tables
   * the query names are loaded. `now()` and `ago()` mean the case's reference time when
   * the folder has a manifest, so relative queries give the same answer on any date.
   */
  async query(query: string, options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    options.signal?.throwIfAborted();
    // The engine loads on the first query: opening a case (the REPL's start) does not need it.
    const kql = await import("../../kql/mod.ts");
    const { filterTimespan, referencedTables } = await import("./_query_tables.ts");
    const all = this.#entries().map((e) => e.name);
    const names = referencedTables(query, all);
    const tables = await Promise.all(names.map((name) => this.table(name)));
    options.signal?.throwIfAborted();
    const warnings: QueryWarning[] = [];
    const frames: Record<string, DataFrame> = {};
    const schemas: Record<string, TableSchema> = {};
    for (const [i, name] of names.entries()) {
      const table = tables[i];
      warnings.push(...table.warnings.map((w) => ({ kind: "data" as const, message: w.message })));
      let frame = table.frame;
      if (options.timespan) {
        const filtered = filterTimespan(frame, options.timespan);
        if (filtered) frame = filtered;
        else {
          warnings.push({
            kind: "data",
            message: `${name} has no TimeGenerated datetime column; the timespan was not applied`,
          });
        }
      }
      frames[name] = frame;
      schemas[name] = table.schema;
    }
    const parsed = kql.parseKql(query);
    const external = await this.#external(kql.externalRequests(parsed));
    const result = await untilAborted(
      kql.executeOn(query, kql.sourceTables(frames, schemas), {
        now: options.now ?? this.referenceTime ?? new Date(),
        knownTables: all,
        external,
        parsed,
      }),
      options.signal,
    );
    return {
      frame: result.frame,
      schema: result.schema,
      provider: this.id,
      query,
      timespan: options.timespan,
      rowCount: result.frame.height,
      durationMs: performance.now() - started,
      warnings,
      render: result.render,
    };
  }

  /** Loads the externaldata files and watchlists a query reads (its `requests`). */
  async #external(requests: readonly ExternalRequest[]): Promise<Map<string, SourceTable>> {
    const out = new Map<string, SourceTable>();
    for (const request of requests) {
      if (request.kind === "watchlist") {
        const entry = this.#watchlist(request.name);
        if (!entry) continue; // the engine reports the missing watchlist with its position
        const table = await this.table(entry.name);
        const key = table.schema.columns[0];
        const frame = table.frame.withColumn(pl.col(key.name).cast(pl.Utf8).alias("SearchKey"));
        out.set(request.key, {
          frame: frame.lazy(),
          schema: {
            name: request.name,
            columns: [...table.schema.columns, { name: "SearchKey", type: "string" }],
          },
        });
      } else {
        const frame = await loadExternalData(request.urls, request.columns, {
          base: this.folder,
          options: request.options,
          allow: this.#limits.allowedPaths,
        });
        out.set(request.key, {
          frame: frame.lazy(),
          schema: { name: "externaldata", columns: request.columns },
        });
      }
    }
    return out;
  }

  // Watchlists are outside-data files of the case, matched loosely: HighValueAssets finds
  // high_value_assets.csv.
  #watchlist(name: string): TableEntry | undefined {
    const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
    return this.#entries().find((e) => norm(e.name) === norm(name));
  }

  #entries(): TableEntry[] {
    return [...this.#contents.tables, ...this.#contents.external];
  }

  #entry(name: string): TableEntry {
    const all = this.#entries();
    const entry = all.find((t) => t.name === name) ??
      // Kusto table names are case-sensitive, but a unique case-insensitive match is safe.
      single(all.filter((t) => t.name.toLowerCase() === name.toLowerCase()));
    if (!entry) throw new UnknownTableError(name, this.description, all.map((t) => t.name));
    return entry;
  }

  async #load(entry: TableEntry): Promise<LocalTable> {
    const columns = entry.columns ?? this.#known[entry.name]?.columns;
    const types = columns
      ? new Map<string, KustoType>(columns.map((c) => [c.name, c.type]))
      : undefined;
    const loaded = await loadTable(entry.files, {
      name: entry.name,
      types,
      rows: entry.rows,
      maxFileBytes: this.#limits.maxFileBytes,
    });
    let frame = loaded.frame;
    let schema = loaded.schema;
    if (entry.columns) {
      // A manifest fixes the column order; missing columns are an error in the case folder.
      const missing = entry.columns.filter((c) => !frame.columns.includes(c.name));
      if (missing.length > 0) {
        throw new UnsupportedQueryError(
          `Table ${entry.name} in ${this.folder} lacks the column(s) its manifest lists: ` +
            missing.map((c) => c.name).join(", "),
          this.id,
          { hint: "Regenerate the case (deno task fixtures) or fix manifest.json." },
        );
      }
      frame = frame.select(...entry.columns.map((c) => c.name));
      schema = { name: entry.name, columns: entry.columns };
    }
    return { frame, schema, warnings: loaded.warnings, notes: loaded.notes };
  }
}

function single<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/**
 * `work`, or a rejection as soon as `signal` aborts. Polars cannot be stopped mid-plan: the
 * computation finishes in the background and its result is dropped.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
