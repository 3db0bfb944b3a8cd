/**
 * The NDJSON depth guard's fast path (`openers` in `src/data/_csv_scan_wasm.ts`): it counts
 * the `[` and `{` of each line 16 bytes at a time, and only a file with a line of more
 * openers than the depth limit goes to the exact scan in JavaScript. An undercount would hand
 * Polars a line deep enough to abort the process, so the counts are checked by hand across
 * 16-byte blocks, line ends inside blocks, counts carried from one call to the next, and the
 * limit itself (a line of exactly `limit` openers passes, one more fails).
 */
import assert from "node:assert/strict";
import { openerCounter, scanBuffer } from "../../src/data/_csv_scan.ts";
import { nestsDeeperThan } from "../../src/data/_json_depth.ts";
import { loadTable } from "../../src/data/load.ts";
import { runCasefile, tempFile } from "../_helpers.ts";

/** The counter's answer for `text`, placed `offset` bytes into its buffer. */
function count(text: string, carried: number, limit: number, offset = 0): number {
  const bytes = new TextEncoder().encode(text);
  const buffer = scanBuffer(offset + bytes.length);
  buffer.set(bytes, offset);
  const counter = openerCounter(buffer);
  assert.ok(counter, "WebAssembly SIMD compiled: the fast path is on");
  return counter.count(buffer.subarray(offset), carried, limit);
}

Deno.test("openers counts [ and { per line, within and across 16-byte blocks", () => {
  // Lines "{[}" (2 openers) and "{{{" (3), then "[" unfinished (1).
  assert.equal(count("{[}\n{{{\n[", 0, 10), 1);
  assert.equal(count("{[}\n{{{\n[", 0, 3), 1, "3 openers is the limit, not past it");
  assert.equal(count("{[}\n{{{\n[", 0, 2), -1, "the second line has 3 > 2");
  // 20 '[' (bytes 0-19: one whole block of 16, then 4), 20 'x', a line feed at byte 40 (in
  // the block 32-47, crossed a byte at a time), then 5 '{' unfinished.
  const wide = "[".repeat(20) + "x".repeat(20) + "\n" + "{".repeat(5);
  assert.equal(count(wide, 0, 20), 5);
  assert.equal(count(wide, 0, 19), -1, "20 openers on the first line");
  // 15 '{' and the line feed fill one block exactly; the next line has 2.
  const block = "{".repeat(15) + "\n{{";
  assert.equal(count(block, 0, 15), 2);
  assert.equal(count(block, 0, 14), -1);
  // Closers and strings do not lower the count: it bounds the depth from above.
  assert.equal(count('{"a":"[[[","b":[]}\n', 0, 10), 0);
  assert.equal(count('{"a":"[[[","b":[]}\n', 0, 4), -1, "5 openers, 2 of them real");
  // A 16-byte block holding the 17th opener past a limit of 16, with no line end in it.
  assert.equal(count("[".repeat(32), 0, 16), -1);
  assert.equal(count("[".repeat(32), 0, 32), 32);
});

Deno.test("openers carries the count of a line cut by the end of the bytes", () => {
  // The first line continues one counted before: 995 + 5 = 1,000 is the limit exactly.
  assert.equal(count("[[[[[\n", 995, 1000), 0);
  assert.equal(count("[[[[[[\n", 995, 1000), -1);
  // The same bytes 3 bytes into the buffer (views that do not start at its beginning).
  assert.equal(count("x".repeat(17) + "[[\n{", 7, 9, 3), 1);
  assert.equal(count("x".repeat(17) + "[[[\n{", 7, 9, 3), -1);
  assert.equal(count("", 7, 9, 1), 7, "no bytes: the carried count");
});

Deno.test("nestsDeeperThan: a line past the counter's bound is decided by the exact scan", async () => {
  // 1,500 '[' inside a string: the counter cannot rule the line out, the exact scan finds
  // depth 1.
  const inString = await tempFile("strings.ndjson", `{"s":"${"[".repeat(1500)}"}\n{"s":"x"}\n`);
  assert.equal(await nestsDeeperThan(inString), false);
  const nested = (depth: number) => `{"a":${"[".repeat(depth - 1)}1${"]".repeat(depth - 1)}}\n`;
  // The object is level 1, so depth d is d - 1 brackets inside it.
  assert.equal(await nestsDeeperThan(await tempFile("d1000.ndjson", nested(1000))), false);
  assert.equal(await nestsDeeperThan(await tempFile("d1001.ndjson", nested(1001))), true);
  // 700 openers on each of two lines: 1,400 in the file, at most 700 on a line.
  assert.equal(await nestsDeeperThan(await tempFile("two.ndjson", nested(700).repeat(2))), false);
});

Deno.test("casefile load reads an NDJSON file past 16 MiB natively, its lines cut by the reads", async () => {
  // 9,000 lines of 2,1xx bytes (19 MB): two 16 MiB reads, lines cut by them, each nesting
  // 50 deep (the object and 49 arrays), well within the limit of 1,000: Polars reads it.
  const line = (i: number) =>
    `{"id":${i},"a":${"[".repeat(49)}${i % 10}${"]".repeat(49)},"n":"${"x".repeat(2000)}"}\n`;
  const rows = 9000;
  const text = Array.from({ length: rows }, (_, i) => line(i)).join("");
  assert.ok(text.length > 16 * 2 ** 20);
  const file = await tempFile("deep50.ndjson", text);
  assert.equal(await nestsDeeperThan(file), false);
  const table = await loadTable(file);
  assert.equal(table.frame.height, rows);
  assert.deepEqual(table.schema.columns.map((c) => c.type), ["long", "dynamic", "string"]);
  const out = await runCasefile(["load", file, "--format", "csv", "--rows", "3"]);
  assert.equal(out.code, 0, out.stderr.slice(-500));
  const first = out.stdout.split("\n")[1];
  assert.ok(first.startsWith("0,"), first);
  assert.ok(first.includes("[".repeat(49) + "0" + "]".repeat(49)), "the value kept whole");
});
