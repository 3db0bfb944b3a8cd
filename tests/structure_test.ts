/**
 * The code's shape: the checker finds what it is meant to find in a planted tree, and the real
 * tree is clean. A script that needs only the KQL engine loads neither the Azure SDK nor vega.
 */
import assert from "node:assert/strict";
import { checkStructure, type Violation } from "../scripts/check_structure.ts";
import { tempDir } from "./_helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

async function plant(files: Record<string, string>): Promise<string> {
  const root = await tempDir("casefile-structure-");
  const all: Record<string, string> = {
    "deno.json": JSON.stringify({ exports: { ".": "./mod.ts", "./a": "./src/a/mod.ts" } }),
    "mod.ts": `export { a } from "./src/a/mod.ts";\n`,
    "src/a/mod.ts": `export { a } from "./a.ts";\n`,
    "src/a/a.ts": `import { x } from "./_x.ts";\nexport const a = x;\n`,
    "src/a/_x.ts": `export const x = 1;\n`,
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    await Deno.mkdir(`${root}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
  return root;
}

async function violationsOf(files: Record<string, string>): Promise<string[]> {
  const root = await plant(files);
  try {
    return (await checkStructure(root)).map((v: Violation) => `${v.rule} ${v.file}`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("check_structure passes a tree that keeps the rules", async () => {
  assert.deepEqual(await violationsOf({}), []);
});

Deno.test("check_structure finds a planted import cycle, type-only or not", async () => {
  const found = await violationsOf({
    "src/a/_p.ts": `import type { Q } from "./_q.ts";\nexport type P = Q;\n`,
    "src/a/_q.ts": `import { x } from "./_x.ts";\nimport type { P } from "./_p.ts";\n` +
      `export type Q = P | typeof x;\n`,
    "repl/main.ts": `import "./_one.ts";\n`,
    "repl/_one.ts": `export * from "./_two.ts";\n`,
    "repl/_two.ts": `const m = await import("./_one.ts");\nexport default m;\n`,
    // Not imports: a string, a regex with a backtick, a doc example.
    "repl/_three.ts": '/**\n * ```ts\n * import { x } from "./_four.ts";\n * ```\n */\n' +
      "export const r = /`/;\nexport const s = 'import \"./_four.ts\"';\n",
    "repl/_four.ts": `import { r } from "./_three.ts";\nexport const x = r;\n`,
  });
  assert.deepEqual(found, ["cycle repl/_one.ts", "cycle src/a/_p.ts"]);
});

Deno.test("check_structure finds a private file imported from another unit", async () => {
  const found = await violationsOf({
    "deno.json": JSON.stringify({
      exports: { ".": "./mod.ts", "./a": "./src/a/mod.ts", "./b": "./src/b/mod.ts" },
    }),
    "src/b/mod.ts": `export { b } from "./b.ts";\n`,
    "src/b/b.ts": `import { x } from "../a/_x.ts";\nexport const b = x;\n`,
    // Inside its own unit a private file may be read from a stage folder.
    "src/a/syntax/_lexer.ts": `import { x } from "../_x.ts";\nexport const l = x;\n`,
    "repl/main.ts": `import { x } from "../src/a/_x.ts";\nconsole.log(x);\n`,
    // White-box readers are exempt.
    "tests/a_test.ts": `import { x } from "../src/a/_x.ts";\nconsole.log(x);\n`,
    "scripts/bench/a.ts": `import { x } from "../../src/a/_x.ts";\nconsole.log(x);\n`,
  });
  assert.deepEqual(found, ["private-import repl/main.ts", "private-import src/b/b.ts"]);
});

Deno.test("check_structure finds public files a unit's mod.ts does not export", async () => {
  const found = await violationsOf({
    "src/a/stray.ts": `export const s = 1;\n`,
    "src/a/syntax/parser.ts": `export const p = 1;\n`,
    "src/c/c.ts": `export const c = 1;\n`,
  });
  assert.deepEqual(found, [
    "unexported-file src/a/stray.ts",
    "unexported-file src/a/syntax/parser.ts",
    "unexported-file src/c/c.ts",
  ]);
});

Deno.test("check_structure finds a unit without a subpath, a deep root export and a script reading tests", async () => {
  const found = await violationsOf({
    "deno.json": JSON.stringify({ exports: "./mod.ts" }),
    "mod.ts": `export { a } from "./src/a/a.ts";\n`,
    "scripts/report.ts": `import { t } from "../tests/helpers.ts";\nconsole.log(t);\n`,
    "tests/helpers.ts": `export const t = 1;\n`,
    "tests/twins/service.ts": `export const s = 1;\n`,
    "scripts/bench/service.ts": `import { s } from "../../tests/twins/service.ts";\n` +
      `import { t } from "../../tests/helpers.ts";\nconsole.log(s, t);\n`,
  });
  assert.deepEqual(found, [
    "deep-root-export mod.ts",
    "imports-tests scripts/bench/service.ts",
    "imports-tests scripts/report.ts",
    "missing-subpath src/a/mod.ts",
  ]);
});

Deno.test("casefile's own tree keeps the structure rules", async () => {
  const violations = await checkStructure(ROOT);
  assert.deepEqual(violations.map((v) => `${v.file}: [${v.rule}] ${v.message}`), []);
});

Deno.test("a script importing only casefile/kql loads neither the Azure SDK nor vega", async () => {
  const script = await Deno.makeTempFile({ suffix: ".ts", dir: ROOT });
  try {
    await Deno.writeTextFile(
      script,
      `import { runKql } from "casefile/kql";\n` +
        `import { pl } from "nodejs-polars";\n` +
        `const t = pl.DataFrame({ n: [1, 2, 3] });\n` +
        `const r = await runKql("T | summarize s = sum(n)", { tables: { T: t } });\n` +
        `console.log(JSON.stringify(r.toRecords()));\n`,
    );
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script],
      cwd: ROOT,
    }).output();
    const stdout = new TextDecoder().decode(run.stdout);
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.equal(stdout.trim(), `[{"s":6}]`);

    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", script],
      cwd: ROOT,
    }).output();
    assert.equal(info.code, 0, new TextDecoder().decode(info.stderr));
    // The modules the script's import graph reaches (npmPackages would list the whole lock).
    const graph = JSON.parse(new TextDecoder().decode(info.stdout));
    const modules: string[] = graph.modules.map((m: { specifier: string }) => m.specifier);
    const packages = [...new Set(modules.filter((s) => s.startsWith("npm:")))];
    assert.ok(packages.some((p) => p.includes("nodejs-polars@")), packages.join(", "));
    const heavy = modules.filter((s) => /@azure\/|vega|@resvg\/|typescript@/.test(s));
    assert.deepEqual(heavy, []);
  } finally {
    await Deno.remove(script);
  }
});
