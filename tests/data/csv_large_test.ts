/**
 * Large CSV files (from 8 MiB on) are checked in a worker beside Polars' read. Every
 * malformed input Polars would read silently (a ragged row, a stray quote, a NUL byte, a
 * lone CR, short rows) is still refused or counted with its line, as in small files. Line
 * numbers are known by construction: row `i` of `bigCsv` is on line `i + 2`.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { DataLoadError, loadTable } from "../../src/data/mod.ts";
import { PARALLEL_CHECK_BYTES } from "../../src/data/_csv.ts";
import { columnValues } from "../../src/polars.ts";
import { tempFile } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const ROWS = 160_000;

/** `ROWS` rows of `id,host,failures,seen`; `edit(i, line)` changes row i's line. */
function bigCsv(edit: (i: number, line: string) => string = (_, l) => l): string {
  const lines = ["id,host,failures,seen"];
  for (let i = 0; i < ROWS; i++) {
    const line = `${i},workstation-${i % 97}.corp.example,${i % 13},2026-03-10T08:00:00Z`;
    lines.push(edit(i, line));
  }
  return lines.join("\n") + "\n";
}

async function big(name: string, text: string): Promise<string> {
  const file = await tempFile(name, text);
  assert.ok((await Deno.stat(file)).size >= PARALLEL_CHECK_BYTES, "the file must be large");
  return file;
}

async function refused(file: string): Promise<DataLoadError> {
  const error = await loadTable(file).then(() => undefined, (e) => e);
  assert.ok(error instanceof DataLoadError, `expected a DataLoadError, got ${error}`);
  assert.ok(error.message.includes(file), error.message);
  assert.ok(error.hint, "a hint");
  return error;
}

Deno.test("a large well-formed CSV loads with every row and its types", async () => {
  const table = await loadTable(await big("big.csv", bigCsv()));
  assert.equal(table.frame.height, ROWS);
  assert.deepEqual(table.schema.columns.map((c) => c.type), ["long", "string", "long", "datetime"]);
  assert.deepEqual(table.warnings, []);
  assert.equal(
    columnValues(table.frame, "host")[ROWS - 1],
    `workstation-${(ROWS - 1) % 97}.corp.example`,
  );
});

Deno.test("a large CSV with a row of too many fields far down names its line", async () => {
  // Polars' reader drops the extra field silently.
  const file = await big("ragged.csv", bigCsv((i, l) => i === 120_000 ? `${l},extra` : l));
  const error = await refused(file);
  assert.equal(error.line, 120_002);
  assert.match(error.message, /5 fields but the header has 4 at line 120002/);
});

Deno.test("a large CSV with a stray quote or an unclosed quote names its line", async () => {
  // Polars keeps a stray quote as text silently.
  const stray = await big(
    "stray.csv",
    bigCsv((i, l) => i === 99_999 ? l.replace("corp", 'co"rp') : l),
  );
  const error = await refused(stray);
  assert.equal(error.line, 100_001);
  assert.match(error.message, /quote inside a field that is not quoted/);

  const unclosed = await big(
    "unclosed.csv",
    bigCsv((i, l) => i === 130_000 ? l.replace("workstation", '"workstation') : l),
  );
  const open = await refused(unclosed);
  assert.equal(open.line, 130_002);
  assert.match(open.message, /quoted field is never closed/);
});

Deno.test("a large CSV with a NUL byte or a lone CR is refused, not misread", async () => {
  // Polars keeps a NUL inside a value, and reads a lone CR as part of a field.
  const nul = await big(
    "nul.csv",
    bigCsv((i, l) => i === 70_000 ? l.replace("corp", "co\0rp") : l),
  );
  const error = await refused(nul);
  assert.equal(error.line, 70_002);
  assert.match(error.message, /NUL byte at line 70002/);

  const cr = await big("cr.csv", bigCsv((i, l) => i === 80_000 ? l.replace(",", "\r") : l));
  await refused(cr);
});

Deno.test("a large CSV's short rows and a type change after the sample are counted with lines", async () => {
  const file = await big(
    "late.csv",
    bigCsv((i, l) => {
      if (i === 135_001) return l.replace(/,[0-9]+,/, ",many,"); // failures stops being a number
      if (i === 110_000 || i === 110_001) return l.replace(/,[^,]*$/, ""); // seen missing
      return l;
    }),
  );
  const table = await loadTable(file);
  assert.equal(table.frame.height, ROWS);
  const types = Object.fromEntries(table.schema.columns.map((c) => [c.name, c.type]));
  assert.deepEqual(types, { id: "long", host: "string", failures: "string", seen: "datetime" });
  const messages = table.warnings.map((w) => w.message).join("\n");
  assert.match(
    messages,
    /2 record\(s\) have fewer fields than the header \(first at line 110002\)/,
  );
  assert.match(messages, /failures: 1 value\(s\) are not long \(first at line 135003: "many"\)/);
});

Deno.test("casefile load reports a large malformed CSV's file and line, exit code 1", async () => {
  const file = await big("broken.csv", bigCsv((i, l) => i === 125_000 ? `${l},x` : l));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", join(REPO, "repl/main.ts"), "load", file, "--format", "csv"],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, stderr);
  assert.equal(out.stdout.length, 0);
  assert.ok(stderr.includes(file), stderr);
  assert.match(stderr, /5 fields but the header has 4 at line 125002/);
});

Deno.test("casefile load reads a large well-formed CSV whole", async () => {
  const file = await big("fine.csv", bigCsv());
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", join(REPO, "repl/main.ts"), "load", file, "--format", "csv"],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trimEnd().split("\n");
  assert.equal(lines.length, ROWS + 1);
  assert.match(lines[ROWS], /^159999,workstation-46\.corp\.example,8,2026-03-10/);
});
