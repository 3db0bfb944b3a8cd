/**
 * Inference's exact ISO 8601 parse: when every sampled value of a column has one ISO shape,
 * the column is parsed with that one format, matched whole (`isoFormatOf`); where a value
 * further down has another shape, the column is parsed the general way. The datetimes must
 * be the ones the general parse gives, value for value: checked by hand on a loaded CSV whose
 * odd rows sit outside the sample, and against the reference (every candidate, general
 * parse) on values with the edges of the format (fractions of 1-9 digits and more, zones,
 * leap days, hour 24, second 60, years 0001 and 9999).
 */
import assert from "node:assert/strict";
import { isoFormatOf, parseIsoExactly, parseText } from "../../src/data/_coerce.ts";
import { columnValues, pl } from "../../src/polars.ts";
import { loadTable } from "../../src/data/load.ts";
import { join } from "node:path";
import { runCasefile, tempFile, tempFolder } from "../_helpers.ts";

Deno.test("isoFormatOf: one exact format when every value has the same ISO shape", () => {
  assert.equal(
    isoFormatOf(["2026-03-10T08:00:00Z", "2026-03-10T09:30:15Z"]),
    "%Y-%m-%dT%H:%M:%SZ",
  );
  assert.equal(
    isoFormatOf(["2026-03-10 08:00:00.5", "2026-03-10 08:00:01.250"]),
    "%Y-%m-%d %H:%M:%S%.f",
  );
  assert.equal(isoFormatOf(["2026-03-10T08:00:00.1234567+00:00"]), "%Y-%m-%dT%H:%M:%S%.f+00:00");
  assert.equal(isoFormatOf(["2026-03-10T08:00:00-0000"]), "%Y-%m-%dT%H:%M:%S-0000");
  // A fraction of 3, 6 or 9 digits in every value, ending the text: a fixed-width format.
  assert.equal(
    isoFormatOf(["2026-03-10T08:00:00.123456", "2026-03-10T08:00:01.000000"]),
    "%Y-%m-%dT%H:%M:%S.%6f",
  );
  assert.equal(isoFormatOf(["2026-03-10 08:00:00.123"]), "%Y-%m-%d %H:%M:%S.%3f");
  assert.equal(isoFormatOf(["2026-03-10 08:00:00.123456789"]), "%Y-%m-%d %H:%M:%S.%9f");
  // Other widths, widths that differ, or a zone after the fraction: the general `%.f`.
  assert.equal(isoFormatOf(["2026-03-10T08:00:00.1234567Z"]), "%Y-%m-%dT%H:%M:%S%.fZ");
  assert.equal(isoFormatOf(["2026-03-10T08:00:00.123456Z"]), "%Y-%m-%dT%H:%M:%S%.fZ");
  assert.equal(isoFormatOf(["2026-03-10T08:00:00.1234"]), "%Y-%m-%dT%H:%M:%S%.f");
  assert.equal(
    isoFormatOf(["2026-03-10T08:00:00.123456", "2026-03-10T08:00:00.123"]),
    "%Y-%m-%dT%H:%M:%S%.f",
  );
  // Shapes that differ: a fraction in one only, two separators, two zone suffixes.
  assert.equal(isoFormatOf(["2026-03-10T08:00:00Z", "2026-03-10T08:00:00.5Z"]), undefined);
  assert.equal(isoFormatOf(["2026-03-10T08:00:00Z", "2026-03-10 08:00:00Z"]), undefined);
  assert.equal(isoFormatOf(["2026-03-10T08:00:00Z", "2026-03-10T08:00:00+00:00"]), undefined);
  // Not to the second, not ISO, a zone other than UTC, nothing to look at.
  assert.equal(isoFormatOf(["2026-03-10T08:00Z"]), undefined);
  assert.equal(isoFormatOf(["03/10/2026 08:00:00"]), undefined);
  assert.equal(isoFormatOf(["2026-03-10T08:00:00+01:00"]), undefined);
  assert.equal(isoFormatOf([]), undefined);
});

/**
 * 3,000 rows of `2026-03-10T08:mm:ss` and `fraction` (row r at r seconds past 08:00), the
 * `odd` values put in at their rows.
 */
function isoCsv(odd: Record<number, string>, fraction = ".1234567Z"): string {
  const lines = ["Id,TimeGenerated"];
  for (let r = 0; r < 3000; r++) {
    const m = String(Math.floor(r / 60) % 60).padStart(2, "0");
    const s = String(r % 60).padStart(2, "0");
    const h = String(8 + Math.floor(r / 3600)).padStart(2, "0");
    lines.push(`${r},${odd[r] ?? `2026-03-10T${h}:${m}:${s}${fraction}`}`);
  }
  return lines.join("\n") + "\n";
}

// The sample is the first 500 rows and every 6th row (3,000 / 500): rows 1,001 and 2,999
// are outside it (1,001 = 6·166 + 5, 2,999 = 6·499 + 5), so its values all share one shape.

for (const fraction of [".1234567Z", ".123456"]) {
  Deno.test(`casefile query: ISO values (…${fraction}) of another shape outside the sample still read as datetimes`, async () => {
    const folder = await tempFolder({
      "iso.csv": isoCsv(
        { 1001: "2026-03-10 08:16:41", 2999: "2026-03-10T08:49:59.5+00:00" },
        fraction,
      ),
    });
    const table = await loadTable(join(folder, "iso.csv"));
    assert.deepEqual(table.schema.columns.map((c) => c.type), ["long", "datetime"]);
    assert.deepEqual(table.warnings, []);
    const times = columnValues<Date>(table.frame, "TimeGenerated");
    const at = (row: number) => times[row].toISOString();
    // Worked by hand: row 7 is 08:00:07.1234567, read to the microsecond (…123456), shown
    // to the millisecond by Date; row 1,001 (16·60 + 41 s) and 2,999 (49·60 + 59 s).
    assert.equal(at(7), "2026-03-10T08:00:07.123Z");
    assert.equal(at(1001), "2026-03-10T08:16:41.000Z");
    assert.equal(at(2999), "2026-03-10T08:49:59.500Z");
    const micros = table.frame.select(
      pl.col("TimeGenerated").cast(pl.Int64).modulo(1_000_000).alias("us"),
    ).getColumn("us");
    assert.equal(Number(micros.get(7)), 123_456);
    const out = await runCasefile([
      "query",
      "--data",
      folder,
      "--format",
      "csv",
      "iso | where Id in (7, 1001, 2999) | project Id, T = format_datetime(TimeGenerated, " +
      "'yyyy-MM-dd HH:mm:ss.ffffff')",
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(out.stdout.trim().split("\n"), [
      "Id,T",
      "7,2026-03-10 08:00:07.123456",
      "1001,2026-03-10 08:16:41.000000",
      "2999,2026-03-10 08:49:59.500000",
    ]);
  });
}

Deno.test("casefile load: a value that is no datetime outside the sample keeps the column text, named", async () => {
  const file = await tempFile("isobad.csv", isoCsv({ 2999: "not a date" }, ".123456"));
  const out = await runCasefile(["load", file]);
  assert.equal(out.code, 0, out.stderr);
  // Row 2,999 is on line 3,001 (the header is line 1).
  assert.match(
    out.stdout + out.stderr,
    /column TimeGenerated: 1 value\(s\) are not datetime \(first at line 3001: "not a date"\)/,
  );
  const table = await loadTable(file);
  assert.deepEqual(table.schema.columns.map((c) => c.type), ["long", "string"]);
  assert.equal(table.frame.getColumn("TimeGenerated").get(2999), "not a date");
});

Deno.test("the exact ISO parse gives the general parse's datetime wherever it reads a value", () => {
  // Each list's first value sets the format; the others are edges of it. Where the exact
  // parse reads a value, it must be the general parse's datetime; where it does not, the
  // general parse decides (inference falls back to it).
  const groups: string[][] = [
    [
      "2026-03-10T08:00:00Z",
      "2024-02-29T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2026-03-10T24:00:00Z",
      "2016-12-31T23:59:60Z",
      "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59Z",
      "2026-03-10T08:00:00.5Z",
      "2026-03-10t08:00:00Z",
      "2026-3-10T08:00:00Z",
      "-0001-03-10T08:00:00Z",
      "2026-03-10T08:00:00Zjunk",
      "x2026-03-10T08:00:00Z",
      "2026-03-10T08:00:00",
    ],
    [
      "2026-03-10 08:00:00.1",
      "2026-03-10 08:00:00.123456789",
      "1969-12-31 23:59:59.9999995",
      "2026-03-10 08:00:00.1234567891",
      "2026-03-10 08:00:00",
      "2026-03-10 08:00:00.",
      "1900-01-01 00:00:00.000001",
    ],
    [
      "2026-03-10T08:00:00+00:00",
      "2026-03-10T08:00:00-00:00",
      "2026-03-10T08:00:00+0000",
      "2026-03-10T08:00:00+01:00",
      "2026-03-10T08:00:00",
    ],
    // Fixed-width fractions (Polars' fast reader), and what is near them.
    [
      "2026-03-10T08:00:00.123456",
      "2026-03-10T08:00:00.12345",
      "2026-03-10T08:00:00.1234567",
      "1969-12-31T23:59:59.999999",
      "2024-02-29T23:59:59.999999",
      "2023-02-29T00:00:00.000000",
      "2016-12-31T23:59:60.000000",
      "2026-03-10T24:00:00.000000",
      " 2026-03-10T08:00:00.123456",
      "2026-03-10T08:00:00.123456Z",
      "2026-03-10T08:00:00",
      "+2026-03-10T08:00:00.123456",
      "-0001-03-10T08:00:00.123456",
      "0001-01-01T00:00:00.000001",
      "2026-3-10T08:00:00.123456",
    ],
    [
      "2026-03-10 08:00:00.123",
      "1969-12-31 23:59:59.999",
      "2026-03-10 08:00:00.12",
      "2026-03-10 08:00:00.1234",
      "2026-03-10 08:00:60.000",
    ],
    [
      "2026-03-10 08:00:00.123456789",
      "1969-12-31 23:59:59.999999999",
      "2026-03-10 08:00:00.12345678",
      "2026-03-10 08:00:00.1234567891",
      // Past nanoseconds' range (1677-2262): read in microseconds, not wrapped around.
      "9999-12-31 23:59:59.999999999",
      "2262-04-12 00:00:00.000000000",
      "0001-01-01 00:00:00.000000001",
    ],
  ];
  for (const values of groups) {
    const format = isoFormatOf([values[0]]);
    assert.ok(format, values[0]);
    const frame = pl.DataFrame([pl.Series("s", values, pl.Utf8)]).select(
      parseText("s", "datetime", ["iso"]).cast(pl.Int64).alias("general"),
      parseIsoExactly(pl.col("s"), format).cast(pl.Int64).alias("exact"),
    );
    const general = frame.getColumn("general").toArray();
    const exact = frame.getColumn("exact").toArray();
    for (const [i, v] of values.entries()) {
      if (exact[i] !== null) assert.equal(exact[i], general[i], `${v} read as ${format}`);
    }
    assert.notEqual(exact[0], null, `${values[0]} read as ${format}`);
  }
  // By hand: a year past 2262 keeps its digits (as `%9f` nanoseconds it wrapped to 1816).
  const late = pl.DataFrame([pl.Series("s", ["9999-12-31 23:59:59.999999999"])])
    .select(parseIsoExactly(pl.col("s"), "%Y-%m-%d %H:%M:%S.%9f").cast(pl.Utf8).alias("t"))
    .getColumn("t").toArray();
  assert.deepEqual(late, ["9999-12-31 23:59:59.999999"]);
  // By hand: 2024 is a leap year and 2023 is not; whole seconds past the epoch, in µs.
  const leap = pl.DataFrame([pl.Series("s", ["2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z"])])
    .select(parseIsoExactly(pl.col("s"), "%Y-%m-%dT%H:%M:%SZ").cast(pl.Int64).alias("t"))
    .getColumn("t").toArray();
  assert.deepEqual(leap.map((t) => t === null ? null : Number(t)), [1_709_164_800_000_000, null]);
});
