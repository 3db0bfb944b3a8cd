/**
 * Parquet files with a column of bytes (a byte array that is not text) load and scan with
 * that column as lowercase hexadecimal text, two digits a byte, and a note saying so
 * (issue 18: it was Polars' raw "DataType Binary is not supported for JS conversion"). A
 * loaded Parquet file without a recorded hash is read once: its values are checked against
 * its footer's statistics on the rows read, not by a second read of the file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { loadTable } from "../../src/data/mod.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

/** Three rows whose Payload is bytes: 4d 5a 90 00 ("MZ" and two more), ff 00, and null. */
function binaryFile(): Uint8Array {
  // The bytes are written from hex text by Polars' own decoder; what casefile shows is
  // compared with that text, written here by hand.
  return new Uint8Array(
    pl.DataFrame({ Id: [1, 2, 3], Hex: ["4d5a9000", "ff00", null] })
      .select(pl.col("Id"), pl.col("Hex").str.decode("hex").alias("Payload"))
      .writeParquet(),
  );
}

Deno.test("casefile load: a column of bytes is hexadecimal text, with a note", async () => {
  const folder = await tempFolder({ "Captures.parquet": binaryFile() });
  try {
    const run = await runCasefile(["load", join(folder, "Captures.parquet")]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr + run.stdout,
      /Captures\.parquet: column Payload holds bytes, read as hexadecimal text/,
    );
    assert.doesNotMatch(run.stderr, /not supported for JS conversion/);
    assert.match(run.stdout, /1,4d5a9000/);
    assert.match(run.stdout, /2,ff00/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("casefile query --data: a scanned column of bytes is searched as hexadecimal text", async () => {
  const folder = await tempFolder({ "Captures.parquet": binaryFile() });
  try {
    const run = await runCasefile([
      "query",
      "--data",
      folder,
      "Captures | where Payload startswith '4d5a' | project Id, Payload, T = gettype(Payload)",
      "--format",
      "json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [{ Id: 1, Payload: "4d5a9000", T: "string" }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("loadTable: a Parquet file without a hash is read once, its values still checked", async () => {
  const folder = await tempFolder({ "T.parquet": binaryFile() });
  const calls: string[] = [];
  const scan = pl.scanParquet;
  const read = pl.readParquet;
  // deno-lint-ignore no-explicit-any
  const polars = pl as any;
  polars.scanParquet = (...args: Parameters<typeof scan>) => {
    calls.push(`scan ${args[0]}`);
    return scan(...args);
  };
  polars.readParquet = (...args: Parameters<typeof read>) => {
    calls.push("read");
    return read(...args);
  };
  try {
    const table = await loadTable(join(folder, "T.parquet"));
    assert.deepEqual(table.frame.toRecords(), [
      { Id: 1, Payload: "4d5a9000" },
      { Id: 2, Payload: "ff00" },
      { Id: 3, Payload: null },
    ]);
    assert.deepEqual(calls, ["read"]);

    // A value flipped past its footer's maximum is still refused: 8000's bit 46 set is
    // 70,368,744,185,664 (2^46 = 70,368,744,177,664), above the recorded 9000 (though
    // "9000" sorts after it as text).
    const bytes = new Uint8Array(
      pl.DataFrame({ Bytes: pl.Series("Bytes", [1000, 8000, 9000], pl.Int64) })
        .writeParquet({ compression: "uncompressed" }),
    );
    const at = bytes.findIndex((_, i) =>
      [0x40, 0x1f, 0, 0, 0, 0, 0, 0].every((b, j) => bytes[i + j] === b)
    );
    bytes[at + 5] ^= 1 << 6;
    await Deno.writeFile(join(folder, "F.parquet"), bytes);
    calls.length = 0;
    await assert.rejects(
      () => loadTable(join(folder, "F.parquet")),
      /F\.parquet \(table F\): its data is damaged \(column Bytes of row group 1 holds 70368744185664, above the maximum its footer recorded \(9000\)\)/,
    );
    assert.deepEqual(calls, ["read"]);
  } finally {
    polars.scanParquet = scan;
    polars.readParquet = read;
    await Deno.remove(folder, { recursive: true });
  }
});
