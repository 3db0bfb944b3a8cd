/**
 * Scale benchmark (`deno task bench scale`): a case of one Parquet file per day whose
 * tables, loaded whole into Polars, would need at least twice this machine's memory, queried
 * through the local provider (lazy scans, filters and columns pushed into the reader) next
 * to the same plans written by hand with Polars' lazy API over a scan of the same files.
 * Reports time, peak RSS, and the bytes a query reads (from /proc/self/io, with Polars'
 * asynchronous reader so that reads are system calls, not mapped pages). The generated
 * data is deleted afterwards.
 *
 * `--rows=N` sets SecurityEvent's rows (default: enough for 2× memory); develop with a
 * small N. `--keep=DIR` reuses (or keeps) the case in DIR.
 *
 * @module
 */
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { makeScaleCase } from "./_scale_case.ts";
import { type Case, CASES as KQL_CASES } from "./kql.ts";

const GIB = 2 ** 30;

function dayBounds(day: string): [Date, Date] {
  const start = new Date(`${day}T00:00:00Z`);
  return [start, new Date(start.getTime() + 86_400_000)];
}

/** The `kql` suite's cases of these names, as they are. */
function shared(...names: string[]): Case[] {
  return names.map((name) => {
    const found = KQL_CASES.find((c) => c.name === name);
    if (!found) throw new Error(`the kql suite has no case "${name}"`);
    return { name: found.name, kql: found.kql, hand: found.hand };
  });
}

function cases(firstDay: string, midDay: string): Case[] {
  const [midStart, midEnd] = dayBounds(midDay);
  return [
    ...shared("filter + project", "count by Account, bin 1h", "dcount by Computer"),
    {
      name: "join on Computer",
      kql: `SecurityEvent | where EventID == 4624
            | project TimeGenerated, Computer, Account, LogonType
            | join kind=inner (Hosts | where Criticality == "high") on Computer`,
      hand: (e, h) =>
        e.filter(pl.col("EventID").eq(pl.lit(4624).cast(pl.Int32)))
          .select("TimeGenerated", "Computer", "Account", "LogonType")
          .join(
            h.filter(pl.col("Criticality").eq(pl.lit("high"))).select(
              pl.col("Computer").alias("Computer1"),
              pl.col("Department"),
              pl.col("Criticality"),
              pl.col("Computer").alias("key"),
            ),
            { leftOn: "Computer", rightOn: "key", how: "inner" } as never,
          ),
    },
    ...shared("has term search"),
    {
      // The kql suite's table has these six columns; `*` over all of EventData would be
      // the whole table in memory, for the baseline as for the engine.
      name: "arg_max(TimeGenerated, *) by Computer",
      kql: `SecurityEvent | project TimeGenerated, Computer, Account, EventID, CommandLine,
            LogonType | summarize arg_max(TimeGenerated, *) by Computer`,
      hand: (e) => {
        const index = pl.col("TimeGenerated").argMax();
        return e.groupBy("Computer").agg(
          ...["TimeGenerated", "Account", "EventID", "CommandLine", "LogonType"].map((c) =>
            pl.col(c).gather(index).first()
          ),
        );
      },
    },
    {
      name: "pack_array + mv-expand (first 1M rows)",
      kql: `SecurityEvent | take 1000000 | where EventID == 4688
            | extend Item = pack_array(Computer, Account) | mv-expand Item
            | summarize n = count() by Value = tostring(Item)`,
      hand: (e) =>
        e.head(1_000_000).filter(pl.col("EventID").eq(pl.lit(4688).cast(pl.Int32)))
          .select(pl.concatList([pl.col("Computer"), pl.col("Account")]).alias("Value"))
          .explode("Value")
          .groupBy("Value").agg(pl.len().cast(pl.Int64).alias("n")),
    },
    {
      // Dynamic property access runs in JavaScript today (issue 22 item 2): one day of it.
      name: `dynamic property, one day (${firstDay})`,
      kql: `SecurityEvent | where TimeGenerated between (datetime(${firstDay}) .. 1d)
            | where EventID == 4688 | project AdditionalFields
            | summarize n = count() by Parent = tostring(AdditionalFields.Parent)`,
      hand: (e) => {
        const [start, end] = dayBounds(firstDay);
        return e.filter(
          pl.col("TimeGenerated").gtEq(pl.lit(start)).and(pl.col("TimeGenerated").ltEq(pl.lit(end)))
            .and(pl.col("EventID").eq(pl.lit(4688).cast(pl.Int32))),
        ).select(pl.col("AdditionalFields").str.jsonPathMatch("$.Parent").alias("Parent"))
          .groupBy("Parent").agg(pl.len().cast(pl.Int64).alias("n"));
      },
    },
    {
      name: `selective: one day (${midDay}), five columns`,
      kql: `SecurityEvent | where TimeGenerated >= datetime(${midDay}) and TimeGenerated <
            datetime(${midEnd.toISOString()}) and EventID == 4625
            | project TimeGenerated, Computer, Account, EventID, LogonType`,
      hand: (e) =>
        e.filter(
          pl.col("TimeGenerated").gtEq(pl.lit(midStart)).and(
            pl.col("TimeGenerated").lt(pl.lit(midEnd)),
          )
            .and(pl.col("EventID").eq(pl.lit(4625).cast(pl.Int32))),
        ).select("TimeGenerated", "Computer", "Account", "EventID", "LogonType"),
    },
  ];
}

interface Measured {
  ms: number;
  peakMiB: number;
  readMiB: number;
  rows: number;
  /** The KQL side's first run, which planned the table and checked its values. */
  first?: Measured;
}

async function measured(fn: () => Promise<number>): Promise<Measured> {
  resetPeak();
  const before = bytesRead();
  const started = performance.now();
  const rows = await fn();
  return {
    ms: performance.now() - started,
    peakMiB: peakMiB(),
    readMiB: (bytesRead() - before) / 2 ** 20,
    rows,
  };
}

/** Runs the suite. */
export async function run(options: { rows?: number } = {}): Promise<void> {
  const memory = totalMemory();
  const keep = Deno.args.find((a) => a.startsWith("--keep="))?.slice("--keep=".length);
  const days = 30;
  // About 1.1 kB a row in memory by the generator's estimate, 1.02 kB by RSS (one day
  // loaded whole): 2.2 × memory / 1.1 kB makes both at least 2× this machine's memory.
  const rows = options.rows ?? Math.ceil((2.2 * memory) / 1100 / days) * days;
  const rowsPerDay = Math.ceil(rows / days);
  const folder = keep ?? await Deno.makeTempDir({ prefix: "casefile-scale-" });
  await Deno.mkdir(folder, { recursive: true }); // df needs the folder to exist
  try {
    const free = diskFree(folder);
    const exists = keep !== undefined &&
      await Deno.stat(join(folder, "manifest.json")).then(() => true, () => false);
    console.log(
      `machine memory ${(memory / GIB).toFixed(1)} GiB; ${(free / GIB).toFixed(0)} GiB free ` +
        `on ${folder}; ` +
        (exists ? "reusing the case there" : `making ${days} days × ${rowsPerDay} rows`),
    );
    const started = performance.now();
    if (!exists) {
      const made = await makeScaleCase(folder, days, rowsPerDay);
      console.log(
        `generated ${made.rows} rows in ${((performance.now() - started) / 1000).toFixed(0)} s: ` +
          `${(made.diskBytes / GIB).toFixed(2)} GiB of Parquet, ` +
          `${(made.memoryBytes / GIB).toFixed(1)} GiB in memory (estimated from the columns), ` +
          `${(made.memoryBytes / memory).toFixed(2)}× this machine's memory`,
      );
    }
    await measureOneDay(folder, days);
    await measureQueries(folder);
  } finally {
    if (keep === undefined) {
      await Deno.remove(folder, { recursive: true });
      console.log(`removed ${folder}`);
    }
  }
}

// One day's file loaded whole, its RSS growth times the days: the in-memory estimate measured.
// In a child: the day's frame is native memory this process could not give back.
async function measureOneDay(folder: string, days: number): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname, "--one-day", folder],
    stderr: "inherit",
  }).output();
  const { rows, grown } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    rows: number;
    grown: number;
  };
  console.log(
    `one day loaded whole: ${rows} rows, RSS +${(grown / GIB).toFixed(2)} GiB; ` +
      `× ${days} days ≈ ${((grown * days) / GIB).toFixed(1)} GiB in memory ` +
      `(${((grown * days) / totalMemory()).toFixed(2)}× this machine's memory)`,
  );
}

function loadOneDay(folder: string): void {
  const dir = join(folder, "SecurityEvent");
  const first = [...Deno.readDirSync(dir)].map((e) => e.name).sort()[0];
  const before = rssBytes();
  const frame = pl.readParquet(join(dir, first));
  console.log(JSON.stringify({ rows: frame.height, grown: rssBytes() - before }));
}

function printTable(title: string, header: string[], lines: string[][]): void {
  console.log(`\n${title}`);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const line of [header, ...lines]) {
    console.log(
      line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "),
    );
  }
}

function procField(file: string, re: RegExp): number {
  try {
    const m = re.exec(Deno.readTextFileSync(file));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function totalMemory(): number {
  return procField("/proc/meminfo", /MemTotal:\s+(\d+) kB/) * 1024 || 16 * GIB;
}

function rssBytes(): number {
  return procField("/proc/self/status", /VmRSS:\s+(\d+) kB/) * 1024;
}

function peakMiB(): number {
  return procField("/proc/self/status", /VmHWM:\s+(\d+) kB/) / 1024;
}

// Bytes this process asked the kernel to read (page cache included): what a query reads.
function bytesRead(): number {
  return procField("/proc/self/io", /rchar:\s+(\d+)/);
}

function resetPeak(): void {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux: peaks are cumulative.
  }
}

function diskFree(folder: string): number {
  try {
    const out = new Deno.Command("df", { args: ["-k", "--output=avail", folder] }).outputSync();
    return Number(new TextDecoder().decode(out.stdout).split("\n")[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Runs each query in a process of its own, KQL and hand-written, and prints the table. The
 * KQL side runs its query twice: the first run in a fresh process also plans the table
 * (reads the 30 footers) and checks the values of the columns the query names against the
 * footers' statistics (unhashed Parquet, once per file version and process); the second is
 * the query alone, compared with the hand-written plan.
 */
async function measureQueries(folder: string): Promise<void> {
  const manifest = JSON.parse(await Deno.readTextFile(join(folder, "manifest.json"))) as {
    tables: Array<{ rows: number }>;
  };
  const rows = manifest.tables[0].rows;
  const files = [...Deno.readDirSync(join(folder, "SecurityEvent"))].map((e) => e.name).sort();
  const totalBytes = files.reduce(
    (n, f) => n + Deno.statSync(join(folder, "SecurityEvent", f)).size,
    0,
  );
  const lines: string[][] = [];
  const all = cases(...dayNames(files));
  for (const [i, c] of all.entries()) {
    const kql = await inChild(folder, i, "kql");
    const base = await inChild(folder, i, "hand");
    const first = kql.first ?? kql;
    const agree = kql.rows === base.rows ? "" : ` ROWS DIFFER (hand: ${base.rows})`;
    const percent = (m: Measured) => `${((m.readMiB * 2 ** 20 / totalBytes) * 100).toFixed(1)}%`;
    lines.push([
      c.name,
      kql.ms.toFixed(0),
      base.ms.toFixed(0),
      (kql.ms / base.ms).toFixed(2),
      first.ms.toFixed(0),
      Math.max(kql.peakMiB, first.peakMiB).toFixed(0),
      base.peakMiB.toFixed(0),
      percent(kql),
      percent(first),
      percent(base),
      `${kql.rows}${agree}`,
    ]);
    console.log(
      `  ${c.name}: ${kql.ms.toFixed(0)} ms (first run ${first.ms.toFixed(0)} ms) vs ` +
        `${base.ms.toFixed(0)} ms`,
    );
  }
  printTable(
    `KQL on the local provider vs hand-written lazy Polars over the same files (${rows} ` +
      `rows, ${files.length} files, ${(totalBytes / GIB).toFixed(2)} GiB); each query in a ` +
      "fresh process, run twice (1st: plans the table and checks the named columns' values); " +
      "ratio = 2nd run / hand; peak = RSS high-water of either run; read % = bytes read / " +
      "bytes on disk; targets: ratio <= 1.3, peak <= 8 GiB, selective query reads < 5%",
    [
      "case",
      "ms",
      "hand ms",
      "ratio",
      "1st ms",
      "peak MiB",
      "hand MiB",
      "read %",
      "1st read %",
      "hand read %",
      "rows",
    ],
    lines,
  );
}

function dayNames(files: string[]): [string, string] {
  return [files[0].slice(0, 10), files[Math.floor(files.length / 2)].slice(0, 10)];
}

async function inChild(folder: string, index: number, side: "kql" | "hand"): Promise<Measured> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL(import.meta.url).pathname,
      "--query",
      folder,
      String(index),
      side,
    ],
    stderr: "inherit",
    // Polars maps local files into memory unless it reads them asynchronously: with reads,
    // /proc/self/io counts the bytes each query reads (for both sides alike).
    env: { POLARS_FORCE_ASYNC: "1" },
  }).output();
  if (!out.success) {
    return { ms: NaN, peakMiB: NaN, readMiB: NaN, rows: -1 };
  }
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

// The child: one query, one side.
async function queryOnce(folder: string, index: number, side: string): Promise<void> {
  const files = [...Deno.readDirSync(join(folder, "SecurityEvent"))].map((e) => e.name).sort();
  const c = cases(...dayNames(files))[index];
  const provider = side === "kql" ? await openLocalProvider(folder) : undefined;
  // The engine's modules load on the first query: not part of any query's time or reads.
  await provider?.query("print 1");
  const run = () =>
    measured(async () => {
      if (provider) return (await provider.query(c.kql)).rowCount;
      const events = pl.scanParquet(join(folder, "SecurityEvent", "*.parquet"));
      const hosts = pl.scanParquet(join(folder, "Hosts.parquet"));
      return (await c.hand(events, hosts).collect()).height;
    });
  const first = await run();
  const result = provider ? { ...(await run()), first } : first;
  console.log(JSON.stringify(result));
}

if (import.meta.main && Deno.args[0] === "--query") {
  await queryOnce(Deno.args[1], Number(Deno.args[2]), Deno.args[3]);
}
if (import.meta.main && Deno.args[0] === "--one-day") loadOneDay(Deno.args[1]);
