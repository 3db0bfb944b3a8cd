/**
 * More of the CSV structural check (src/data/_csv_check.ts), for the survivors of a 20-mutant
 * harness run (issue 23, M2): a UTF-8 byte-order mark before a quoted header field, UTF-16 with
 * either byte-order mark, the first of several short records named, and the problem and hint a
 * person reads for an unclosed quote and for text after a closing quote. Expected lines are
 * counted by hand in the texts below.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { DataLoadError } from "../../src/data/errors.ts";
import { asUtf8, checkCsv } from "../../src/data/_csv_check.ts";
import { runCasefile, tempFile } from "../_helpers.ts";

function utf16(text: string, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i + (bigEndian ? 0 : 1)] = c >> 8;
    out[2 + 2 * i + (bigEndian ? 1 : 0)] = c & 0xff;
  }
  return out;
}

Deno.test("mutation/csv_check: a UTF-8 BOM before a quoted header field (casefile load)", async () => {
  const file = await tempFile("bom.csv", '\uFEFF"Account",IP\n"alice","10.0.0.1"\nbob,10.0.0.2\n');
  const run = await runCasefile(["load", file, "--format", "csv"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), "Account,IP\nalice,10.0.0.1\nbob,10.0.0.2");
});

Deno.test("mutation/csv_check: UTF-16 with a big- or little-endian mark reads as its text", async () => {
  const text = "a,b\n1,x\n";
  for (const bigEndian of [true, false]) {
    assert.equal(new TextDecoder().decode(asUtf8(utf16(text, bigEndian), "f.csv")), text);
  }
  const file = await tempFile("be.csv", utf16("User,Count\nalice,3\n", true));
  const table = await loadTable(file);
  assert.deepEqual(table.frame.toRecords(), [{ User: "alice", Count: 3 }]);
});

Deno.test("mutation/csv_check: the first of several short records is the one named", async () => {
  // Lines: 1 header, 2 full, 3 short, 4 short, 5 full.
  const text = "a,b,c\n1,2,3\n4,5\n6\n7,8,9\n";
  const shape = checkCsv(new TextEncoder().encode(text), "short.csv");
  assert.deepEqual(shape.short, { count: 2, firstLine: 3 });
  assert.equal(shape.records, 4);
  const table = await loadTable(await tempFile("short.csv", text));
  assert.equal(table.frame.height, 4);
  assert.match(
    table.warnings.map((w) => w.message).join("\n"),
    /2 record\(s\) have fewer fields than the header \(first at line 3\)/,
  );
});

Deno.test("mutation/csv_check: an unclosed quote and text after a closing quote say what to fix", () => {
  const fail = (text: string) => {
    try {
      checkCsv(new TextEncoder().encode(text), "bad.csv");
    } catch (e) {
      assert.ok(e instanceof DataLoadError, String(e));
      return e;
    }
    assert.fail(`no error for ${JSON.stringify(text)}`);
  };
  // The quote opens on line 3.
  const open = fail('a,b\n1,2\n3,"four\n5,6\n');
  assert.equal(open.message, "Cannot read bad.csv: a quoted field is never closed at line 3");
  assert.match(open.hint ?? "", /missing closing quote/);
  const after = fail('a,b\n"x"y,2\n');
  assert.equal(
    after.message,
    "Cannot read bad.csv: unexpected text after a closing quote at line 2",
  );
  assert.equal(after.hint, 'A quote inside a quoted field must be doubled ("").');
});

Deno.test("mutation/csv_check: blank lines between records are no records, LF and CRLF", async () => {
  for (const eol of ["\n", "\r\n"]) {
    const text = ["a,b", "1,2", "", "3,4", "", "", "5,6", ""].join(eol);
    // Lines: 1 header, 2 record, 3 blank, 4 record, 5-6 blank, 7 record.
    const shape = checkCsv(new TextEncoder().encode(text), "blank.csv");
    assert.equal(shape.records, 3);
    assert.deepEqual(shape.short, { count: 0, firstLine: 0 });
    const table = await loadTable(await tempFile("blank.csv", text));
    assert.deepEqual(table.frame.toRecords(), [{ a: 1, b: 2 }, { a: 3, b: 4 }, { a: 5, b: 6 }]);
    assert.deepEqual(table.warnings, []);
  }
  assert.throws(
    () => checkCsv(new TextEncoder().encode("\na,b\n1,2\n"), "top.csv"),
    /a blank line before the header at line 1/,
  );
});
