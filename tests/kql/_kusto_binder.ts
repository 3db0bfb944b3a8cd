/**
 * Kusto.Language's binder as a reference in tests (the official parser and binder,
 * compiled to JavaScript in `@kusto/language-service-next`): the result columns, with names
 * and types, and the errors it gives a query over tables declared with Kusto schemas.
 *
 * @module
 */
import "@kusto/language-service-next/bridge.js";
import "@kusto/language-service-next/Kusto.Language.Bridge.js";

/** The Bridge.NET runtime and Kusto.Language install themselves as globals. */
// deno-lint-ignore no-explicit-any
const Kusto = (globalThis as any).Kusto;
// deno-lint-ignore no-explicit-any
const Bridge = (globalThis as any).Bridge;

/** What Kusto.Language makes of a query. */
export interface Bound {
  /** The messages of its error diagnostics. */
  readonly errors: string[];
  /** The result's columns (empty when the result is not a table). */
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: string }>;
}

/** The items of a .NET enumerable. */
export function items<T>(enumerable: unknown): T[] {
  if (Array.isArray(enumerable)) return enumerable as T[];
  const out: T[] = [];
  const it = Bridge.getEnumerator(enumerable);
  while (it.moveNext()) out.push(it.Current as T);
  return out;
}

/** Kusto.Language's global state: its functions, aggregates and operators. */
export const KUSTO_GLOBALS = Kusto.Language.GlobalState.Default;

const globalsByTables = new Map<string, unknown>();

/** The global state with a database holding `tables` (name → schema such as `(a:string)`). */
function globalsWith(tables: Readonly<Record<string, string>>): unknown {
  const key = JSON.stringify(tables);
  let globals = globalsByTables.get(key);
  if (!globals) {
    const symbols = Kusto.Language.Symbols;
    const declared = Object.entries(tables).map(([name, schema]) =>
      symbols.TableSymbol.From(schema).WithName(name)
    );
    const database = new symbols.DatabaseSymbol.ctor("db", declared);
    const cluster = new symbols.ClusterSymbol.ctor("cluster", [database]);
    globals = KUSTO_GLOBALS.WithCluster(cluster).WithDatabase(database);
    globalsByTables.set(key, globals);
  }
  return globals;
}

/** What Kusto.Language's binder gives `query` over `tables` (name → `(col:type, ...)`). */
export function bindKql(query: string, tables: Readonly<Record<string, string>> = {}): Bound {
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(query, globalsWith(tables));
  const errors = items<{ Severity: string; Message: string }>(code.GetDiagnostics())
    .filter((d) => d.Severity === "Error")
    .map((d) => d.Message);
  const result = code.ResultType;
  const columns = result?.Columns
    ? items<{ Name: string; Type: { Name: string } }>(result.Columns).map((c) => ({
      name: c.Name,
      type: c.Type.Name,
    }))
    : [];
  return { errors, columns };
}
