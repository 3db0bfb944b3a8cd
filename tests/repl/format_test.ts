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
  const text = frameTable(frame, { width: 50, maxRows: 5, maxCell: 20, name: "t" });
  const lines = text.split("\n");
  assertEquals(lines.length, 2 + 5 + 2);
  ok(lines.every((l) => l.length <= 50), text);
  assertEquals(lines[2], "0  xxxxxxxxxxxxxxxxxxx…  c  d");
  // The note wraps to the width; the cut values are whole in row 0's record.
  assertEquals(lines.slice(-2), [
    "(30 rows × 4 columns; first 5 rows shown;",
    "values cut, whole with .show t 0)",
  ]);
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
  ok(formatValue(pl.DataFrame({ a: [1] }), options).endsWith("(1 row × 1 column)"));
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

// Seeing whole values (issue 19): raw strings, rounded floats, hostile text, the record view.

import { Buffer } from "node:buffer";
import { match, throws } from "node:assert/strict";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { show } from "../../src/display/mod.ts";
import type { DisplayError } from "../../src/display/errors.ts";
import { CRADLE } from "../_demo_tables.ts";

/** ANSWERS.md, stage 10: the service's binary. */
const WSH = "C:\\Windows\\Temp\\wsh.exe";

/** Characters that must never reach a terminal raw (ESC, BEL, CR, backspace, C1, RLO). */
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/;
// deno-lint-ignore no-control-regex
const COLOUR = /\x1b\[\d+m/g;

Deno.test("a Windows path prints raw: alone, in an array, in a table, in a record", () => {
  assertEquals(formatValue(WSH, { width: 100, colors: false }), "C:\\Windows\\Temp\\wsh.exe");
  assertEquals(
    formatValue([WSH, "C:\\ProgramData\\rclone.exe"], { width: 100, colors: false }),
    '[ "C:\\Windows\\Temp\\wsh.exe", "C:\\ProgramData\\rclone.exe" ]',
  );
  const frame = pl.DataFrame({ ServiceFileName: [WSH] });
  ok(frameTable(frame).includes("\nC:\\Windows\\Temp\\wsh.exe\n"), frameTable(frame));
  match(show(frame).toText(80), /^ServiceFileName {2}C:\\Windows\\Temp\\wsh\.exe$/m);
});

Deno.test("floats are rounded in tables and whole in the record view; integers exact", () => {
  assertEquals(formatCell(59.91966105), "59.92");
  assertEquals(formatCell(-3.14159), "-3.14");
  assertEquals(formatCell(0.0123456), "0.0123");
  assertEquals(formatCell(2684354560), "2684354560"); // ANSWERS.md: bytes exfiltrated
  assertEquals(formatCell(60), "60");
  const frame = pl.DataFrame({ Host: ["LKS-FS01"], Score: [59.91966105], Bytes: [2684354560] });
  match(frameTable(frame), /LKS-FS01\s+59\.92\s+2684354560\n/);
  const record = show(frame).toText(80);
  match(record, /^Score {2}59\.91966105$/m);
  match(record, /^Bytes {2}2684354560$/m);
});

Deno.test("escape sequences in data are shown, never sent to the terminal", () => {
  const hostile = [
    "cmd /c echo \x1b]0;owned\x07", // sets the window title
    "\x1b[2J\x1b[Hcleared", // clears the screen
    "invoice\u202etxt.exe", // right-to-left override
    "a\rb\bc\x9bd", // carriage return, backspace, a C1 CSI
  ];
  const frame = pl.DataFrame({ CommandLine: hostile });
  const outputs = [
    frameTable(frame),
    frameTable(frame, { maxCell: Infinity }),
    show(frame, 0).toText(),
    show(frame, 1).toText(),
    show(frame, 2).toText(),
    show(frame, 3).toText(),
    formatValue(hostile[0], { width: 100, colors: false }),
    formatValue(hostile, { width: 100, colors: false }),
    // The inspector's own colours are the only escapes allowed.
    formatValue({ cmd: hostile[1] }, { width: 100, colors: true }).replace(COLOUR, ""),
  ];
  for (const text of outputs) ok(!RAW_CONTROL.test(text), JSON.stringify(text));
  ok(frameTable(frame).includes("cmd /c echo \\x1b]0;owned\\x07"), frameTable(frame));
  ok(show(frame, 2).toText().includes("invoice\\u202etxt.exe"));
  ok(show(frame, 3).toText().includes("a\\x0db\\x08c\\x9bd"));
});

Deno.test("the record view shows the attacker's whole encoded command line, wrapped", async () => {
  const provider = await openLocalProvider();
  // ANSWERS.md, stage 7: 2026-03-12T01:52:08Z on LKS-WS-1042.
  const { frame } = await provider.query(
    "DeviceProcessEvents | where TimeGenerated == datetime(2026-03-12T01:52:08Z) " +
      '| where FileName =~ "powershell.exe"',
  );
  assertEquals(frame.height, 1);
  const text = show(frame, 0).toText(80);
  for (const line of text.split("\n")) ok(line.length <= 80, `longer than 80: ${line}`);
  // Every column is there, one a line (the value beside its name).
  match(text, /^row 0 of 1 \(0 to 0\)$/m);
  match(text, /^DeviceName {10,}lks-ws-1042\.corp\.larkspurlogistics\.example$/m);
  match(text, /^InitiatingProcessFileName +explorer\.exe$/m);
  // The command line, its wrapped lines joined: the whole base64, which decodes to the cradle.
  const start = text.indexOf("\nProcessCommandLine");
  const lines = text.slice(start + 1).split("\n");
  const value = [lines[0].replace(/^ProcessCommandLine\s+/, "")];
  for (const line of lines.slice(1)) {
    if (!/^ {20,}\S/.test(line)) break;
    value.push(line.trim());
  }
  const encoded = /-EncodedCommand\s+(\S+)/.exec(value.join(""))?.[1];
  ok(encoded, text);
  assertEquals(Buffer.from(encoded, "base64").toString("utf16le"), CRADLE);
  ok(value.length > 3, "a long command line is wrapped over lines, not cut");
  ok(!text.includes("…"), "nothing is cut");
});

Deno.test("the record view pretty-prints a dynamic bag and takes columns and rows", async () => {
  const provider = await openLocalProvider();
  const { frame } = await provider.query(
    'SigninLogs | where ResultType == "50126" | sort by TimeGenerated asc | take 3',
  );
  const text = show(frame, -1, { columns: ["ResultType", "LocationDetails"] }).toText(100);
  const lines = text.split("\n");
  assertEquals(lines[0], `row 2 of 3 (0 to 2); ${frame.width - 2} columns not shown`);
  assertEquals(lines[1], "ResultType       50126");
  assertEquals(lines[2], "LocationDetails  {");
  match(lines[3], /^ {17} {2}"city": "[^"]+",$/);
  match(text, /^ {19}"geoCoordinates": \{$/m);
  throws(() => show(frame, 3), (e: DisplayError) => {
    assertEquals(e.message, "There is no row 3: the frame has 3 rows.");
    assertEquals(e.hint, "Rows count from 0 to 2 (-1 is the last).");
    return true;
  });
  throws(() => show(frame, 0, { columns: ["Locationdetails"] }), (e: DisplayError) => {
    match(`${e.message} ${e.hint}`, /Did you mean `LocationDetails`/);
    return true;
  });
});

Deno.test("the record view keeps a dynamic value's numbers as written: a long past 2^53", () => {
  // 2^53 + 1 = 9007199254740993 (a JavaScript number would round it to ...992).
  const bag = '{"ReportId": 9007199254740993, "Score": 0.10, "Ids": [18446744073709551615]}';
  const frame = pl.DataFrame({ AdditionalFields: [bag] });
  assertEquals(
    show(frame).fields[0].text,
    '{\n  "ReportId": 9007199254740993,\n  "Score": 0.10,\n  "Ids": [\n    18446744073709551615\n  ]\n}',
  );
});

Deno.test("frameTable() in wide mode cuts nothing and leaves no column out", () => {
  const long = "x".repeat(300);
  const frame = pl.DataFrame({ A: [long], B: ["b"], C: ["c"] });
  const text = frameTable(frame, { width: 40, maxCell: Infinity });
  ok(text.includes(long));
  match(text, /^A +B {2}C$/m);
  assertEquals(frameTable(frame, { columns: ["C", "A"], maxCell: 5 }).split("\n")[0], "C  A");
  throws(() => frameTable(frame, { columns: ["D"] }), /no column D/);
});

Deno.test("frameTable(): the note of columns left out wraps to the width (no pager for it)", () => {
  const frame = pl.DataFrame(
    Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`InitiatingProcessColumn${i}`, [i]])),
  );
  const text = frameTable(frame, { width: 60 });
  for (const line of text.split("\n")) ok(line.length <= 60, `wider than 60: ${line}`);
  match(text, /\(1 row × 30 columns;\n28 more columns: InitiatingProcessColumn2,/);
});

Deno.test("frameTable(): a table that cut values names the first row with one, to .show", () => {
  // Row 2's command line is 300 characters, row 0's and 1's are short: row 2 is the one.
  const frame = pl.DataFrame({
    Computer: ["LKS-WS-1042", "LKS-FS01", "LKS-DC01"],
    CommandLine: [
      "cmd.exe /c whoami",
      "svchost.exe -k netsvcs",
      "powershell.exe " + "A".repeat(285),
    ],
  });
  assertEquals(
    frameTable(frame, { name: "procs" }).split("\n").at(-1),
    "(3 rows × 2 columns; values cut, whole with .show procs 2)",
  );
  // No variable (the shell's `casefile hunt run`, a fork's second table): no `.show` to name.
  assertEquals(frameTable(frame).split("\n").at(-1), "(3 rows × 2 columns)");
  // Nothing cut: no note; wide: nothing is cut.
  assertEquals(
    frameTable(frame.head(2), { name: "procs" }).split("\n").at(-1),
    "(2 rows × 2 columns)",
  );
  assertEquals(
    frameTable(frame, { name: "procs", maxCell: Infinity }).split("\n").at(-1),
    "(3 rows × 2 columns)",
  );
  // One column wider than the terminal is cut at its width: row 2 still.
  const one = frameTable(frame.select("CommandLine"), { name: "procs", width: 30, maxCell: 300 });
  assertEquals(one.split("\n").slice(-3), [
    "(3 rows × 1 column;",
    "values cut,",
    "whole with .show procs 2)",
  ]);
});
