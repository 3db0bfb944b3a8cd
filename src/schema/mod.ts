/**
 * Kusto column types and table schemas, and how casefile holds each type in Polars. Every
 * provider reports a result's schema in Kusto terms (several Kusto types share one Polars
 * dtype: `string`, `guid` and `dynamic` are all text), so the same query gives the same
 * types everywhere. `SENTINEL_SCHEMAS` holds the real column names and types of the
 * Microsoft Sentinel tables the bundled demo case has.
 *
 * @example Kusto types, their Polars dtypes, and Sentinel's reference schemas
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSchema, kustoTypeFromName, SENTINEL_SCHEMAS } from "./mod.ts";
 *
 * assert.equal(kustoTypeFromName("System.Int64"), "long");
 * assert.equal(kustoTypeFromName("double"), "real");
 * const eventId = SENTINEL_SCHEMAS.SecurityEvent.columns.find((c) => c.name === "EventID");
 * assert.deepEqual(eventId, { name: "EventID", type: "int" });
 * assert.equal(
 *   formatSchema({ name: "Logons", columns: [{ name: "Account", type: "string" }, eventId!] }),
 *   "Account:string, EventID:int",
 * );
 * ```
 *
 * @module
 */
export {
  formatSchema,
  isKustoType,
  KUSTO_TYPES,
  kustoTypeFromName,
  kustoTypeOfPolars,
  polarsTypeOf,
  schemaOfFrame,
} from "./types.ts";
export type { ColumnSchema, KustoType, TableSchema } from "./types.ts";
export { SENTINEL_SCHEMAS } from "./sentinel.ts";
// The Polars dtype type this surface refers to.
export type { DataType } from "../polars.ts";
