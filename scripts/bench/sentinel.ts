/**
 * Sentinel benchmark: reading a 500,000-row Log Analytics response into a typed DataFrame
 * (what the Sentinel provider does with each answer: `JSON.parse`, shape check,
 * column-wise conversion) next to a bare `JSON.parse` of the same body, in the same run.
 * Target: within 2x of `JSON.parse` alone.
 *
 * The body is a real answer of the loopback Log Analytics service (the service's own wire
 * encoding) to a SecurityEvent hunting projection over the demo case, repeated to size:
 * mostly text columns, as Sentinel tables are, plus one column of each other kind the
 * converter treats differently (datetime, int, long, real, bool, timespan, dynamic).
 *
 * Each measurement runs in a fresh process (after a warm-up on a small body), alternating
 * candidate and baseline: a heap left over from an earlier run would otherwise blur both
 * the times (its garbage collection) and the peaks (V8 keeps what it grew). The peak is the
 * growth of resident memory over the process holding the body text.
 *
 * @module
 */
import { join } from "node:path";
import { startLogAnalyticsService } from "../../tests/twins/log_analytics/mod.ts";
import { readWireResult, tableToFrame } from "../../src/providers/sentinel/_results.ts";
import { type Comparison, report } from "./_measure.ts";

type Mode = "candidate" | "baseline";

const RUNS = 5;

/** Runs the suite; `rows` sizes the response (default 500,000). */
export async function run(options: { rows?: number } = {}): Promise<void> {
  const rows = options.rows ?? 500_000;
  const dir = await Deno.makeTempDir({ prefix: "casefile-bench-sentinel-" });
  try {
    const body = join(dir, "body.json");
    const warm = join(dir, "warm.json");
    await Deno.writeTextFile(body, await responseBody(rows));
    await Deno.writeTextFile(warm, await responseBody(Math.min(rows, 50_000)));
    const size = (await Deno.stat(body)).size;
    console.log(`response: ${rows} rows, ${(size / 2 ** 20).toFixed(0)} MiB of JSON`);
    const candidate: Measurement[] = [];
    const baseline: Measurement[] = [];
    for (let i = 0; i < RUNS; i++) {
      candidate.push(await measureIn("candidate", body, warm, rows));
      baseline.push(await measureIn("baseline", body, warm, rows));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const result: Comparison = {
      name: `${rows} rows → DataFrame`,
      candidateMs: median(candidate.map((m) => m.ms)),
      baselineMs: median(baseline.map((m) => m.ms)),
      candidatePeakMiB: median(candidate.map((m) => m.peakMiB)),
      baselinePeakMiB: median(baseline.map((m) => m.peakMiB)),
      note: "baseline: JSON.parse of the same body; peaks: growth over the body text",
    };
    report("Log Analytics response: parse + convert vs JSON.parse alone", [result], 2);
    const perSecond = (ms: number) => Math.round(rows / (ms / 1000)).toLocaleString("en-US");
    console.log(
      `rows/s: ${perSecond(result.candidateMs)} into a DataFrame, ` +
        `${perSecond(result.baselineMs)} for JSON.parse alone`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface Measurement {
  readonly ms: number;
  readonly peakMiB: number;
}

async function measureIn(mode: Mode, body: string, warm: string, rows: number) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname, mode, body, warm, String(rows)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`the ${mode} measurement failed`);
  return JSON.parse(new TextDecoder().decode(output.stdout)) as Measurement;
}

function convert(text: string): number {
  return tableToFrame(readWireResult(JSON.parse(text)).tables[0]).frame.height;
}

function parseOnly(text: string): number {
  return (JSON.parse(text) as { tables: { rows: unknown[] }[] }).tables[0].rows.length;
}

// In a child process: warm up on the small body, then time one read of the big one.
function child(mode: Mode, bodyFile: string, warmFile: string, rows: number): Measurement {
  const op = mode === "candidate" ? convert : parseOnly;
  const small = Deno.readTextFileSync(warmFile);
  for (let i = 0; i < 3; i++) op(small);
  const text = Deno.readTextFileSync(bodyFile);
  const before = resident("VmRSS");
  resetPeak();
  const started = performance.now();
  const height = op(text);
  const ms = performance.now() - started;
  if (height !== rows) throw new Error(`read ${height} rows, not ${rows}`);
  return { ms, peakMiB: resident("VmHWM") - before };
}

function resident(field: "VmRSS" | "VmHWM"): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
}

function resetPeak(): void {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux, or not permitted: the peak then counts from the process start.
  }
}

/** The loopback service's answer to a query of `rows` rows, as text. */
async function responseBody(rows: number): Promise<string> {
  const service = await startLogAnalyticsService({ maxRows: rows, maxBytes: 2 ** 31 });
  const client = Deno.createHttpClient({ caCerts: [service.caCertificate] });
  try {
    const copies = Math.ceil(rows / 200_000) + 1;
    const query = `union ${Array(copies).fill("SecurityEvent").join(", ")}
      | take ${rows}
      | project TimeGenerated, Computer, Account, EventID, Activity, LogonType, IpAddress,
          NewProcessName, CommandLine, ParentProcessName, SubjectLogonId, TargetUserName,
          Status
      | extend Elapsed = TimeGenerated - datetime(2026-03-02), Score = todouble(EventID) / 7.0,
          Interactive = LogonType == 10, Bytes = tolong(EventID) * 1024,
          Details = bag_pack("EventID", EventID, "Computer", Computer)`;
    const response = await fetch(
      `${service.endpoint}/v1/workspaces/${service.workspaceIds[0]}/query`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${service.token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ query }),
        client,
      },
    );
    const text = await response.text();
    if (!response.ok) throw new Error(`the loopback service answered ${response.status}`);
    return text;
  } finally {
    client.close();
    await service.close();
  }
}

if (import.meta.main) {
  const [mode, body, warm, rows] = Deno.args;
  console.log(JSON.stringify(child(mode as Mode, body, warm, Number(rows))));
}
