/**
 * The local provider: serves tables from a folder of Parquet, Arrow IPC, CSV, JSON and
 * NDJSON files (the bundled demo case by default). Parquet and IPC tables, one file or a
 * folder of many, are scanned lazily: a query's filters and columns reach the reader, so
 * only what it needs is read; text files load whole on first use and stay loaded.
 *
 * `query()` runs KQL with the local engine (src/kql/).
 *
 * @module
 */
import { basename, resolve as resolvePath } from "node:path";
import { createHash } from "node:crypto";
import { type DataFrame, type LazyDataFrame, pl } from "../../polars.ts";
import {
  type CaseManifest,
  changedFile,
  DataLoadError,
  discoverTables,
  type FolderContents,
  guardScan,
  loadExternalData,
  type LoadWarning,
  misfitFallback,
  scanFailure,
  type ScannedTable,
  scanTable,
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
import { checkOptions, defineOptions } from "../../options.ts";
import type { ExternalRequest, SourceTable } from "../../kql/mod.ts";
import type { KqlTree, TimeWindow } from "./_time_window.ts";

/** A query parsed: its tree, or the syntax error to report. */
type Parse = { readonly tree: KqlTree; readonly error?: undefined } | {
  readonly tree?: undefined;
  readonly error: unknown;
};

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

const LOCAL_PROVIDER_OPTIONS = defineOptions<LocalProviderOptions>("openLocalProvider", {
  tables: "object",
  knownSchemas: { kind: "object", aliases: ["schemas"] },
  allowedPaths: { kind: "strings", aliases: ["allow", "paths"] },
  maxFileBytes: { kind: "number", aliases: ["maxBytes"] },
});
const QUERY_OPTIONS = defineOptions<QueryOptions>("provider.query", {
  timespan: { kind: "object", aliases: ["window", "range", "timeRange"] },
  signal: "object",
  now: "date",
  onProgress: "function",
});

// Text formats, whose scans type their columns from a sample of rows.
const TEXT_FILE = /\.(csv|tsv|json|jsonl|ndjson)$/i;

/** A table once planned (scanned files) or loaded (text files). */
export interface LocalTable {
  /**
   * The table's rows, all of them in memory: read from the files on first use when the
   * table is scanned (prefer {@link LocalTable.lazy} for a table larger than memory).
   */
  readonly frame: DataFrame;
  /** The table's rows as a lazy frame: a scan of its files, read only when collected. */
  readonly lazy: LazyDataFrame;
  /** The number of rows (from the files' footers for a scanned table). */
  readonly rows: number;
  /** Whether the table is scanned from its files (true) or held in memory (false). */
  readonly scanned: boolean;
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
 * assert.equal(alerts.rowCount, 15);
 * assert.ok(alerts.schema.columns.some((c) => c.name === "AlertName" && c.type === "string"));
 * ```
 */
export async function openLocalProvider(
  folder: string = DEMO_CASE_DIR,
  options: LocalProviderOptions = {},
): Promise<LocalProvider> {
  checkOptions("openLocalProvider", options, LOCAL_PROVIDER_OPTIONS);
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
  readonly #loaded = new Map<string, Promise<Planned>>();
  // Scanned text tables read through once by lazyTable (no late misfit in them).
  readonly #read = new WeakSet<Planned>();
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
        return { ...table.schema, rows: table.rows, source: entry.source };
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

  async lazyTable(
    name: string,
  ): Promise<{ frame: LazyDataFrame; schema: TableSchema; unverified?: boolean }> {
    let table = await this.#current(name);
    // A scanned text table is read through once before it is handed out: a late value its
    // sampled types do not fit would otherwise meet the caller's collect as Polars' raw
    // error; instead the table is loaded whole, typed from every row (as a query does).
    if (table.scanned && table.files.some((f) => TEXT_FILE.test(f)) && !this.#read.has(table)) {
      try {
        table.lazy.select(pl.all().nullCount()).collectSync();
        this.#read.add(table);
      } catch (error) {
        if (!misfitFallback(table, error)) {
          throw await scanFailure(table, error) ?? error;
        }
        this.#loaded.delete(this.#entry(name).name);
        table = await this.table(name) as Planned;
      }
    }
    return { frame: table.lazy, schema: table.schema, unverified: table.unverified };
  }

  // A table whose files are as they were when it was planned: one that changed is planned
  // again (a missing file is then an error naming it).
  // Before its first execution, a scan of unhashed Parquet has its page headers checked: a
  // file with damaged ones is planned again over a stand-in that cannot abort the process.
  async #current(name: string, query?: string, window?: TimeWindow): Promise<Planned> {
    let table = await this.table(name) as Planned;
    if (await changedFile(table.stamps)) {
      this.#loaded.delete(this.#entry(name).name);
      table = await this.table(name) as Planned;
    }
    // The values of the columns the query names are checked too (the plan's own columns
    // are not readable from Polars' plan: a column read but not named has its pages checked).
    // A query whose every read of the table is filtered on TimeGenerated has only the row
    // groups its window reaches checked: the scan skips the others by the same statistics.
    const columns = query === undefined ? undefined : namedColumns(query, table.schema);
    const options = columns ? { columns, ...(window ? { window } : {}) } : {};
    if (!(await guardScan(table, options))) return table;
    this.#loaded.delete(this.#entry(name).name);
    return await this.table(name) as Planned;
  }

  /**
   * Runs a KQL query over this folder's tables with the local engine. Only the tables
   * the query names are loaded. `now()` and `ago()` mean the case's reference time when
   * the folder has a manifest, so relative queries give the same answer on any date.
   */
  async query(query: string, options: QueryOptions = {}): Promise<QueryResult> {
    checkOptions("provider.query", options, QUERY_OPTIONS);
    return await this.#query(query, options);
  }

  /**
   * {@link LocalProvider.query}, the query parsed once (`parse`: kept for the run again
   * after a CSV fallback): the tables it names, their time windows and the plan read the
   * same tree. A query that does not parse fails after its tables are planned.
   */
  async #query(query: string, options: QueryOptions, parse?: Parse): Promise<QueryResult> {
    const started = performance.now();
    options.signal?.throwIfAborted();
    // The engine loads on the first query: opening a case (the REPL's start) does not need it.
    const kql = await import("../../kql/mod.ts");
    const { filterTimespanLazy, referencedTables } = await import("./_query_tables.ts");
    const { timeWindow } = await import("./_time_window.ts");
    if (!parse) {
      try {
        parse = { tree: kql.parseKql(query) };
      } catch (error) {
        parse = { error };
      }
    }
    const tree = parse.tree;
    // Wildcards (`union *`, `search`, `find`) reach the case's tables, as a workspace's do;
    // its outside-data files and watchlists only by name.
    const names = referencedTables(
      query,
      this.#entries().map((e) => e.name),
      tree ? kql.tablePatterns(tree) : [],
      this.#contents.tables.map((e) => e.name),
    );
    const tables = await Promise.all(names.map((name) =>
      this.#current(
        name,
        query,
        tree && timeWindow(query, tree, name, options.timespan),
      )
    ));
    options.signal?.throwIfAborted();
    const warnings: QueryWarning[] = [];
    const sources = new Map<string, SourceTable>();
    for (const [i, name] of names.entries()) {
      const table = tables[i];
      // A table of many files: a warning about one of them says which (one empty day of 300).
      warnings.push(...table.warnings.map((w) => ({
        kind: "data" as const,
        message: table.files.length > 1 && table.files.includes(w.file) &&
            !w.message.includes(basename(w.file))
          ? `${basename(w.file)}: ${w.message}`
          : w.message,
      })));
      let source: SourceTable = table.scanned
        ? {
          frame: stringsNotNull(table.lazy, table.schema, table.nullable),
          schema: table.schema,
          unverified: table.unverified, // no hash: the engine collects synchronously
          // Nested NDJSON columns' Polars text beside them, for native path reads.
          ...(table.rawJson
            ? {
              rawJson: {
                frame: stringsNotNull(table.rawJson.frame, table.schema, table.nullable),
                columns: table.rawJson.columns,
              },
            }
            : {}),
        }
        : kql.sourceTables({ [name]: table.frame }, { [name]: table.schema }).get(name)!;
      if (options.timespan) {
        const filtered = filterTimespanLazy(source.frame, table.schema, options.timespan);
        if (filtered) {
          const raw = source.rawJson;
          const rawFiltered = raw && filterTimespanLazy(raw.frame, table.schema, options.timespan);
          source = {
            ...source,
            frame: filtered,
            rawJson: rawFiltered ? { ...raw, frame: rawFiltered } : undefined,
          };
        } else {
          warnings.push({
            kind: "data",
            message: `${name} has no TimeGenerated datetime column; the timespan was not applied`,
          });
        }
      }
      sources.set(name, source);
    }
    if (!tree) throw parse.error; // the engine's syntax error, where it always came
    const external = await this.#external(kql.externalRequests(tree));
    let result: Awaited<ReturnType<typeof kql.executeOn>>;
    try {
      result = await untilAborted(
        kql.executeOn(query, sources, {
          now: options.now ?? this.referenceTime ?? new Date(),
          knownTables: this.#entries().map((e) => e.name),
          external,
          parsed: tree,
        }),
        options.signal,
      );
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // A scanned CSV value its sampled type does not fit: that table is loaded whole (typed
      // from every row) and the query runs again; a loaded table cannot fall back again.
      const fellBack = tables.filter((table) => misfitFallback(table, error));
      if (fellBack.length > 0) {
        for (const table of fellBack) this.#loaded.delete(table.schema.name);
        return await this.#query(query, options, parse);
      }
      // A file that changed, vanished or is damaged is named, not left as Polars' message.
      for (const table of tables) {
        const failure = await scanFailure(table, error, {
          columns: namedColumns(query, table.schema),
        });
        if (failure) {
          this.#loaded.delete(table.schema.name);
          throw failure;
        }
      }
      throw error;
    }
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
      ...(result.tables ? { tables: result.tables } : {}),
    };
  }

  /** Loads the externaldata files and watchlists a query reads (its `requests`). */
  async #external(requests: readonly ExternalRequest[]): Promise<Map<string, SourceTable>> {
    const out = new Map<string, SourceTable>();
    for (const request of requests) {
      if (request.kind === "watchlist") {
        const entry = this.#watchlist(request.name);
        if (!entry) continue; // the engine reports the missing watchlist with its position
        const { table, rows } = await this.#rows(entry.name);
        const key = table.schema.columns[0];
        const frame = rows.withColumn(pl.col(key.name).cast(pl.Utf8).alias("SearchKey"));
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

  // A table and its rows: a scanned CSV whose sample's types a later value does not fit
  // is loaded whole (typed from every row), as a query over it is.
  async #rows(name: string): Promise<{ table: LocalTable; rows: DataFrame }> {
    const table = await this.table(name) as Planned;
    try {
      return { table, rows: table.frame };
    } catch (error) {
      if (!misfitFallback(table, error)) throw error;
      this.#loaded.delete(this.#entry(name).name);
      const whole = await this.table(name);
      return { table: whole, rows: whole.frame };
    }
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

  async #load(entry: TableEntry): Promise<Planned> {
    const columns = entry.columns ?? this.#known[entry.name]?.columns;
    const types = columns
      ? new Map<string, KustoType>(columns.map((c) => [c.name, c.type]))
      : undefined;
    const loaded = await scanTable(entry.files, {
      name: entry.name,
      types,
      rows: entry.rows,
      sha256: entry.sha256,
      maxFileBytes: this.#limits.maxFileBytes,
    });
    let lazy = loaded.frame;
    let eager = loaded.loaded;
    let schema = loaded.schema;
    let rawJson = loaded.rawJson;
    if (entry.columns) {
      // A manifest fixes the column order; missing columns are an error in the case folder.
      const have = new Set(schema.columns.map((c) => c.name));
      const missing = entry.columns.filter((c) => !have.has(c.name));
      if (missing.length > 0) {
        throw new UnsupportedQueryError(
          `Table ${entry.name} in ${this.folder} lacks the column(s) its manifest lists: ` +
            missing.map((c) => c.name).join(", "),
          this.id,
          { hint: "Regenerate the case (deno task fixtures) or fix manifest.json." },
        );
      }
      const order = entry.columns.map((c) => c.name);
      lazy = lazy.select(...order);
      eager = eager?.select(...order);
      rawJson = rawJson && {
        ...rawJson,
        frame: rawJson.frame.select(...order, ...rawJson.columns.values()),
      };
      schema = { name: entry.name, columns: entry.columns };
    }
    let collected = eager;
    const forget = () => this.#loaded.delete(entry.name);
    const planned = { scanned: loaded.scanned, files: loaded.files, stamps: loaded.stamps };
    return {
      get frame(): DataFrame {
        try {
          collected ??= lazy.collectSync();
        } catch (error) {
          // A scanned CSV value its sample's type does not fit: the next use loads it whole.
          if (!misfitFallback(planned, error)) throw error;
          forget();
          throw new DataLoadError(
            `Cannot read table ${entry.name} as scanned: a value does not fit the type its ` +
              "sample of rows gave its column",
            {
              file: loaded.files[0],
              cause: error,
              hint: "Get the table again: it is then loaded whole, its types from every row.",
            },
          );
        }
        return collected;
      },
      lazy: eager ? eager.lazy() : lazy,
      rows: loaded.rows,
      scanned: loaded.scanned,
      schema,
      warnings: loaded.warnings,
      notes: loaded.notes,
      files: loaded.files,
      stamps: loaded.stamps,
      nullable: loaded.nullable,
      unverified: loaded.unverified,
      zoned: loaded.zoned,
      ...(rawJson && !eager ? { rawJson } : {}),
    };
  }
}

// A table with what its planning saw of its files.
type Planned =
  & LocalTable
  & Pick<ScannedTable, "files" | "stamps" | "nullable" | "unverified" | "zoned" | "rawJson">;

// Kusto strings are never null: a scanned file's nulls in string columns read as "". Only
// columns whose files have nulls are filled: a filled column's filters stay out of the scan.
function stringsNotNull(
  frame: LazyDataFrame,
  schema: TableSchema,
  nullable: ReadonlySet<string> | undefined,
): LazyDataFrame {
  const strings = schema.columns.filter((c) =>
    c.type === "string" && (nullable === undefined || nullable.has(c.name))
  );
  if (strings.length === 0) return frame;
  return frame.withColumns(
    ...strings.map((c) => pl.col(c.name).fillNull(pl.lit("")).alias(c.name)),
  );
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

// The columns of `schema` that `query` names (a word of it): the query reads at least these.
function namedColumns(query: string, schema: TableSchema): string[] {
  const words = new Set([...query.match(/[\w$]+/g) ?? [], ...query.match(/[\w.$-]+/g) ?? []]);
  return schema.columns.map((c) => c.name).filter((c) => words.has(c));
}
