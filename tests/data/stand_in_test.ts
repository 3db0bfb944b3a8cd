/**
 * A scanned Parquet file with a damaged page header is read through a stand-in copy
 * (guardScan). When the file is written again (an analyst re-exports it), the copy of the
 * old version is removed: before, each new version left another full copy of the evidence
 * file in the temporary folder, and the older ones stayed there after the process exited.
 */
import assert from "node:assert/strict";
import { pl } from "../../src/polars.ts";
import { guardScan, scanTable } from "../../src/data/scan.ts";
import { tempDir } from "../_helpers.ts";

const ACCOUNTS = ["ana", "ben", "cy", "dee", "eve", "fay", "gus", "hal"];

/** Eight rows, uncompressed, the Account data page header's count flipped (see scanned_pages_test). */
function damaged(): Uint8Array {
  const bytes = new Uint8Array(
    pl.DataFrame({ Account: ACCOUNTS, Count: [3, 1, 7, 2, 9, 4, 6, 5] })
      .writeParquet({ compression: "uncompressed" }),
  );
  assert.equal(bytes[80], 0x10);
  bytes[80] ^= 1;
  return bytes;
}

Deno.test("guardScan: a file written again leaves one stand-in copy, none once it is sound", async () => {
  const folder = await tempDir();
  // The stand-ins go to the system's temporary folder. TMPDIR is not changed here: the
  // environment is the process's, shared with the test files running beside this one.
  // Counted: the copies of this file's size made since the test began.
  const temp = Deno.env.get("TMPDIR") || "/tmp";
  const size = damaged().length;
  const standIns = () =>
    [...Deno.readDirSync(temp)].filter((e) => e.name.startsWith("casefile_standin_"));
  const before = new Set(standIns().map((e) => e.name));
  const copies = () =>
    standIns().filter((e) => {
      if (before.has(e.name)) return false;
      try {
        return Deno.statSync(`${temp}/${e.name}`).size === size;
      } catch {
        return false; // removed meanwhile
      }
    });
  try {
    const file = `${folder}/T.parquet`;
    await Deno.writeFile(file, damaged());
    assert.equal(await guardScan(await scanTable(file)), true);
    assert.equal(copies().length, 1);
    // The copy: private to its user, the file's bytes but for the damaged chunk, zeroed.
    const copy = `${temp}/${copies()[0].name}`;
    assert.equal((await Deno.stat(copy)).mode! & 0o777, 0o600);
    const original = await Deno.readFile(file);
    const zeroed = await Deno.readFile(copy);
    assert.equal(zeroed.length, original.length);
    const changed = zeroed.map((b, i) => b === original[i] ? 0 : 1).reduce((a, b) => a + b, 0);
    assert.ok(changed > 0 && zeroed[80] === 0 && zeroed.at(-1) === original.at(-1));
    await new Promise((resolve) => setTimeout(resolve, 20)); // a later modification time
    await Deno.writeFile(file, damaged());
    assert.equal(await guardScan(await scanTable(file)), true);
    assert.equal(copies().length, 1, "the old version's copy is removed");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await Deno.writeFile(file, new Uint8Array(pl.DataFrame({ Account: ACCOUNTS }).writeParquet()));
    assert.equal(await guardScan(await scanTable(file)), false);
    assert.equal(copies().length, 0, "a sound file needs no copy");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
