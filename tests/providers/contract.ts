/**
 * The contract every provider passes (local, Sentinel, ADX, XDR): one suite, run against
 * each implementation, so they cannot drift apart; and {@link sameFrames}, the one
 * comparison of a provider's answer with another's (Kusto types, Polars dtypes, exact values).
 */
import assert from "node:assert/strict";
import type { Provider, QueryResult } from "../../src/providers/provider.ts";
import { polarsTypeOf } from "../../src/schema/types.ts";
import { type DataFrame, pl, variantOf } from "../../src/polars.ts";

/**
 * A frame as plain records with nothing rounded on the way: datetimes and timespans as
 * their integer microseconds, longs as text (a JavaScript number would round past 2^53).
 */
export function exactRecords(frame: DataFrame): Record<string, unknown>[] {
  return frame.select(
    ...frame.columns.map((name, i) => {
      const v = variantOf(frame.dtypes[i]);
      return v === "Datetime" || v === "Duration" || v === "Int64"
        ? pl.col(name).cast(pl.Int64).cast(pl.Utf8)
        : pl.col(name);
    }),
  ).toRecords() as Record<string, unknown>[];
}

/**
 * Asserts that `actual` is `expected`'s answer: the same columns with the same Kusto types,
 * the same Polars dtypes, the same values in the same order, and no warnings.
 */
export function sameFrames(actual: QueryResult, expected: QueryResult, message = ""): void {
  assert.deepEqual(actual.schema.columns, expected.schema.columns, `schema ${message}`);
  assert.deepEqual(
    actual.frame.dtypes.map(variantOf),
    expected.frame.dtypes.map(variantOf),
    `dtypes ${message}`,
  );
  assert.deepEqual(exactRecords(actual.frame), exactRecords(expected.frame), `values ${message}`);
  assert.deepEqual(actual.warnings, [], `warnings ${message}`);
}

/** What the suite needs to know of the data behind a provider. */
export interface ContractData {
  /** A table that exists, with a datetime `TimeGenerated` column. */
  table: string;
  /** Its row count. */
  rows: number;
}

/** Runs the provider contract as steps of `t`. */
export async function providerContract(
  t: Deno.TestContext,
  provider: Provider,
  data: ContractData,
): Promise<void> {
  await t.step("contract: tables() lists schemas with Kusto types", async () => {
    const tables = await provider.tables();
    const table = tables.find((x) => x.name === data.table);
    assert.ok(table, `${data.table} is listed`);
    assert.ok(table.columns.length > 0);
    assert.deepEqual(await provider.schema(data.table), {
      name: table.name,
      columns: table.columns,
    });
  });

  await t.step("contract: a table's frame matches its schema", async () => {
    const result = await provider.query(data.table);
    assert.equal(result.rowCount, data.rows);
    assert.equal(result.frame.height, data.rows);
    assert.equal(result.provider, provider.id);
    assert.equal(result.query, data.table);
    assert.ok(result.durationMs >= 0);
    assert.deepEqual(result.frame.columns, result.schema.columns.map((c) => c.name));
    result.schema.columns.forEach((column, i) => {
      assert.equal(
        variantOf(result.frame.dtypes[i]),
        variantOf(polarsTypeOf(column.type)),
        `column ${column.name} (${column.type})`,
      );
    });
  });

  await t.step("contract: a timespan keeps only rows in the window", async () => {
    const all = await provider.query(data.table);
    const times = all.frame.getColumn("TimeGenerated").toArray() as unknown as Date[];
    const sorted = times.map((d) => d.getTime()).sort((a, b) => a - b);
    const start = new Date(sorted[Math.floor(sorted.length / 2)]);
    const end = new Date(sorted[sorted.length - 1]);
    const windowed = await provider.query(data.table, { timespan: { start, end } });
    const expected = sorted.filter((x) => x >= start.getTime() && x < end.getTime()).length;
    assert.equal(windowed.rowCount, expected);
    assert.deepEqual(windowed.timespan, { start, end });
  });

  await t.step("contract: an unknown table is an UnknownTableError with suggestions", async () => {
    const misspelt = data.table.slice(0, -1);
    const error = await provider.query(misspelt).then(() => undefined, (e) => e);
    assert.ok(error instanceof Error);
    assert.match(error.message, new RegExp(`Unknown table '${misspelt}'`));
    // The engine quotes names with ', casefile's own errors with ` (didYouMean).
    assert.match(error.message, new RegExp(`Did you mean ['\`]${data.table}['\`]`));
  });

  await t.step("contract: an aborted signal cancels the query", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await provider.query(data.table, { signal: controller.signal })
      .then(() => undefined, (e) => e);
    assert.ok(error instanceof DOMException || error?.name === "AbortError");
  });
}
