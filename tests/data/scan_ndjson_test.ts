/**
 * NDJSON tables scanned lazily (src/data/_scan_ndjson.ts through scanTable and the local
 * provider): a folder of daily NDJSON files is one table read by Polars' own reader with a
 * schema fixed at planning; text columns are typed by a sample under the loader's rules,
 * and a later value the sample's type does not fit makes the table load whole, never a
 * silently wrong answer. Expected values are written by hand from the files the tests write.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { DataLoadError, scanFailure, scanTable } from "../../src/data/mod.ts";
import { runCasefile as casefile, tempFolder } from "../_helpers.ts";

/**
 * `n` records of day `day`: Account u<i>, Failed = i % 7, Id = 9007199254741<day><i>1 (odd,
 * past 2^53: a double cannot hold it), Ip 10.0.<day>.<i>.
 */
function dayRecords(day: number, n: number): string[] {
  const dd = String(day).padStart(2, "0");
  return Array.from({ length: n }, (_, i) => {
    const hh = String(i % 24).padStart(2, "0");
    return `{"TimeGenerated":"2026-03-${dd}T${hh}:00:00Z","Account":"u${i}","Failed":${
      i % 7
    },"Id":9007199254741${day}${i}1,"Ip":"10.0.${day}.${i}"}`;
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

function failureOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

Deno.test("casefile query --data reads a folder of daily NDJSON files as one scanned table", async () => {
  const folder = await folderOf({
    "Logons/2026-03-02.ndjson": dayRecords(2, 3),
    "Logons/2026-03-03.ndjson": dayRecords(3, 4),
  });
  try {
    const files = [
      join(folder, "Logons/2026-03-02.ndjson"),
      join(folder, "Logons/2026-03-03.ndjson"),
    ];
    const table = await scanTable(files, { name: "Logons" });
    assertEquals(table.scanned, true);
    assertEquals(table.rows, 7);
    assertEquals(
      table.schema.columns.map((c) => `${c.name}:${c.type}`),
      ["TimeGenerated:datetime", "Account:string", "Failed:long", "Id:long", "Ip:string"],
    );
    const out = await query(
      folder,
      "Logons | where Failed >= 2 | summarize Rows = count(), Sum = sum(Failed), " +
        "Ips = make_set(Ip) by Day = bin(TimeGenerated, 1d) | order by Day asc",
    );
    assertEquals(out.code, 0, out.stderr);
    // Day 2: u0..u2, Failed 0,1,2 → u2. Day 3: u0..u3, Failed 0..3 → u2, u3.
    assertEquals(out.rows, [
      { Day: "2026-03-02T00:00:00Z", Rows: 1, Sum: 2, Ips: ["10.0.2.2"] },
      { Day: "2026-03-03T00:00:00Z", Rows: 2, Sum: 5, Ips: ["10.0.3.2", "10.0.3.3"] },
    ]);
    // Longs past 2^53 stay exact: 9007199254741321 (day 3, u2) and its even neighbour,
    // which a double would confuse with it, is in no record.
    const exact = await query(
      folder,
      "Logons | where Id == 9007199254741321 | project Account, Text = tostring(Id)",
    );
    assertEquals(exact.code, 0, exact.stderr);
    assertEquals(exact.rows, [{ Account: "u2", Text: "9007199254741321" }]);
    const none = await query(folder, "Logons | where Id == 9007199254741320 | count");
    assertEquals(none.rows, [{ Count: 0 }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a late text value the sampled type does not fit: the table loads whole, typed from every record", async () => {
  // 2000 records whose When is a datetime, then one "n/a" far past the sampled head.
  const records = Array.from(
    { length: 2000 },
    (_, i) => `{"Account":"u${i}","When":"2026-03-02T${String(i % 24).padStart(2, "0")}:00:00Z"}`,
  );
  records.push(`{"Account":"zed","When":"n/a"}`);
  const folder = await folderOf({ "Logons.ndjson": records });
  try {
    const file = join(folder, "Logons.ndjson");
    const table = await scanTable(file);
    assertEquals(table.scanned, true);
    assertEquals(table.schema.columns[1], { name: "When", type: "datetime" });
    // A read of When stops at the misfit instead of reading "n/a" as null.
    const failure = failureOf(() => table.frame.select("When").collectSync());
    ok(failure, "the guard must stop the read");
    const clear = await scanFailure(table, failure);
    ok(clear instanceof DataLoadError);
    match(clear.message, /column When/);
    // A read that leaves When out is answered from the scan.
    const direct = table.frame.filter(pl.col("Account").eq(pl.lit("zed"))).select("Account")
      .collectSync();
    assertEquals(direct.toRecords(), [{ Account: "zed" }]);

    // Through the provider, the query runs again over the table loaded whole: When is text.
    const out = await query(folder, "Logons | where Account == 'zed' | project When");
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.rows, [{ When: "n/a" }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a malformed line past the sample is named by file and line", async () => {
  const records = dayRecords(2, 20).concat(
    Array.from({ length: 1480 }, (_, i) => `{"Account":"v${i}","Failed":1}`),
  );
  records[1400] = `{"Account":"broken","Failed":`; // line 1401
  const folder = await folderOf({ "Logons/2026-03-02.ndjson": records });
  try {
    const out = await casefile(["query", "--data", folder, "Logons | count"]);
    ok(out.code !== 0, out.stdout);
    match(out.stderr, /2026-03-02\.ndjson/);
    match(out.stderr, /line 1401/);
    const provider = await openLocalProvider(folder);
    let error: unknown;
    try {
      await provider.query("Logons | count");
    } catch (e) {
      error = e;
    }
    ok(error instanceof DataLoadError, String(error));
    assertEquals(error.line, 1401);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("nested values are scanned as dynamic, JSON documents load whole; numbers widen across files", async () => {
  const folder = await folderOf({
    // Objects: scanned, their text compacted as the loader writes it.
    "Signins.ndjson": [
      `{"User":"ana","Device":{"os":"Windows 11","ids":[1, 2]}}`,
      `{"User":"ben","Device":{"os":"iOS","ids":[]}}`,
    ],
    // A JSON array document, and a .json file of one object per line.
    "Alerts.json": [`[{"Name":"a","Sev":3},`, `{"Name":"b","Sev":1}]`],
    "Hosts.json": [`{"Host":"h1","Cpu":1}`, `{"Host":"h2","Cpu":3}`],
    // 1500 integers, then a fraction: the whole file's inference makes it real.
    "Flows/day1.ndjson": [
      ...Array.from({ length: 1500 }, () => `{"Bytes":1}`),
      `{"Bytes":2.5}`,
    ],
    "Flows/day2.ndjson": [`{"Bytes":4}`, `{"Bytes":null}`],
    // Text and a number in one column: the loader warns with counts.
    "Mixed.ndjson": [`{"Port":"https"}`, `{"Port":443}`, `{"Port":"ssh"}`],
    // An integer past Int64: the loader reads the column as real.
    "Huge.ndjson": [`{"N":1}`, `{"N":9223372036854775808}`],
  });
  try {
    const signins = await scanTable(join(folder, "Signins.ndjson"));
    assertEquals(signins.scanned, true);
    assertEquals(signins.schema.columns[1], { name: "Device", type: "dynamic" });
    assertEquals(signins.frame.collectSync().getColumn("Device").toArray(), [
      `{"os":"Windows 11","ids":[1,2]}`,
      `{"os":"iOS","ids":[]}`,
    ]);
    assertEquals((await scanTable(join(folder, "Alerts.json"))).scanned, false);
    const mixed = await scanTable(join(folder, "Mixed.ndjson"));
    assertEquals(mixed.scanned, false);
    assertEquals(mixed.warnings.length, 1);
    match(mixed.warnings[0].message, /column Port: 1 value\(s\) are not of the column's main/);
    const huge = await scanTable(join(folder, "Huge.ndjson"));
    assertEquals([huge.scanned, huge.schema.columns[0].type], [false, "real"]);
    const hosts = await scanTable(join(folder, "Hosts.json"));
    assertEquals(hosts.scanned, true);
    assertEquals(hosts.frame.select(pl.col("Cpu").sum()).collectSync().toRecords(), [{
      Cpu: 4,
    }]);
    const flows = await scanTable([
      join(folder, "Flows/day1.ndjson"),
      join(folder, "Flows/day2.ndjson"),
    ], { name: "Flows" });
    assertEquals(flows.scanned, true);
    assertEquals(flows.schema.columns, [{ name: "Bytes", type: "real" }]);

    const out = await query(
      folder,
      "Flows | summarize Total = sum(Bytes), Rows = count(), Known = countif(isnotnull(Bytes))",
    );
    assertEquals(out.code, 0, out.stderr);
    // 1500 × 1 + 2.5 + 4; the null counted as a row, not as a value.
    assertEquals(out.rows, [{ Total: 1506.5, Rows: 1503, Known: 1502 }]);
    const os = await query(folder, "Signins | where tostring(Device.os) == 'iOS' | project User");
    assertEquals(os.rows, [{ User: "ben" }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a text column empty in the sampled head is typed by its first values anywhere", async () => {
  const records = Array.from({ length: 1500 }, (_, i) => `{"Account":"u${i}"}`);
  records.push(`{"Account":"late","Seen":"2026-03-04T05:06:07Z"}`);
  records.push(`{"Account":"later","Seen":"2026-03-05T00:00:00Z"}`);
  const folder = await folderOf({ "Logons.ndjson": records });
  try {
    const table = await scanTable(join(folder, "Logons.ndjson"));
    assertEquals(table.scanned, true);
    assertEquals(table.schema.columns[1], { name: "Seen", type: "datetime" });
    const out = await query(
      folder,
      "Logons | where Seen > datetime(2026-03-04T12:00:00Z) | project Account",
    );
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.rows, [{ Account: "later" }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a file that disappears or changes after planning is named", async () => {
  const folder = await folderOf({
    "Logons/2026-03-02.ndjson": dayRecords(2, 3),
    "Logons/2026-03-03.ndjson": dayRecords(3, 4),
  });
  try {
    const files = [
      join(folder, "Logons/2026-03-02.ndjson"),
      join(folder, "Logons/2026-03-03.ndjson"),
    ];
    const table = await scanTable(files, { name: "Logons" });
    await Deno.writeTextFile(files[0], dayRecords(2, 5).join("\n") + "\n");
    await Deno.remove(files[1]);
    const failure = failureOf(() => table.frame.select("Account").collectSync());
    const clear = await scanFailure(table, failure ?? new Error("read"));
    ok(clear instanceof DataLoadError);
    match(clear.message, /2026-03-02\.ndjson changed after the query was planned/);
    await Deno.remove(files[0]);
    const gone = await scanFailure(table, new Error("read"));
    match(gone!.message, /2026-03-02\.ndjson disappeared/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
