/**
 * Microsoft Sentinel / Log Analytics table schemas: the real column names and Kusto types
 * (from Microsoft's Azure Monitor Logs table reference) of every column of each table
 * casefile knows, so a query written against a real workspace finds the same columns, with
 * the same types, in the bundled demo case and in a user's export of a table named like
 * Sentinel's.
 *
 * @example Look up a column's Kusto type
 * ```ts
 * import assert from "node:assert/strict";
 * import { SENTINEL_SCHEMAS } from "./sentinel.ts";
 *
 * const eventId = SENTINEL_SCHEMAS.SecurityEvent.columns.find((c) => c.name === "EventID");
 * assert.equal(eventId?.type, "int");
 * ```
 *
 * @module
 */
import { isKustoType, type TableSchema } from "./types.ts";
import { SENTINEL_TABLE_COLUMNS } from "./_sentinel_tables.ts";
import { GETSCHEMA_LEADING } from "./_getschema_order.ts";

/**
 * Builds a frozen schema from Kusto's `Name:type, Name:type` notation, with the columns a
 * workspace's `getschema` lists first (`leading`, where known) ahead of the rest.
 */
function table(name: string, columns: string, leading: readonly string[] = []): TableSchema {
  const parsed = columns.trim().split(/\s*,\s*/).map((pair) => {
    const [column, type] = pair.split(":");
    if (!isKustoType(type)) throw new TypeError(`${name}.${column} has unknown type ${type}`);
    return Object.freeze({ name: column, type });
  });
  const rank = new Map(leading.map((column, i) => [column, i]));
  const first = parsed.filter((c) => rank.has(c.name))
    .sort((a, b) => rank.get(a.name)! - rank.get(b.name)!);
  const rest = parsed.filter((c) => !rank.has(c.name));
  return Object.freeze({ name, columns: Object.freeze([...first, ...rest]) });
}

/**
 * The standard columns Azure Monitor Logs holds on every table (Microsoft's "Azure Monitor Logs
 * cost calculations", excluded columns: "common to all tables"; "Standard columns in Azure
 * Monitor Logs" for `TenantId` and `Type`), with the types the table reference gives them. A
 * table's page that leaves one out gets it appended. `_TimeReceived` is not stored: a workspace
 * computes it when a query names it.
 */
const STANDARD_COLUMNS = "TenantId:string, Type:string, _ResourceId:string, " +
  "_SubscriptionId:string, _ItemId:string, _IsBillable:string, _BilledSize:real";

function withStandard(columns: string): string {
  const names = new Set(columns.split(/\s*,\s*/).map((pair) => pair.trim().split(":")[0]));
  const missing = STANDARD_COLUMNS.split(", ").filter((pair) => !names.has(pair.split(":")[0]));
  return missing.length === 0 ? columns : `${columns}, ${missing.join(", ")}`;
}

/**
 * Sentinel's tables, by name: every column Microsoft's Azure Monitor Logs table reference
 * documents (its 2024 pages), with its Kusto type, plus the columns real workspaces hold that
 * the reference leaves out (`TenantId` on some pages, Defender's `Timestamp`, the Defender
 * portal's unified IdentityInfo columns such as `AccountUpn`), then the standard columns every
 * Log Analytics table has that its page leaves out (`_ItemId` on all of them; `_ResourceId` and
 * `_SubscriptionId` on most). The columns a
 * workspace's `getschema` lists first come first, in that order (`_getschema_order.ts`); the
 * rest follow in the reference's order. Each table's source page, commit and date are in
 * `_sentinel_tables.ts`.
 */
export const SENTINEL_SCHEMAS: Readonly<Record<string, TableSchema>> = Object.freeze(
  Object.fromEntries(
    SENTINEL_TABLE_COLUMNS.map((t) => [
      t.name,
      table(
        t.name,
        withStandard(
          t.undocumented === "" ? t.documented : `${t.documented}, ${t.undocumented}`,
        ),
        GETSCHEMA_LEADING[t.name],
      ),
    ]),
  ),
);
