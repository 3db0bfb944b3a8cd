/**
 * Every table a query can use, for `.tables` and `casefile tables`: the provider's tables,
 * then a local case's outside data (HR exports, asset lists, feeds), marked as such.
 *
 * @module
 */
import type { Provider } from "../src/providers/mod.ts";
import { count, textTable } from "./_format.ts";

/** One table a query can use. */
export interface ListedTable {
  readonly name: string;
  /** Rows, when known. */
  readonly rows?: number;
  /** Columns, when known. */
  readonly columns?: number;
  /** Where it comes from (files, a workspace). */
  readonly source: string;
  /** Whether it is the case's outside data (its `external/` files), not a log table. */
  readonly outside: boolean;
}

/** What a local provider adds: outside data files, readable as tables by their names. */
interface WithOutsideData {
  readonly externalData: ReadonlyArray<{ name: string; source: string }>;
  table(name: string): Promise<{ frame: { height: number; width: number } }>;
}

function hasOutsideData(provider: Provider): provider is Provider & WithOutsideData {
  return Array.isArray((provider as Partial<WithOutsideData>).externalData) &&
    typeof (provider as Partial<WithOutsideData>).table === "function";
}

/** The tables of `provider` and, for a local case, its outside data. */
export async function listTables(provider: Provider): Promise<ListedTable[]> {
  const tables: ListedTable[] = (await provider.tables()).map((t) => ({
    name: t.name,
    rows: t.rows,
    columns: t.error === undefined ? t.columns.length : undefined,
    source: t.error === undefined ? t.source : `${t.source} (unreadable: ${t.error})`,
    outside: false,
  }));
  if (!hasOutsideData(provider)) return tables;
  const known = new Set(tables.map((t) => t.name));
  for (const entry of provider.externalData) {
    if (known.has(entry.name)) continue;
    try {
      const { frame } = await provider.table(entry.name);
      tables.push({
        name: entry.name,
        rows: frame.height,
        columns: frame.width,
        source: `outside data: ${entry.source}`,
        outside: true,
      });
    } catch (error) {
      tables.push({
        name: entry.name,
        source: `outside data: ${entry.source} (unreadable: ${(error as Error).message})`,
        outside: true,
      });
    }
  }
  return tables;
}

/** The listing as an aligned table: name, rows, columns, source. */
export function tablesText(tables: readonly ListedTable[]): string {
  return textTable(
    ["table", "rows", "columns", "source"],
    tables.map((t) => [
      t.name,
      t.rows === undefined ? "" : count(t.rows),
      t.columns === undefined ? "" : String(t.columns),
      t.source,
    ]),
    [false, true, true, false],
  );
}
