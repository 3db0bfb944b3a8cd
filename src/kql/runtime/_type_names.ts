/**
 * The .NET type names Kusto reports for its types (`getschema`, result metadata).
 *
 * @module
 */
import type { KustoType } from "../../schema/types.ts";

const DOTNET: Record<KustoType, string> = {
  bool: "System.Boolean",
  datetime: "System.DateTime",
  dynamic: "System.Object",
  int: "System.Int32",
  long: "System.Int64",
  real: "System.Double",
  string: "System.String",
  guid: "System.Guid",
  decimal: "System.Data.SqlTypes.SqlDecimal",
  timespan: "System.TimeSpan",
};

/** `System.Int64` for `long`, and so on. */
export function formatSchemaType(type: KustoType): string {
  return DOTNET[type];
}
