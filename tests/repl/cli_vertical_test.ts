/**
 * `casefile query --vertical` and `casefile head --vertical`: each row as a record, every
 * column on a line of its own with its whole value, for a person reading a wide result in
 * a shell (SecurityEvent's columns, over 200, and the attacker's encoded command line).
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { runCasefile } from "../_helpers.ts";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { CRADLE } from "../_demo_tables.ts";

// ANSWERS.md, stage 7: the cradle's process creation (4688) at 2026-03-12T01:52:08Z.
const CRADLE_EVENT = "SecurityEvent | where TimeGenerated == datetime(2026-03-12T01:52:08Z) " +
  "and EventID == 4688 | project TimeGenerated, Computer, CommandLine";

Deno.test("casefile query --vertical: the command line whole, even piped", async () => {
  const run = await runCasefile(["query", "--vertical", CRADLE_EVENT], { env: { COLUMNS: "80" } });
  assertEquals(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assertEquals(lines[0], "row 0 of 1 (0 to 0)");
  assertEquals(lines[1], "TimeGenerated  2026-03-12 01:52:08");
  match(lines[2], /^Computer {7}LKS-WS-1042\b/i);
  // Wrapped to the width, not cut.
  const value = lines.slice(3, -1).map((l) => l.replace(/^CommandLine/, "").trim()).join("");
  for (const line of lines.slice(0, -1)) ok(line.length <= 80, line);
  const encoded = /-EncodedCommand\s*(\S+)/.exec(value)?.[1];
  ok(encoded, run.stdout);
  assertEquals(Buffer.from(encoded, "base64").toString("utf16le"), CRADLE);
  match(lines.at(-1)!, /^1 rows, \d+ ms$/);
});

Deno.test("casefile head --vertical: every column of a SecurityEvent row, one a line", async () => {
  const manifest = JSON.parse(
    await Deno.readTextFile(new URL("../../fixtures/demo-case/manifest.json", import.meta.url)),
  );
  const columns: string[] = manifest.tables
    .find((t: { name: string }) => t.name === "SecurityEvent").columns
    .map((c: { name: string }) => c.name);
  ok(columns.length > 200, String(columns.length));
  const run = await runCasefile(["head", "SecurityEvent", "-n", "2", "--vertical"], {
    env: { COLUMNS: "120" },
  });
  assertEquals(run.code, 0, run.stderr);
  const records = run.stdout.trimEnd().split("\n\n");
  assertEquals(records.length, 2, run.stdout);
  for (const [i, record] of records.entries()) {
    const lines = record.split("\n");
    ok(lines[0].startsWith(`row ${i} of 2 (0 to 1)`), lines[0]);
    // Every column, in the table's order, at the start of a line of its own.
    const named = lines.slice(1).map((l) => /^(\S+)/.exec(l)?.[1]).filter((n) => n !== undefined);
    assertEquals(named.filter((n) => columns.includes(n!)), columns);
  }
});

Deno.test("casefile query --vertical with --format csv is a usage error", async () => {
  const run = await runCasefile([
    "query",
    "--vertical",
    "--format",
    "csv",
    "SecurityAlert | take 1",
  ]);
  assertEquals(run.code, 2);
  match(run.stderr, /--vertical shows a table's rows as records, not csv/);
  assertEquals(run.stdout, "");
});

Deno.test({
  name: "in a terminal, casefile query says --vertical when its table is wider than the screen",
  ignore: !(await tmuxAvailable()),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // The command line runs past the 160 columns of the terminal; three short columns fit.
    const wide = await inTerminal(CRADLE_EVENT);
    match(
      wide,
      /\n1 rows, \d+ ms\n\(wider than the terminal: --vertical shows each row as a record\)\n/,
    );
    const narrow = await inTerminal(
      "SecurityEvent | where TimeGenerated == datetime(2026-03-12T01:52:08Z) " +
        "and EventID == 4688 | project TimeGenerated, EventID, Account",
    );
    match(narrow, /\n1 rows, \d+ ms\n/);
    ok(!narrow.includes("--vertical"), narrow);
  },
});

/** The screen after `casefile query KQL` ran in a 160-column terminal. */
async function inTerminal(kql: string): Promise<string> {
  const term = new Terminal({ joinWrapped: true });
  try {
    await term.start(["query", kql]);
    return await term.waitFor(/\[exited 0\]/);
  } finally {
    await term.close();
  }
}
