/**
 * A session over three providers through the piped REPL, as an analyst runs it: the demo
 * case (connected at start), the loopback Kusto cluster (`.connect adx`) and the loopback
 * Graph advanced hunting (`.connect xdr`), each queried by name with `%kql @NAME`; a finding
 * marked; the session exported as a script, a notebook and a report; the script replayed.
 *
 * The twins serve other data than the demo case (5 alerts; 40 process events), and the
 * expected counts are read straight from the Parquet files, not through casefile.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { startKustoService } from "../twins/kusto/mod.ts";
import { startGraphHuntingService } from "../twins/graph_hunting/mod.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";
import { pipeRepl } from "./_piped.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const ALERTS = pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet"));
const PROCESSES = pl.readParquet(join(DEMO_CASE_DIR, "DeviceProcessEvents.parquet")).head(40);
const TWIN_ALERTS = 5;

Deno.test("a REPL session queries three providers by name, exports and replays them all", async () => {
  const kusto = await startKustoService({
    databases: {
      demo: await tempFolder({
        "SecurityAlert.parquet": ALERTS.head(TWIN_ALERTS).writeParquet(),
      }),
    },
  });
  const graph = await startGraphHuntingService({
    data: await tempFolder({ "DeviceProcessEvents.parquet": PROCESSES.writeParquet() }),
    now: new Date("2026-03-16T00:00:00Z"),
  });
  try {
    const home = await tempFolder();
    // One file for both twins' CAs: Deno reads NODE_EXTRA_CA_CERTS once, at start.
    const ca = join(home, "twins-ca.pem");
    await Deno.writeTextFile(
      ca,
      (await Deno.readTextFile(kusto.caCertificatePath)) + "\n" +
        (await Deno.readTextFile(graph.caCertificatePath)),
    );
    const env = {
      NODE_EXTRA_CA_CERTS: ca,
      CASEFILE_ADX_TOKEN: kusto.token,
      CASEFILE_XDR_ENDPOINT: graph.endpoint,
      CASEFILE_XDR_TOKEN: graph.token,
      XDG_CONFIG_HOME: await tempFolder(),
    };
    const script = join(home, "triage.ts");
    const notebook = join(home, "triage.ipynb");
    const report = join(home, "triage.html");
    const devices = PROCESSES.getColumn("DeviceName").unique().len();
    const run = await pipeRepl(home, "triage", [
      "%kql alerts = SecurityAlert | count",
      `.connect adx ${kusto.endpoint} demo`,
      "%kql @adx archived = SecurityAlert | count",
      ".connect xdr",
      "%kql @xdr procs = DeviceProcessEvents | summarize n = count() by DeviceName | sort by n desc",
      "%kql @local again = SecurityAlert | count",
      "%kql @adz oops = SecurityAlert | count",
      '`counts ${[alerts, archived, again].map((f) => f.getColumn("Count").get(0)).join("/")} ' +
      "devices ${procs.height}`",
      ".connect",
      ".mark archived finding the archive holds only the first alerts",
      `.export script ${script}`,
      `.export notebook ${notebook}`,
      `.export report ${report}`,
    ], { env });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    // Each provider answered with its own data.
    assert.match(
      run.stdout,
      new RegExp(`counts ${ALERTS.height}/${TWIN_ALERTS}/${ALERTS.height} devices ${devices}`),
    );
    // A provider not connected is a clear error, and the REPL goes on.
    assert.match(
      run.stdout + run.stderr,
      /No provider is connected as @adz \(connected: local, adx, xdr\)/,
    );
    assert.match(run.stdout + run.stderr, /Did you mean `adx`/);
    // `.connect` alone lists them, the last connected the default.
    assert.match(run.stdout, /@xdr\s+default\s+Defender XDR/);
    assert.match(run.stdout, /@adx\s+Azure Data Explorer/);
    const askedAdx = kusto.requests.filter((r) => r.path === "/v2/rest/query").length;
    const askedXdr = graph.requests.filter((r) => r.path.endsWith("/runHuntingQuery")).length;
    assert.ok(askedAdx > 0 && askedXdr > 0);

    // The journal says which provider each step ran on.
    const journal = (await Deno.readTextFile(join(home, "sessions", "triage", "journal.jsonl")))
      .trim().split("\n").map((l) => JSON.parse(l))
      .filter((r) => r.type === "step" && r.status === "ok" && r.kind === "query");
    assert.deepEqual(journal.map((r) => [r.name, r.providerName]), [
      ["alerts", undefined],
      ["archived", "adx"],
      ["procs", "xdr"],
      ["again", "local"],
    ]);

    // The script names each step's provider and opens each; no token is written anywhere.
    const text = await Deno.readTextFile(script);
    assert.match(
      text,
      /session\.query\("archived", kql`SecurityAlert \| count`, \{\s*provider: "adx"/,
    );
    assert.match(text, /session\.query\(\s*"procs",\s*kql`[^`]*`,\s*\{\s*provider: "xdr"/);
    assert.match(
      text,
      /session\.query\("again", kql`SecurityAlert \| count`, \{\s*provider: "local"/,
    );
    assert.match(
      text,
      new RegExp(`adx: \\{ kind: "adx", cluster: "${kusto.endpoint}", database: "demo"`),
    );
    assert.match(text, /xdr: \{ kind: "xdr"/);
    assert.match(text, /\/\/\s+adx: Azure Data Explorer database demo on https:\/\/127\.0\.0\.1/);
    const net = /--allow-net=(\S+)/.exec(text.split("\n")[0])?.[1].split(",") ?? [];
    assert.ok(net.includes(new URL(kusto.endpoint).host), net.join());
    assert.ok(net.includes(new URL(graph.endpoint).host), net.join());
    const nb = await Deno.readTextFile(notebook);
    assert.match(nb, /session\.addProvider\(\\"adx\\", await openAdxProvider\(/);
    assert.match(nb, /session\.addProvider\(\\"xdr\\", await openXdrProvider\(/);
    const html = await Deno.readTextFile(report);
    assert.match(html, /adx \(adx:https:\/\/127\.0\.0\.1:\d+\/demo\)/);
    for (
      const written of [
        text,
        nb,
        html,
        await Deno.readTextFile(join(home, "sessions", "triage", "journal.jsonl")),
      ]
    ) {
      assert.ok(
        !written.includes(kusto.token) && !written.includes(graph.token),
        "a token was written",
      );
    }

    // The replay opens all three again and asks each service again (past the cache).
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        join(REPO, "repl/main.ts"),
        "--home",
        home,
        "run",
        script,
        "--",
        "--session",
        "again",
        "--refresh",
      ],
      cwd: home,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", ...env },
    });
    const out = await child.output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr + stdout);
    assert.match(stdout, /adx: Azure Data Explorer database demo/);
    assert.match(stdout, /xdr: Defender XDR advanced hunting/);
    assert.match(stdout, new RegExp(`step 2 archived: frame, 1 rows\\s+equal`));
    assert.match(stdout, new RegExp(`step 3 procs: frame, ${devices} rows\\s+equal`));
    assert.match(stdout, /5 steps replayed: 5 equal/);
    assert.ok(kusto.requests.filter((r) => r.path === "/v2/rest/query").length > askedAdx);
    assert.ok(graph.requests.filter((r) => r.path.endsWith("/runHuntingQuery")).length > askedXdr);
  } finally {
    await kusto.close();
    await graph.close();
  }
});
