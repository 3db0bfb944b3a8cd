/**
 * The scale benchmark's case: a SecurityEvent table of one Parquet file per day (the `kql`
 * suite's columns and value spreads, plus the text and dynamic columns real SecurityEvent
 * rows carry) and a small Hosts table, with a manifest. Rows are made by Polars
 * expressions, a day at a time, so making tens of GB in memory needs one day's worth.
 *
 * @module
 */
import { join } from "node:path";
import { type DataFrame, DATETIME, pl } from "../../src/polars.ts";
import { makeTables } from "./kql.ts";

const DAY = 86_400_000_000;
const PARENTS = ["explorer.exe", "services.exe", "svchost.exe", "cmd.exe", "winword.exe"];

/** What {@link makeScaleCase} wrote. */
export interface ScaleCase {
  readonly folder: string;
  readonly days: number;
  readonly rows: number;
  /** Bytes of the Parquet files. */
  readonly diskBytes: number;
  /** Bytes the tables would take loaded whole into Polars (string views and buffers). */
  readonly memoryBytes: number;
}

/**
 * Writes `days` daily files of `rowsPerDay` rows each under `folder`, a few days per child
 * process: nodejs-polars frames hold native memory the garbage collector does not see, so
 * one process making tens of GB would keep all of it.
 */
export async function makeScaleCase(
  folder: string,
  days: number,
  rowsPerDay: number,
): Promise<ScaleCase> {
  await Deno.mkdir(join(folder, "SecurityEvent"), { recursive: true });
  let diskBytes = 0;
  let memoryBytes = 0;
  const perChild = 2;
  for (let first = 0; first < days; first += perChild) {
    const last = Math.min(days, first + perChild);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        new URL(import.meta.url).pathname,
        folder,
        String(first),
        String(last),
        String(rowsPerDay),
      ],
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`making days ${first}-${last - 1} failed (${out.code})`);
    const made = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      diskBytes: number;
      memoryBytes: number;
    };
    diskBytes += made.diskBytes;
    memoryBytes += made.memoryBytes;
    if (last % 10 === 0 || last === days) console.log(`  wrote ${last}/${days} days`);
  }
  const hosts = makeTables(60).hosts;
  hosts.writeParquet(join(folder, "Hosts.parquet"));
  diskBytes += (await Deno.stat(join(folder, "Hosts.parquet"))).size;
  await Deno.writeTextFile(
    join(folder, "manifest.json"),
    JSON.stringify(manifest(days, rowsPerDay, START)),
  );
  return { folder, days, rows: days * rowsPerDay, diskBytes, memoryBytes };
}

const START = Date.UTC(2026, 1, 1) * 1000;

// One child's days: [first, last).
async function writeDays(folder: string, first: number, last: number, rowsPerDay: number) {
  let diskBytes = 0;
  let memoryBytes = 0;
  for (let d = first; d < last; d++) {
    const day = dayRows(makeTables(rowsPerDay).events, START + d * DAY, rowsPerDay, d);
    memoryBytes += inMemoryBytes(day);
    const file = join(folder, "SecurityEvent", `${isoDay(START + d * DAY)}.parquet`);
    day.writeParquet(file, { compression: "zstd" });
    diskBytes += (await Deno.stat(file)).size;
  }
  console.log(JSON.stringify({ diskBytes, memoryBytes }));
}

if (import.meta.main) {
  const [folder, first, last, rows] = Deno.args;
  await writeDays(folder, Number(first), Number(last), Number(rows));
}

function isoDay(micros: number): string {
  return new Date(micros / 1000).toISOString().slice(0, 10);
}

function dayRows(events: DataFrame, dayStart: number, rows: number, day: number): DataFrame {
  const k = pl.intRange(0, rows, 1, pl.Int64, false as never);
  const s = k.mul(pl.lit(40503).cast(pl.Int64)).add(day * 7919).modulo(
    pl.lit(1_000_003).cast(pl.Int64),
  );
  const parent = pl.when(s.modulo(5).eq(0)).then(pl.lit(PARENTS[0]))
    .when(s.modulo(5).eq(1)).then(pl.lit(PARENTS[1]))
    .when(s.modulo(5).eq(2)).then(pl.lit(PARENTS[2]))
    .when(s.modulo(5).eq(3)).then(pl.lit(PARENTS[3]))
    .otherwise(pl.lit(PARENTS[4]));
  return events.lazy().withColumns(
    k.mul(Math.floor(DAY / rows)).add(dayStart).cast(pl.Int64).cast(DATETIME).alias(
      "TimeGenerated",
    ),
  ).withColumns(
    pl.format(
      '{"Parent":"{}","ProcessId":{},"Elevated":{}}',
      parent,
      s.modulo(65536),
      pl.when(s.modulo(3).eq(0)).then(pl.lit("true")).otherwise(pl.lit("false")),
    ).alias("AdditionalFields"),
    // The event's XML as Windows writes it: most of a SecurityEvent row's bytes.
    pl.format(
      '<EventData><Data Name="SubjectUserSid">S-1-5-21-3623811015-3361044348-30300820-{}' +
        '</Data><Data Name="SubjectUserName">{}</Data><Data Name="SubjectDomainName">' +
        'CONTOSO</Data><Data Name="SubjectLogonId">0x{}</Data><Data Name="NewProcessId">' +
        '0x{}</Data><Data Name="NewProcessName">{}</Data><Data Name="TokenElevationType">' +
        '%%1936</Data><Data Name="ProcessId">0x{}</Data><Data Name="CommandLine">{}</Data>' +
        '<Data Name="TargetUserSid">S-1-0-0</Data><Data Name="TargetUserName">-</Data>' +
        '<Data Name="TargetDomainName">-</Data><Data Name="TargetLogonId">0x0</Data>' +
        '<Data Name="ParentProcessName">C:\\Windows\\System32\\{}</Data>' +
        '<Data Name="MandatoryLabel">S-1-16-8192</Data></EventData>',
      s.modulo(5000),
      pl.col("Account"),
      s.mul(7).modulo(1_000_000),
      s.mul(13).modulo(100_000),
      pl.col("Computer"),
      s.modulo(65536),
      pl.col("CommandLine"),
      parent,
    ).alias("EventData"),
    pl.format("{}-{}", pl.col("Computer"), s.modulo(100_000)).alias("SourceComputerId"),
    pl.when(pl.col("EventID").eq(4688)).then(pl.lit("4688 - A new process has been created."))
      .when(pl.col("EventID").eq(4624)).then(
        pl.lit("4624 - An account was successfully logged on."),
      )
      .otherwise(pl.lit("4625 - An account failed to log on.")).alias("Activity"),
  ).collectSync();
}

// Polars holds a string as a 16-byte view, plus its bytes when longer than 12; fixed-width
// columns their width; every column a validity bitmap.
function inMemoryBytes(frame: DataFrame): number {
  let bytes = 0;
  for (const [i, column] of frame.columns.entries()) {
    const variant = frame.dtypes[i].variant;
    bytes += frame.height / 8;
    if (variant === "String" || variant === "Utf8") {
      const lengths = frame.select(pl.col(column).str.lengths().cast(pl.Int64).alias("n"));
      const long = lengths.filter(pl.col("n").gt(12)).getColumn("n").sum();
      bytes += 16 * frame.height + Number(long);
    } else if (variant === "Int32") bytes += 4 * frame.height;
    else bytes += 8 * frame.height;
  }
  return bytes;
}

function manifest(days: number, rowsPerDay: number, start: number) {
  const end = start + days * DAY;
  const iso = (m: number) => new Date(m / 1000).toISOString().replace(".000Z", "Z");
  const strings = (...names: string[]) => names.map((name) => ({ name, type: "string" }));
  return {
    format: "casefile-case/1",
    name: `scale benchmark (${days} days)`,
    description: "Generated by deno task bench scale; deleted after the run.",
    referenceTime: iso(end),
    timeRange: { start: iso(start), end: iso(end) },
    tables: [
      {
        name: "SecurityEvent",
        file: "SecurityEvent/*.parquet",
        rows: days * rowsPerDay,
        columns: [
          { name: "TimeGenerated", type: "datetime" },
          ...strings("Computer", "Account"),
          { name: "EventID", type: "int" },
          ...strings("CommandLine"),
          { name: "LogonType", type: "int" },
          { name: "AdditionalFields", type: "dynamic" },
          ...strings("EventData", "SourceComputerId", "Activity"),
        ],
      },
      {
        name: "Hosts",
        file: "Hosts.parquet",
        rows: 60,
        columns: strings("Computer", "Department", "Criticality"),
      },
    ],
    external: [],
  };
}
