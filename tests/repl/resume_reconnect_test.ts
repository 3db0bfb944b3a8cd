/**
 * What a resumed session tells an analyst to type to reach a provider again, typed back as
 * given (issue 18): a Sentinel workspace reached through another cloud and endpoint is named
 * with them (`--cloud`, `--endpoint`; never the token), and a folder named `my case` is
 * quoted so `.connect` reads it as one folder. Through the piped REPL, against the loopback
 * Log Analytics service, whose request log shows the re-run reached it.
 *
 * The twin serves 5 alerts (the demo case's first 5); the folder holds 3 hand-written rows.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_WORKSPACE_ID, startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";
import { pipeRepl } from "./_piped.ts";

const ALERTS = pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).head(5);

/** The `.connect` line a note suggests (the rest of the note's line after "connect it with: "). */
function suggested(said: string): string | undefined {
  return /connect it with: (\.connect .*? as \w+)/.exec(said)?.[1];
}

Deno.test("resume names a Sentinel workspace with the cloud and endpoint it used, and that line reconnects", async () => {
  const data = await tempFolder({ "SecurityAlert.parquet": ALERTS.writeParquet() });
  const service = await startLogAnalyticsService({ workspaces: { [DEMO_WORKSPACE_ID]: data } });
  try {
    const home = await tempFolder();
    // The endpoint only on the .connect line: the environment does not say it.
    const env = {
      NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
      CASEFILE_SENTINEL_TOKEN: service.token,
      XDG_CONFIG_HOME: await tempFolder(),
    };
    const asked = () =>
      service.requests.filter((r) =>
        String((r.body as { query?: string } | undefined)?.query).includes("SecurityAlert | count")
      ).length;
    const first = await pipeRepl(home, "gov", [
      `.connect sentinel ${DEMO_WORKSPACE_ID} --cloud usgov --endpoint ${service.endpoint} as la`,
      "%kql @la remote = SecurityAlert | count",
      ".connect local",
    ], { env });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.equal(asked(), 1);

    const looked = await pipeRepl(home, "gov", [], { env });
    const said = looked.stdout + looked.stderr;
    // Written out by hand: what the session used, in .connect's words (the endpoint as the
    // provider reached it, with the API's version path).
    const line = `.connect sentinel ${DEMO_WORKSPACE_ID} --cloud usgov --endpoint ` +
      `${service.endpoint}/v1 as la`;
    assert.equal(suggested(said), line, said);
    assert.ok(!said.includes(service.token), "the token is never printed");
    assert.equal(asked(), 1, "resuming asked the workspace nothing");

    // The suggested line, typed as is, reaches the same workspace: the re-run asks it again.
    const again = await pipeRepl(home, "gov", [
      line,
      ".connect local",
      ".rerun 1 --refresh",
      '`remote ${remote.getColumn("Count").get(0)}`',
    ], { env });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(asked(), 2, "the re-run of the @la step asked the loopback workspace");
    assert.match(again.stdout, /remote 5\n/);
    for (const file of await Array.fromAsync(Deno.readDir(join(home)))) {
      if (!file.isDirectory) continue;
      for await (const entry of Deno.readDir(join(home, file.name))) {
        if (!entry.isFile) continue;
        const text = await Deno.readTextFile(join(home, file.name, entry.name)).catch(() => "");
        assert.ok(!text.includes(service.token), `${entry.name} holds no token`);
      }
    }
  } finally {
    await service.close();
  }
});

Deno.test("resume quotes a folder named `my case` in the .connect it suggests, and that line reconnects", async () => {
  const parent = await tempFolder();
  const folder = join(parent, "my case");
  await Deno.mkdir(folder);
  await Deno.writeFile(
    join(folder, "SecurityAlert.parquet"),
    new Uint8Array(
      pl.DataFrame({ AlertName: ["a", "b", "c"], Severity: ["Low", "Low", "High"] })
        .writeParquet(),
    ),
  );
  const home = await tempFolder();
  const first = await pipeRepl(home, "spaced", [
    `.connect local '${folder}' as archive`,
    "%kql @archive old = SecurityAlert | count",
    ".connect local",
  ]);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  await Deno.rename(folder, `${folder} (moved)`);

  const looked = await pipeRepl(home, "spaced", []);
  const said = looked.stdout + looked.stderr;
  const line = suggested(said);
  assert.equal(line, `.connect local '${folder}' as archive`, said);

  await Deno.rename(`${folder} (moved)`, folder);
  const again = await pipeRepl(home, "spaced", [
    line!,
    ".connect local",
    ".rerun 1 --refresh",
    '`old ${old.getColumn("Count").get(0)}`',
  ]);
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.doesNotMatch(again.stdout + again.stderr, /error:/);
  assert.match(again.stdout, /old 3\n/);
});

Deno.test("resume does not name the usual Sentinel config file: the line works with another analyst's", async () => {
  const data = await tempFolder({ "SecurityAlert.parquet": ALERTS.writeParquet() });
  const service = await startLogAnalyticsService({ workspaces: { [DEMO_WORKSPACE_ID]: data } });
  try {
    const home = await tempFolder();
    const config = JSON.stringify({ workspace: DEMO_WORKSPACE_ID });
    const env = {
      NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
      CASEFILE_SENTINEL_TOKEN: service.token,
    };
    // Analyst A's usual config file ($XDG_CONFIG_HOME/casefile/sentinel.json), found unasked.
    const mine = await tempFolder({ "casefile/sentinel.json": config });
    const first = await pipeRepl(home, "usual", [
      `.connect sentinel --endpoint ${service.endpoint} as la`,
      "%kql @la remote = SecurityAlert | count",
      ".connect local",
    ], { env: { ...env, XDG_CONFIG_HOME: mine } });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    await Deno.remove(mine, { recursive: true });

    // Analyst B resumes with a usual config file of their own.
    const theirs = {
      ...env,
      XDG_CONFIG_HOME: await tempFolder({ "casefile/sentinel.json": config }),
    };
    const looked = await pipeRepl(home, "usual", [], { env: theirs });
    const said = looked.stdout + looked.stderr;
    const line = `.connect sentinel ${DEMO_WORKSPACE_ID} --endpoint ${service.endpoint}/v1 as la`;
    assert.equal(suggested(said), line, said);

    const again = await pipeRepl(home, "usual", [
      line,
      ".connect local",
      ".rerun 1 --refresh",
      '`remote ${remote.getColumn("Count").get(0)}`',
    ], { env: theirs });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.doesNotMatch(again.stdout + again.stderr, /error:/);
    assert.match(again.stdout, /remote 5\n/);
  } finally {
    await service.close();
  }
});
