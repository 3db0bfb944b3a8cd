/**
 * Hostile and damaged data files: the loaders validate before they trust. Every file here
 * either loads correctly or fails with a DataLoadError that names it; none reads outside
 * the case folder unless allowed. Expected values are written by hand from the fixtures.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DataLoadError, loadTable } from "../../src/data/mod.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { pl } from "../../src/polars.ts";
import { tempFile, tempFolder } from "../_helpers.ts";
import { rng as random } from "../_order.ts";

async function loadError(work: Promise<unknown>, file: string): Promise<DataLoadError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof DataLoadError, `not a DataLoadError: ${error}`);
    assert.ok(error.message.includes(file), `${error.message} does not name ${file}`);
    return error;
  }
  throw new Error(`expected ${file} to be refused`);
}

function rows(frame: { toRecords(): Record<string, unknown>[] }): Record<string, unknown>[] {
  return frame.toRecords().map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]),
    )
  );
}

// --- Log Analytics-shaped JSON ---------------------------------------------------------

const LA_COLUMNS = [{ name: "Account", type: "string" }, { name: "Count", type: "long" }];

Deno.test("loadTable() refuses Log Analytics JSON with a null column, row or table", async () => {
  const bodies: Array<[string, unknown, RegExp]> = [
    ["null-column", { tables: [{ columns: [null], rows: [] }] }, /column \(1\)/],
    ["null-row", { tables: [{ columns: LA_COLUMNS, rows: [["ana", 1], null] }] }, /row \(2\)/],
    ["short-row", { tables: [{ columns: LA_COLUMNS, rows: [["ana"]] }] }, /1 values for 2/],
    ["long-row", { tables: [{ columns: LA_COLUMNS, rows: [["a", 1, 2]] }] }, /3 values for 2/],
    ["null-table", { tables: [null] }, /no columns or rows/],
    ["no-type", { tables: [{ columns: [{ name: "a" }], rows: [] }] }, /without a name or type/],
  ];
  for (const [name, body, reason] of bodies) {
    const file = await tempFile(`${name}.json`, JSON.stringify(body));
    const error = await loadError(loadTable(file), file);
    assert.match(error.message, reason);
  }
});

Deno.test("loadTable() reads well-formed Log Analytics JSON by its declared types", async () => {
  const file = await tempFile(
    "la.json",
    JSON.stringify({
      tables: [{ name: "T", columns: LA_COLUMNS, rows: [["ana", 3], ["ben", 1]] }],
    }),
  );
  const table = await loadTable(file);
  assert.deepEqual(table.schema.columns, LA_COLUMNS);
  assert.deepEqual(rows(table.frame), [{ Account: "ana", Count: 3 }, { Account: "ben", Count: 1 }]);
});

// --- CSV separators and encodings -------------------------------------------------------

Deno.test("loadTable() detects ';', tab and '|' separated .csv files", async () => {
  for (const sep of [";", "\t", "|"]) {
    const file = await tempFile(
      "sep.csv",
      `Account${sep}Host${sep}Failures\nana${sep}"web01${sep}x"${sep}3\nben${sep}db01${sep}1\n`,
    );
    const table = await loadTable(file);
    assert.deepEqual(table.frame.columns, ["Account", "Host", "Failures"]);
    assert.deepEqual(rows(table.frame), [
      { Account: "ana", Host: `web01${sep}x`, Failures: 3 },
      { Account: "ben", Host: "db01", Failures: 1 },
    ]);
    assert.ok(table.notes.some((n) => /separator/.test(n)));
  }
});

Deno.test("loadTable() keeps a one-column CSV whose values hold ';' as one column", async () => {
  const file = await tempFile("one.csv", "Note\nuse a;b\nsee c\n");
  const table = await loadTable(file);
  assert.deepEqual(rows(table.frame), [{ Note: "use a;b" }, { Note: "see c" }]);
});

function utf16(text: string, bigEndian: boolean, bom = true): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  let at = 0;
  if (bom) {
    out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
    at = 2;
  }
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out[at++] = bigEndian ? code >> 8 : code & 0xff;
    out[at++] = bigEndian ? code & 0xff : code >> 8;
  }
  return out;
}

Deno.test("loadTable() decodes UTF-16 CSV with a byte-order mark, and refuses it without", async () => {
  const text = "Account,City\nana,Zürich\nben,Łódź\n";
  for (const bigEndian of [false, true]) {
    const file = await tempFile("u16.csv", utf16(text, bigEndian));
    const table = await loadTable(file);
    assert.deepEqual(rows(table.frame), [
      { Account: "ana", City: "Zürich" },
      { Account: "ben", City: "Łódź" },
    ]);
  }
  const bare = await tempFile("bare.csv", utf16(text, false, false));
  const error = await loadError(loadTable(bare), bare);
  assert.match(error.message, /NUL byte/);
});

// --- Size limits --------------------------------------------------------------------------

Deno.test("loadTable() refuses a file past the size limit before reading it", async () => {
  const line = '{"Account":"ana","Count":1}\n';
  for (const name of ["big.csv", "big.ndjson", "big.json", "big.parquet"]) {
    const file = await tempFile(
      name,
      name.endsWith(".csv") ? "A\n1\n".repeat(300) : line.repeat(40),
    );
    const error = await loadError(loadTable(file, { maxFileBytes: 1000 }), file);
    assert.match(error.message, /more than the limit/);
    assert.match(error.hint ?? "", /maxFileBytes/);
  }
  // Under the limit, the same NDJSON loads.
  const file = await tempFile("ok.ndjson", line.repeat(40));
  assert.equal((await loadTable(file, { maxFileBytes: 2000 })).frame.height, 40);
});

// --- Manifest: row counts and confinement ------------------------------------------------

function parquetBytes(values: number[]): Uint8Array {
  return new Uint8Array(
    pl.DataFrame({ Account: values.map((v) => `u${v}`), Count: values }).writeParquet(),
  );
}

function manifest(tables: Array<{ name: string; file: string; rows: number }>): string {
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

Deno.test("the local provider checks a table's rows against the manifest", async () => {
  const folder = await tempFolder({
    "Good.parquet": parquetBytes([1, 2, 3]),
    "Changed.parquet": parquetBytes([1, 2]),
    "manifest.json": manifest([
      { name: "Good", file: "Good.parquet", rows: 3 },
      { name: "Changed", file: "Changed.parquet", rows: 3 },
    ]),
  });
  const provider = await openLocalProvider(folder);
  assert.equal(Number((await provider.query("Good | count")).frame.getColumn("Count").get(0)), 3);
  const error = await loadError(provider.query("Changed"), join(folder, "Changed.parquet"));
  assert.match(error.message, /holds 2 rows where the manifest says 3/);
});

Deno.test("a manifest may not name files outside its case folder", async () => {
  const outside = await tempFile("Secret.csv", "Account,Count\nroot,1\n");
  for (const file of [outside, "../" + outside.split("/").slice(-2).join("/"), "sub/../../x.csv"]) {
    const folder = await tempFolder({ "manifest.json": manifest([{ name: "T", file, rows: 1 }]) });
    const error = await loadError(openLocalProvider(folder), "manifest.json");
    assert.match(error.message, /outside the case folder/);
  }
  // A link inside the folder that points out is outside too.
  const folder = await tempFolder({
    "manifest.json": manifest([{ name: "T", file: "link.csv", rows: 1 }]),
  });
  await Deno.symlink(outside, join(folder, "link.csv"));
  await loadError(openLocalProvider(folder), "outside the case folder");
});

Deno.test("one unreadable file does not break tables() for the folder", async () => {
  const folder = await tempFolder({
    "Good.csv": "Account,Count\nana,1\n",
    "Broken.csv": 'Account,Count\nana,"never closed\n',
  });
  const provider = await openLocalProvider(folder);
  const tables = await provider.tables();
  assert.deepEqual(tables.map((t) => [t.name, t.rows, t.error === undefined]), [
    ["Broken", undefined, false],
    ["Good", 1, true],
  ]);
  assert.match(tables[0].error ?? "", /Broken\.csv: a quoted field is never closed at line 2/);
});

// --- externaldata confinement ---------------------------------------------------------------

Deno.test("externaldata reads inside the case folder, or paths the user allows, only", async () => {
  const outsideDir = await tempFolder({ "hosts.csv": "web01\ndb01\n" });
  const folder = await tempFolder({ "Good.csv": "Account\nana\n", "hosts.csv": "app01\n" });
  const query = (url: string) =>
    `externaldata (Host: string) [@'${url}'] with (format='csv') | summarize make_list(Host)`;
  const confined = await openLocalProvider(folder);
  for (const url of ["file:///etc/hostname", "/etc/hostname", "../../../etc/hostname"]) {
    const error = await loadError(confined.query(query(url)), "hostname");
    assert.match(error.message, /inside the case folder/);
  }
  const outside = `file://${outsideDir}/hosts.csv`;
  await loadError(confined.query(query(outside)), "hosts.csv");
  const inside = await confined.query(query("hosts.csv"));
  assert.deepEqual(JSON.parse(inside.frame.getColumn("list_Host").get(0)), ["app01"]);
  const allowed = await openLocalProvider(folder, { allowedPaths: [outsideDir] });
  const read = await allowed.query(query(outside));
  assert.deepEqual(JSON.parse(read.frame.getColumn("list_Host").get(0)), ["web01", "db01"]);
});

// --- A seeded campaign of damaged files ---------------------------------------------------

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const out = new Uint8Array(bytes);
  const at = Math.floor(next() * out.length);
  switch (Math.floor(next() * 4)) {
    case 0: // one bit flipped
      out[at] ^= 1 << Math.floor(next() * 8);
      return out;
    case 1: // truncated
      return out.subarray(0, at);
    case 2: // a byte removed
      return new Uint8Array([...out.subarray(0, at), ...out.subarray(at + 1)]);
    default: // a byte of noise inserted
      return new Uint8Array([
        ...out.subarray(0, at),
        Math.floor(next() * 256),
        ...out.subarray(at),
      ]);
  }
}

const SEEDS: Record<string, Uint8Array> = {
  "t.csv": new TextEncoder().encode(
    'TimeGenerated,Account,Count,Note\n2026-03-10T08:00:00Z,ana,3,"a, b"\n' +
      "2026-03-10T08:01:00Z,ben,1,plain\n2026-03-10T08:02:00Z,cy,7,\n",
  ),
  "t.json": new TextEncoder().encode(JSON.stringify({
    tables: [{
      name: "PrimaryResult",
      columns: [{ name: "Account", type: "string" }, { name: "Count", type: "long" }],
      rows: [["ana", 3], ["ben", 1], ["cy", 7]],
    }],
  })),
  "t.ndjson": new TextEncoder().encode(
    '{"Account":"ana","Count":3}\n{"Account":"ben","Count":1}\n{"Account":"cy","Count":7}\n',
  ),
  "t.parquet": parquetBytes([3, 1, 7]),
};

Deno.test("damaged files load, or fail with a DataLoadError naming the file", async () => {
  const next = random(18);
  const folder = await tempFolder();
  const outcomes = { loaded: 0, refused: 0 };
  for (let round = 0; round < 60; round++) {
    for (const [name, seed] of Object.entries(SEEDS)) {
      const file = join(folder, `${round}-${name}`);
      await Deno.writeFile(file, mutate(seed, next));
      try {
        // Parquet is checked against its manifest row count, as in a case folder.
        const table = await loadTable(file, name.endsWith(".parquet") ? { rows: 3 } : {});
        assert.ok(table.frame.height <= 4, `${file}: ${table.frame.height} rows`);
        outcomes.loaded++;
      } catch (error) {
        assert.ok(error instanceof DataLoadError, `${file}: raw ${(error as Error)?.stack}`);
        assert.ok(error.message.includes(file), `${file}: ${error.message}`);
        outcomes.refused++;
      }
    }
  }
  assert.ok(outcomes.refused > 0 && outcomes.loaded > 0, JSON.stringify(outcomes));
  await Deno.remove(folder, { recursive: true });
});

Deno.test("a Parquet file whose row count changed is caught by the manifest check", async () => {
  // A real bit-flip outcome: the file still parses but holds other rows (here: fewer).
  const file = await tempFile("t.parquet", parquetBytes([3, 1]));
  const error = await loadError(loadTable(file, { rows: 3 }), file);
  assert.match(error.message, /holds 2 rows where the manifest says 3/);
});
