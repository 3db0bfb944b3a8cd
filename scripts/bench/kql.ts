/**
 * KQL benchmark: hunting queries run by the local engine next to the same queries written
 * by hand as nodejs-polars lazy plans, over a generated SecurityEvent-shaped table (10M
 * rows by default), a host table for the join, a process table with dynamic columns and
 * its NDJSON export. Each case's two results are compared once (`_kql_checks.ts`): the run
 * fails when they differ. Also the time to parse and plan each query, and the collects
 * planning makes.
 *
 * @module
 */
import { type DataFrame, DATETIME, type LazyDataFrame, pl } from "../../src/polars.ts";
import { executeOn, sourceTables } from "../../src/kql/run.ts";
import { parseQuery } from "../../src/kql/syntax/_parser.ts";
import { Context } from "../../src/kql/compile/_context.ts";
import { compileQuery } from "../../src/kql/compile/_query.ts";
import { loadGeoLibraries } from "../../src/kql/functions/geo/_libs.ts";
import { scanTable } from "../../src/data/mod.ts";
import { compare, type Comparison, report } from "./_measure.ts";
import { checkedPair, countingCollects, type ResultCheck } from "./_kql_checks.ts";
import { APPLY_SERIES_CASES } from "./_kql_apply_series.ts";
import { itemsText, MV_EXPAND_CASES } from "./_kql_mv_expand_cases.ts";

const COMMANDS = [
  "C:\\Windows\\System32\\svchost.exe -k netsvcs -p",
  "C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
  '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"',
  "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\inventory.ps1",
  "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -enc SQBFAFgA",
  "cmd.exe /c whoami /all",
  "C:\\Tools\\procdump64.exe -accepteula -ma lsass.exe C:\\Temp\\l.dmp",
  "rundll32.exe C:\\Windows\\System32\\shell32.dll,Control_RunDLL",
  "C:\\Temp\\mimikatz.exe privilege::debug sekurlsa::logonpasswords exit",
  "net user backup_svc P@ss /add",
];

/** A SecurityEvent-shaped table of `rows` rows, and a table of its hosts. */
export function makeTables(rows: number): { events: DataFrame; hosts: DataFrame } {
  const hosts = 60;
  const accounts = 200;
  const start = Date.UTC(2026, 2, 2) * 1000;
  const i = pl.Series("i", Array.from({ length: rows }, (_, k) => k), pl.Int64);
  // Deterministic scramble, so hosts, accounts and commands are spread over the rows.
  const scramble = pl.col("i").mul(pl.lit(2654435761).cast(pl.Int64)).modulo(
    pl.lit(1_000_003).cast(pl.Int64),
  )
    .cast(pl.Int64);
  const lookup = (name: string, values: string[]) =>
    pl.DataFrame({ [`${name}_k`]: values.map((_, k) => k), [name]: values }).withColumn(
      pl.col(`${name}_k`).cast(pl.Int64),
    );
  const hostNames = Array.from({ length: hosts }, (_, k) => `HOST-${k}`);
  const accountNames = Array.from({ length: accounts }, (_, k) => `CONTOSO\\user${k}`);
  const events = pl.DataFrame([i]).lazy().select(
    pl.col("i"),
    pl.col("i").mul(Math.floor(14 * 86_400_000_000 / rows)).add(start)
      .cast(pl.Int64).cast(DATETIME).alias("TimeGenerated"),
    scramble.modulo(hosts).cast(pl.Int64).alias("Computer_k"),
    scramble.modulo(accounts).cast(pl.Int64).alias("Account_k"),
    scramble.modulo(COMMANDS.length * 97).modulo(COMMANDS.length).cast(pl.Int64).alias(
      "CommandLine_k",
    ),
    pl.when(scramble.modulo(10).lt(6)).then(pl.lit(4688)).when(scramble.modulo(10).lt(9)).then(
      pl.lit(4624),
    ).otherwise(pl.lit(4625)).cast(pl.Int32).alias("EventID"),
    scramble.modulo(11).cast(pl.Int32).alias("LogonType"),
  )
    .join(lookup("Computer", hostNames).lazy(), { on: "Computer_k", how: "left" } as never)
    .join(lookup("Account", accountNames).lazy(), { on: "Account_k", how: "left" } as never)
    .join(lookup("CommandLine", COMMANDS).lazy(), { on: "CommandLine_k", how: "left" } as never)
    .sort("i")
    .select("TimeGenerated", "Computer", "Account", "EventID", "CommandLine", "LogonType")
    .collectSync();
  const hostTable = pl.DataFrame({
    Computer: hostNames,
    Department: Array.from({ length: hosts }, (_, k) => ["Finance", "IT", "Sales", "HR"][k % 4]),
    Criticality: Array.from({ length: hosts }, (_, k) => (k % 7 === 0 ? "high" : "normal")),
  });
  return { events, hosts: hostTable };
}

const PARENTS = ["explorer.exe", "services.exe", "svchost.exe", "cmd.exe", "winword.exe"];

/**
 * A process table with a dynamic column, `AdditionalFields`, as the scale case writes it
 * (`{"Parent":"…","ProcessId":…,"Elevated":…}`): the first `rows` events.
 */
export function makeProcesses(events: DataFrame, rows: number): DataFrame {
  const s = pl.intRange(0, rows, 1, pl.Int64, false as never).mul(pl.lit(40503).cast(pl.Int64))
    .modulo(pl.lit(1_000_003).cast(pl.Int64));
  const parent = pl.when(s.modulo(5).eq(0)).then(pl.lit(PARENTS[0]))
    .when(s.modulo(5).eq(1)).then(pl.lit(PARENTS[1]))
    .when(s.modulo(5).eq(2)).then(pl.lit(PARENTS[2]))
    .when(s.modulo(5).eq(3)).then(pl.lit(PARENTS[3]))
    .otherwise(pl.lit(PARENTS[4]));
  // A whole number (a JavaScript number divisor would make it a real, written `4242.0`).
  const pid = s.modulo(pl.lit(65536).cast(pl.Int64));
  return events.head(rows).lazy().select(
    "TimeGenerated",
    "Computer",
    "EventID",
    pl.format(
      '{"Parent":"{}","ProcessId":{},"Elevated":{}}',
      parent,
      pid,
      pl.when(s.modulo(3).eq(0)).then(pl.lit("true")).otherwise(pl.lit("false")),
    ).alias("AdditionalFields"),
    // A mixed array (text, number, bool, bag, null) for the mv-expand cases.
    itemsText(
      pl.col("Computer"),
      pid,
      pl.when(s.modulo(3).eq(0)).then(pl.lit("true")).otherwise(pl.lit("false")),
      parent,
    ).alias("Items"),
  ).collectSync();
}

/** The Kusto schema of {@link makeProcesses}' table. */
const PROCESS_SCHEMA = {
  name: "ProcessEvents",
  columns: [
    { name: "TimeGenerated", type: "datetime" as const },
    { name: "Computer", type: "string" as const },
    { name: "EventID", type: "int" as const },
    { name: "AdditionalFields", type: "dynamic" as const },
    { name: "Items", type: "dynamic" as const },
  ],
};

/** Rows of the process table (JSON-path reading costs about a second a million rows). */
const PROCESS_ROWS = 2_000_000;

/** A benchmark query: its KQL and the same plan written by hand with Polars' lazy API. */
export interface Case {
  name: string;
  kql: string;
  /** The plan by hand over the events, the hosts and (for dynamic cases) the processes. */
  hand: (events: LazyDataFrame, hosts: LazyDataFrame, processes?: LazyDataFrame) => LazyDataFrame;
  /** Measured runs (default 5). */
  runs?: number;
  /** What the two results must share (default `rows`: the same rows). */
  check?: ResultCheck;
}

const HOUR = 3_600_000_000;

/** The hunting queries of the suite (the `scale` suite runs them too, over many files). */
export const CASES: Case[] = [
  {
    name: "filter + project",
    kql: `SecurityEvent | where EventID == 4688 and Computer == "HOST-17"
          | project TimeGenerated, Account, CommandLine`,
    hand: (e) =>
      e.filter(
        pl.col("EventID").eq(pl.lit(4688).cast(pl.Int32)).and(
          pl.col("Computer").eq(pl.lit("HOST-17")),
        ),
      )
        .select("TimeGenerated", "Account", "CommandLine"),
  },
  {
    name: "count by Account, bin 1h",
    kql: "SecurityEvent | summarize count() by Account, bin(TimeGenerated, 1h)",
    hand: (e) =>
      e.groupBy([
        pl.col("Account"),
        pl.col("TimeGenerated").cast(pl.Int64).sub(
          pl.col("TimeGenerated").cast(pl.Int64).modulo(HOUR),
        )
          .cast(DATETIME).alias("TimeGenerated"),
      ]).agg(pl.len().cast(pl.Int64).alias("count_")),
  },
  {
    name: "dcount by Computer",
    kql: "SecurityEvent | summarize dcount(Account) by Computer",
    hand: (e) =>
      e.groupBy("Computer").agg(
        pl.col("Account").dropNulls().nUnique().cast(pl.Int64).alias("dcount_Account"),
      ),
  },
  {
    name: "join on Computer",
    kql: `SecurityEvent | where EventID == 4624
          | join kind=inner (Hosts | where Criticality == "high") on Computer`,
    hand: (e, h) =>
      e.filter(pl.col("EventID").eq(pl.lit(4624).cast(pl.Int32))).join(
        h.filter(pl.col("Criticality").eq(pl.lit("high"))).select(
          pl.col("Computer").alias("Computer1"),
          pl.col("Department"),
          pl.col("Criticality"),
          pl.col("Computer").alias("key"),
        ),
        { leftOn: "Computer", rightOn: "key", how: "inner" } as never,
      ),
  },
  {
    name: "has term search",
    kql: 'SecurityEvent | where CommandLine has "mimikatz" | count',
    hand: (e) =>
      e.filter(
        pl.col("CommandLine").str.contains("(?i)(?:^|[^0-9A-Za-z])mimikatz(?:$|[^0-9A-Za-z])"),
      )
        .select(pl.len().cast(pl.Int64).alias("Count")),
  },
  {
    name: "arg_max(TimeGenerated, *) by Computer",
    kql: "SecurityEvent | summarize arg_max(TimeGenerated, *) by Computer",
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
    // Values read in JS (JSON arrays made and expanded row by row), unlike the cases above;
    // on the first million rows (the whole table would take minutes and gigabytes).
    name: "pack_array + mv-expand, count by item (1M rows)",
    kql: `SecurityEvent | take 1000000 | where EventID == 4688
          | extend Item = pack_array(Computer, Account) | mv-expand Item
          | summarize n = count() by Value = tostring(Item)`,
    hand: (e) =>
      e.head(1_000_000).filter(pl.col("EventID").eq(pl.lit(4688).cast(pl.Int32)))
        .select(pl.concatList([pl.col("Computer"), pl.col("Account")]).alias("Value"))
        .explode("Value")
        .groupBy("Value").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 2,
  },
  {
    // Two parallel arrays expanded side by side (the shorter padded with nulls), lazily.
    name: "mv-expand of two arrays, count by both (1M rows)",
    kql: `SecurityEvent | take 1000000 | where EventID == 4688
          | extend a = pack_array(Computer, Account), b = pack_array(CommandLine)
          | mv-expand a, b | summarize n = count() by A = tostring(a), B = tostring(b)`,
    hand: (e) => {
      const a = pl.col("a");
      const b = pl.col("b");
      const at = pl.col("at");
      return e.head(1_000_000).filter(pl.col("EventID").eq(pl.lit(4688).cast(pl.Int32)))
        .select(
          pl.concatList([pl.col("Computer"), pl.col("Account")]).alias("a"),
          pl.concatList([pl.col("CommandLine")]).alias("b"),
        )
        .withColumns(
          pl.intRanges(0, pl.maxHorizontal([a.lst.lengths(), b.lst.lengths()]), 1, pl.Int64)
            .alias("at"),
        )
        .explode("at")
        .select(
          a.lst.get(at, true).fillNull(pl.lit("")).alias("A"),
          b.lst.get(at, true).fillNull(pl.lit("")).alias("B"),
        )
        .groupBy(["A", "B"]).agg(pl.len().cast(pl.Int64).alias("n"));
    },
    runs: 2,
  },
  {
    // Property access of a dynamic column: Polars' JSON path in both, in one pass.
    name: "dynamic property, count by (2M rows)",
    kql: `ProcessEvents | where EventID == 4688
          | summarize n = count() by Parent = tostring(AdditionalFields.Parent)`,
    hand: (_e, _h, p) =>
      p!.filter(pl.col("EventID").eq(pl.lit(4688).cast(pl.Int32)))
        .select(pl.col("AdditionalFields").str.jsonPathMatch("$.Parent").alias("Parent"))
        .groupBy("Parent").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 3,
  },
  {
    name: "dynamic property filter (2M rows)",
    kql: `ProcessEvents | where tostring(AdditionalFields.Elevated) == "true"
          | summarize n = count() by Computer`,
    hand: (_e, _h, p) =>
      p!.filter(pl.col("AdditionalFields").str.jsonPathMatch("$.Elevated").eq(pl.lit("true")))
        .groupBy("Computer").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 3,
  },
  // mv-apply and make-series with the series functions (issue 22).
  ...APPLY_SERIES_CASES.map((c) => ({ ...c, hand: (e: LazyDataFrame) => c.hand(e) })),
  // mv-expand of bags and mixed arrays (issue 22).
  ...MV_EXPAND_CASES.map((c) => ({
    ...c,
    hand: (_e: LazyDataFrame, _h: LazyDataFrame, p?: LazyDataFrame) => c.hand(p!),
  })),
];

/**
 * The cases to run: `KQL_BENCH_CASES`, a regular expression (case-insensitive) matched
 * against case names, picks some (`KQL_BENCH_CASES='mv-apply' deno task bench kql`).
 */
function chosen(name: string): boolean {
  const pattern = Deno.env.get("KQL_BENCH_CASES");
  return !pattern || new RegExp(pattern, "i").test(name);
}

/** A query over a scanned nested NDJSON file, and the same plan by hand over that file. */
export interface FileCase {
  name: string;
  kql: string;
  /** The plan by hand over the NDJSON file (Polars' own reader, nested values as text). */
  hand: (file: string) => LazyDataFrame;
  runs?: number;
  /** What the two results must share (default `rows`: the same rows). */
  check?: ResultCheck;
}

/** Polars' reader of {@link nestedProcessesFile}'s file, its nested column as JSON text. */
function scanNested(file: string): LazyDataFrame {
  return pl.scanJson(file, {
    schema: {
      TimeGenerated: pl.Utf8,
      Computer: pl.Utf8,
      EventID: pl.Int64,
      AdditionalFields: pl.Utf8,
    },
  });
}

/**
 * The process table written as an NDJSON export: `AdditionalFields` an object in each
 * record (`{"Parent":…,"ProcessId":…,"Elevated":…,"Tags":[Computer, Parent]}`), scanned
 * lazily by the loader (src/data/_scan_ndjson.ts). Returns the file's path.
 */
export async function nestedProcessesFile(processes: DataFrame): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".ndjson" });
  const fields = pl.col("AdditionalFields").str.jsonDecode(
    pl.Struct({ Parent: pl.Utf8, ProcessId: pl.Int64, Elevated: pl.Bool }),
  );
  processes.lazy().select(
    pl.col("TimeGenerated").cast(pl.Int64).cast(DATETIME).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
      .alias("TimeGenerated"),
    "Computer",
    "EventID",
    pl.struct([
      fields.struct.field("Parent"),
      fields.struct.field("ProcessId"),
      fields.struct.field("Elevated"),
      pl.concatList([pl.col("Computer"), fields.struct.field("Parent")]).alias("Tags"),
    ]).alias("AdditionalFields"),
  ).collectSync().writeJSON(file, { format: "lines" });
  return file;
}

/** Queries over a nested NDJSON export scanned lazily (issue 22: no whole load). */
export const FILE_CASES: FileCase[] = [
  {
    name: "NDJSON nested property, count by",
    kql: `ProcessFile | where EventID == 4688
          | summarize n = count() by Parent = tostring(AdditionalFields.Parent)`,
    hand: (file) =>
      scanNested(file).filter(pl.col("EventID").eq(pl.lit(4688)))
        .select(pl.col("AdditionalFields").str.jsonPathMatch("$.Parent").alias("Parent"))
        .groupBy("Parent").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 3,
  },
  {
    name: "NDJSON nested array, mv-expand, count by",
    kql: `ProcessFile | mv-expand Tag = AdditionalFields.Tags to typeof(string)
          | summarize n = count() by Tag`,
    hand: (file) =>
      scanNested(file)
        .select(
          pl.col("AdditionalFields").str.jsonPathMatch("$.Tags").str.jsonDecode(pl.List(pl.Utf8))
            .alias("Tag"),
        )
        .explode("Tag")
        .groupBy("Tag").agg(pl.len().cast(pl.Int64).alias("n")),
    // Three runs: of two, the median taken is the slower one, and one run that meets another
    // process's burst of work would set the figure.
    runs: 3,
  },
  {
    // A filter between the extend of a JSON path and its mv-expand.
    name: "NDJSON extend path, where between, mv-expand",
    kql: `ProcessFile | extend T = AdditionalFields.Tags | where EventID == 4688
          | mv-expand T to typeof(string) | summarize n = count() by T`,
    hand: (file) =>
      scanNested(file).filter(pl.col("EventID").eq(pl.lit(4688)))
        .select(
          pl.col("AdditionalFields").str.jsonPathMatch("$.Tags").str.jsonDecode(pl.List(pl.Utf8))
            .alias("T"),
        )
        .explode("T")
        .groupBy("T").agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 3,
  },
  {
    // A projection between the extend of a JSON path and its mv-expand.
    name: "NDJSON extend path, project between, mv-expand",
    kql: `ProcessFile | extend T = AdditionalFields.Tags | project Computer, T
          | mv-expand T to typeof(string) | summarize n = count() by Computer, T`,
    hand: (file) =>
      scanNested(file)
        .select(
          "Computer",
          pl.col("AdditionalFields").str.jsonPathMatch("$.Tags").str.jsonDecode(pl.List(pl.Utf8))
            .alias("T"),
        )
        .explode("T")
        .groupBy(["Computer", "T"]).agg(pl.len().cast(pl.Int64).alias("n")),
    runs: 3,
  },
];

/**
 * Planning a scan of the nested NDJSON `file` (its schema, row count and sample; the file
 * stamped anew each run, so no plan is reused) and counting its rows, against Polars
 * inferring the schema over every line and counting.
 */
async function ndjsonPlanning(file: string, rows: number): Promise<Comparison> {
  let stamp = Date.now();
  return await compare(
    `NDJSON planning (scanTable) + count (${rows} rows)`,
    async () => {
      stamp += 1000;
      await Deno.utime(file, new Date(stamp), new Date(stamp));
      const table = await scanTable(file, { name: "ProcessFile" });
      return table.frame.select(pl.len()).collectSync();
    },
    () => pl.scanJson(file, { inferSchemaLength: null }).select(pl.len()).collectSync(),
    { runs: 3 },
  );
}

/** Runs the suite. */
export async function run(options: { rows?: number } = {}): Promise<void> {
  const rows = options.rows ?? 10_000_000;
  let started = performance.now();
  const { events, hosts } = makeTables(rows);
  console.log(
    `generated ${events.height} events in ${(performance.now() - started).toFixed(0)} ms`,
  );
  const processes = makeProcesses(events, Math.min(rows, PROCESS_ROWS));
  const tables = sourceTables(
    { SecurityEvent: events, Hosts: hosts, ProcessEvents: processes },
    { ProcessEvents: PROCESS_SCHEMA },
  );
  const now = new Date(Date.UTC(2026, 2, 16));
  await loadGeoLibraries();
  // Planning counts the collects of the source tables' plans it makes (a JavaScript job
  // reading rows while planning: part of the query runs then).
  const counter = { collects: 0 };
  const counted = countingCollects(tables, counter);
  const plan = (kql: string) => compileQuery(parseQuery(kql), new Context(kql, counted, now));
  const results: Comparison[] = [];
  const planning: string[][] = [];
  const wrong: string[] = [];
  // Runs one case's pair, the two results checked equal on the warm-up runs.
  const measured = async (
    name: string,
    check: ResultCheck,
    kql: () => Promise<DataFrame>,
    hand: () => DataFrame,
    runs: number,
  ) => {
    const pair = checkedPair(check, kql, hand);
    const result = await compare(name, pair.kql, pair.hand, { runs });
    const difference = pair.difference();
    if (difference === undefined) return result;
    wrong.push(`${name}: ${difference}`);
    return { ...result, note: "DIFFERENT RESULTS" };
  };
  for (const c of CASES.filter((c) => chosen(c.name))) {
    // Parsing and planning: the lazy plan is built but not run (20 times; 3 when a plan
    // takes over 100 ms). Collects while planning run part of the query then (a sample,
    // or a JavaScript job over the rows): counted for the first plan and the later ones.
    counter.collects = 0;
    const times: number[] = [];
    let firstCollects = 0;
    for (let k = 0; k < (times[0] > 100 ? 3 : 20); k++) {
      started = performance.now();
      plan(c.kql);
      times.push(performance.now() - started);
      if (k === 0) [firstCollects, counter.collects] = [counter.collects, 0];
    }
    const later = counter.collects / (times.length - 1);
    times.sort((a, b) => a - b);
    planning.push([
      c.name,
      `${times[times.length >> 1].toFixed(2)} ms`,
      firstCollects + later > 0
        ? `collects while planning: ${firstCollects} (first plan), ${later} (later plans)`
        : "",
    ]);
    results.push(
      await measured(
        c.name,
        c.check ?? "rows",
        async () => (await executeOn(c.kql, tables, { now })).frame,
        () => c.hand(events.lazy(), hosts.lazy(), processes.lazy()).collectSync(),
        c.runs ?? 5,
      ),
    );
  }
  // A nested NDJSON export of the process table, scanned lazily (not loaded whole).
  const fileCases = FILE_CASES.filter((c) => chosen(c.name));
  const planNdjson = chosen("NDJSON planning");
  const file = fileCases.length > 0 || planNdjson
    ? await nestedProcessesFile(processes)
    : undefined;
  if (file) {
    try {
      const scanned = await scanTable(file, { name: "ProcessFile" });
      if (!scanned.scanned) throw new Error(`${file} was loaded whole, not scanned`);
      const withFile = new Map(tables).set("ProcessFile", scanned);
      for (const c of fileCases) {
        results.push(
          await measured(
            `${c.name} (${processes.height} rows)`,
            c.check ?? "rows",
            async () => (await executeOn(c.kql, withFile, { now })).frame,
            () => c.hand(file).collectSync(),
            c.runs ?? 3,
          ),
        );
      }
      if (planNdjson) results.push(await ndjsonPlanning(file, processes.height));
    } finally {
      await Deno.remove(file);
    }
  }
  report(
    `KQL engine vs hand-written nodejs-polars (${rows} rows); target ratio <= 1.3`,
    results,
    1.3,
  );
  console.log("\nParse + plan per query (median of 20, of 3 over 100 ms); target < 5 ms");
  const width = Math.max(0, ...planning.map(([name]) => name.length));
  for (const [name, ms, note] of planning) {
    console.log(`${name.padEnd(width)}  ${ms.padStart(9)}  ${note}`.trimEnd());
  }
  if (wrong.length > 0) {
    throw new Error(
      `The engine and the hand plan computed different results:\n${wrong.join("\n")}`,
    );
  }
}
