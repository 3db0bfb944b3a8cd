/**
 * The README's "From code" script, saved outside the checkout and run as the README says
 * (`deno task casefile run FILE`), a new investigator's stumble F: it used to import
 * `./mod.ts` and fail with Deno's "Module not found" and a stack backtrace. The block is
 * read from README.md itself, so the test runs what a reader copies.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempFolder } from "../_helpers.ts";
import { importSpecifiers } from "../../repl/_script_imports.ts";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

async function readmeBlock(): Promise<string> {
  const readme = await Deno.readTextFile(join(REPO, "README.md"));
  const section = readme.slice(readme.indexOf("## From code"));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, "README's From code section has a ts block");
  return block[1];
}

async function casefileRun(script: string, home: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "casefile", "--home", home, "run", script],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("README's From code script runs from a folder outside the checkout", async () => {
  const folder = await tempFolder();
  assert.ok(!folder.startsWith(REPO), "the folder is outside the checkout");
  const script = join(folder, "spray.ts");
  await Deno.writeTextFile(
    script,
    (await readmeBlock()) +
      `console.log("RESULT " + JSON.stringify({
  rows: spray.frame.sort("IPAddress").toRecords().map((r) => [r.IPAddress, Number(r.Failures)]),
  decoded: frame.getColumn("decoded").toArray(),
}));\n`,
  );
  const run = await casefileRun(script, join(folder, "home"));
  assert.equal(run.code, 0, run.stderr);
  const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, run.stdout);
  const result = JSON.parse(line.slice("RESULT ".length));
  // ANSWERS.md, stage 1: the spray's three addresses, 449 failures with 50126 between them
  // (the README's query, over all days, also lists busy addresses that ANSWERS.md leaves out).
  const spray = result.rows.filter((r: [string, number]) => r[0].startsWith("203.0.113."));
  assert.deepEqual(spray.map((r: [string, number]) => r[0]), [
    "203.0.113.45",
    "203.0.113.61",
    "203.0.113.88",
  ]);
  assert.equal(spray.reduce((s: number, r: [string, number]) => s + r[1], 0), 449);
  assert.deepEqual(result.decoded, ["hello"]);
});

Deno.test("a script importing ./mod.ts from outside the checkout: a clear error and a hint", async () => {
  const folder = await tempFolder();
  const script = join(folder, "old.ts");
  const block = await readmeBlock();
  await Deno.writeTextFile(script, block.replace(`from "casefile"`, `from "./mod.ts"`));
  const run = await casefileRun(script, join(folder, "home"));
  assert.equal(run.code, 1);
  assert.match(run.stderr, /imports "\.\/mod\.ts", which is not there/);
  assert.match(run.stderr, /hint: Import from "casefile" instead/);
  assert.doesNotMatch(run.stderr, /Stack backtrace|Module not found/);
});

Deno.test("only imports are checked: an exported path or import.meta.resolve of an output file is not", () => {
  const source = 'import "./side.ts";\nimport { a } from "../a.ts";\nexport * from "./re.ts";\n' +
    'export const OUT = "./report.md";\nimport.meta.resolve("./out.csv");\n' +
    'const m = await import("./late.ts");\n';
  assert.deepEqual(importSpecifiers(source), ["./side.ts", "../a.ts", "./re.ts", "./late.ts"]);
});
