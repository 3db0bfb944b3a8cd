/**
 * CSV tables scanned lazily (src/data/_scan_text.ts through scanTable and the local
 * provider): a folder of daily CSV files is one table read by Polars' own reader; types come
 * from a sample by the loader's rules, and a later value the sample's type does not fit
 * makes the table load whole, never a silently wrong answer. Expected values are written by
 * hand from the files the tests write.
 */
import { deepStrictEqual as assertEquals, match, ok, rejects, throws } from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { DataLoadError, scanFailure, scanTable } from "../../src/data/mod.ts";
import { runCasefile as casefile, tempDir, tempFolder } from "../_helpers.ts";

const HEADER = "TimeGenerated,Account,Failed,Detail,Note";

/** `n` rows of day `day`: account u<i>, Failed = i % 7, Detail = {"ip":"10.0.<day>.<i%250>"}. */
function dayRows(day: number, n: number): string[] {
  const dd = String(day).padStart(2, "0");
  return Array.from({ length: n }, (_, i) => {
    const hh = String(i % 24).padStart(2, "0");
    return `2026-03-${dd}T${hh}:00:00Z,u${i},${i % 7},"{""ip"":""10.0.${day}.${i % 250}""}",`;
  });
}

// A temporary folder holding each file as its lines.
async function folderOf(files: Record<string, string[]>): Promise<string> {
  const texts = Object.entries(files).map(([path, lines]) => [path, lines.join("\n") + "\n"]);
  return await tempFolder(Object.fromEntries(texts));
}

async function query(folder: string, kql: string) {
  const out = await casefile(["query", "--data", folder, kql, "--format", "json"]);
  return { ...out, rows: out.code === 0 ? JSON.parse(out.stdout) : undefined };
}

Deno.test("casefile query --data reads a folder of daily CSV files as one scanned table", async () => {
  const folder = await folderOf({
    "Logons/2026-03-02.csv": [HEADER, ...dayRows(2, 3)],
    "Logons/2026-03-03.csv": [HEADER, ...dayRows(3, 4)],
  });
  try {
    const files = [join(folder, "Logons/2026-03-02.csv"), join(folder, "Logons/2026-03-03.csv")];
    const table = await scanTable(files, { name: "Logons" });
    assertEquals(table.scanned, true);
    assertEquals(table.rows, 7);
    assertEquals(
      table.schema.columns.map((c) => `${c.name}:${c.type}`),
      ["TimeGenerated:datetime", "Account:string", "Failed:long", "Detail:dynamic", "Note:string"],
    );
    const out = await query(
      folder,
      "Logons | where Failed >= 2 | summarize Rows = count(), Sum = sum(Failed), " +
        "Ips = make_set(tostring(Detail.ip)) by Day = bin(TimeGenerated, 1d) | order by Day asc",
    );
    assertEquals(out.code, 0, out.stderr);
    // Day 2: u0..u2, Failed 0,1,2 → one row (u2). Day 3: u0..u3, Failed 0..3 → u2, u3.
    assertEquals(out.rows, [
      { Day: "2026-03-02T00:00:00Z", Rows: 1, Sum: 2, Ips: ["10.0.2.2"] },
      { Day: "2026-03-03T00:00:00Z", Rows: 2, Sum: 5, Ips: ["10.0.3.2", "10.0.3.3"] },
    ]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a late value the sampled type does not fit: the table loads whole, typed from every row", async () => {
  // 2000 rows of numbers, then one "n/a" far past the first rows the sample reads.
  const rows = dayRows(2, 2000);
  rows.push('2026-03-02T23:30:00Z,zed,n/a,"{""ip"":""10.0.2.99""}",');
  const folder = await folderOf({ "Logons.csv": [HEADER, ...rows] });
  try {
    const file = join(folder, "Logons.csv");
    const table = await scanTable(file);
    assertEquals(table.scanned, true);
    assertEquals(table.schema.columns[2], { name: "Failed", type: "long" });
    // A query that does not read Failed is answered from the scan.
    const direct = table.frame.filter(pl.col("Account").eq(pl.lit("zed"))).select("Account")
      .collectSync();
    assertEquals(direct.toRecords(), [{ Account: "zed" }]);
    // One that reads it stops at the misfit instead of reading "n/a" as null.
    let failure: unknown;
    try {
      table.frame.select("Failed").collectSync();
    } catch (error) {
      failure = error;
    }
    ok(failure, "the guard must stop the read");
    const clear = await scanFailure(table, failure);
    ok(clear instanceof DataLoadError);
    match(clear.message, /column Failed/);

    // Through the provider, the query runs again over the table loaded whole.
    const out = await query(folder, "Logons | where Account == 'zed' | project Failed");
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.rows, [{ Failed: "n/a" }]);
    const provider = await openLocalProvider(folder);
    // A query that does not read Failed stays on the scan, typed from the sample.
    const accounts = await provider.query("Logons | where Account startswith 'z' | count");
    assertEquals(accounts.frame.toRecords(), [{ Count: 1 }]);
    assertEquals((await provider.table("Logons")).scanned, true);
    const first = await provider.query("Logons | where Failed == '6' | count");
    // i % 7 == 6 for i in 0..1999: 285 rows.
    assertEquals(first.frame.toRecords(), [{ Count: 285 }]);
    assertEquals((await provider.table("Logons")).scanned, false);
    assertEquals((await provider.schema("Logons")).columns[2], { name: "Failed", type: "string" });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("late dynamic text that is not compact JSON, and a late value in a column empty at first, fall back", async () => {
  const rows = dayRows(2, 1500);
  rows.push('2026-03-02T23:30:00Z,zed,1,"{""ip"": ""10.0.2.99""}",');
  rows.push(`2026-03-02T23:40:00Z,zoe,1,"{'ip': '10.0.2.98'}",`); // as pandas writes a dict
  const late = [
    "Account,Late",
    ...Array.from({ length: 1500 }, (_, i) => `u${i},`),
    "zed,41",
    "amy,1",
  ];
  const folder = await folderOf({ "Logons.csv": [HEADER, ...rows], "Sparse.csv": late });
  try {
    const dyn = await query(
      folder,
      "Logons | where Account == 'zed' | project D = tostring(Detail)",
    );
    assertEquals(dyn.code, 0, dyn.stderr);
    assertEquals(dyn.rows, [{ D: '{"ip":"10.0.2.99"}' }]);
    const pandas = await query(
      folder,
      "Logons | where Account == 'zoe' | project Ip = tostring(Detail.ip)",
    );
    assertEquals(pandas.code, 0, pandas.stderr);
    assertEquals(pandas.rows, [{ Ip: "10.0.2.98" }]);
    const sparse = await query(folder, "Sparse | summarize Total = sum(Late)");
    assertEquals(sparse.code, 0, sparse.stderr);
    assertEquals(sparse.rows, [{ Total: 42 }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a malformed line past the sample is an error naming the file and line", async () => {
  const rows = dayRows(2, 1500);
  rows[1399] = '2026-03-02T10:00:00Z,u1399,3,"{""ip"":""10.0.2.1""}",,extra';
  const folder = await folderOf({ "Logons/2026-03-02.csv": [HEADER, ...rows] });
  try {
    // (A count reads no field: Polars counts records without parsing them.)
    const out = await casefile(["query", "--data", folder, "Logons | summarize max(Failed)"]);
    ok(out.code !== 0, out.stdout);
    match(out.stderr, /2026-03-02\.csv/);
    match(out.stderr, /line 1401/); // the header is line 1
    const provider = await openLocalProvider(folder);
    await rejects(provider.query("Logons | summarize max(Failed)"), (e) => {
      ok(e instanceof DataLoadError, String(e));
      assertEquals(e.line, 1401);
      return true;
    });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("daily CSV files with different columns: missing ones are empty with a warning counting the files", async () => {
  const folder = await folderOf({
    "Logons/a.csv": ["Account,Failed,Note", "ana,1,x", "ben,2,y"],
    "Logons/b.csv": ["Account,Failed", "cy,3"],
    "Logons/c.csv": ["Account,Failed", "dee,4"],
  });
  try {
    const files = ["a", "b", "c"].map((f) => join(folder, `Logons/${f}.csv`));
    const table = await scanTable(files, { name: "Logons" });
    assertEquals(table.scanned, true);
    assertEquals(table.warnings.length, 1);
    match(table.warnings[0].message, /column Note is missing from 2 of 3 files/);
    const out = await query(folder, "Logons | project Account, Failed, Note");
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.rows, [
      { Account: "ana", Failed: 1, Note: "x" },
      { Account: "ben", Failed: 2, Note: "y" },
      { Account: "cy", Failed: 3, Note: "" },
      { Account: "dee", Failed: 4, Note: "" },
    ]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a scanned CSV file that disappears or changes after planning is named, or read afresh", async () => {
  const folder = await folderOf({ "Logons.csv": ["Account,Failed", "ana,1", "ben,2"] });
  try {
    const file = join(folder, "Logons.csv");
    const table = await scanTable(file);
    await Deno.remove(file);
    let failure: unknown;
    try {
      table.frame.collectSync();
    } catch (error) {
      failure = error;
    }
    ok(failure, "reading a vanished file must fail, not give no rows");
    const clear = await scanFailure(table, failure);
    ok(clear instanceof DataLoadError);
    match(clear.message, /Logons\.csv disappeared/);

    await Deno.writeTextFile(file, "Account,Failed\nana,1\n");
    const provider = await openLocalProvider(folder);
    assertEquals((await provider.query("Logons | count")).frame.toRecords(), [{ Count: 1 }]);
    await Deno.writeTextFile(file, "Account,Failed\nana,1\nben,2\ncy,3\n");
    assertEquals((await provider.query("Logons | count")).frame.toRecords(), [{ Count: 3 }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a TSV file and a manifest's declared types are scanned; a declared type's misfit is null with a warning", async () => {
  const rows = Array.from(
    { length: 1500 },
    (_, i) => `2026-03-02 10:00:${String(i % 60).padStart(2, "0")}\tu${i}`,
  );
  rows.push("yesterday\tzed");
  const folder = await folderOf({ "Logons.tsv": ["When\tAccount", ...rows] });
  await Deno.writeTextFile(
    join(folder, "manifest.json"),
    JSON.stringify({
      format: "casefile-case/1",
      name: "tsv case",
      description: "a TSV table with declared types",
      referenceTime: "2026-03-03T00:00:00Z",
      timeRange: { start: "2026-03-02T00:00:00Z", end: "2026-03-03T00:00:00Z" },
      tables: [{
        name: "Logons",
        file: "Logons.tsv",
        rows: 1501,
        columns: [{ name: "When", type: "datetime" }, { name: "Account", type: "string" }],
      }],
      external: [],
    }),
  );
  try {
    const file = join(folder, "Logons.tsv");
    const table = await scanTable(file, {
      types: new Map([["When", "datetime"], ["Account", "string"]]),
    });
    assertEquals(table.scanned, true);
    assertEquals(table.rows, 1501);
    const u7 = table.frame.filter(pl.col("Account").eq(pl.lit("u7"))).collectSync().toRecords();
    assertEquals(u7, [{ When: new Date("2026-03-02T10:00:07Z"), Account: "u7" }]);
    const provider = await openLocalProvider(folder);
    const zed = await provider.query("Logons | where Account == 'zed' | project When");
    assertEquals(zed.frame.toRecords(), [{ When: null }]);
    ok(
      zed.warnings.some((w) =>
        /column When: 1 value\(s\) could not be read as datetime/.test(w.message)
      ),
      JSON.stringify(zed.warnings),
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a watchlist CSV whose late value misfits its sample's type is read whole by _GetWatchlist", async () => {
  // 1,500 rows: the sample is the first 1,000, whose Level values are all digits (long);
  // row 1,401 (line 1,402) holds "high", so the loader keeps Level as text.
  const folder = await tempDir("casefile_scan_text_");
  await Deno.mkdir(join(folder, "external"));
  const lines = ["Account,Level"];
  for (let i = 0; i < 1500; i++) lines.push(`u${i},${i === 1400 ? "high" : i % 5}`);
  await Deno.writeTextFile(join(folder, "external", "vips.csv"), lines.join("\n") + "\n");
  await Deno.writeTextFile(join(folder, "external", "vips2.csv"), lines.join("\n") + "\n");
  await Deno.writeTextFile(
    join(folder, "T.csv"),
    "TimeGenerated,Account\n2026-03-02T00:00:00Z,u1\n",
  );
  await Deno.writeTextFile(
    join(folder, "manifest.json"),
    JSON.stringify({
      format: "casefile-case/1",
      name: "watchlist misfit",
      referenceTime: "2026-03-16T00:00:00Z",
      timeRange: { start: "2026-03-02T00:00:00Z", end: "2026-03-16T00:00:00Z" },
      tables: [{
        name: "T",
        file: "T.csv",
        rows: 1,
        columns: [{ name: "TimeGenerated", type: "datetime" }, { name: "Account", type: "string" }],
      }],
      external: [
        { name: "vips", file: "external/vips.csv", description: "Watchlist VIPs" },
        { name: "vips2", file: "external/vips2.csv", description: "The same, for table()" },
      ],
    }),
  );
  try {
    const provider = await openLocalProvider(folder);
    // The rows of the scanned table: a clear error, not Polars' message, and then whole.
    const scanned = await provider.table("vips2");
    throws(
      () => scanned.frame,
      (e: Error) => e instanceof DataLoadError && !/casefile-scan/.test(e.message),
    );
    assertEquals((await provider.table("vips2")).frame.height, 1500);
    const high = await provider.query("_GetWatchlist('vips') | where Level == 'high'");
    assertEquals(high.frame.toRecords(), [{ Account: "u1400", Level: "high", SearchKey: "u1400" }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
