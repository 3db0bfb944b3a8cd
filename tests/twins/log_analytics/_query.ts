/**
 * Query execution for the loopback service: workspaces backed by local providers, the
 * `timespan` parameter, and cross-workspace queries.
 *
 * A query on one workspace is exactly the local provider's query (same engine, same
 * timespan filter), so both providers give the same frames. A query naming other
 * workspaces (`workspaces` in the body) runs over tables that union each workspace's table
 * of the same name, with `TenantId` set to the workspace id of each row's workspace, the
 * column Log Analytics uses to tell workspaces apart. A table missing from some workspaces
 * is unioned from those that have it. Watchlists and `externaldata` are not available in
 * cross-workspace queries.
 *
 * A table of another workspace named in the query (`workspace("emea").SigninLogs`, by
 * workspace id, by the workspace's name, or by its resource id) is that workspace's table,
 * with `TenantId` set to that workspace's id, as the real service resolves cross-workspace
 * references; the query then runs as a cross-workspace one. Other places (`app()`,
 * `cluster()`) are not served.
 *
 * @module
 */
import { type DataFrame, pl } from "../../../src/polars.ts";
import type { TableSchema } from "../../../src/schema/mod.ts";
import {
  type LocalProvider,
  openLocalProvider,
  type RenderSpec,
  type TimeRange,
} from "../../../src/providers/mod.ts";
import {
  executeOn,
  KqlSemanticError,
  parseKql,
  type SourceTable,
  sourceTables,
  type TableReference,
  tableReferences,
} from "../../../src/kql/mod.ts";
// The local provider's own helpers, so that both providers read the same tables and rows.
import { filterTimespan, referencedTables } from "../../../src/providers/local/_query_tables.ts";

/** What a query gave. */
export interface QueryOutcome {
  readonly frame: DataFrame;
  readonly schema: TableSchema;
  readonly render?: RenderSpec;
  /** Rows in the tables the query read (for `statistics`). */
  readonly rowsScanned: number;
}

/** The workspaces a service serves, each a local provider over a folder. */
export class Workspaces {
  readonly ids: readonly string[];
  readonly #providers: ReadonlyMap<string, LocalProvider>;
  readonly #names: Readonly<Record<string, string>>;
  readonly #resources: Readonly<Record<string, string>>;

  private constructor(
    providers: Map<string, LocalProvider>,
    names: Readonly<Record<string, string>>,
    resources: Readonly<Record<string, string>>,
  ) {
    this.#providers = providers;
    this.#names = names;
    this.#resources = resources;
    this.ids = [...providers.keys()];
  }

  /**
   * Opens each workspace's folder (a folder served under several ids is opened once).
   * `names` (workspace name → id) and `resources` (resource id → workspace id) are the
   * other ways a query's `workspace("...")` may name a workspace.
   */
  static async open(
    folders: Readonly<Record<string, string>>,
    names: Readonly<Record<string, string>> = {},
    resources: Readonly<Record<string, string>> = {},
  ): Promise<Workspaces> {
    const byFolder = new Map<string, Promise<LocalProvider>>();
    const providers = new Map<string, LocalProvider>();
    for (const [id, folder] of Object.entries(folders)) {
      let opening = byFolder.get(folder);
      if (!opening) {
        opening = openLocalProvider(folder);
        byFolder.set(folder, opening);
      }
      providers.set(id, await opening);
    }
    return new Workspaces(providers, names, resources);
  }

  /** The workspace id as served (ids match case-insensitively), if it is served. */
  find(id: string): string | undefined {
    return this.ids.find((known) => known.toLowerCase() === id.toLowerCase());
  }

  /** The reference time of the first workspace's data, if it has one. */
  get referenceTime(): Date | undefined {
    return this.#providers.get(this.ids[0])?.referenceTime;
  }

  /**
   * Runs `query` on `workspace`, or on the union of `workspace` and `others`.
   *
   * @throws {KqlSyntaxError | KqlSemanticError} from the engine.
   */
  async run(
    workspace: string,
    others: readonly string[],
    query: string,
    timespan: TimeRange | undefined,
    now: Date,
  ): Promise<QueryOutcome> {
    const all = [workspace, ...others.filter((w) => w !== workspace)];
    const references = tableReferences(parseKql(query));
    if (all.length === 1 && references.length === 0) {
      const provider = this.#provider(workspace);
      const result = await provider.query(query, { timespan, now });
      return {
        frame: result.frame,
        schema: result.schema,
        render: result.render,
        rowsScanned: await scanned(provider, query),
      };
    }
    return await this.#union(all, query, timespan, now, references);
  }

  /** The served workspace `workspace("text")` names: its id, its name or its resource id. */
  #named(text: string): string | undefined {
    const lower = text.toLowerCase();
    const byKey = (map: Readonly<Record<string, string>>) =>
      Object.entries(map).find(([key]) => key.toLowerCase() === lower)?.[1];
    const id = this.find(text) ?? byKey(this.#names) ?? byKey(this.#resources);
    return id === undefined ? undefined : this.find(id);
  }

  /** The tables of other workspaces the query names, by key; other places are left out. */
  async #scoped(
    references: readonly TableReference[],
    query: string,
    timespan: TimeRange | undefined,
  ): Promise<{ tables: Map<string, SourceTable>; rows: number }> {
    const tables = new Map<string, SourceTable>();
    let rows = 0;
    for (const reference of references) {
      const place = reference.scope[0];
      if (reference.scope.length !== 1 || place.kind !== "workspace") continue;
      const id = this.#named(place.name);
      if (id === undefined) {
        throw new KqlSemanticError(
          `'workspace' operator: Failed to resolve workspace '${place.name}'`,
          query,
          reference.span,
        );
      }
      const provider = this.#provider(id);
      if (!(await provider.tables()).some((t) => t.name === reference.table)) {
        throw new KqlSemanticError(
          `Failed to resolve table '${reference.table}' in workspace '${place.name}'`,
          query,
          reference.span,
        );
      }
      const { frame, schema } = withTenant(await provider.table(reference.table), id, timespan);
      rows += frame.height;
      tables.set(reference.key, sourceTables({ t: frame }, { t: schema }).get("t")!);
    }
    return { tables, rows };
  }

  async #union(
    workspaces: readonly string[],
    query: string,
    timespan: TimeRange | undefined,
    now: Date,
    references: readonly TableReference[],
  ): Promise<QueryOutcome> {
    const scoped = await this.#scoped(references, query, timespan);
    const providers = workspaces.map((w) => this.#provider(w));
    const names = new Set<string>();
    for (const provider of providers) {
      for (const table of await provider.tables()) names.add(table.name);
    }
    const used = referencedTables(query, [...names]);
    const frames: Record<string, DataFrame> = {};
    const schemas: Record<string, TableSchema> = {};
    let rowsScanned = scoped.rows;
    for (const name of used) {
      const parts: DataFrame[] = [];
      let schema: TableSchema | undefined;
      for (const [i, provider] of providers.entries()) {
        if (!(await provider.tables()).some((t) => t.name === name)) continue;
        const table = withTenant(await provider.table(name), workspaces[i], timespan);
        const frame = table.frame;
        schema ??= table.schema;
        parts.push(frame.select(...schema.columns.map((c) => c.name)));
        rowsScanned += frame.height;
      }
      frames[name] = parts.length === 1 ? parts[0] : pl.concat(parts, { how: "vertical" });
      schemas[name] = schema!;
    }
    const result = await executeOn(query, sourceTables(frames, schemas), {
      now,
      knownTables: [...names],
      scopedTables: scoped.tables,
    });
    return { frame: result.frame, schema: result.schema, render: result.render, rowsScanned };
  }

  #provider(id: string): LocalProvider {
    const provider = this.#providers.get(id);
    if (!provider) throw new RangeError(`Workspace '${id}' is not served`);
    return provider;
  }
}

/**
 * A workspace's table with `TenantId` set to the workspace id (the column Log Analytics
 * tells workspaces apart by), cut to `timespan`.
 */
function withTenant(
  table: { readonly frame: DataFrame; readonly schema: TableSchema },
  workspace: string,
  timespan: TimeRange | undefined,
): { frame: DataFrame; schema: TableSchema } {
  let frame = table.frame.withColumn(pl.lit(workspace).alias("TenantId"));
  if (timespan) frame = filterTimespan(frame, timespan) ?? frame;
  const schema = table.schema.columns.some((c) => c.name === "TenantId") ? table.schema : {
    name: table.schema.name,
    columns: [...table.schema.columns, { name: "TenantId", type: "string" as const }],
  };
  return { frame, schema };
}

/**
 * The window a Log Analytics `timespan` names: an ISO 8601 duration ending at `now`
 * (`PT1H`, `P7D`), or an interval `start/end`, `start/duration` or `duration/end`.
 *
 * @returns The window, or undefined when the text is not a timespan.
 */
export function parseTimespan(text: string, now: Date): TimeRange | undefined {
  const parts = text.trim().split("/");
  if (parts.length === 1) {
    const ms = durationMs(parts[0]);
    return ms === undefined ? undefined : { start: new Date(now.getTime() - ms), end: now };
  }
  if (parts.length !== 2) return undefined;
  const [a, b] = parts;
  const start = instant(a);
  const end = instant(b);
  if (start && end) return end >= start ? { start, end } : undefined;
  if (start) {
    const ms = durationMs(b);
    return ms === undefined ? undefined : { start, end: new Date(start.getTime() + ms) };
  }
  if (end) {
    const ms = durationMs(a);
    return ms === undefined ? undefined : { start: new Date(end.getTime() - ms), end };
  }
  return undefined;
}

const DURATION =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
// Years and months as .NET's XmlConvert reads them: 365 and 30 days.
const UNIT_MS = [
  365 * 86_400_000,
  30 * 86_400_000,
  7 * 86_400_000,
  86_400_000,
  3_600_000,
  60_000,
  1000,
];

/** Milliseconds of an ISO 8601 duration (`P1DT12H`, `PT30M`), if it is one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim().toUpperCase().endsWith("T") || match.slice(1).every((g) => !g)) {
    return undefined;
  }
  return match.slice(1).reduce((sum, g, i) => sum + (g ? Number(g) * UNIT_MS[i] : 0), 0);
}

function instant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

async function scanned(provider: LocalProvider, query: string): Promise<number> {
  const names = (await provider.tables()).map((t) => t.name);
  let rows = 0;
  for (const name of referencedTables(query, names)) {
    rows += (await provider.table(name)).frame.height;
  }
  return rows;
}
