/**
 * Running a query on no tables, at a fixed "now", for the tests that check the engine's
 * answers on constants and `datatable`s (the mutation tests of issue 23).
 */
import assert from "node:assert/strict";
import { executeKql, type KqlLimits, KqlSemanticError } from "../../src/kql/mod.ts";

/** The "now" the queries run at: 2026-03-16T00:00:00Z. */
export const NOW = new Date("2026-03-16T00:00:00Z");

/** The rows of `query`'s result as records. */
export async function records(query: string): Promise<Record<string, unknown>[]> {
  const result = await executeKql(query, { tables: {}, now: NOW });
  return result.frame.toRecords();
}

/** The KQL error `query` fails with (under `limits`); fails the test when it does not. */
export async function failure(query: string, limits?: KqlLimits): Promise<KqlSemanticError> {
  const error = await executeKql(query, { tables: {}, now: NOW, limits }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof KqlSemanticError, `expected a KQL error for ${query}, got ${error}`);
  return error;
}
