/**
 * The CSV check's WebAssembly fast path (`src/data/_csv_scan_wasm.ts`, encoded by
 * `_wasm_encode.ts`): it crosses well-formed
 * records 16 bytes at a time, 4 MiB per call, and leaves every other record to the check in
 * JavaScript. A wrong skip would let a malformed record through or name the wrong line, so
 * these tests put problems where the fast path has edges: the 16-byte blocks, the 4 MiB
 * chunk boundary (byte 4,194,304), quoted fields, CRLF, multi-line records. Lines are
 * computed by hand from a fixed-width layout: record r (0-based) starts at byte
 * 13 + 64·r, on line r + 2 (until a record spans two lines).
 */
import assert from "node:assert/strict";
import { checkCsv, checkCsvFile, type CsvShape } from "../../src/data/_csv_check.ts";
import { csvScanner, indexOfByte, scanBuffer } from "../../src/data/_csv_scan.ts";
import { CSV_SCAN_WASM } from "../../src/data/_csv_scan_wasm.ts";
import { sleb, uleb } from "../../src/data/_wasm_encode.ts";
import { PARALLEL_CHECK_BYTES } from "../../src/data/_csv.ts";
import { DataLoadError } from "../../src/data/errors.ts";
import { type CasefileRun, runCasefile, tempFile } from "../_helpers.ts";

const CHUNK_EDGE = 4 * 2 ** 20; // 4,194,304
const HEADER = "id,host,note\n"; // 13 bytes
const ROWS = 140_000; // 8,960,013 bytes: checked in the worker

/** Record r: `0000042,host-42,ok....` padded to 63 characters and a line feed. */
function record(r: number): string {
  const line = `${String(r).padStart(7, "0")},host-${String(r % 50).padStart(2, "0")},ok`;
  return line.padEnd(63, ".") + "\n";
}

function fixedCsv(edit: (r: number, line: string) => string = (_, l) => l): string {
  const parts = [HEADER];
  for (let r = 0; r < ROWS; r++) parts.push(edit(r, record(r)));
  return parts.join("");
}

async function casefileLoad(text: string, name = "scan.csv"): Promise<CasefileRun> {
  const file = await tempFile(name, text);
  assert.ok((await Deno.stat(file)).size >= PARALLEL_CHECK_BYTES, "checked in the worker");
  return await runCasefile(["load", file, "--format", "csv"]);
}

function checkError(text: string): DataLoadError {
  try {
    checkCsv(new TextEncoder().encode(text), "t.csv");
  } catch (error) {
    assert.ok(error instanceof DataLoadError, String(error));
    return error;
  }
  assert.fail("expected a DataLoadError");
}

Deno.test("LEB128 numbers match the specification's examples", () => {
  // Unsigned 624,485 and signed -123,456 are the worked examples of LEB128 (DWARF 4, 7.6).
  assert.deepEqual(uleb(624_485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(sleb(-123_456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual([uleb(0), uleb(127), uleb(128)], [[0], [0x7f], [0x80, 0x01]]);
  // Signed: bit 6 of the last byte is the sign, so 63 fits one byte and 64 needs two.
  assert.deepEqual([sleb(-1), sleb(63), sleb(64), sleb(-64), sleb(-65)], [
    [0x7f],
    [0x3f],
    [0xc0, 0x00],
    [0x40],
    [0xbf, 0x7f],
  ]);
});

Deno.test("the encoded kernel is valid WebAssembly and crosses and stops where it should", () => {
  assert.ok(WebAssembly.validate(CSV_SCAN_WASM), "the encoder wrote a valid module");
  // Offsets counted by hand; the header "a,b,c\n" is 6 bytes, so records start at 6.
  const long = "x".repeat(20); // 16-byte blocks inside a field
  const cases: [string, number, number][] = [
    // body after the header, records crossed, stop offset
    ["1,2,3\n4,5,6\n", 2, 18], // to the end
    [`${long},${long},y\n1,2,3\n`, 2, 6 + 44 + 6],
    ['"x,""y""",2,3\r\n1,2,3\n', 2, 6 + 15 + 6], // quoted separator, doubled quotes, CRLF
    ["1,2,3\n\n4,5,6\n", 1, 12], // a blank line is left to JavaScript
    ["1,2,3\n1,2\n4,5,6\n", 1, 12], // a short record
    ["1,2,3\n1,2,3,4\n", 1, 12], // an extra field
    ['1,2,3\n1,x"y,3\n', 1, 12], // a quote inside a field
    ['1,2,3\n1,"y"z,3\n', 1, 12], // text after a closing quote
    ['1,2,3\n1,"y\nz",3\n', 1, 12], // a quoted field on two lines
    ["1,2,3\n1,2\r3\n", 1, 12], // a lone CR
    ["1,2,3\n4,5,6", 1, 12], // no line break at the end
  ];
  for (const [body, records, stop] of cases) {
    const scanner = csvScanner(new TextEncoder().encode("a,b,c\n" + body));
    assert.ok(scanner, "WebAssembly SIMD compiled: the fast path is on");
    assert.deepEqual(scanner.scan(6, 44, 3), { records, stop }, JSON.stringify(body));
  }
  // A tab separator, found by the 16-byte compare (a block holding two of them).
  const tsv = new TextEncoder().encode(`a\tb\tc\n${"q".repeat(7)}\t${"r".repeat(7)}\tz\n`);
  assert.deepEqual(csvScanner(tsv)?.scan(6, 9, 3), { records: 1, stop: tsv.length });
});

Deno.test("casefile load names an extra field in the record that straddles the 4 MiB chunk edge", async () => {
  // Record floor((4,194,304 − 13) / 64) = 65,535 starts at 13 + 65,535·64 = 4,194,253 and
  // holds the edge (its 52nd byte); it is on line 65,537. "ok." → "ok," adds a fourth field.
  const text = fixedCsv((r, l) => r === 65_535 ? l.replace("ok.", "ok,") : l);
  assert.ok(text.indexOf("ok,") < CHUNK_EDGE && text.indexOf("ok,") + 60 > CHUNK_EDGE);
  const out = await casefileLoad(text);
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, /the record has 4 fields but the header has 3 at line 65537\b/);
});

Deno.test("casefile load names a NUL byte at the 4 MiB edge, ahead of a later stray quote", async () => {
  // Byte 4,194,304 is the 52nd of record 65,535 (line 65,537), in its dots. The stray
  // quote further on (line 100,002) is not what is reported: a NUL makes the file unreadable.
  const text = fixedCsv((r, l) =>
    r === 65_535 ? l.slice(0, 51) + "\0" + l.slice(52) : r === 100_000 ? l.replace("ok.", 'ok"') : l
  );
  assert.equal(text.indexOf("\0"), CHUNK_EDGE);
  const out = await casefileLoad(text);
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, /NUL byte at line 65537\b/);
});

Deno.test("casefile load names a stray quote after thousands of quoted fields with doubled quotes", async () => {
  // Every 7th note is quoted, holding a separator and a doubled quote (well-formed); the
  // stray quote is in record 100,000's unquoted note: line 100,002.
  const text = fixedCsv((r, l) =>
    r === 100_000
      ? l.replace("ok..", 'ok."')
      : r % 7 === 0
      ? l.replace(/ok\.+\n$/, `"a,""b"" c${".".repeat(36)}"\n`)
      : l
  );
  assert.equal(text.length, 13 + 64 * ROWS, "fixed width kept");
  const out = await casefileLoad(text);
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, /quote inside a field that is not quoted at line 100002\b/);
});

/** A quoted note as wide as the dotted one (47 characters), holding `, "y"`. */
const QUOTED = `"x, ""y""${".".repeat(37)}"`;

Deno.test("casefile load reads CRLF records, quoted separators, a two-line field and a short record", async () => {
  // CRLF throughout; record 50,000's note spans two lines (lines 50,002–50,003), so record
  // 70,000 is on line 70,003; it has 2 fields (short: the note is empty).
  const text = fixedCsv((r, l) => {
    let line = l.replace("\n", "\r\n");
    if (r % 5 === 0) line = line.replace(/ok\.*/, QUOTED);
    if (r === 50_000) line = line.replace(QUOTED, '"first\r\nsecond"');
    if (r === 70_000) line = line.replace(`,${QUOTED}`, "");
    return line;
  });
  const out = await casefileLoad(text, "crlf.csv");
  assert.equal(out.code, 0, out.stderr);
  assert.match(
    out.stderr,
    /1 record\(s\) have fewer fields than the header \(first at line 70003\)/,
  );
  const lines = out.stdout.split("\n");
  assert.equal(lines[0], "id,host,note");
  // Record 5 (a quoted note) and 6 (dots): the quoted separator and quotes came through.
  assert.equal(lines[6], `0000005,host-05,${QUOTED}`);
  assert.equal(lines[7], `0000006,host-06,ok${".".repeat(63 - 18)}`);
  assert.equal(lines[70_001 + 1], "0070000,host-00,", "the short record's note is empty");
  // 140,000 records, one of them on two lines, the header, and the final line break.
  assert.equal(lines.length, 1 + ROWS + 1 + 1);
});

Deno.test("checkCsv: problems inside and after 16-byte blocks, with their lines", () => {
  const long = "x".repeat(40);
  const ok = `${long},${long},${long}\n`;
  const head = "a,b,c\n" + ok.repeat(3); // records on lines 2–4
  assert.match(checkError(head + `${long},${long}x"y,${long}\n`).message, /not quoted at line 5$/);
  assert.match(
    checkError(head + `${long},"${long}"z,${long}\n`).message,
    /after a closing quote at line 5$/,
  );
  assert.match(checkError(head + `${long},"${long}\n${long}\n`).message, /never closed at line 5$/);
  assert.match(
    checkError(head + `${long},${long},${long},${long}\n`).message,
    /4 fields .* at line 5$/,
  );
  // A separator as the 16th byte of a block, then a quoted field: well-formed.
  const edge = "a,b\n" + "y".repeat(15) + ',"q,""r"""\n';
  const shape = checkCsv(new TextEncoder().encode(edge.repeat(1) + edge.slice(4)), "t.csv");
  assert.equal(shape.records, 2);
  assert.equal(shape.short.count, 0);
  // Text after a 16-byte block ending in a field, then a quote: not at a field's start.
  assert.match(checkError("a,b\n" + "y".repeat(16) + '"q",z\n').message, /not quoted at line 2$/);
});

Deno.test("indexOfByte finds the first byte in and around 16-byte blocks of WebAssembly memory", () => {
  const bytes = scanBuffer(100_003);
  bytes.fill(0x41);
  assert.equal(indexOfByte(bytes, 0), -1);
  for (const at of [0, 15, 16, 17, 99_999, 100_002]) {
    bytes[at] = 0;
    assert.equal(indexOfByte(bytes, 0), at, `NUL at ${at}`);
    assert.equal(
      indexOfByte(bytes.subarray(1), 0),
      at === 0 ? -1 : at - 1,
      `view from 1, NUL at ${at}`,
    );
    bytes[at] = 0x41;
  }
});

/** checkCsvFile's answer for `text` (written to a file), read `window` bytes at a time. */
async function checkFile(text: string, window: number): Promise<CsvShape | undefined> {
  return await checkCsvFile(await tempFile("window.csv", text), ",", window);
}

Deno.test("checkCsvFile: well-formed records read a window at a time, cut at its edges", async () => {
  // Header 13 bytes, records of 64 bytes; a 200-byte window cuts records at bytes 200, 200 +
  // (200 - cut), ...: 1,000 records, some with quoted separators and doubled quotes, CRLF.
  const text = HEADER.replace("\n", "\r\n") +
    Array.from({ length: 1000 }, (_, r) => {
      const line = record(r).replace("\n", "\r\n");
      return r % 3 === 0 ? line.replace(/ok\.*/, QUOTED) : line;
    }).join("");
  for (const window of [160, 200, 4096, 2 ** 20]) {
    const shape = await checkFile(text, window);
    assert.ok(shape, `window ${window}: read in windows`);
    assert.deepEqual(shape.header, ["id", "host", "note"]);
    assert.equal(shape.records, 1000);
    assert.deepEqual([shape.short.count, shape.blankRows.length, shape.recordLines], [
      0,
      0,
      undefined,
    ]);
  }
  // A byte-order mark before the header is no part of its first name.
  assert.deepEqual((await checkFile("\uFEFF" + text, 200))?.header, ["id", "host", "note"]);
  // A header alone, then nothing.
  assert.equal((await checkFile("a,b\n", 64))?.records, 0);
});

Deno.test("checkCsvFile leaves every file that needs the full check to it", async () => {
  const body = Array.from({ length: 20 }, (_, r) => record(r)).join("");
  const cases: Record<string, string> = {
    "a blank line": HEADER + body + "\n" + body,
    "a short record": HEADER + body + "1,2\n" + body,
    "an extra field": HEADER + body + "1,2,3,4\n" + body,
    "a quoted field on two lines": HEADER + body + '1,2,"x\ny"\n' + body,
    "a stray quote": HEADER + body + '1,2,x"y\n' + body,
    "a NUL byte": HEADER + body + "1,2,\0\n" + body,
    "a lone CR": HEADER + body + "1,2\r,3\n" + body,
    "no line break at the end": HEADER + body + "1,2,3",
    "a quoted header": '"id",host,note\n' + body,
    "a blank line first": "\n" + HEADER + body,
    "a record longer than half the window": HEADER + body + `1,2,${"z".repeat(250)}\n` + body,
    "no header line in the window": "x".repeat(300) + "\n1\n",
    "an empty file": "",
  };
  for (const [what, text] of Object.entries(cases)) {
    assert.equal(await checkFile(text, 200), undefined, what);
  }
});

Deno.test("casefile load reads a file the worker checks a window at a time, a record cut at 8 MiB", async () => {
  // The worker reads 8 MiB (8,388,608 bytes) at a time: record (8,388,608 − 13) / 64 =
  // 131,071 (line 131,073) starts at byte 8,388,557 and is cut by the window. Its note and
  // every 9th are quoted, holding a separator and doubled quotes.
  const quoted = (l: string) => l.replace(/ok\.*/, QUOTED);
  const text = fixedCsv((r, l) => r % 9 === 0 || r === 131_071 ? quoted(l) : l);
  assert.equal(text.length, 13 + 64 * ROWS, "fixed width kept");
  const file = await tempFile("window.csv", text);
  const shape = await checkCsvFile(file);
  assert.ok(shape, "checked a window at a time");
  assert.equal(shape.records, ROWS);
  const out = await runCasefile(["load", file, "--format", "csv"]);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.split("\n");
  assert.equal(lines.length, 1 + ROWS + 1);
  // Line 131,073 of the file is line 131,073 of the output (same header, one line each).
  assert.equal(lines[131_072], `0131071,host-21,${QUOTED}`);
  assert.equal(lines[131_073], `0131072,host-22,ok${".".repeat(63 - 18)}`);
});
