/**
 * The interface every data provider implements (local folders now; Sentinel / Log
 * Analytics next), and the result a query returns: a Polars DataFrame with the Kusto
 * schema and the metadata an investigator needs to trust it.
 *
 * @module
 */
import type { DataFrame, LazyDataFrame } from "../polars.ts";
import type { TableSchema } from "../schema/types.ts";

/** The kinds of provider casefile has. */
export type ProviderKind = "local" | "sentinel" | "xdr" | "adx";

/** A time window, start inclusive, end exclusive (Log Analytics' `timespan`). */
export interface TimeRange {
  /** The first instant in the window. */
  readonly start: Date;
  /** The first instant after the window. */
  readonly end: Date;
}

/** A table a provider serves: its schema, and its size where known without loading it. */
export interface TableInfo extends TableSchema {
  /** Rows, when known without loading the table. */
  readonly rows?: number;
  /** Where the table comes from (files, a workspace). */
  readonly source: string;
  /** Why the table could not be read, when it could not (its columns are then unknown). */
  readonly error?: string;
}

/** Something about a result the user must see: it may be incomplete or approximate. */
export interface QueryWarning {
  /**
   * - `partial`: the service answered with part of the result and an error.
   * - `truncated`: the service cut the result at a row or size limit.
   * - `data`: the data itself needed care (values that did not fit a type, short rows).
   * - `split`: the query was split into time windows.
   * - `window`: the query gave no time window, so a default one was applied (a live
   *   workspace's "last 24 h"); the message says how to change it.
   */
  readonly kind: "partial" | "truncated" | "data" | "split" | "window";
  /** What it is, for a person. */
  readonly message: string;
}

/** A chart a query asked for with `render`, kept with the result for drawing later. */
export interface RenderSpec {
  /** The `render` visualization (`timechart`, `barchart`, `piechart`, ...). */
  readonly visualization: string;
  /** The `with (...)` properties (`title`, `xcolumn`, `ycolumns`, `kind`, ...). */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** What a query returns. */
export interface QueryResult {
  /** The rows. */
  readonly frame: DataFrame;
  /** Kusto types of the frame's columns (text columns may be `string`, `guid` or `dynamic`). */
  readonly schema: TableSchema;
  /** The provider's identity (`local:/path`, `sentinel:workspace`). */
  readonly provider: string;
  /** The query as run. */
  readonly query: string;
  /** The time window the query was limited to, if any. */
  readonly timespan?: TimeRange;
  /** Rows in `frame`. */
  readonly rowCount: number;
  /** Wall time of the query, in milliseconds. */
  readonly durationMs: number;
  /** What the user must know about the result (it may be incomplete or approximate). */
  readonly warnings: readonly QueryWarning[];
  /** The chart the query asked for with `render`, if it did. */
  readonly render?: RenderSpec;
  /**
   * Every result table, when the query made several (`fork`, `facet`), named as Kusto
   * names them; the first is `frame` and `schema`.
   */
  readonly tables?: readonly { readonly frame: DataFrame; readonly schema: TableSchema }[];
}

/**
 * Progress of a long query, for a person watching it: how long it has run, and what is
 * happening (a retry and its wait, windows done of a split query, rows so far).
 */
export interface QueryProgress {
  /** Time since the query started. */
  readonly elapsedMs: number;
  /** When split: windows done so far (`index`) of the windows known so far (`count`). */
  readonly window?: { readonly index: number; readonly count: number };
  /** Rows received so far (of the windows done, when split). */
  readonly rows?: number;
  /** A retry about to happen: why (`throttled (429)`), and how long it waits first. */
  readonly retry?: {
    readonly reason: string;
    readonly waitMs: number;
    /** 1 for the first retry. */
    readonly attempt: number;
  };
  /** What is happening, when it is worth saying ("throttled (429), retrying in 8 s"). */
  readonly message?: string;
}

/** Options of {@link Provider.query}. */
export interface QueryOptions {
  /** Only rows whose `TimeGenerated` falls in this window (Log Analytics' `timespan`). */
  readonly timespan?: TimeRange;
  /** Cancels the query. */
  readonly signal?: AbortSignal;
  /** The instant `now()` and `ago()` mean (default: the provider's reference time, or now). */
  readonly now?: Date;
  /**
   * Told of a long query's progress: about once a second while it runs, and when a retry
   * waits or a window is done (providers that answer at once never call it).
   */
  readonly onProgress?: (progress: QueryProgress) => void;
}

/** A source of tables that answers queries. */
export interface Provider {
  /** Which kind of provider this is. */
  readonly kind: ProviderKind;
  /** Stable identity of the data behind the provider, for caches and provenance. */
  readonly id: string;
  /** One line for people: what this provider is connected to. */
  readonly description: string;
  /** The instant that stands for "now" in this data (a bundled case pins it). */
  readonly referenceTime?: Date;
  /** The tables served, with schemas. */
  tables(): Promise<readonly TableInfo[]>;
  /** One table's schema. */
  schema(table: string): Promise<TableSchema>;
  /** Runs a query. */
  query(query: string, options?: QueryOptions): Promise<QueryResult>;
  /**
   * Where a live service's data comes from (a Log Analytics query endpoint): the same
   * workspace id at another service is other data, so caches key results on it too.
   */
  readonly origin?: string;
  /**
   * A digest of the data behind the provider as it is now, for providers that can tell
   * cheaply (a local folder: its files' sizes and times). Caches keep results while it
   * is unchanged; providers without one use a time to live.
   */
  dataVersion?(): Promise<string>;
}

/** A provider whose tables can be read as Polars lazy frames (the local KQL engine's input). */
export interface TableSource extends Provider {
  /** The table as a lazy frame and its Kusto schema. */
  lazyTable(table: string): Promise<{ frame: LazyDataFrame; schema: TableSchema }>;
}
