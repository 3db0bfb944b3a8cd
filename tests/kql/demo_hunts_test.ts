/**
 * Every hunting query in the demo case's answer key runs on the local engine and finds
 * what it is meant to find: the queries a teacher would hand out work as written.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";

const answers = await Deno.readTextFile(
  fileURLToPath(new URL("../../fixtures/demo-case/ANSWERS.md", import.meta.url)),
);
// As in the Log Analytics editor, a blank line separates two queries in one block.
const queries = [...answers.matchAll(/```kql\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].split(/\n\s*\n/))
  .map((q) => q.trim())
  .filter((q) => q.length > 0);
const provider = await openLocalProvider();

Deno.test("the answer key holds hunting queries", () => {
  assert.ok(queries.length >= 10, `found ${queries.length} queries`);
});

Deno.test("every hunting query of the answer key runs and finds rows", async (t) => {
  for (const [i, query] of queries.entries()) {
    const firstLine = query.split("\n").find((l) => !l.trim().startsWith("//")) ?? query;
    await t.step(`${i + 1}: ${firstLine.slice(0, 60)}`, async () => {
      const result = await provider.query(query);
      assert.ok(result.rowCount > 0, `no rows for:\n${query}`);
    });
  }
});
