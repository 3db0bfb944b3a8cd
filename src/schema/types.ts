/**
 * Kusto column types and how casefile holds each one in Polars.
 *
 * A table's schema is kept in Kusto terms because several Kusto types share one Polars
 * dtype (`string`, `guid` and `dynamic` are all text: `dynamic` holds JSON). Every provider
 * reports schemas this way, so the same query gives the same types on every provider.
 *
 * @module
 */
import { type DataType, DATETIME, DURATION, pl, variantOf } from "../polars.ts";

/** One Kusto column type. */
export type KustoType =
  | "bool"
  | "datetime"
  | "dynamic"
  | "int"
  | "long"
  | "real"
  | "string"
  | "guid"
  | "decimal"
  | "timespan";

/** The scalar types of Kusto / Log Analytics columns. */
export const KUSTO_TYPES = [
  "bool",
  "datetime",
  "dynamic",
  "int",
  "long",
  "real",
  "string",
  "guid",
  "decimal",
  "timespan",
] as const satisfies readonly KustoType[];

/** A column: its name and Kusto type. */
export interface ColumnSchema {
  /** The column's name. */
  readonly name: string;
  /** The column's Kusto type. */
  readonly type: KustoType;
}

/** A table: its name and columns, in order. */
export interface TableSchema {
  /** The table's name. */
  readonly name: string;
  /** The columns, in order. */
  readonly columns: readonly ColumnSchema[];
}

/** Whether `value` names a Kusto type (aliases such as `boolean` or `double` included). */
export function isKustoType(value: string): value is KustoType {
  return (KUSTO_TYPES as readonly string[]).includes(value);
}

const ALIASES: Record<string, KustoType> = {
  boolean: "bool",
  date: "datetime",
  double: "real",
  float: "real",
  int32: "int",
  int64: "long",
  object: "dynamic",
  time: "timespan",
  uniqueid: "guid",
  // .NET type names, as in Kusto's result metadata and the conformance files.
  "system.boolean": "bool",
  "system.datetime": "datetime",
  "system.object": "dynamic",
  "system.int32": "int",
  "system.int64": "long",
  "system.double": "real",
  "system.string": "string",
  "system.guid": "guid",
  "system.data.sqltypes.sqldecimal": "decimal",
  "system.timespan": "timespan",
};

/** The Kusto type for a type name or alias (`boolean`, `double`, `System.Int64`, ...). */
export function kustoTypeFromName(name: string): KustoType | undefined {
  const lower = name.toLowerCase();
  if (isKustoType(lower)) return lower;
  return ALIASES[lower];
}

/** The Polars dtype casefile stores a Kusto type as. */
export function polarsTypeOf(type: KustoType): DataType {
  switch (type) {
    case "bool":
      return pl.Bool;
    case "datetime":
      return DATETIME;
    case "int":
      return pl.Int32;
    case "long":
      return pl.Int64;
    case "real":
    case "decimal":
      return pl.Float64;
    case "timespan":
      return DURATION;
    case "string":
    case "guid":
    case "dynamic":
      return pl.Utf8;
  }
}

/**
 * The Kusto type that best describes a Polars dtype, for frames that did not come with a
 * Kusto schema. Text is `string`; nested Polars values (lists, structs) are `dynamic`.
 */
export function kustoTypeOfPolars(dtype: DataType): KustoType {
  switch (variantOf(dtype)) {
    case "Bool":
      return "bool";
    case "Int8":
    case "Int16":
    case "Int32":
    case "UInt8":
    case "UInt16":
      return "int";
    case "Int64":
    case "UInt32":
    case "UInt64":
      return "long";
    case "Float32":
    case "Float64":
      return "real";
    case "Decimal":
      return "decimal";
    case "Date":
    case "Datetime":
      return "datetime";
    case "Duration":
    case "Time":
      return "timespan";
    case "List":
    case "FixedSizeList":
    case "Struct":
    case "Object":
      return "dynamic";
    default:
      return "string";
  }
}

/** A schema read off a frame's dtypes (no Kusto knowledge: text is `string`). */
export function schemaOfFrame(
  name: string,
  frame: { columns: string[]; dtypes: DataType[] },
): TableSchema {
  return {
    name,
    columns: frame.columns.map((column, i) => ({
      name: column,
      type: kustoTypeOfPolars(frame.dtypes[i]),
    })),
  };
}

/** `Name:type, Name:type`, the form Kusto's `getschema` and `datatable` use. */
export function formatSchema(schema: TableSchema): string {
  return schema.columns.map((c) => `${c.name}:${c.type}`).join(", ");
}
