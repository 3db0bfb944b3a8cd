/**
 * Parquet integrity: a bit flipped in a data page often still decodes, into other values,
 * with the same row count. A manifest that records each file's SHA-256 lets the loader
 * refuse such a file, naming it, while the case's other tables keep working. Expected
 * digests come from WebCrypto over the files' bytes (not from the loader's hashing), and
 * the damaged files are found by flipping bits here and comparing decoded values.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { DataLoadError, loadTable, readManifest, scanTable } from "../../src/data/mod.ts";
import { hashesComputed } from "../../src/data/_integrity.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

async function webSha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const ACCOUNTS = ["ana", "ben", "cy", "dee", "eve", "fay", "gus", "hal"];

function intactParquet(): Uint8Array {
  // Uncompressed, so a flipped bit in a value stays a flipped bit in the decoded value.
  return new Uint8Array(
    pl.DataFrame({ Account: ACCOUNTS, Count: [3, 1, 7, 2, 9, 4, 6, 5] })
      .writeParquet({ compression: "uncompressed" }),
  );
}

/** A copy of `bytes` with one bit flipped that still decodes to 8 rows of other values. */
function silentlyDamaged(bytes: Uint8Array): Uint8Array {
  const intact = JSON.stringify(pl.readParquet(Buffer.from(bytes)).toRecords());
  for (let at = 4; at < bytes.length - 8; at++) {
    const copy = new Uint8Array(bytes);
    copy[at] ^= 0x01;
    try {
      const frame = pl.readParquet(Buffer.from(copy));
      if (frame.height === 8 && JSON.stringify(frame.toRecords()) !== intact) return copy;
    } catch {
      // this flip is caught by the decoder: look further
    }
  }
  throw new Error("no silent bit flip found");
}

function manifest(
  tables: Array<{ name: string; file: string; rows: number; sha256?: unknown }>,
): string {
  return JSON.stringify({
    format: "casefile-case/1",
    name: "t",
    description: "",
    referenceTime: "2026-03-10T00:00:00Z",
    timeRange: { start: "2026-03-01T00:00:00Z", end: "2026-03-10T00:00:00Z" },
    tables: tables.map((t) => ({
      ...t,
      columns: [{ name: "Account", type: "string" }, { name: "Count", type: "long" }],
    })),
    external: [],
  });
}

async function damagedCase(): Promise<{ folder: string; digest: string }> {
  const intact = intactParquet();
  const digest = await webSha256(intact);
  const folder = await tempFolder({
    "Good.parquet": intact,
    "Damaged.parquet": silentlyDamaged(intact),
    "manifest.json": manifest([
      { name: "Good", file: "Good.parquet", rows: 8, sha256: digest },
      { name: "Damaged", file: "Damaged.parquet", rows: 8, sha256: digest },
    ]),
  });
  return { folder, digest };
}

Deno.test("a bit flip that decodes to other values passes the row count, not the SHA-256", async () => {
  const { folder, digest } = await damagedCase();
  const damaged = join(folder, "Damaged.parquet");
  // The first flip that still decodes turns 'ana' (0x61) into '`na' (0x60): same rows,
  // other values. Without a recorded digest, a file read whole is checked against its own
  // statistics, which catch this one: '`na' sorts below the minimum 'ana' its footer
  // recorded. (A scan reads only what a query needs: it is not checked so.)
  {
    await assert.rejects(() => loadTable(damaged, { rows: 8 }), (error: unknown) => {
      assert.ok(error instanceof DataLoadError, String(error));
      assert.ok(error.message.includes(damaged), error.message);
      assert.match(
        error.message,
        /column Account of row group 1 holds "`na", below the minimum its footer recorded \("ana"\)/,
      );
      return true;
    });
  }
  for (const load of [loadTable, scanTable]) {
    try {
      await load(damaged, { rows: 8, sha256: digest });
      assert.fail(`${load.name} loaded the damaged file`);
    } catch (error) {
      assert.ok(error instanceof DataLoadError, String(error));
      assert.ok(error.message.includes(damaged), error.message);
      assert.match(error.message, /content differs .*SHA-256/);
      assert.match(error.message, new RegExp(`manifest says ${digest.slice(0, 12)}`));
    }
  }
  const good = await loadTable(join(folder, "Good.parquet"), { sha256: digest });
  assert.deepEqual(good.frame.getColumn("Account").toArray(), ACCOUNTS);
  await Deno.remove(folder, { recursive: true });
});

Deno.test("the local provider refuses the damaged table and serves the others", async () => {
  const { folder } = await damagedCase();
  const provider = await openLocalProvider(folder);
  const tables = await provider.tables();
  assert.deepEqual(tables.map((t) => t.name), ["Good", "Damaged"]);
  const count = await provider.query("Good | summarize n=count(), total=sum(Count)");
  assert.equal(Number(count.frame.getColumn("n").get(0)), 8);
  assert.equal(Number(count.frame.getColumn("total").get(0)), 37); // 3+1+7+2+9+4+6+5
  await assert.rejects(provider.query("Damaged | count"), (error: unknown) => {
    assert.ok(error instanceof DataLoadError, String(error));
    assert.ok(error.message.includes(join(folder, "Damaged.parquet")), error.message);
    assert.match(error.message, /SHA-256/);
    return true;
  });
  // Still answering after the refusal.
  const again = await provider.query("Good | where Account == 'eve' | project Count");
  assert.equal(Number(again.frame.getColumn("Count").get(0)), 9);
  await Deno.remove(folder, { recursive: true });
});

/**
 * `bytes` with the footer's FileMetaData.num_rows changed from 8 to 9. In Thrift's compact
 * protocol that field (id 3, i64, after field 2) is the byte 0x16 then the zigzag varint
 * of 8 (0x10); its first occurrence after the schema is the file's own count (each row
 * group's count, field 3 of RowGroup, comes later).
 */
function footerSaysNine(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = bytes.length - 8 - view.getUint32(bytes.length - 8, true);
  const copy = new Uint8Array(bytes);
  for (let i = start; i < bytes.length - 9; i++) {
    if (copy[i] === 0x16 && copy[i + 1] === 0x10) {
      copy[i + 1] = 0x12;
      return copy;
    }
  }
  throw new Error("no num_rows field found");
}

Deno.test("a footer whose row count disagrees with its row groups is refused, without a manifest", async () => {
  const folder = await tempFolder({ "T.parquet": footerSaysNine(intactParquet()) });
  const file = join(folder, "T.parquet");
  // Unchecked, Polars counts 9 rows from the footer but reads 8.
  assert.equal(
    Number(pl.scanParquet(file).select(pl.len()).collectSync().getColumn("len").get(0)),
    9,
  );
  for (const load of [loadTable, scanTable]) {
    await assert.rejects(load(file), (error: unknown) => {
      assert.ok(error instanceof DataLoadError, String(error));
      assert.ok(error.message.includes(file), error.message);
      assert.match(error.message, /footer says 9 rows but its row groups hold 8/);
      return true;
    });
  }
  await Deno.remove(folder, { recursive: true });
});

Deno.test("a file is hashed once per size and time, not on every plan", async () => {
  const intact = intactParquet();
  const digest = await webSha256(intact);
  const folder = await tempFolder({ "T.parquet": intact });
  const file = join(folder, "T.parquet");
  const before = hashesComputed();
  for (let i = 0; i < 5; i++) await scanTable(file, { sha256: digest });
  await loadTable(file, { sha256: digest });
  assert.equal(hashesComputed() - before, 1);
  // Rewritten with the same bytes but a new time: hashed again (and still intact).
  await Deno.utime(file, new Date(2026, 0, 1), new Date(2026, 0, 1));
  await scanTable(file, { sha256: digest });
  assert.equal(hashesComputed() - before, 2);
  // Without a recorded digest nothing is hashed.
  await scanTable(file);
  assert.equal(hashesComputed() - before, 2);
  await Deno.remove(folder, { recursive: true });
});

Deno.test("a manifest's sha256 must be a digest of one file", async () => {
  const cases: Array<[unknown, string, RegExp]> = [
    ["abc", "T.parquet", /not 64 lowercase hex digits/],
    [42, "T.parquet", /not 64 lowercase hex digits/],
    ["0".repeat(64), "T*.parquet", /file is a pattern/],
  ];
  for (const [sha256, file, reason] of cases) {
    const folder = await tempFolder({
      "T.parquet": intactParquet(),
      "manifest.json": manifest([{ name: "T", file, rows: 8, sha256 }]),
    });
    await assert.rejects(readManifest(folder), (error: unknown) => {
      assert.ok(error instanceof DataLoadError, String(error));
      assert.match(error.message, reason);
      return true;
    });
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("the demo case's manifest records the SHA-256 of every table's file", async () => {
  const folder = new URL("../../fixtures/demo-case/", import.meta.url).pathname;
  const m = await readManifest(folder);
  assert.ok(m);
  for (const table of m.tables) {
    const bytes = await Deno.readFile(join(folder, table.file));
    assert.equal(table.sha256, await webSha256(bytes), table.name);
  }
});

Deno.test("casefile query on a folder with a damaged file names it; the rest still answers", async () => {
  const { folder } = await damagedCase();
  const bad = await runCasefile(["--data", folder, "query", "Damaged | count"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Damaged\.parquet/);
  assert.match(bad.stderr, /content differs from the one the manifest recorded/);
  assert.doesNotMatch(bad.stderr, /^\s+at /m); // a clear error, not a stack trace
  const tables = await runCasefile(["--data", folder, "tables"]);
  assert.equal(tables.code, 0, tables.stderr);
  assert.match(tables.stdout, /Good/);
  assert.match(tables.stdout, /Damaged/);
  const good = await runCasefile([
    "--data",
    folder,
    "query",
    "Good | where Count > 5 | project Account",
    "--format",
    "json",
  ]);
  assert.equal(good.code, 0, good.stderr);
  const accounts = JSON.parse(good.stdout).map((r: { Account: string }) => r.Account);
  assert.deepEqual(accounts, ["cy", "eve", "gus"]);
  await Deno.remove(folder, { recursive: true });
});
