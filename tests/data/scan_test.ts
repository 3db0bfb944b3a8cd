/**
 * Tables of many Parquet files scanned lazily: a folder of daily files is one table, a
 * query's filters and columns reach the reader (files and columns a query does not need are
 * never read: damaged ones do not stop it), and bad input (a truncated footer in one of 300
 * files, a file that disappears or changes after planning, files whose columns differ) is a
 * clear error naming the file, or a warning with counts, never a crash or lost rows.
 *
 * Expected values are counted by hand from how the files are made: each day holds 24 rows,
 * one per hour h, user `user{h % 3}`, ResultType "50126" when h % 4 == 0 (6 a day), else "0".
 */
import { deepStrictEqual as assertEquals, match, ok, rejects } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { DataLoadError, scanFailure, scanTable } from "../../src/data/mod.ts";
import { clearInterrupt, InterruptedError, raiseInterrupt } from "../../src/interrupt.ts";
import { tempDir } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(REPO, "repl/main.ts");
const DAY3 = "datetime(2026-03-03) .. datetime(2026-03-03 23:59:59)";

function dayFrame(day: number, options: { junk?: boolean; resultAsNumber?: boolean } = {}) {
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const columns: Record<string, unknown[]> = {
    TimeGenerated: hours.map((h) => new Date(Date.UTC(2026, 2, day, h))),
    UserPrincipalName: hours.map((h) => `user${h % 3}@larkspur.example`),
    ResultType: hours.map((h) => options.resultAsNumber ? h : h % 4 === 0 ? "50126" : "0"),
  };
  if (options.junk) {
    // Random hex does not compress: this column is nearly all of the file's bytes.
    columns.Junk = hours.map(() =>
      Array.from({ length: 8000 }, () => Math.floor(Math.random() * 16).toString(16)).join("")
    );
  }
  return pl.DataFrame(columns).withColumn(pl.col("TimeGenerated").cast(pl.Datetime("us")));
}

async function dailyFolder(days = [2, 3, 4], options: { junk?: boolean } = {}) {
  const folder = await tempDir("casefile_scan_");
  await Deno.mkdir(join(folder, "SigninLogs"));
  for (const day of days) {
    dayFrame(day, options).writeParquet(dayFile(folder, day));
  }
  return folder;
}

function dayFile(folder: string, day: number): string {
  return join(folder, "SigninLogs", `2026-03-${String(day).padStart(2, "0")}.parquet`);
}

/**
 * Overwrites the bytes of a Parquet file between `fromEnd` and `toEnd` bytes before its
 * footer (all of its data by default), leaving the footer and its statistics intact.
 */
async function damageData(file: string, fromEnd = Infinity, toEnd = 0): Promise<void> {
  const bytes = await Deno.readFile(file);
  const footer = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
  const dataEnd = bytes.length - 8 - footer;
  for (let i = Math.max(4, dataEnd - fromEnd); i < dataEnd - toEnd; i++) bytes[i] = 0x5a;
  await Deno.writeFile(file, bytes);
}

async function casefile(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("casefile query --data reads a folder of daily Parquet files as one table, and only the day a query needs", async () => {
  const folder = await dailyFolder();
  try {
    const perDay = await casefile([
      "query",
      "--data",
      folder,
      "SigninLogs | summarize Rows = count(), Failures = countif(ResultType != '0') " +
      "by Day = bin(TimeGenerated, 1d) | order by Day asc",
      "--format",
      "json",
    ]);
    assertEquals(perDay.code, 0, perDay.stderr);
    assertEquals(JSON.parse(perDay.stdout), [
      { Day: "2026-03-02T00:00:00Z", Rows: 24, Failures: 6 },
      { Day: "2026-03-03T00:00:00Z", Rows: 24, Failures: 6 },
      { Day: "2026-03-04T00:00:00Z", Rows: 24, Failures: 6 },
    ]);
    // The summary a person starts with: rows from the footers, the span from TimeGenerated.
    const summary = await casefile(["summary", "--data", folder]);
    assertEquals(summary.code, 0, summary.stderr);
    match(summary.stdout, /SigninLogs\s+72\s+3\s+2026-03-02 00:00:00\s+2026-03-04 23:00:00/);
    // The other days' data is damaged (their footers intact): a query of day 3 never reads it.
    await damageData(dayFile(folder, 2));
    await damageData(dayFile(folder, 4));
    const day3 = await casefile([
      "query",
      "--data",
      folder,
      `SigninLogs | where TimeGenerated between (${DAY3}) | where ResultType != "0" ` +
      "| summarize Failures = count() by UserPrincipalName | order by UserPrincipalName asc",
      "--format",
      "json",
    ]);
    assertEquals(day3.code, 0, day3.stderr);
    // Hours 0, 4, 8, 12, 16, 20: users 0, 1, 2, 0, 1, 2.
    assertEquals(JSON.parse(day3.stdout), [
      { UserPrincipalName: "user0@larkspur.example", Failures: 2 },
      { UserPrincipalName: "user1@larkspur.example", Failures: 2 },
      { UserPrincipalName: "user2@larkspur.example", Failures: 2 },
    ]);
    // A query that needs the damaged data says which file, and the process does not crash.
    const all = await casefile([
      "query",
      "--data",
      folder,
      "SigninLogs | summarize dcount(UserPrincipalName)",
    ]);
    ok(all.code !== 0);
    match(all.stderr, /2026-03-02\.parquet/);
    match(all.stderr, /damaged/);
    ok(!/at (async )?\w+ \(file:/.test(all.stderr), all.stderr);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a column a query does not select is never read: its damaged data does not matter", async () => {
  const folder = await dailyFolder([3], { junk: true });
  try {
    // Junk is the file's last and largest column: the bytes before the footer are its data.
    await damageData(dayFile(folder, 3), 150_000, 10_000);
    const provider = await openLocalProvider(folder);
    const result = await provider.query(
      `SigninLogs | where ResultType == "50126" | project TimeGenerated, UserPrincipalName`,
    );
    assertEquals(result.rowCount, 6);
    assertEquals(result.frame.getColumn("UserPrincipalName").toArray(), [
      "user0@larkspur.example",
      "user1@larkspur.example",
      "user2@larkspur.example",
      "user0@larkspur.example",
      "user1@larkspur.example",
      "user2@larkspur.example",
    ]);
    const error = await provider.query("SigninLogs | project Junk").then(() => undefined, (e) => e);
    ok(error instanceof DataLoadError, String(error));
    assertEquals(error.file, dayFile(folder, 3));
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("planning reads the footers only: tables() counts rows, a glob in tables is one table", async () => {
  const folder = await dailyFolder();
  try {
    for (const day of [2, 3, 4]) await damageData(dayFile(folder, day));
    const provider = await openLocalProvider(folder, {
      tables: { EarlyMarch: "SigninLogs/2026-03-0{2,3}.parquet" },
    });
    const tables = await provider.tables();
    assertEquals(
      tables.map((t) => [t.name, t.rows, t.error]),
      [["SigninLogs", 72, undefined], ["EarlyMarch", 48, undefined]],
    );
    assertEquals((await provider.table("EarlyMarch")).scanned, true);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a truncated footer in one of 300 daily files is an error naming that file", async () => {
  const folder = await tempDir("casefile_scan_");
  try {
    await Deno.mkdir(join(folder, "Heartbeat"));
    const files: string[] = [];
    for (let k = 0; k < 300; k++) {
      const day = new Date(Date.UTC(2025, 5, 1) + k * 86_400_000);
      const file = join(folder, "Heartbeat", `${day.toISOString().slice(0, 10)}.parquet`);
      pl.DataFrame({ Computer: [`HOST-${k}`], TimeGenerated: [day] }).writeParquet(file);
      files.push(file);
    }
    const bad = files[137];
    const bytes = await Deno.readFile(bad);
    await Deno.writeFile(bad, bytes.subarray(0, bytes.length - 20));
    const provider = await openLocalProvider(folder);
    const error = await provider.query("Heartbeat | count").then(() => undefined, (e) => e);
    ok(error instanceof DataLoadError, String(error));
    assertEquals(error.file, bad);
    match(error.message, /2025-10-16\.parquet/);
    match(error.hint ?? "", /truncated/);
    // The table list reports it on its table instead of failing.
    const [table] = await provider.tables();
    match(table.error ?? "", /2025-10-16\.parquet/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a file that disappears or changes after planning: named, or read afresh, never stale", async () => {
  const folder = await dailyFolder();
  try {
    const provider = await openLocalProvider(folder);
    assertEquals((await provider.query("SigninLogs | count")).frame.toRecords(), [{ Count: 72 }]);
    // Rewritten with two days' rows: the next query plans again and counts them.
    const both = pl.concat([dayFrame(4), dayFrame(5)]);
    both.writeParquet(dayFile(folder, 4));
    assertEquals((await provider.query("SigninLogs | count")).frame.toRecords(), [{ Count: 96 }]);
    await Deno.remove(dayFile(folder, 3));
    const error = await provider.query("SigninLogs | count").then(() => undefined, (e) => e);
    ok(error instanceof DataLoadError, String(error));
    assertEquals(error.file, dayFile(folder, 3));

    // Between planning and reading: the scan's own failure is explained by the file.
    const table = await scanTable([dayFile(folder, 2), dayFile(folder, 4)]);
    await Deno.remove(dayFile(folder, 2));
    const failed = await table.frame.collect().then(() => undefined, (e) => e);
    ok(failed !== undefined);
    const explained = await scanFailure(table, failed);
    ok(explained instanceof DataLoadError);
    assertEquals(explained.file, dayFile(folder, 2));
    match(explained.message, /disappeared after the query was planned/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("files of one table with different columns: missing ones are null with a warning, a type clash is an error", async () => {
  const folder = await dailyFolder([2, 3]);
  try {
    dayFrame(4).drop("ResultType").writeParquet(dayFile(folder, 4));
    const provider = await openLocalProvider(folder);
    const result = await provider.query(
      "SigninLogs | summarize Rows = count(), Failures = countif(ResultType == '50126'), " +
        "Empty = countif(isempty(ResultType))",
    );
    assertEquals(result.frame.toRecords(), [{ Rows: 72, Failures: 12, Empty: 24 }]);
    assertEquals(result.warnings.map((w) => w.message), [
      "column ResultType is missing from 1 of 3 files of table SigninLogs " +
      "(first: 2026-03-04.parquet); its 24 row(s) there are null",
    ]);

    dayFrame(4, { resultAsNumber: true }).writeParquet(dayFile(folder, 4));
    const clash = await openLocalProvider(folder);
    await rejects(clash.query("SigninLogs | count"), (error: DataLoadError) => {
      ok(error instanceof DataLoadError);
      assertEquals(error.file, dayFile(folder, 4));
      match(
        error.message,
        /column ResultType is (String|Utf8) in .*2026-03-02\.parquet and Float64 in .*2026-03-04\.parquet/,
      );
      return true;
    });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a string column's nulls read as empty strings, in the files that have them only", async () => {
  const folder = await dailyFolder([2, 3]);
  try {
    // Day 4's ResultType is null in its first 5 hours: Kusto reads those as "".
    dayFrame(4).withColumn(
      pl.when(pl.col("TimeGenerated").dt.hour().lt(5)).then(pl.lit(null).cast(pl.Utf8))
        .otherwise(pl.col("ResultType")).alias("ResultType"),
    ).writeParquet(dayFile(folder, 4));
    const provider = await openLocalProvider(folder);
    const result = await provider.query(
      `SigninLogs | summarize NotZero = countif(ResultType != "0"), Empty = countif(ResultType == "")`,
    );
    // Days 2 and 3: 6 failures each; day 4: hours 0-4 empty (0 and 4 were failures), 4 left.
    assertEquals(result.frame.toRecords(), [{ NotZero: 6 + 6 + 5 + 4, Empty: 5 }]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("the null counts read from Parquet footers are the ones Polars counts in the data", async () => {
  const { parquetNullCounts } = await import("../../src/data/_parquet_footer.ts");
  const folder = await tempDir("casefile_scan_");
  try {
    const file = join(folder, "t.parquet");
    const n = 300_000; // several row groups
    pl.DataFrame({
      a: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `v${i % 13}`)),
      b: Array.from({ length: n }, (_, i) => i),
      c: Array.from({ length: n }, (_, i) => (i > n - 3 ? null : i % 2 === 0)),
    }).writeParquet(file);
    const counts = await parquetNullCounts(file);
    const frame = pl.readParquet(file);
    // What the scan relies on: a column has nulls exactly where the footer counts some
    // (the writer over-counts some chunks, so only zero is exact).
    assertEquals(
      Object.fromEntries([...counts ?? []].map(([k, v]) => [k, (v ?? 1) > 0])),
      Object.fromEntries(frame.getColumns().map((s) => [s.name, s.nullCount() > 0])),
    );
    assertEquals(counts?.get("b"), 0);
    assertEquals(counts?.get("c"), 2);
    const small = join(folder, "small.parquet");
    frame.head(100).writeParquet(small);
    assertEquals((await parquetNullCounts(small))?.get("a"), 15); // rows 0, 7, ..., 98
    // Row groups of 500 rows, the nulls in the last ones only: every row group is counted.
    const grouped = join(folder, "grouped.parquet");
    const late = pl.DataFrame({
      b: Array.from({ length: 2000 }, (_, k) => (k < 1000 ? k : null)),
    });
    const sunkLate = late.lazy().sinkParquet(grouped, { rowGroupSize: 500 });
    await (sunkLate as unknown as { collect?: () => Promise<unknown> }).collect?.();
    assertEquals(pl.readParquet(grouped).getColumn("b").nullCount(), 1000);
    ok(((await parquetNullCounts(grouped))?.get("b") ?? 0) > 0);
    // Not Parquet: nothing known.
    await Deno.writeTextFile(join(folder, "x.parquet"), "not parquet");
    assertEquals(await parquetNullCounts(join(folder, "x.parquet")), undefined);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a mistake in the query, or Ctrl-C, is reported as such, not as the damaged file a full read would find", async () => {
  const folder = await dailyFolder([2, 3]);
  try {
    await damageData(dayFile(folder, 2));
    const provider = await openLocalProvider(folder);
    // The column does not exist: the user's typo, whatever the state of the data.
    await rejects(
      provider.query("SigninLogs | where NoSuchColumn == 1"),
      (error: Error) => {
        ok(!(error instanceof DataLoadError), error.message);
        match(error.message, /NoSuchColumn/);
        return true;
      },
    );
    // Ctrl-C while the query runs: cancelled, with no read of every file to blame one.
    raiseInterrupt();
    try {
      await rejects(provider.query("SigninLogs | summarize count()"), InterruptedError);
    } finally {
      clearInterrupt();
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
