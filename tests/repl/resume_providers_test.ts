/**
 * A session over two providers, closed and resumed: a folder a step named (`%kql @archive`)
 * is connected again under its name; a remote one (`%kql @adx`) is named with the
 * `.connect` to type (no credential is used on the journal's word), and once connected a
 * re-run of that step reaches it (the loopback
 * Kusto cluster's request log says so, and the answer is the twin's, not the demo case's).
 * A step whose provider cannot be opened, or whose name now stands for other data, is not
 * re-run anywhere else: the error says what to connect. Through the piped REPL, and through
 * the API (`openSession` on an existing session).
 *
 * The twin serves the demo case's first 5 alerts; the archive folder holds 3 hand-written
 * rows; the demo case has 15 alerts (fixtures/demo-case/ANSWERS.md lists them).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startKustoService } from "../twins/kusto/mod.ts";
import { DEMO_CASE_DIR, openLocalProvider } from "../../src/providers/mod.ts";
import { openSession, SessionError } from "../../src/session/mod.ts";
import { pl } from "../../src/polars.ts";
import { tempFolder } from "../_helpers.ts";
import { checksum } from "../../src/session/_journal_scan.ts";
import { pipeRepl } from "./_piped.ts";

const ALERTS = pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet"));
const TWIN_ALERTS = 5;
const ARCHIVE_ALERTS = 3;

/** A folder with a SecurityAlert table of three rows: another answer than the demo case's. */
async function archiveFolder(): Promise<string> {
  return await tempFolder({
    "SecurityAlert.parquet": pl.DataFrame({
      AlertName: ["old one", "old two", "old three"],
      Severity: ["Low", "Low", "High"],
    }).writeParquet(),
  });
}

Deno.test("a resumed REPL session reconnects the provider a step named, and its re-run reaches it", async () => {
  const kusto = await startKustoService({
    databases: {
      demo: await tempFolder({ "SecurityAlert.parquet": ALERTS.head(TWIN_ALERTS).writeParquet() }),
    },
  });
  try {
    const home = await tempFolder();
    const env = {
      NODE_EXTRA_CA_CERTS: kusto.caCertificatePath,
      CASEFILE_ADX_TOKEN: kusto.token,
      XDG_CONFIG_HOME: await tempFolder(),
    };
    // The step's query (not the table list a connection reads).
    const asked = () =>
      kusto.requests.filter((r) =>
        r.path === "/v2/rest/query" &&
        String((r.body as { csl?: string } | undefined)?.csl).includes("SecurityAlert | count")
      ).length;
    const first = await pipeRepl(home, "two", [
      `.connect adx ${kusto.endpoint} demo`,
      "%kql @adx archived = SecurityAlert | count",
      ".connect local",
      "%kql alerts = SecurityAlert | count",
    ], { env });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.equal(asked(), 1);

    // Resumed: the journal names the cluster, but no credential is used on its word: the
    // REPL says what to type, and nothing reaches the cluster until the analyst does.
    const looked = await pipeRepl(home, "two", [".rerun 1 --refresh"], { env });
    const connectLine = `.connect adx ${kusto.endpoint} demo as adx`;
    assert.ok(
      looked.stdout.includes(
        `note: steps on @adx ran on adx; to re-run them, connect it with: ${connectLine} ` +
          "(it becomes the default: .connect the session's own data again after it)",
      ),
      looked.stdout,
    );
    assert.equal(asked(), 1, "resuming asked the cluster nothing");

    // Without the demo case as the default again, step 2 (run on it) refuses to re-run on
    // the cluster, and says what to connect.
    const refused = await pipeRepl(home, "two", [connectLine, ".rerun 1 --refresh"], { env });
    assert.match(
      refused.stdout + refused.stderr,
      /Step 2 \(alerts\) ran on the bundled demo case, but the session's provider is now ADX database demo on https:\/\/127\.0\.0\.1:\d+: nothing was run again\./,
    );
    assert.match(refused.stdout + refused.stderr, /In the REPL: \.connect local;/);
    assert.equal(asked(), 1, "the refused re-run asked the cluster nothing");

    // Connected as the notes say: the re-run reaches the cluster, and the demo case.
    const resumed = await pipeRepl(home, "two", [
      connectLine,
      ".connect local",
      ".rerun 1 --refresh",
      '`counts ${archived.getColumn("Count").get(0)}/${alerts.getColumn("Count").get(0)}`',
    ], { env });
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    assert.equal(asked(), 2, "the re-run of the @adx step asked the cluster");
    assert.match(resumed.stdout, new RegExp(`counts ${TWIN_ALERTS}/${ALERTS.height}\\n`));
    assert.ok(!resumed.stdout.includes(kusto.token) && !resumed.stderr.includes(kusto.token));
  } finally {
    await kusto.close();
  }
});

Deno.test("a resumed step never re-runs on other data under its provider's name", async () => {
  const home = await tempFolder();
  const archive = await archiveFolder();
  const first = await pipeRepl(home, "named", ["%kql @local x = SecurityAlert | count"]);
  assert.equal(first.code, 0, first.stderr + first.stdout);

  // Resumed on another folder: @local is now the archive, so step 1 (on the demo case) refuses.
  const moved = await pipeRepl(home, "named", [
    ".rerun 1 --refresh",
    '`x is ${x.getColumn("Count").get(0)}`',
  ], { args: ["--data", archive] });
  assert.equal(moved.code, 0, moved.stderr + moved.stdout);
  const said = moved.stdout + moved.stderr;
  assert.match(
    said,
    new RegExp(
      "error: Step 1 \\(x\\) ran on @local = the bundled demo case, but @local is now local " +
        `folder ${archive.replaceAll("/", "\\/")}: nothing was run again`,
    ),
  );
  assert.match(
    said,
    /hint: Connect the provider it ran on under its name\. In the REPL: \.connect local as local/,
  );
  // x keeps the demo case's answer, not the archive's.
  assert.match(moved.stdout, new RegExp(`x is ${ALERTS.height}\\n`));
  assert.ok(!moved.stdout.includes(`x is ${ARCHIVE_ALERTS}`));
});

Deno.test("a resumed REPL session names the .connect of a provider that cannot be opened", async () => {
  const home = await tempFolder();
  const archive = await archiveFolder();
  const first = await pipeRepl(home, "gone", [
    `.connect local ${archive} as archive`,
    "%kql @archive old = SecurityAlert | count",
    ".connect local",
  ]);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  await Deno.remove(archive, { recursive: true });

  const resumed = await pipeRepl(home, "gone", [".rerun 1 --refresh", ".steps"]);
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
  const said = resumed.stdout + resumed.stderr;
  assert.match(said, /note: steps on @archive cannot re-run until it is connected/);
  assert.ok(said.includes(`connect it with: .connect local ${archive} as archive`), said);
  assert.ok(
    said.includes(
      "error: Step 1 (old) ran on the provider @archive (local folder " + archive +
        "), which is not connected to this session: nothing was run again.",
    ),
    said,
  );
  // Nothing ran, so nothing failed: the step keeps its result (3 rows counted once).
  assert.doesNotMatch(said, /step 1 old \(query\): failed/);
});

Deno.test("openSession on an existing session: recordedProviders, and a re-run only where it ran", async () => {
  const home = await tempFolder();
  const archive = await archiveFolder();
  const first = await openSession("api", { home, provider: await openLocalProvider() });
  first.addProvider("archive", await openLocalProvider(archive));
  await first.query("old", "SecurityAlert | count", { provider: "archive" });
  await first.close();

  const again = await openSession("api", { home, provider: await openLocalProvider() });
  try {
    assert.deepEqual(again.recordedProviders(), {
      archive: { kind: "local", folder: archive, demo: false },
    });
    await assert.rejects(again.rerun(1, {}, { refresh: true }), (e: Error) => {
      assert.ok(e instanceof SessionError);
      assert.match(
        e.message,
        /ran on the provider @archive \(local folder .*\), which is not connected/,
      );
      assert.match(e.hint ?? "", /session\.addProvider\("archive", provider\)/);
      return true;
    });
    // The demo case under the name is other data: refused too.
    again.addProvider("archive", await openLocalProvider());
    await assert.rejects(again.rerun(1, {}, { refresh: true }), /is now the bundled demo case/);
    again.addProvider("archive", await openLocalProvider(archive));
    await again.rerun(1, {}, { refresh: true });
    const frame = again.variables.old as { getColumn(c: string): { get(i: number): unknown } };
    assert.equal(Number(frame.getColumn("Count").get(0)), ARCHIVE_ALERTS);
    assert.equal(again.step("old").record.revision, 2);
  } finally {
    await again.close();
  }
});

Deno.test("a step on the bundled demo case re-runs on it when casefile is installed elsewhere", async () => {
  const home = await tempFolder();
  const first = await openSession("moved", { home, provider: await openLocalProvider() });
  first.addProvider("demo", await openLocalProvider());
  await first.query("alerts", "SecurityAlert | count", { provider: "demo" });
  await first.close();
  // The journal as an install at another path wrote it: the demo case's folder differs,
  // the records re-chained (each line's checksum and the next line's `prev`).
  const path = join(home, "sessions", "moved", "journal.jsonl");
  let prev = "";
  const lines = (await Deno.readTextFile(path)).split("\n").filter(Boolean).map((line) => {
    const record = JSON.parse(line);
    delete record.sum;
    if (record.prev !== undefined) record.prev = prev;
    const json = JSON.stringify(record).replaceAll(
      JSON.stringify(DEMO_CASE_DIR).slice(1, -1),
      "/opt/casefile-0.9/fixtures/demo-case",
    );
    prev = checksum(json);
    return `${json.slice(0, -1)},"sum":"${prev}"}`;
  });
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  await Deno.remove(`${path}.head`);

  const again = await openSession("moved", { home, provider: await openLocalProvider() });
  try {
    assert.deepEqual(again.recordedProviders().demo, {
      kind: "local",
      folder: "/opt/casefile-0.9/fixtures/demo-case",
      demo: true,
    });
    again.addProvider("demo", await openLocalProvider());
    // Before the fix: "ran on @demo = the bundled demo case, but @demo is now the bundled
    // demo case: nothing was run again."
    await again.rerun(1, {}, { refresh: true });
    const frame = again.variables.alerts as { getColumn(c: string): { get(i: number): unknown } };
    assert.equal(Number(frame.getColumn("Count").get(0)), ALERTS.height);
  } finally {
    await again.close();
  }
});
