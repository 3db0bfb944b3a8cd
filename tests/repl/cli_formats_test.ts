/**
 * `casefile query`, `head`, `load` and `schema` as pipelines use them: run with `deno run`
 * (and in a terminal through tmux), their output read back by independent readers (Polars'
 * CSV, Parquet and JSON readers, `JSON.parse`), checked against the demo case's answer key.
 */
import { deepStrictEqual as assertEquals, doesNotMatch, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { pl } from "../../src/polars.ts";
import { Terminal, tmuxAvailable } from "../_tmux.ts";
import { runCasefile, tempDir } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(REPO, "repl/main.ts");

/** `casefile ARGS` with nothing on stdin. */
function casefile(args: string[], env: Record<string, string> = {}) {
  return runCasefile(args, { env });
}

/** Runs `casefile ARGS | head -n LINES` in a shell, as a person types it. */
async function casefileToHead(args: string[], lines: number) {
  const quoted = [Deno.execPath(), "run", "--allow-all", MAIN, ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const out = await new Deno.Command("sh", {
    args: ["-c", `${quoted} | head -n ${lines}; echo "status=\${PIPESTATUS:-0}" >&2`],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return {
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const ALERTS_ON_VICTIM = "SecurityAlert " +
  '| where CompromisedEntity has "daniel.reyes" or CompromisedEntity startswith "lks-ws-1042" ' +
  "| project TimeGenerated, AlertName | sort by TimeGenerated asc";

Deno.test("casefile query | head is CSV by default, and reads back as the answer key's alerts", async () => {
  const { stdout, stderr } = await casefileToHead(["query", ALERTS_ON_VICTIM], 20);
  doesNotMatch(stderr, /error|BrokenPipe/i);
  // Polars' own CSV reader, not casefile's, reads it back.
  const frame = pl.readCSV(stdout, { tryParseDates: false });
  assertEquals(frame.columns, ["TimeGenerated", "AlertName"]);
  assertEquals(
    frame.rows().map(([time, name]) => [time, name]),
    ANSWER_KEY.alerts.map((a) => [a.time, a.name]),
  );
  // Nothing but the data: no footer, no table rules.
  assertEquals(stdout.trimEnd().split("\n").length, 1 + ANSWER_KEY.alerts.length);
});

Deno.test("casefile query: a long output cut short by head exits quietly", async () => {
  const { stdout, stderr } = await casefileToHead(["query", "SecurityEvent", "--format", "csv"], 3);
  // (SecurityEvent is 202,743 rows: formatted in pieces, the first reach head at once.)
  assertEquals(stdout.split("\n").length, 4);
  match(stdout, /^TenantId,TimeGenerated,/);
  doesNotMatch(stderr, /error/i);
});

Deno.test("casefile query -n 20 on a 15-row result shows all 15, with whole values", async () => {
  // SecurityAlert's rows, counted from the Parquet file with Polars alone.
  const alerts = pl.readParquet(join(REPO, "fixtures/demo-case/SecurityAlert.parquet"));
  // The first intrusion's 4 alerts, 9 benign ones, the cloud incident's 2.
  assertEquals(alerts.height, 15);
  const { code, stdout, stderr } = await casefile([
    "query",
    "SecurityAlert | project TimeGenerated, AlertName, CompromisedEntity | sort by TimeGenerated asc",
    "-n",
    "20",
    "--format",
    "table",
  ]);
  assertEquals(code, 0, stderr);
  const lines = stdout.trimEnd().split("\n");
  // Header, rule, 15 rows, the footer.
  assertEquals(lines.length, 18, stdout);
  match(lines.at(-1)!, /^15 rows, \d+ ms$/);
  doesNotMatch(stdout, /…/);
  // Longer than the old ~30-character cut, whole.
  const entities = alerts.getColumn("CompromisedEntity").toArray() as string[];
  const longest = entities.reduce((a, b) => b.length > a.length ? b : a);
  ok(longest.length > 40, longest);
  ok(stdout.includes(longest), stdout);
  for (const a of ANSWER_KEY.alerts) {
    match(stdout, new RegExp(`${a.time.slice(0, 19).replace("T", " ")}\\s+${a.name}`));
  }
  // -n 5 of 15 says so.
  const five = await casefile(["query", "SecurityAlert", "-n", "5", "--format", "table"]);
  match(five.stdout, /\n15 rows, \d+ ms \(first 5 shown; -n N or -n all for more\)\n$/);
  // In a pipe, CSV gives every row unless -n says otherwise.
  const csv = await casefile(["query", "SecurityAlert | project AlertName", "-n", "2"]);
  assertEquals(csv.stdout.trimEnd().split("\n").length, 3, csv.stdout);
});

Deno.test("a long command line survives whole in CSV, TSV, JSON, NDJSON and Parquet", async () => {
  const expected = ANSWER_KEY.encodedPowerShell.commandLine;
  ok(expected.length > 200, expected);
  const kql = "DeviceProcessEvents " +
    '| where ProcessCommandLine has "-EncodedCommand" and DeviceName startswith "LKS-WS-1042" ' +
    '| where AccountName !has "system" ' +
    "| project TimeGenerated, DeviceName, ProcessCommandLine, ProcessId";

  const csv = await casefile(["query", kql, "--format", "csv"]);
  assertEquals(csv.code, 0, csv.stderr);
  const fromCsv = pl.readCSV(csv.stdout, { tryParseDates: false });
  assertEquals(fromCsv.getColumn("ProcessCommandLine").toArray(), [expected]);
  assertEquals(fromCsv.getColumn("TimeGenerated").toArray(), [ANSWER_KEY.encodedPowerShell.time]);

  const tsv = await casefile(["query", kql, "--format", "tsv"]);
  const fromTsv = pl.readCSV(tsv.stdout, { sep: "\t", tryParseDates: false });
  assertEquals(fromTsv.getColumn("ProcessCommandLine").toArray(), [expected]);

  const json = await casefile(["query", kql, "--format", "json"]);
  const records = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
  assertEquals(records.map((r) => r.ProcessCommandLine), [expected]);
  assertEquals(records[0].TimeGenerated, ANSWER_KEY.encodedPowerShell.time);
  assertEquals(typeof records[0].ProcessId, "number");

  const ndjson = await casefile(["query", kql, "--format", "ndjson"]);
  const lines = ndjson.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assertEquals(lines.map((r) => r.ProcessCommandLine), [expected]);

  // --output: the format from the extension; Polars reads the file back.
  const dir = await tempDir();
  const file = join(dir, "cradle.parquet");
  const written = await casefile(["query", kql, "--output", file]);
  assertEquals(written.code, 0, written.stderr);
  match(written.stdout, /^1 rows written to .*cradle\.parquet \(parquet\)\n$/);
  assertEquals(pl.readParquet(file).getColumn("ProcessCommandLine").toArray(), [expected]);
  const jsonFile = join(dir, "cradle.json");
  await casefile(["query", kql, "--output", jsonFile]);
  assertEquals(JSON.parse(await Deno.readTextFile(jsonFile))[0].ProcessCommandLine, expected);
});

Deno.test("CSV quotes per RFC 4180; JSON keeps longs past 2^53 exact as strings, dynamic as JSON", async () => {
  const kql = `print a = 'x,y', b = 'say "hi"', c = 'l1\\nl2', big = 9007199254740993, ` +
    `small = -42, d = dynamic({"k":[1,2]}), t = datetime(2026-03-11 09:21:44.5), ts = 90m, ` +
    `f = real(null)`;
  const csv = await casefile(["query", kql, "--format", "csv"]);
  assertEquals(csv.code, 0, csv.stderr);
  // Written out by hand from RFC 4180: fields with a comma, quote or line break are quoted,
  // quotes doubled.
  assertEquals(
    csv.stdout,
    "a,b,c,big,small,d,t,ts,f\n" +
      `"x,y","say ""hi""","l1\nl2",9007199254740993,-42,"{""k"":[1,2]}",` +
      "2026-03-11T09:21:44.500Z,01:30:00,\n",
  );
  const json = await casefile(["query", kql, "--format", "json"]);
  assertEquals(JSON.parse(json.stdout), [{
    a: "x,y",
    b: 'say "hi"',
    c: "l1\nl2",
    big: "9007199254740993",
    small: -42,
    d: { k: [1, 2] },
    t: "2026-03-11T09:21:44.500Z",
    ts: "01:30:00",
    f: null,
  }]);
});

Deno.test("a dynamic column is nested JSON: the attacker's sign-in comes from BR", async () => {
  const kql = 'SigninLogs | where UserPrincipalName == "daniel.reyes@larkspurlogistics.example" ' +
    '| where IPAddress == "203.0.113.45" and AppDisplayName == "OfficeHome" ' +
    "| project TimeGenerated, LocationDetails, ResultType | sort by TimeGenerated asc";
  const { code, stdout, stderr } = await casefile(["query", kql, "--format", "json"]);
  assertEquals(code, 0, stderr);
  const rows = JSON.parse(stdout) as Array<{ TimeGenerated: string; LocationDetails: unknown }>;
  // ANSWERS.md, stage 3: 09:21:44 told to register MFA, 09:26:10 succeeds, from Sao Paulo.
  assertEquals(rows.at(0)?.TimeGenerated, "2026-03-11T09:21:44Z");
  assertEquals(rows.at(-1)?.TimeGenerated, "2026-03-11T09:26:10Z");
  for (const r of rows) {
    assertEquals((r.LocationDetails as { countryOrRegion: string }).countryOrRegion, "BR");
  }
});

Deno.test("exit codes: 0 ok, 1 query or data error (nothing on stdout), 2 usage", async () => {
  const ok0 = await casefile(["query", "SecurityAlert | count"]);
  assertEquals([ok0.code, ok0.stdout], [0, "Count\n15\n"]);

  const cases: Array<[string[], number, RegExp]> = [
    [["query", "SecurityAlertz | count"], 1, /Unknown table 'SecurityAlertz'/],
    [["query", "SecurityAlert | where"], 1, /error: /],
    [["head", "NoSuchTable"], 1, /NoSuchTable/],
    [["schema", "NoSuchTable"], 1, /NoSuchTable/],
    [["load", "/nonexistent/file.csv"], 1, /file\.csv/],
    [["query", "SecurityAlert", "--bogus"], 2, /unknown option '--bogus'/],
    [["query"], 2, /missing required argument 'kql'/],
    [["query", "SecurityAlert", "--format", "xml"], 2, /--format takes table, csv, tsv, json/],
    [["query", "SecurityAlert", "-n", "ten"], 2, /-n takes a number of rows or all, not ten/],
    [["query", "SecurityAlert", "--output", "alerts.xlsx"], 2, /Cannot tell the format/],
    [["head"], 2, /missing required argument 'table'/],
    [["--provider", "splunk", "query", "x"], 2, /--provider takes local, sentinel, adx or xdr/],
  ];
  for (const [args, code, message] of cases) {
    const run = await casefile(args);
    assertEquals(run.code, code, `${args.join(" ")}: ${run.stderr}`);
    assertEquals(run.stdout, "", args.join(" "));
    match(run.stderr, message);
  }
});

Deno.test("head, schema and load take the same options", async () => {
  const head = await casefile(["head", "SecurityAlert", "-n", "3", "--format", "json"]);
  assertEquals(head.code, 0, head.stderr);
  const first = pl.readParquet(join(REPO, "fixtures/demo-case/SecurityAlert.parquet")).head(3);
  assertEquals(
    (JSON.parse(head.stdout) as Array<{ SystemAlertId: string }>).map((r) => r.SystemAlertId),
    first.getColumn("SystemAlertId").toArray(),
  );

  const schema = await casefile(["schema", "SigninLogs", "--format", "csv"]);
  const columns = pl.readCSV(schema.stdout);
  assertEquals(columns.columns, ["column", "type"]);
  const types = Object.fromEntries(columns.rows().map(([c, t]) => [c, t]));
  assertEquals([types.TimeGenerated, types.LocationDetails, types.DurationMs], [
    "datetime",
    "dynamic",
    "long",
  ]);

  // load: a file converted, every row, read back.
  const dir = await tempDir();
  const source = join(dir, "assets.csv");
  await Deno.copyFile(join(REPO, "fixtures/demo-case/external/high_value_assets.csv"), source);
  const original = pl.readCSV(await Deno.readTextFile(source));
  const loaded = await casefile(["load", source, "--format", "ndjson"]);
  assertEquals(loaded.code, 0, loaded.stderr);
  const rows = loaded.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assertEquals(rows.length, original.height);
  ok(rows.some((r) => Object.values(r).includes("LKS-FS01")), loaded.stdout);
});

Deno.test("head and load tables fit the width, each cell over four lines at most", async () => {
  // A file with the attack's long command line between two short ones.
  const dir = await tempDir();
  const file = join(dir, "processes.csv");
  const long = ANSWER_KEY.encodedPowerShell.commandLine;
  ok(long.length > 4 * 40, long);
  await Deno.writeTextFile(
    file,
    `Host,CommandLine,Account\nLKS-WS-1042,"${long.replaceAll('"', '""')}",daniel.reyes\n` +
      "LKS-FS01,C:\\Windows\\system32\\svchost.exe -k netsvcs,SYSTEM\n",
  );
  const { code, stdout, stderr } = await casefile(["load", file, "--format", "table"], {
    COLUMNS: "100",
  });
  assertEquals(code, 0, stderr);
  const lines = stdout.trimEnd().split("\n");
  const header = lines.findIndex((l) => /^Host\s+CommandLine\s+Account$/.test(l));
  ok(header > 0, stdout);
  const body = lines.slice(header + 2);
  for (const line of body) ok(line.length <= 100, `${line.length}: ${line}`);
  // The long cell: four lines, the last cut with …; the short row on one line.
  assertEquals(body.length, 5, stdout);
  match(body[0], /^LKS-WS-1042\s+"C:\\Windows\\.*powershell\.exe" .*daniel\.reyes$/);
  match(body[3], /…$/);
  match(body[4], /^LKS-FS01\s+C:\\Windows\\system32\\svchost\.exe -k netsvcs\s+SYSTEM$/);

  const head = await casefile(["head", "DeviceProcessEvents", "-n", "4", "--format", "table"], {
    COLUMNS: "120",
  });
  const headLines = head.stdout.trimEnd().split("\n");
  for (const line of headLines.slice(0, -2)) ok(line.length <= 120, line);
  match(headLines.at(-2)!, /^\(\d+ more columns: .*; --format csv or json shows them all\)$/);
  match(headLines.at(-1)!, /^56,971 rows in DeviceProcessEvents \(first 4 shown;/);
});

Deno.test({
  name: "in a terminal, casefile query prints a whole-value table, and refuses Parquet",
  ignore: !(await tmuxAvailable()),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const term = new Terminal({ joinWrapped: true });
    try {
      await term.start(["query", ALERTS_ON_VICTIM]);
      const screen = await term.waitFor(/\[exited 0\]/);
      match(screen, /TimeGenerated\s+AlertName\n-+\s+-+\n/);
      for (const a of ANSWER_KEY.alerts) {
        match(screen, new RegExp(`${a.time.slice(0, 19).replace("T", " ")}\\s+${a.name}\\n`));
      }
      match(screen, /\n4 rows, \d+ ms\n/);
    } finally {
      await term.close();
    }
    const binary = new Terminal();
    try {
      await binary.start(["query", "SecurityAlert", "--format", "parquet"]);
      const screen = await binary.waitFor(/\[exited 2\]/);
      match(screen, /Parquet is binary: it is not written to a terminal\.\nhint: Give --output/);
    } finally {
      await binary.close();
    }
  },
});

Deno.test("a table on the terminal shows escape sequences in the data as text, never raw", async () => {
  // Log data is hostile: a window-title change and a screen clear hidden in a command line
  // and in a column's name.
  const dir = await tempDir();
  const file = join(dir, "hostile.csv");
  await Deno.writeTextFile(
    file,
    "Host,\x1b[2JCommandLine\nLKS-WS-1042,cmd \x1b]0;pwned\x07 /c whoami\n",
  );
  const { code, stdout, stderr } = await casefile(["load", file, "--format", "table"]);
  assertEquals(code, 0, stderr);
  ok(!stdout.includes("\x1b") && !stdout.includes("\x07"), JSON.stringify(stdout));
  match(stdout, /^Host\s+\\x1b\[2JCommandLine$/m);
  match(stdout, /^LKS-WS-1042\s+cmd \\x1b\]0;pwned\\x07 \/c whoami$/m);
});
