/**
 * The `casefile` command against the loopback Log Analytics service, as a user runs it:
 * `--provider sentinel --workspace ...` with the service's CA in NODE_EXTRA_CA_CERTS (Deno
 * reads it at the child's start) and its token in CASEFILE_SENTINEL_TOKEN. The service
 * serves other data than the bundled demo case (5 alerts, not 13), so an answer from the
 * demo case cannot pass for the workspace's.
 */
import { deepStrictEqual as assertEquals, doesNotMatch, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  DEMO_WORKSPACE_ID,
  type LogAnalyticsService,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { type CasefileRun, runCasefile, tempFolder } from "../_helpers.ts";

// SecurityAlert's columns as the demo case's manifest records them (the twin serves the case).
const ALERT_COLUMNS: number = JSON.parse(
  await Deno.readTextFile(join(DEMO_CASE_DIR, "manifest.json")),
).tables.find((t: { name: string }) => t.name === "SecurityAlert").columns.length;

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const WORKSPACE = DEMO_WORKSPACE_ID;
const ALERTS = pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).head(5);

/** Runs `casefile args` against `service`, as a person would from a shell set up for it. */
async function casefile(
  service: LogAnalyticsService,
  args: string[],
  stdin = "",
): Promise<CasefileRun> {
  return await runCasefile(args, {
    stdin,
    env: {
      NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      CASEFILE_SENTINEL_ENDPOINT: service.endpoint,
      CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
      CASEFILE_SENTINEL_TOKEN: service.token,
      // No config file of the machine running the tests.
      XDG_CONFIG_HOME: await tempFolder(),
    },
  });
}

async function withWorkspace(fn: (service: LogAnalyticsService) => Promise<void>): Promise<void> {
  const folder = await tempFolder({ "SecurityAlert.parquet": ALERTS.writeParquet() });
  const service = await startLogAnalyticsService({ workspaces: { [WORKSPACE]: folder } });
  try {
    await fn(service);
  } finally {
    await service.close();
  }
}

/** The query texts the service received, in order. */
function queries(service: LogAnalyticsService): string[] {
  return service.requests.map((r) => String((r.body as { query?: string })?.query ?? ""));
}

Deno.test("every casefile subcommand answers from the workspace it is given", async () => {
  await withWorkspace(async (service) => {
    const sentinel = ["--provider", "sentinel", "--workspace", WORKSPACE];

    // In a pipe, CSV: the data alone.
    const query = await casefile(service, [...sentinel, "query", "SecurityAlert | count"]);
    assertEquals(query.code, 0, query.stderr);
    assertEquals(query.stdout, "Count\n5\n");
    ok(queries(service).includes("SecurityAlert | count"));
    // The options may follow the subcommand too; --workspace alone means Sentinel.
    const after = await casefile(service, [
      "query",
      "--workspace",
      WORKSPACE,
      "SecurityAlert",
      "--format",
      "table",
    ]);
    assertEquals(after.code, 0, after.stderr);
    match(after.stdout, /\n5 rows, \d+ ms\n/);

    const tables = await casefile(service, [...sentinel, "tables"]);
    assertEquals(tables.code, 0, tables.stderr);
    match(tables.stdout, new RegExp(`\nSecurityAlert\\s+${ALERT_COLUMNS}\\s+workspace c3a1e7f4-`));
    // Only the workspace's tables: none of the demo case's others.
    doesNotMatch(tables.stdout, /SigninLogs|DeviceProcessEvents/);

    const schema = await casefile(service, [...sentinel, "schema", "SecurityAlert"]);
    assertEquals(schema.code, 0, schema.stderr);
    // CSV in a pipe: "column,type", then a line per column.
    const columns = schema.stdout.trimEnd().split("\n").map((l) => l.split(",")[0]);
    assertEquals(columns, ["column", ...ALERTS.columns]);

    const before = service.requests.length;
    const head = await casefile(service, [
      ...sentinel,
      "head",
      "SecurityAlert",
      "-n",
      "2",
      "--format",
      "table",
    ]);
    assertEquals(head.code, 0, head.stderr);
    match(head.stdout, /^TenantId\s+TimeGenerated\s+/);
    match(head.stdout, /\n2 rows of SecurityAlert \(take 2\)\n/);
    // Two rows are asked for, not the whole table.
    assertEquals(queries(service).slice(before), ["SecurityAlert | take 2"]);

    const summary = await casefile(service, [...sentinel, "summary"]);
    assertEquals(summary.code, 0, summary.stderr);
    match(
      summary.stdout,
      /^casefile: Log Analytics workspace c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77, public cloud at https:\/\/127\.0\.0\.1:\d+\/v1, signed in with the token in CASEFILE_SENTINEL_TOKEN\n/,
    );
    match(summary.stdout, new RegExp(`\nSecurityAlert\\s+${ALERT_COLUMNS}\n`));
    match(summary.stdout, /\n1 tables \(rows are not counted/);
  });
});

Deno.test("casefile refuses what it cannot do with the provider given, never answering from the demo case", async () => {
  await withWorkspace(async (service) => {
    const nosuch = await casefile(service, [
      "--provider",
      "sentinel",
      "--workspace",
      "nosuch",
      "query",
      "SecurityAlert | count",
    ]);
    assertEquals(nosuch.code, 1);
    assertEquals(nosuch.stdout, "");
    match(nosuch.stderr, /'nosuch' is neither a configured workspace nor a workspace id/);

    // Options that do not go together are usage errors: exit code 2.
    const refusals: Array<[string[], RegExp, number]> = [
      [["--provider", "local", "--workspace", WORKSPACE, "tables"], /but --provider is local/, 2],
      [["--provider", "sentinel", "--data", REPO, "tables"], /but --provider is sentinel/, 2],
      [["--provider", "splunk", "tables"], /--provider takes local, .*, not splunk/, 2],
      [["--workspace", WORKSPACE, "load", "x.csv"], /load reads files on this machine/, 2],
      [
        ["--workspace", WORKSPACE, "run", "x.ts"],
        /run does not take --provider or --workspace/,
        1,
      ],
    ];
    for (const [args, message, code] of refusals) {
      const run = await casefile(service, args);
      assertEquals(run.code, code, args.join(" "));
      assertEquals(run.stdout, "", args.join(" "));
      match(run.stderr, message);
      match(run.stderr, /\nhint: /);
    }
    assertEquals(service.requests.length, 0, "nothing was sent");
  });
});

Deno.test("casefile query against a throttled workspace says so as it waits", async () => {
  await withWorkspace(async (service) => {
    service.inject({ kind: "throttle", retryAfterSeconds: 1, times: 2 });
    const run = await casefile(service, [
      "--workspace",
      WORKSPACE,
      "query",
      "SecurityAlert | count",
    ]);
    assertEquals(run.code, 0, run.stderr);
    assertEquals(
      run.stderr.match(/^progress: .*$/gm),
      [
        "progress: throttled (429), retrying in 1 s",
        "progress: throttled (429), retrying in 1 s",
      ],
    );
    assertEquals(service.requests.map((r) => r.status), [429, 429, 200]);
    assertEquals(run.stdout, "Count\n5\n");
  });
});

Deno.test("the REPL on a workspace: progress, cache hits with their age, %kql! and .rerun --refresh", async () => {
  await withWorkspace(async (service) => {
    const home = await tempFolder();
    service.inject({ kind: "throttle", retryAfterSeconds: 1 }, {
      queryIncludes: "SecurityAlert | count",
    });
    const input = [
      "%kql n = SecurityAlert | count",
      "%kql again = SecurityAlert | count",
      "%kql! fresh = SecurityAlert | count",
      ".rerun 2 --refresh",
      ".rerun 3",
    ].join("\n") + "\n";
    const run = await casefile(
      service,
      [
        "repl",
        "--provider",
        "sentinel",
        "--workspace",
        WORKSPACE,
        "--home",
        home,
        "--session",
        "s",
      ],
      input,
    );
    assertEquals(run.code, 0, run.stderr);
    match(run.stderr, /^progress: throttled \(429\), retrying in 1 s$/m);
    match(run.stdout, /\(n · step 1 · [\d,]+ ms · cache miss\)/);
    match(run.stdout, /\(again · step 2 · [\d,]+ ms · cache hit, \d+(\.\d)? (ms|s) old\)/);
    match(run.stdout, /\(fresh · step 3 · [\d,]+ ms · cache miss\)/);
    match(
      run.stdout,
      /step 2 again: 1 row · [\d,]+ ms · cache miss\nstep 3 fresh: 1 row · [\d,]+ ms · cache miss\n/,
    );
    match(run.stdout, /step 3 fresh: 1 row · [\d,]+ ms · cache hit, \d+(\.\d)? (ms|s) old\n/);
    // n (a 429, then its retry), fresh, and the refreshed re-run of steps 2 and 3.
    assertEquals(queries(service).filter((q) => q === "SecurityAlert | count").length, 5);
  });
});
