/**
 * The `casefile` command against the loopback Kusto cluster, as a user runs it:
 * `--provider adx --cluster https://127.0.0.1:PORT --database demo` with the cluster's CA
 * in NODE_EXTRA_CA_CERTS (Deno reads it at the child's start) and its token in
 * CASEFILE_ADX_TOKEN. The cluster serves other data than the bundled demo case (5 alerts,
 * not 13), so an answer from the demo case cannot pass for the cluster's.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type KustoService, startKustoService } from "../twins/kusto/mod.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { type CasefileRun, runCasefile, tempFolder } from "../_helpers.ts";

const ALERTS = pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).head(5);

/** Runs `casefile args` with the cluster's CA and token in the environment. */
export async function casefile(
  service: KustoService,
  args: string[],
  stdin = "",
  env: Record<string, string> = {},
): Promise<CasefileRun> {
  return await runCasefile(args, {
    stdin,
    env: {
      NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      CASEFILE_ADX_TOKEN: service.token,
      XDG_CONFIG_HOME: await tempFolder(),
      ...env,
    },
  });
}

async function withCluster(fn: (service: KustoService) => Promise<void>): Promise<void> {
  const folder = await tempFolder({ "SecurityAlert.parquet": ALERTS.writeParquet() });
  const service = await startKustoService({ databases: { demo: folder } });
  try {
    await fn(service);
  } finally {
    await service.close();
  }
}

Deno.test("casefile query --provider adx answers from the cluster, through the real client", async () => {
  await withCluster(async (service) => {
    const adx = ["--provider", "adx", "--cluster", service.endpoint, "--database", "demo"];
    const query = await casefile(service, ["query", ...adx, "SecurityAlert | count"]);
    assert.equal(query.code, 0, query.stderr);
    assert.equal(query.stdout, "Count\n5\n");
    const sent = service.requests.filter((r) => r.path === "/v2/rest/query")
      .map((r) => (r.body as { db: string; csl: string }));
    assert.deepEqual(sent.map(({ db, csl }) => ({ db, csl })), [{
      db: "demo",
      csl: "SecurityAlert | count",
    }]);
    assert.ok(!query.stderr.includes(service.token));

    // --cluster alone means adx; the table lists what the cluster has.
    const tables = await casefile(service, [
      "tables",
      "--cluster",
      service.endpoint,
      "--database",
      "demo",
    ]);
    assert.equal(tables.code, 0, tables.stderr);
    assert.match(tables.stdout, /SecurityAlert/);
    assert.doesNotMatch(tables.stdout, /SigninLogs/);
  });
});

Deno.test("casefile query --provider adx: a wrong database, a refused token, a bad query are clear errors", async () => {
  await withCluster(async (service) => {
    const adx = ["--provider", "adx", "--cluster", service.endpoint];
    const database = await casefile(service, [
      "query",
      ...adx,
      "--database",
      "dmeo",
      "SecurityAlert",
    ]);
    assert.notEqual(database.code, 0);
    assert.match(database.stderr, /has no database 'dmeo'/);
    assert.match(database.stderr, /\.show databases/);

    const token = await casefile(
      service,
      ["query", ...adx, "--database", "demo", "SecurityAlert"],
      "",
      { CASEFILE_ADX_TOKEN: "expired-token" },
    );
    assert.notEqual(token.code, 0);
    assert.match(token.stderr, /refused the token \(401\)/);
    assert.match(token.stderr, /CASEFILE_ADX_TOKEN.*expired/s);
    assert.ok(!token.stderr.includes("expired-token"));

    const syntax = await casefile(service, [
      "query",
      ...adx,
      "--database",
      "demo",
      "SecurityAlert | where",
    ]);
    assert.notEqual(syntax.code, 0);
    assert.match(syntax.stderr, /rejected the query \(line 1, column 22\)/);

    const usage = await casefile(service, ["query", "--provider", "adx", "--workspace", "x", "T"]);
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /--provider adx takes --cluster and --database/);
  });
});

Deno.test("a REPL session on the adx provider runs a query step, exports a script, and the script replays on the cluster", async () => {
  await withCluster(async (service) => {
    const home = await tempFolder();
    const script = join(home, "alerts.ts");
    const adx = ["--provider", "adx", "--cluster", service.endpoint, "--database", "demo"];
    const repl = await casefile(
      service,
      ["repl", ...adx, "--home", home, "--session", "adx-case"],
      [
        "%kql alerts = SecurityAlert | summarize n = count()",
        "alerts.getColumn('n').get(0)",
        `.export script ${script}`,
      ].join("\n") + "\n",
    );
    assert.equal(repl.code, 0, repl.stderr);
    // The cluster's 5 alerts, not the demo case's 13.
    assert.match(repl.stdout, /\b5n?\b/);
    assert.match(repl.stdout, /script written to/);
    const text = await Deno.readTextFile(script);
    // The replay opens the same cluster and database, signing in with CASEFILE_ADX_TOKEN again.
    assert.ok(
      text.includes(
        `kind: "adx",\n    cluster: "${service.endpoint}",\n    database: "demo",\n` +
          `    credential: "token",`,
      ),
      text,
    );
    assert.match(
      text.split("\n")[0],
      new RegExp(`--allow-net=127\\.0\\.0\\.1:${new URL(service.endpoint).port}`),
    );
    assert.ok(!text.includes(service.token), "the token reached the script");
    const before = service.requests.filter((r) => r.path === "/v2/rest/query").length;
    // --refresh: past the result cache the session filled, to the cluster again.
    const replay = await casefile(service, ["run", script, "--", "--refresh"], "", {
      CASEFILE_HOME: home,
    });
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
    assert.ok(!(replay.stdout + replay.stderr).includes(service.token));
    const after = service.requests.filter((r) => r.path === "/v2/rest/query");
    assert.ok(after.length > before, "the replay queried the cluster");
    assert.match(
      String((after.at(-1)?.body as { csl: string }).csl),
      /SecurityAlert \| summarize n = count\(\)/,
    );
    assert.match(replay.stdout, /Azure Data Explorer database demo on https:\/\/127\.0\.0\.1/);
    assert.match(replay.stdout, /2 steps replayed: 2 equal/);
  });
});
