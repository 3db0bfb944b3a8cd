/**
 * The CSV check counts separators four bytes at a time: fields at every byte alignment
 * (start, middle and end of a line, before a CR) must count exactly. Records are built so
 * the expected counts are known: `k` letters then the remaining fields empty.
 */
import assert from "node:assert/strict";
import { loadTable } from "../../src/data/mod.ts";
import { checkCsv } from "../../src/data/_csv_check.ts";
import { tempFile } from "../_helpers.ts";

const HEADER = "a,b,c,d,e,f,g,h,i,j";

/** Rows of `k` letters then nine separators (10 fields), for k = 0..15, each twice. */
function rows(eol: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < 32; k++) out.push("x".repeat(k % 16) + ",".repeat(9) + eol);
  return out;
}

Deno.test("the CSV check counts fields exactly at every alignment, LF and CRLF", () => {
  for (const eol of ["\n", "\r\n"]) {
    for (let offset = 0; offset < 4; offset++) {
      const text = HEADER + eol + rows(eol).join("") + "1,2,3,4,5,6,7,8,9" + eol;
      const encoded = new TextEncoder().encode(text);
      // The bytes at each offset from a word boundary.
      const buffer = new Uint8Array(encoded.length + offset);
      buffer.set(encoded, offset);
      const shape = checkCsv(buffer.subarray(offset), "t.csv");
      assert.equal(shape.records, 33);
      assert.deepEqual(
        shape.short,
        { count: 1, firstLine: 34 },
        `offset ${offset} ${JSON.stringify(eol)}`,
      );
    }
  }
});

Deno.test("the CSV check refuses a record with one field too many at every alignment", () => {
  for (let k = 0; k < 8; k++) {
    const text = `${HEADER}\n${"y".repeat(k)}${",".repeat(10)}\n`;
    assert.throws(
      () => checkCsv(new TextEncoder().encode(text), "t.csv"),
      /the record has 11 fields but the header has 10 at line 2/,
    );
  }
});

Deno.test("loadTable() reads trailing empty fields as empty, not as short records", async () => {
  const table = await loadTable(
    await tempFile("trailing.csv", HEADER + "\n" + rows("\n").join("")),
  );
  assert.equal(table.frame.height, 32);
  assert.deepEqual(table.warnings, []);
});
