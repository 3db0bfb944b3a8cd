/**
 * Outside data a query reads: `externaldata(...) [urls]` and `_GetWatchlist('name')`.
 * The engine compiles synchronously, so a provider finds these requests first
 * ({@link externalRequests}), loads them, and hands the tables over by key.
 *
 * @module
 */
import type { ColumnSchema } from "../../schema/types.ts";
import type * as A from "./ast.ts";
import { parseQuery } from "./_parser.ts";
import { WORKSPACE_FUNCTION_TABLES } from "./_workspace_tables.ts";

/** A table a query asks for from outside the provider's tables. */
export type ExternalRequest =
  | {
    readonly kind: "externaldata";
    readonly key: string;
    readonly urls: readonly string[];
    readonly columns: readonly ColumnSchema[];
    /** `with (format="csv", ignoreFirstRecord=true)` options, as constants. */
    readonly options: Readonly<Record<string, unknown>>;
  }
  | { readonly kind: "watchlist"; readonly key: string; readonly name: string };

/** The request a call stands for, if it is `externaldata` or `_GetWatchlist` with literals. */
export function requestOf(call: A.Call): ExternalRequest | undefined {
  if (call.name === "_GetWatchlist") {
    const arg = call.args[0];
    if (arg?.kind !== "literal" || typeof arg.value !== "string") return undefined;
    return { kind: "watchlist", key: `watchlist:${arg.value}`, name: arg.value };
  }
  if (call.name === "externaldata") {
    const urls = call.args.flatMap((a) =>
      a.kind === "literal" && typeof a.value === "string" ? [a.value] : []
    );
    const declared = call.named?.__columns;
    const columns = declared?.kind === "literal" ? declared.value as ColumnSchema[] : [];
    const options: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(call.named ?? {})) {
      if (name === "__columns") continue;
      if (value.kind === "literal") options[name] = value.value;
      else if (value.kind === "name") options[name] = value.name;
    }
    return {
      kind: "externaldata",
      key: `externaldata:${JSON.stringify({ urls, columns, options })}`,
      urls,
      columns,
      options,
    };
  }
  return undefined;
}

/** Every outside table `query` reads. */
export function externalRequests(query: string | A.QueryText): ExternalRequest[] {
  const found = new Map<string, ExternalRequest>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const n = node as { kind?: string };
    if (n.kind === "call") {
      const request = requestOf(node as A.Call);
      if (request) found.set(request.key, request);
    }
    for (const value of Object.values(node)) {
      if (typeof value === "object" && value !== null) visit(value);
    }
  };
  visit((typeof query === "string" ? parseQuery(query) : query).statements);
  return [...found.values()];
}

/**
 * The table-name patterns a query reads besides the names it spells: `*` for `search` or
 * `find` over every table (no `in (...)` and nothing piped in), and the `*` wildcard names
 * of their `in (...)` lists and of `union`, and the tables that the workspace functions it
 * calls read (`_Im_Dns` reads DnsEvents). A provider loads the tables these match before
 * the (synchronous) engine runs. A query that does not parse has none.
 */
export function tablePatterns(query: string | A.QueryText): string[] {
  let parsed: A.QueryText;
  try {
    parsed = typeof query === "string" ? parseQuery(query) : query;
  } catch {
    return [];
  }
  const found = new Set<string>();
  const scope = (tables: readonly A.Expression[] | undefined) => {
    if (!tables) found.add("*");
    else {
      for (const t of tables) if (t.kind === "name" && t.name.includes("*")) found.add(t.name);
    }
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const n = node as { kind?: string };
    if (n.kind === "search-source" || n.kind === "find") {
      scope((node as A.SearchSource | A.FindSource).tables);
    } else if (n.kind === "union-source" || n.kind === "union") {
      scope((node as A.UnionSource | A.UnionOperator).tables);
    } else if (n.kind === "call" || n.kind === "name") {
      for (const t of WORKSPACE_FUNCTION_TABLES.get((node as A.Call).name) ?? []) found.add(t);
    }
    for (const value of Object.values(node)) {
      if (typeof value === "object" && value !== null) visit(value);
    }
  };
  visit(parsed.statements);
  return [...found];
}

/**
 * A table of another place a query names (`workspace("emea").SigninLogs`,
 * `cluster("c").database("d").T`), with the key a provider hands its rows over by
 * (`scopedTables` of the engine's options).
 */
export interface TableReference {
  /** The key of the table's rows in the engine's `scopedTables`. */
  readonly key: string;
  /** Where the table is, outermost first (a cluster before its database). */
  readonly scope: readonly A.TablePlace[];
  /** The table's name. */
  readonly table: string;
  /** Where the query first names it. */
  readonly span: A.Span;
}

/** The key of a scoped table's rows: its place and name, as Kusto writes them. */
export function tableReferenceKey(reference: Pick<A.ScopedTable, "scope" | "table">): string {
  const place = reference.scope.map((s) => `${s.kind}(${JSON.stringify(s.name)})`);
  return [...place, `[${JSON.stringify(reference.table)}]`].join(".");
}

/**
 * Every table of another place `query` names (`workspace("emea").SigninLogs`), once
 * each. The engine refuses them unless the provider resolves them first and hands their
 * rows over by key.
 */
export function tableReferences(query: string | A.QueryText): TableReference[] {
  const found = new Map<string, TableReference>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    if ((node as { kind?: string }).kind === "scoped-table") {
      const { scope, table, span } = node as A.ScopedTable;
      const key = tableReferenceKey({ scope, table });
      if (!found.has(key)) found.set(key, { key, scope, table, span });
      return;
    }
    for (const value of Object.values(node)) {
      if (typeof value === "object" && value !== null) visit(value);
    }
  };
  visit((typeof query === "string" ? parseQuery(query) : query).statements);
  return [...found.values()];
}
