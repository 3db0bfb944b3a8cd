import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { formatCell, frameTable, textTable } from "../../repl/_format.ts";
import { formatValue } from "../../repl/_display.ts";
import { pl } from "../../src/polars.ts";
import { kql } from "../../src/session/kql_template.ts";

Deno.test("frameTable() aligns columns, numbers to the right, and shows the shape", () => {
  const frame = pl.DataFrame({ IPAddress: ["203.0.113.45", "10.0.0.1"], Failures: [449, 7] });
  assertEquals(
    frameTable(frame),
    [
      "IPAddress     Failures",
      "------------  --------",
      "203.0.113.45       449",
      "10.0.0.1             7",
      "(2 rows × 2 columns)",
    ].join("\n"),
  );
});

Deno.test("frameTable() cuts rows, long cells, and columns that do not fit the width", () => {
  const frame = pl.DataFrame({
    A: Array.from({ length: 30 }, (_, i) => i),
    Long: Array.from({ length: 30 }, () => "x".repeat(100)),
    C: Array.from({ length: 30 }, () => "c"),
    D: Array.from({ length: 30 }, () => "d"),
  });
  const text = frameTable(frame, { width: 50, maxRows: 5, maxCell: 20 });
  const lines = text.split("\n");
  assertEquals(lines.length, 2 + 5 + 1);
  ok(lines.slice(0, -1).every((l) => l.length <= 50), text);
  assertEquals(lines[2], "0  xxxxxxxxxxxxxxxxxxx…  c  d");
  assertEquals(lines.at(-1), "(30 rows × 4 columns; first 5 rows shown)");
  const narrow = frameTable(frame, { width: 24, maxRows: 2, maxCell: 20 });
  ok(narrow.endsWith("2 more columns: C, D)"), narrow);
  ok(narrow.split("\n").slice(0, -1).every((l) => l.length <= 24), narrow);
});

Deno.test("formatCell() shows datetimes in UTC, nulls empty, and lists as JSON", () => {
  assertEquals(formatCell(new Date("2026-03-11T05:12:44Z")), "2026-03-11 05:12:44");
  assertEquals(formatCell(new Date("2026-03-11T05:12:44.250Z")), "2026-03-11 05:12:44.250");
  assertEquals(formatCell(null), "");
  assertEquals(formatCell(["a", 1]), '["a",1]');
  assertEquals(formatCell("two\nlines"), "two⏎lines");
  assertEquals(formatCell(90_000_000, "Duration"), "00:01:30");
  assertEquals(formatCell(0.1 + 0.2), "0.3");
});

Deno.test("formatValue() shows frames as tables, queries as text, the rest inspected", () => {
  const options = { width: 80, colors: false };
  ok(formatValue(pl.DataFrame({ a: [1] }), options).endsWith("(1 rows × 1 columns)"));
  assertEquals(formatValue(kql`T | where A == ${"x"}`, options), 'kql: T | where A == "x"');
  assertEquals(formatValue({ a: [1, 2] }, options), "{ a: [ 1, 2 ] }");
  const long = formatValue(Array.from({ length: 200 }, (_, i) => ({ i, s: "x".repeat(60) })), {
    ...options,
    maxLines: 10,
  });
  assertEquals(long.split("\n").length, 11);
  ok(long.endsWith("more lines"));
});

Deno.test("textTable() keeps an empty table's header", () => {
  assertEquals(textTable(["a", "b"], []), "a  b\n-  -");
});
