/**
 * What the family tests share beyond the framework: the framework's runner
 * (`runHuntQuery`, `huntText`) on the bundled demo case with each query's examples, its
 * validator (`validateHuntFamilies`) plus the house rules it leaves to review, and a
 * schema check for queries on tables the demo case lacks (empty tables built from the
 * Sentinel schemas, which the framework does not provide).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { HuntFamily, HuntParamValue, HuntQuery } from "../../src/hunt/types.ts";
import { type HuntArgs, huntText, runHuntQuery, validateHuntFamilies } from "../../src/hunt/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import type { Provider } from "../../src/providers/mod.ts";
import { SENTINEL_SCHEMAS } from "../../src/schema/mod.ts";
import { runKql } from "../../src/kql/mod.ts";
import { type DataFrame, pl } from "../../src/polars.ts";
import { polarsTypeOf, type TableSchema } from "../../src/schema/types.ts";

/** The demo case's reference time ("now"), from ANSWERS.md. */
export const DEMO_NOW = new Date("2026-03-16T00:00:00Z");

/** Tables the bundled demo case has (from the task brief / ANSWERS.md). */
export const DEMO_TABLES = new Set([
  "AuditLogs",
  "CommonSecurityLog",
  "DeviceNetworkEvents",
  "DeviceProcessEvents",
  "DnsEvents",
  "Heartbeat",
  "IdentityInfo",
  "OfficeActivity",
  "SecurityAlert",
  "SecurityEvent",
  "SigninLogs",
  "Syslog",
  "ThreatIntelligenceIndicator",
]);

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The query of `family` named `name`. */
export function queryOf(family: HuntFamily, name: string): HuntQuery {
  const found = family.queries.find((q) => q.name === name);
  assert.ok(found, `no query ${family.name}.${name}`);
  return found;
}

/**
 * A query's arguments as the tests call it: each parameter's `values` entry, else its
 * example. Values for parameters the query lacks are left out (a test passes one set of
 * values to a whole family); `window`, `start` and `end` are kept.
 */
export function exampleArgs(
  query: HuntQuery,
  values: Readonly<Record<string, unknown>> = {},
): HuntArgs {
  const args: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name in query.parameters || WINDOW_ARGS.includes(name)) args[name] = value;
  }
  for (const [name, p] of Object.entries(query.parameters)) {
    if (args[name] === undefined && p.example !== undefined) args[name] = p.example;
  }
  return args;
}

const WINDOW_ARGS = ["window", "start", "end"];

/**
 * The query's text as the framework's runner substitutes it (`huntText`), with the
 * examples (or `values`) and the window ending at the demo case's now.
 */
export function substitute(
  query: HuntQuery,
  values: Readonly<Record<string, HuntParamValue>> = {},
  window: string = query.window,
): string {
  return huntText(query, { ...exampleArgs(query, values), window }, { now: DEMO_NOW }).text;
}

let provider: Promise<Provider> | undefined;

/**
 * Runs a library query on the demo case with the framework's runner (`runHuntQuery`), with
 * its examples (or `values`); checks its output columns.
 */
export async function runOnDemo(
  query: HuntQuery,
  values: Readonly<Record<string, unknown>> = {},
  window?: string,
): Promise<DataFrame> {
  provider ??= openLocalProvider();
  const args = { ...exampleArgs(query, values), ...(window ? { window } : {}) };
  const frame = await runHuntQuery(query, args, { provider: await provider, now: DEMO_NOW });
  assert.deepEqual(frame.columns, [...query.columns], `${query.name}: output columns`);
  return frame;
}

/** The rows of a result as plain records. */
export function rows(frame: DataFrame): Record<string, unknown>[] {
  return frame.toRecords() as Record<string, unknown>[];
}

/**
 * For a query on a table the demo case lacks: runs it on empty tables built from the
 * Sentinel schemas, so the engine parses it and checks every column it names and every
 * type, and the output columns must equal `columns`.
 */
export async function runOnEmptySchemas(
  query: HuntQuery,
  values: Readonly<Record<string, HuntParamValue>> = {},
): Promise<void> {
  const tables: Record<string, DataFrame> = {};
  const schemas: Record<string, TableSchema> = {};
  for (const name of query.tables) {
    const schema = SENTINEL_SCHEMAS[name];
    assert.ok(schema, `${query.name}: ${name} is not a Sentinel table`);
    schemas[name] = schema;
    tables[name] = pl.DataFrame(
      schema.columns.map((c) => pl.Series(c.name, [], polarsTypeOf(c.type))),
    );
  }
  const frame = await runKql(substitute(query, values), { tables, schemas, now: DEMO_NOW });
  assert.deepEqual(frame.columns, [...query.columns], `${query.name}: output columns`);
}

/**
 * The format rules every query of a family must keep: the framework's validator (unique
 * camelCase names, Sentinel tables, ATT&CK tactics and technique ids, a timespan window,
 * parameters and placeholders that match, KQL that parses), and the house rules it leaves
 * to review: a description of a sentence or more, the window used as `{start}` and
 * `{end}`, tactics exactly when techniques, and distinct output columns.
 */
export function checkFamilyShape(family: HuntFamily): void {
  validateHuntFamilies([family], `${family.name} family`);
  for (const q of family.queries) {
    assert.ok(q.description.length >= 60, `${q.name}: description too short`);
    assert.equal(
      q.techniques.length === 0,
      q.tactics.length === 0,
      `${q.name}: tactics without techniques`,
    );
    const used = new Set([...q.query.matchAll(PLACEHOLDER)].map((m) => m[1]));
    assert.ok(used.has("start") && used.has("end"), `${q.name}: uses the window`);
    assert.equal(new Set(q.columns).size, q.columns.length, `${q.name}: columns`);
  }
}
