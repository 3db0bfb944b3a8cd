/**
 * The harness of the native-dynamic tests: a table `E` of an `Id` and a dynamic `F` held
 * as the compact JSON text every loader writes, run through the engine or compiled to see
 * its plan, with the native path on or off.
 */
import { executeKql } from "../../src/kql/mod.ts";
import { setNativeDynamic } from "../../src/kql/compile/_dynamic_native.ts";
import { type LazyDataFrame, pl } from "../../src/polars.ts";
import { sourceTables } from "../../src/kql/run.ts";
import { parseQuery } from "../../src/kql/syntax/_parser.ts";
import { Context, EXACT_JSON_NEEDED } from "../../src/kql/compile/_context.ts";
import { compileQuery } from "../../src/kql/compile/_query.ts";
import { countingCollects } from "../../scripts/bench/_kql_checks.ts";

export const SCHEMA = {
  name: "E",
  columns: [
    { name: "Id", type: "long" as const },
    { name: "F", type: "dynamic" as const },
  ],
};

/** Table E: `Id` 1, 2, … and `F` the given texts. */
export function table(texts: (string | null)[]): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("Id", texts.map((_, i) => i + 1), pl.Int64),
    pl.Series("F", texts, pl.Utf8),
  ]);
}

/** `query`'s rows over table E, with the native path on (default) or off. */
export async function rows(
  texts: (string | null)[],
  query: string,
  native = true,
): Promise<Record<string, unknown>[]> {
  const was = setNativeDynamic(native);
  try {
    const result = await executeKql(query, { tables: { E: table(texts) }, schemas: { E: SCHEMA } });
    return result.frame.toRecords();
  } finally {
    setNativeDynamic(was);
  }
}

/** `query` compiled over table E: its lazy frame, not collected. */
export function compiled(
  texts: (string | null)[],
  query: string,
  elementTexts = true,
): LazyDataFrame {
  const tables = sourceTables({ E: table(texts) }, { E: SCHEMA });
  const ctx = new Context(query, tables, new Date());
  ctx.elementTexts = elementTexts;
  return compileQuery(parseQuery(query), ctx).frame;
}

/** "native" when the one-pass plan runs through, "exact" when a row sends it to the exact reading. */
export function route(texts: (string | null)[], query: string): "native" | "exact" {
  // As the engine runs it: arrays of strings first, then with bags and mixed arrays.
  for (const elementTexts of [false, true]) {
    try {
      compiled(texts, query, elementTexts).collectSync();
      return "native";
    } catch (error) {
      if (!String((error as Error).message).includes(EXACT_JSON_NEEDED)) throw error;
    }
  }
  return "exact";
}

/**
 * How many times planning `query` collects table E (a JavaScript job reads its rows out at
 * planning time): every frame made from the table counts its collects.
 */
export function collectsWhilePlanning(texts: (string | null)[], query: string): number {
  const counter = { collects: 0 };
  const tables = countingCollects(sourceTables({ E: table(texts) }, { E: SCHEMA }), counter);
  const ctx = new Context(query, tables, new Date());
  ctx.elementTexts = true; // the plan that reads bags and mixed arrays natively
  compileQuery(parseQuery(query), ctx);
  return counter.collects;
}
