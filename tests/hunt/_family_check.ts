/**
 * A small stand-in for the hunting runner, used by the family tests until the framework's
 * runner lands: substitutes a query's parameters by the library's rule (with the session's
 * `kqlLiteral`) and runs it on the bundled demo case; plus a schema check for queries on
 * tables the demo case lacks.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { HuntFamily, HuntParamType, HuntParamValue, HuntQuery } from "../../src/hunt/types.ts";
import { kqlLiteral, Timespan } from "../../src/session/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import type { Provider, QueryResult } from "../../src/providers/mod.ts";
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

function literalOf(type: HuntParamType, value: HuntParamValue): string {
  if (type === "datetime") return kqlLiteral(new Date(String(value)));
  if (type === "timespan") {
    const span = Timespan.parse(String(value));
    assert.ok(span, `not a timespan: ${value}`);
    return kqlLiteral(span);
  }
  return kqlLiteral(value);
}

/** The query's text with `{start}`, `{end}` and every parameter replaced by its literal. */
export function substitute(
  query: HuntQuery,
  values: Readonly<Record<string, HuntParamValue>> = {},
  window: string = query.window,
): string {
  const now = DEMO_NOW;
  const span = Timespan.parse(window);
  assert.ok(span, `${query.name}: bad window ${window}`);
  const start = new Date(now.getTime() - span.millis);
  return query.query.replace(PLACEHOLDER, (_all, name: string) => {
    if (name === "start") return kqlLiteral(start);
    if (name === "end") return kqlLiteral(now);
    const param = query.parameters[name];
    assert.ok(param, `${query.name}: {${name}} is not a parameter`);
    const value = values[name] ?? param.example ?? param.default;
    assert.ok(value !== undefined, `${query.name}: no value for {${name}}`);
    return literalOf(param.type, value);
  });
}

let provider: Promise<Provider> | undefined;

/** Runs a library query on the demo case with its examples (or `values`). */
export async function runOnDemo(
  query: HuntQuery,
  values: Readonly<Record<string, HuntParamValue>> = {},
  window?: string,
): Promise<QueryResult> {
  provider ??= openLocalProvider();
  const result = await (await provider).query(substitute(query, values, window));
  assert.deepEqual(result.frame.columns, [...query.columns], `${query.name}: output columns`);
  return result;
}

/** The rows of a result as plain records. */
export function rows(result: QueryResult): Record<string, unknown>[] {
  return result.frame.toRecords() as Record<string, unknown>[];
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

/** The enterprise ATT&CK tactics, as ATT&CK spells them. */
const TACTICS = new Set([
  "Reconnaissance",
  "Resource Development",
  "Initial Access",
  "Execution",
  "Persistence",
  "Privilege Escalation",
  "Defense Evasion",
  "Credential Access",
  "Discovery",
  "Lateral Movement",
  "Collection",
  "Command and Control",
  "Exfiltration",
  "Impact",
]);

/**
 * The format rules every query of a family must keep: unique camelCase names, parameters
 * and placeholders that match, Sentinel tables, ATT&CK tactic names and technique ids, a
 * window that is a timespan, and text that starts its table with the window filter.
 */
export function checkFamilyShape(family: HuntFamily): void {
  const names = new Set<string>();
  for (const q of family.queries) {
    assert.match(q.name, /^[a-z][A-Za-z0-9]*$/, `${q.name}: camelCase`);
    assert.ok(!names.has(q.name), `${q.name}: duplicate name`);
    names.add(q.name);
    assert.ok(q.description.length >= 60, `${q.name}: description too short`);
    assert.ok(Timespan.parse(q.window), `${q.name}: window ${q.window}`);
    for (const t of q.tables) {
      assert.ok(SENTINEL_SCHEMAS[t], `${q.name}: ${t} is not a Sentinel table`);
    }
    for (const t of q.tactics) assert.ok(TACTICS.has(t), `${q.name}: unknown tactic ${t}`);
    for (const t of q.techniques) {
      assert.match(t, /^T\d{4}(\.\d{3})?$/, `${q.name}: technique ${t}`);
    }
    assert.equal(
      q.techniques.length === 0,
      q.tactics.length === 0,
      `${q.name}: tactics without techniques`,
    );
    const used = new Set([...q.query.matchAll(PLACEHOLDER)].map((m) => m[1]));
    assert.ok(used.has("start") && used.has("end"), `${q.name}: uses the window`);
    for (const p of used) {
      if (p !== "start" && p !== "end") assert.ok(q.parameters[p], `${q.name}: {${p}} undeclared`);
    }
    for (const p of Object.keys(q.parameters)) assert.ok(used.has(p), `${q.name}: ${p} unused`);
    assert.ok(
      q.columns.length > 0 && new Set(q.columns).size === q.columns.length,
      `${q.name}: columns`,
    );
  }
}
