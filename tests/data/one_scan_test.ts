/**
 * A table of many Parquet files with the same columns is one multi-file scan, not a union
 * of one scan a file: Polars reads one scan's files and row groups in parallel, where the
 * union read them one after another (the scale benchmark's `has` search over 30 daily files
 * took 10× the hand-written plan). The scan reads a private folder of links to the files, in
 * their order: rows keep the files' order, a file added next to them later is not read, and
 * the links are gone when the process ends.
 *
 * Expected values are counted by hand from how the files are made: day d (1..12) holds 24
 * rows, one per hour h, user `user{h % 3}`.
 */
import { deepStrictEqual as assertEquals, doesNotMatch, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { scanTable } from "../../src/data/mod.ts";
import { tempDir } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(REPO, "repl/main.ts");

function dayFrame(day: number) {
  const hours = Array.from({ length: 24 }, (_, h) => h);
  return pl.DataFrame({
    TimeGenerated: hours.map((h) => new Date(Date.UTC(2026, 2, day, h))),
    UserPrincipalName: hours.map((h) => `user${h % 3}@larkspur.example`),
  }).withColumn(pl.col("TimeGenerated").cast(pl.Datetime("us")));
}

async function dailyFolder(days: number[]): Promise<{ folder: string; files: string[] }> {
  const folder = await tempDir("casefile_one_scan_");
  await Deno.mkdir(join(folder, "SigninLogs"));
  const files = days.map((day) => dayFile(folder, day));
  for (const [i, day] of days.entries()) dayFrame(day).writeParquet(files[i]);
  return { folder, files };
}

function dayFile(folder: string, day: number): string {
  return join(folder, "SigninLogs", `2026-03-${String(day).padStart(2, "0")}.parquet`);
}

const DAYS = Array.from({ length: 12 }, (_, i) => i + 1);

Deno.test("twelve daily files of one layout are one Parquet scan, with the time filter in it", async () => {
  const { folder, files } = await dailyFolder(DAYS);
  try {
    const table = await scanTable(files);
    assertEquals(table.rows, 12 * 24);
    const plan = table.frame.filter(
      pl.col("TimeGenerated").gtEq(pl.lit(new Date(Date.UTC(2026, 2, 3)))),
    ).select("UserPrincipalName").describeOptimizedPlan();
    doesNotMatch(plan, /UNION/);
    assertEquals(plan.match(/Parquet SCAN/g)?.length, 1, plan);
    match(plan, /11 other sources/);
    match(plan, /SELECTION: .*TimeGenerated/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("casefile query --data: rows of daily files keep the files' order (day 10 after day 9)", async () => {
  const { folder } = await dailyFolder(DAYS);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        MAIN,
        "query",
        "--data",
        folder,
        // Row 1 is day 1 at 00:00; row 24*9+1 = 217 day 10; row 24*11+1 = 265 day 12.
        "SigninLogs | serialize n = row_number() | where n in (1, 217, 265, 288) " +
        "| project n, TimeGenerated",
        "--format",
        "json",
      ],
      cwd: REPO,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    assertEquals(JSON.parse(new TextDecoder().decode(out.stdout)), [
      { n: 1, TimeGenerated: "2026-03-01T00:00:00Z" },
      { n: 217, TimeGenerated: "2026-03-10T00:00:00Z" },
      { n: 265, TimeGenerated: "2026-03-12T00:00:00Z" },
      { n: 288, TimeGenerated: "2026-03-12T23:00:00Z" },
    ]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a planned scan reads the files planned: a day written next to them later is not read", async () => {
  const { folder, files } = await dailyFolder([2, 3, 4]);
  try {
    const table = await scanTable(files);
    dayFrame(5).writeParquet(dayFile(folder, 5));
    const rows = table.frame.select(pl.len().alias("n")).collectSync().getColumn("n").get(0);
    assertEquals(Number(rows), 3 * 24);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("the folder of links a scan reads is removed when the process ends", async () => {
  const { folder, files } = await dailyFolder([2, 3]);
  const child = join(folder, "child.ts");
  await Deno.writeTextFile(
    child,
    `import { scanTable } from ${JSON.stringify(join(REPO, "src/data/mod.ts"))};\n` +
      `const table = await scanTable(${JSON.stringify(files)});\n` +
      "console.log(table.frame.describeOptimizedPlan());\n",
  );
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--config", join(REPO, "deno.json"), child],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    const plan = new TextDecoder().decode(out.stdout);
    const link = /Parquet SCAN \[([^,\]]+)/.exec(plan)?.[1];
    ok(link !== undefined, plan);
    ok(!files.includes(link), `the scan reads links, not the files: ${plan}`);
    const links = join(link, "..");
    const gone = await Deno.stat(links).then(() => false, () => true);
    ok(gone, `${links} is left behind`);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
