/**
 * The standard columns a Log Analytics workspace stamps on every record at ingestion, whatever
 * the source sent: `_ItemId` (a unique id per record), `_BilledSize` (the record's size in
 * bytes), `_IsBillable`, and `_ResourceId` for resources the record names in `ResourceId`.
 * They are filled on flushed frames, after the rows are sorted, from the rows' own values, so
 * the case stays the same bytes on every run.
 *
 * @module
 */
import { type DataFrame, type Expr, pl } from "../../src/polars.ts";
import type { TableSchema } from "../../src/schema/types.ts";
import { hash32 } from "./_prng.ts";

/**
 * Tables whose data Azure Monitor does not bill ("Azure Monitor Logs cost calculations",
 * excluded tables): their records say `_IsBillable` False.
 */
const FREE_TABLES: ReadonlySet<string> = new Set(["AzureActivity", "Heartbeat"]);

/**
 * Columns left out of a record's billed size ("Azure Monitor Logs cost calculations",
 * excluded columns).
 */
const NOT_BILLED: ReadonlySet<string> = new Set([
  "_ResourceId",
  "_SubscriptionId",
  "_ItemId",
  "_IsBillable",
  "_BilledSize",
  "TenantId",
  "Type",
]);

/** `_IsBillable` of `table` (a string column in the table reference: `True` or `False`). */
export function isBillable(table: string): string {
  return FREE_TABLES.has(table) ? "False" : "True";
}

/** 100 ns ticks from 1582-10-15 (the UUID epoch) to 1970-01-01. */
const UUID_EPOCH_TICKS = 122192928000000000n;
/** Ingestion batches: records are received a minute at a time, then after a short delay. */
const BATCH_US = 60_000_000;
const RECEIVE_DELAY_US = 47_000_000;

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, "0");
}

/**
 * Time-based (version 1) GUIDs like the ones ingestion stamps: the receive time in 100 ns ticks
 * (each record of a batch one tick after the previous one), then a clock sequence and node fixed
 * per table (a Microsoft `00-0d-3a` MAC address), so ids never repeat across tables. Time-based
 * ids share their high digits within a batch, which keeps the committed case small; random ones
 * would add 11 MB.
 */
export function itemIds(table: string, times: readonly number[]): string[] {
  const h = hash32(`_ItemId/${table}`);
  const g = hash32(`_ItemId/node/${table}`);
  const tail = `${hex(0x8000 | (h & 0x3fff), 4)}-000d3a${hex(g & 0xffffff, 6)}`;
  const ids: string[] = new Array(times.length);
  let batch = Number.NaN;
  let sequence = 0;
  for (let i = 0; i < times.length; i++) {
    const b = Math.floor(times[i] / BATCH_US);
    if (b !== batch) {
      batch = b;
      sequence = 0;
    }
    const ticks = BigInt((b + 1) * BATCH_US + RECEIVE_DELAY_US) * 10n + UUID_EPOCH_TICKS +
      BigInt(sequence++);
    const low = Number(ticks & 0xffffffffn);
    const mid = Number((ticks >> 32n) & 0xffffn);
    const high = Number((ticks >> 48n) & 0xfffn);
    ids[i] = `${hex(low, 8)}-${hex(mid, 4)}-1${hex(high, 3)}-${tail}`;
  }
  return ids;
}

/**
 * Fills the standard columns of a flushed frame of `schema`'s table: `_ItemId` for every row,
 * `_BilledSize` as the length of the text of the row's billed columns, and `_ResourceId` (in
 * lower case, as Azure Monitor keeps it) from `ResourceId` where the row has one and the
 * generator set no `_ResourceId`. `_IsBillable` is a constant of the table's builder.
 */
export function fillStandardColumns(schema: TableSchema, frame: DataFrame): DataFrame {
  if (frame.height === 0) return frame;
  const names = new Set(schema.columns.map((c) => c.name));
  const fills: Expr[] = [];
  if (names.has("_BilledSize")) {
    const lengths = schema.columns.filter((c) => !NOT_BILLED.has(c.name))
      .map((c) => pl.col(c.name).cast(pl.Utf8).str.lengths().cast(pl.Int64).fillNull(0));
    fills.push(pl.sumHorizontal(lengths).cast(pl.Float64).alias("_BilledSize"));
  }
  if (names.has("_ResourceId") && names.has("ResourceId")) {
    fills.push(
      pl.when(pl.col("_ResourceId").isNull()).then(pl.col("ResourceId").str.toLowerCase())
        .otherwise(pl.col("_ResourceId")).alias("_ResourceId"),
    );
  }
  let filled = fills.length === 0 ? frame : frame.withColumns(...fills);
  if (names.has("_ItemId")) {
    const times = filled.getColumn("TimeGenerated").cast(pl.Int64).toArray() as (
      | number
      | bigint
    )[];
    filled = filled.withColumns(
      pl.Series("_ItemId", itemIds(schema.name, times.map(Number)), pl.Utf8),
    );
  }
  // withColumns keeps a replaced column where it was: the schema's order holds.
  return filled;
}
