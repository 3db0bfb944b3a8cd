/**
 * casefile: a Deno + TypeScript toolkit for security investigations.
 *
 * @module
 */
export type { ColumnSchema, KustoType, TableSchema } from "./src/schema/types.ts";
