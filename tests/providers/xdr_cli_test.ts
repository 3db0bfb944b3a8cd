/**
 * Defender XDR advanced hunting through casefile's front doors, as a person runs them:
 * `casefile query --provider xdr` and a piped REPL session on `--provider xdr` that runs a
 * query step, exports it and replays it, all against the loopback Graph service with its CA
 * in NODE_EXTRA_CA_CERTS and its token in CASEFILE_XDR_TOKEN. The service serves other data
 * than the bundled demo case (the first 40 rows of its DeviceProcessEvents), so an answer
 * from the demo case cannot pass for advanced hunting's.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type GraphHuntingService, startGraphHuntingService } from "../twins/graph_hunting/mod.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { type CasefileRun, runCasefile, tempFolder } from "../_helpers.ts";

const PROCESSES = pl.readParquet(join(DEMO_CASE_DIR, "DeviceProcessEvents.parquet")).head(40);

/** Runs `deno run repl/main.ts args` with the shell set up for `service`. */
function casefile(
  service: GraphHuntingService,
  args: string[],
  options: { stdin?: string; token?: string; cwd?: string } = {},
): Promise<CasefileRun> {
  return runCasefile(args, {
    stdin: options.stdin,
    cwd: options.cwd,
    env: {
      NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      CASEFILE_XDR_ENDPOINT: service.endpoint,
      CASEFILE_XDR_TOKEN: options.token ?? service.token,
    },
  });
}

async function withService(fn: (service: GraphHuntingService) => Promise<void>): Promise<void> {
  const folder = await tempFolder({ "DeviceProcessEvents.parquet": PROCESSES.writeParquet() });
  // The demo case's clock: advanced hunting looks 30 days back from it by default.
  const service = await startGraphHuntingService({
    data: folder,
    now: new Date("2026-03-16T00:00:00Z"),
  });
  try {
    await fn(service);
  } finally {
    await service.close();
  }
}

function hunted(service: GraphHuntingService): string[] {
  return service.requests
    .filter((r) => r.path.endsWith("/runHuntingQuery"))
    .map((r) => String((r.body as { Query?: string })?.Query));
}

Deno.test("casefile query --provider xdr answers from advanced hunting", async () => {
  await withService(async (service) => {
    const run = await casefile(service, [
      "query",
      "--provider",
      "xdr",
      "DeviceProcessEvents | take 3",
    ]);
    assert.equal(run.code, 0, run.stderr);
    // CSV in a pipe: a header and three rows, the service's own columns.
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(lines[0].split(",").slice(0, 3).join(), PROCESSES.columns.slice(0, 3).join());
    assert.deepEqual(hunted(service), ["DeviceProcessEvents | take 3"]);

    const count = await casefile(service, [
      "query",
      "--provider",
      "xdr",
      "DeviceProcessEvents | count",
    ]);
    assert.equal(count.stdout, "Count\n40\n");

    // A refused token: a clear error with a hint, no stack trace, exit code 1.
    const refused = await casefile(service, ["query", "--provider", "xdr", "DeviceProcessEvents"], {
      token: "expired-token",
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Microsoft Graph refused the sign-in token \(401/);
    assert.match(refused.stderr, /hint: .*CASEFILE_XDR_TOKEN/);
    assert.doesNotMatch(refused.stderr, /expired-token|\bat .*\.ts:\d+/);

    // A workspace does not belong to advanced hunting: said before anything is sent.
    const before = service.requests.length;
    const stray = await casefile(service, [
      "query",
      "--provider",
      "xdr",
      "--workspace",
      "prod",
      "DeviceProcessEvents",
    ]);
    assert.equal(stray.code, 2); // a usage error
    assert.match(stray.stderr, /--workspace does not apply to --provider xdr/);
    assert.equal(service.requests.length, before);
  });
});

Deno.test("a REPL session on --provider xdr runs a query step, exports it and replays", async () => {
  await withService(async (service) => {
    const home = await tempFolder();
    const script = join(home, "hunt.ts");
    const repl = await casefile(service, [
      "repl",
      "--home",
      home,
      "--session",
      "hunt",
      "--provider",
      "xdr",
    ], {
      stdin: [
        "%kql procs = DeviceProcessEvents | summarize n = count() by DeviceName | sort by n desc",
        "procs.height",
        `.export script ${script}`,
      ].join("\n") + "\n",
    });
    assert.equal(repl.code, 0, repl.stderr);
    const devices = PROCESSES.getColumn("DeviceName").unique().len();
    assert.match(repl.stdout, new RegExp(`\\b${devices}\\b`));
    assert.match(repl.stdout, /script written to/);
    const text = await Deno.readTextFile(script);
    assert.match(text, /kind: "xdr"/);
    // Its first line allows the Graph endpoint it used and nothing else on the network.
    assert.match(
      text.split("\n")[0],
      new RegExp(`--allow-net=${new URL(service.endpoint).host}( |$)`),
    );
    assert.ok(!text.includes(service.token), "the token is never written");
    const asked = hunted(service).length;

    // The replay asks advanced hunting again and gets the same answer.
    const replay = await casefile(service, [
      "--home",
      home,
      "run",
      script,
      "--",
      "--session",
      "again",
      "--refresh", // past the result cache: ask advanced hunting again
    ], {
      cwd: home,
    });
    assert.equal(replay.code, 0, replay.stderr + replay.stdout);
    assert.match(replay.stdout, /Defender XDR advanced hunting/);
    assert.match(replay.stdout, new RegExp(`step 1 procs: frame, ${devices} rows\\s+equal`));
    assert.match(replay.stdout, /2 steps replayed: 2 equal/);
    assert.ok(hunted(service).length > asked, "the replay queried the service");
    assert.equal(hunted(service).at(-1), hunted(service)[asked - 1]);
  });
});
