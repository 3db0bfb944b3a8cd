/**
 * Analysis benchmark: casefile's process trees, beacon scoring and password-attack search
 * next to plain Polars doing the core grouping/joining step of each, in the same run.
 *
 * @module
 */
import { DATETIME, pl } from "../../src/polars.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { buildProcessTree } from "../../src/analysis/process_tree.ts";
import { findBeacons } from "../../src/analysis/beaconing.ts";
import { findPasswordAttacks } from "../../src/analysis/password_attacks.ts";
import { decomposeSeries } from "../../src/analysis/anomalies.ts";
import { compare, type Comparison, report } from "./_measure.ts";

const IMAGES = [
  "cmd.exe",
  "powershell.exe",
  "conhost.exe",
  "svchost.exe",
  "rundll32.exe",
  "git.exe",
];

/** 4688-like events: `rows` processes on 200 hosts, hex pids reused, some parents unlogged. */
export function processEvents(rows: number) {
  const hosts = 200;
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const host = new Array<string>(rows);
  const time = new Float64Array(rows);
  const pid = new Int32Array(rows);
  const ppid = new Int32Array(rows);
  const image = new Array<string>(rows);
  const parentImage = new Array<string>(rows);
  const recent: Array<Array<[number, string]>> = Array.from({ length: hosts }, () => []);
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const h = i % hosts;
    host[i] = `HOST-${h}`;
    time[i] = (start + i * 50) * 1000;
    pid[i] = 4 * (1 + Math.floor(rand() * 16000));
    image[i] = `C:\\Windows\\System32\\${IMAGES[Math.floor(rand() * IMAGES.length)]}`;
    const pool = recent[h];
    if (pool.length > 0 && rand() < 0.8) {
      const [p, name] = pool[Math.floor(rand() * pool.length)];
      ppid[i] = p;
      parentImage[i] = name;
    } else {
      ppid[i] = 4 * (1 + Math.floor(rand() * 16000));
      parentImage[i] = "C:\\Windows\\System32\\services.exe";
    }
    pool.push([pid[i], image[i]]);
    if (pool.length > 50) pool.shift();
  }
  const hex = (v: number) => `0x${v.toString(16)}`;
  return pl.DataFrame({
    EventID: new Int32Array(rows).fill(4688),
    Computer: host,
    TimeGenerated: time,
    NewProcessId: Array.from(pid, hex),
    ProcessId: Array.from(ppid, hex),
    NewProcessName: image,
    ParentProcessName: parentImage,
    pid: pid,
    ppid: ppid,
  }).withColumn(pl.col("TimeGenerated").cast(pl.Int64).cast(DATETIME));
}

/** Runs the suite; `rows` sizes the synthetic process events (default 1M). */
export async function run(options: { rows?: number } = {}): Promise<void> {
  const rows = options.rows ?? 1_000_000;
  const events = processEvents(rows);
  const forTree = events.drop("pid", "ppid");
  // The baseline links each child to the latest earlier process with its parent's pid on
  // its host (integer ids given) and counts children: the core join, no keys, no inferred
  // parents, no tree walk.
  const baseline = () => {
    const parents = events.select(
      "Computer",
      pl.col("pid").alias("ppid"),
      pl.col("TimeGenerated").alias("parentTime"),
    ).sort("parentTime");
    const linked = events.sort("TimeGenerated").joinAsof(parents, {
      leftOn: "TimeGenerated",
      rightOn: "parentTime",
      by: ["Computer", "ppid"],
      strategy: "backward",
      checkSortedness: false,
    });
    return linked.groupBy(["Computer", "ppid", "parentTime"]).agg(pl.len().alias("children"));
  };
  const tree: Comparison[] = [
    await compare(
      `process tree, ${rows} 4688 events`,
      () => buildProcessTree(forTree, { keepColumns: false }),
      baseline,
      { runs: 3, note: "baseline: polars joinAsof + groupBy on integer ids" },
    ),
  ];
  report("Process trees: buildProcessTree() vs a plain Polars parent join", tree);

  const provider = await openLocalProvider();
  const flows = (await provider.query("DeviceNetworkEvents")).frame;
  const signins = (await provider.query("SigninLogs")).frame;
  const keys = ["DeviceName", "RemoteIP"];
  const gapStats = () =>
    flows.select(...keys, pl.col("TimeGenerated").cast(pl.Int64).div(1e6).alias("t"))
      .sort([...keys, "t"]).withColumn(
        pl.col("t").diff(1, "ignore").over("DeviceName", "RemoteIP").alias("gap"),
      )
      .groupBy(keys).agg(
        pl.len().alias("n"),
        pl.col("gap").median().alias("median"),
        pl.col("gap").quantile(0.1).alias("q10"),
        pl.col("gap").quantile(0.9).alias("q90"),
      );
  const series = (await provider.query(
    "SigninLogs | make-series n = count() default = 0 on TimeGenerated step 1h",
  )).frame;
  const demo: Comparison[] = [
    await compare(
      `beacons, DeviceNetworkEvents (${flows.height} rows)`,
      () => findBeacons(flows),
      gapStats,
      { note: "baseline: polars gap median/quantiles per pair, no spectral test" },
    ),
    await compare(
      `password attacks, SigninLogs (${signins.height} rows)`,
      () => findPasswordAttacks(signins),
      () =>
        signins.filter(pl.col("ResultType").neq(pl.lit("0"))).groupBy("IPAddress").agg(
          pl.len().alias("failures"),
          pl.col("UserPrincipalName").nUnique().alias("accounts"),
        ),
      { note: "baseline: polars failures per IP, no bursts or outcomes" },
    ),
    await compare(
      "decompose, hourly sign-ins (make-series)",
      () => decomposeSeries(series),
      () => series.select(pl.col("n").str.lengths()),
      { note: "baseline: reading the series column only" },
    ),
  ];
  report("Demo case: analyses vs the plain Polars step they build on", demo);
}
