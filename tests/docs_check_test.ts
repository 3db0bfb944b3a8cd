/**
 * The docs check: it keeps `deno doc --lint` problems of our own files and drops those inside
 * node_modules, and it finds an `@example` that checks nothing.
 */
import assert from "node:assert/strict";
import { docLint, examples, examplesWithoutAssert, parseDocLint } from "../scripts/check_docs.ts";
import { tempDir } from "./_helpers.ts";

Deno.test("check_docs keeps lint errors of our files and drops those in node_modules", () => {
  const output = [
    "error[missing-jsdoc]: exported symbol is missing JSDoc documentation",
    "  --> /repo/src/a/a.ts:21:3",
    "   | ",
    "",
    "error[private-type-ref]: public type 'X' references private type 'Y'",
    "  --> /repo/node_modules/.deno/nodejs-polars@0.25.2/node_modules/nodejs-polars/bin/io.d.ts:9:1",
    "",
    "error[missing-return-type]: exported function is missing an explicit return type annotation",
    "  --> /repo/mod.ts:4:17",
    "",
    "error: Found 3 documentation lint errors.",
  ].join("\n");
  assert.deepEqual(parseDocLint(output, "/repo"), [
    {
      where: "src/a/a.ts:21",
      rule: "missing-jsdoc",
      message: "exported symbol is missing JSDoc documentation",
    },
    {
      where: "mod.ts:4",
      rule: "missing-return-type",
      message: "exported function is missing an explicit return type annotation",
    },
  ]);
});

Deno.test("check_docs reads each @example's code and title", () => {
  const text = [
    "/**",
    " * Adds.",
    " *",
    " * @example One and one",
    " * ```ts",
    ' * import assert from "node:assert/strict";',
    " * assert.equal(add(1, 1), 2);",
    " * ```",
    " *",
    " * @example",
    " * ```ts",
    " * console.log(add(2, 2));",
    " * ```",
    " */",
  ].join("\n");
  assert.deepEqual(examples(text), [
    {
      title: "One and one",
      line: 4,
      code: 'import assert from "node:assert/strict";\nassert.equal(add(1, 1), 2);',
    },
    { title: "", line: 10, code: "console.log(add(2, 2));" },
  ]);
});

Deno.test("check_docs finds an example that prints instead of asserting, in public files only", async () => {
  const root = await tempDir("casefile-docs-");
  try {
    await Deno.mkdir(`${root}/src/a`, { recursive: true });
    const printing = "/**\n * @example Prints\n * ```ts\n * console.log(1);\n * ```\n */\n" +
      "export const a = 1;\n";
    const asserting = "/**\n * @example Checks\n * ```ts\n * assert.equal(1, 1);\n * ```\n */\n" +
      "export const b = 1;\n";
    await Deno.writeTextFile(`${root}/mod.ts`, asserting);
    await Deno.writeTextFile(`${root}/src/a/a.ts`, printing);
    await Deno.writeTextFile(`${root}/src/a/_private.ts`, printing);
    const problems = await examplesWithoutAssert(root);
    assert.deepEqual(problems.map((p) => `${p.where} ${p.rule}`), [
      "src/a/a.ts:2 example-without-assert",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("casefile's public surface passes the docs check", async () => {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const problems = [...await docLint(root), ...await examplesWithoutAssert(root)];
  assert.deepEqual(problems.map((p) => `${p.where}: [${p.rule}] ${p.message}`), []);
});
