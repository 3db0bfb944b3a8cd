/**
 * The checker's campaign of issue 18 run again with fresh inputs (seeds, files, queries and
 * answers the other hostile suites do not use). Each class it found is pinned here, through
 * the front door where a person would meet it: secrets in the journal (connection strings,
 * SAS signatures, passwords in URLs, tokens), a cache result that is not a file, integers
 * beyond the 64-bit range in CSV, empty text files, `lazyTable` over a CSV whose late rows
 * misfit the sampled types, and Log Analytics answers whose values do not fit their
 * declared `int`, `guid` or `timespan` columns. Expected values are written by hand.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSession } from "../../src/session/session.ts";
import { verifySession } from "../../src/session/verify.ts";
import { loadTable, scanTable } from "../../src/data/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { MalformedResponseError } from "../../src/providers/sentinel/sentinel_provider.ts";
import { withTwinProvider } from "../providers/_twin_provider.ts";
import { pipeRepl } from "../repl/_piped.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFile, tempFolder } from "../_helpers.ts";

/** The files under `home` holding any of `needles` (grep, as the checker does). */
async function filesHolding(home: string, needles: readonly string[]): Promise<string> {
  const out = await new Deno.Command("grep", {
    args: ["-rlaF", ...needles.flatMap((n) => ["-e", n]), home],
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

// Made-up secrets of the shapes Azure and GitHub use.
const ACCOUNT_KEY =
  "kT9v2Z4nq8R1sX7yQ3wE5uI0oP6aS2dF4gH8jK1lZ3xC5vB7nM9qW2eR4tY6uI8oP0aS1dF3gH5jK7lZ9xC==";
const CONNECTION = "DefaultEndpointsProtocol=https;AccountName=evidence01;" +
  `AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`;
const SAS_SIG = "Zk3%2Fq9vX1yT7uW2eR4tY6uI8oP0aS1dF3gH5jK7lZ9x%3D";
const SAS = `https://evid.blob.core.windows.net/logs/a.csv?sv=2022-11-02&sp=r&sig=${SAS_SIG}`;
const SB_KEY = "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd=";
const PAT = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
// Outside the steps' code: code is journaled as written (replays run it), values redacted.
const SHAPES = {
  sas: SAS,
  servicebus: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;` +
    `SharedAccessKey=${SB_KEY}`,
  sql: "Server=sql1;Database=cases;User Id=sa;Password=Sup3rS3cretPw!;",
  url: "postgres://admin:hunter2hunter2@db.internal:5432/cases",
};

Deno.test("hostile secrets: connection-string keys, SAS signatures, URL passwords and tokens never reach the journal", async () => {
  Deno.env.set("AZURE_STORAGE_CONNECTION_STRING", CONNECTION);
  Deno.env.set("GITHUB_PAT", PAT);
  try {
    const home = await tempFolder();
    const session = await openSession("secrets", { home, cache: false });
    const env = await session.run("env", () => Deno.env.toObject());
    assert.equal(env.AZURE_STORAGE_CONNECTION_STRING, CONNECTION, "the live value is untouched");
    await session.run("shapes", () => SHAPES);
    await session.run("printed", () => {
      console.log(`copy from ${SAS}`);
      return 1;
    });
    await session.close();
    const again = await openSession("secrets", { home, cache: false });
    const env2 = again.value("env") as Record<string, string>;
    assert.equal(
      env2.AZURE_STORAGE_CONNECTION_STRING,
      "[redacted: AZURE_STORAGE_CONNECTION_STRING]",
    );
    assert.equal(env2.GITHUB_PAT, "[redacted: GITHUB_PAT]");
    assert.deepEqual(again.value("shapes"), {
      sas: "https://evid.blob.core.windows.net/logs/a.csv?sv=2022-11-02&sp=r&sig=[redacted: key]",
      servicebus: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;" +
        "SharedAccessKey=[redacted: key]",
      sql: "Server=sql1;Database=cases;User Id=sa;Password=[redacted: key];",
      url: "postgres://admin:[redacted: password]@db.internal:5432/cases",
    });
    await again.close();
    assert.equal(
      await filesHolding(home, [ACCOUNT_KEY, SAS_SIG, SB_KEY, PAT, "Sup3rS3cretPw", "hunter2"]),
      "",
    );
  } finally {
    Deno.env.delete("AZURE_STORAGE_CONNECTION_STRING");
    Deno.env.delete("GITHUB_PAT");
  }
});

Deno.test("hostile secrets: a connection string read from the environment in the REPL is not journaled", async () => {
  const home = await tempFolder();
  const run = await pipeRepl(home, "piped", [
    'const conn = Deno.env.get("AZURE_STORAGE_CONNECTION_STRING")',
    "conn.length",
  ], { env: { AZURE_STORAGE_CONNECTION_STRING: CONNECTION } });
  assert.equal(run.code, 0, run.stderr);
  // The REPL shows the length (the value was there), the journal keeps no key.
  assert.match(run.stdout, new RegExp(`\\b${CONNECTION.length}\\b`));
  assert.ok(Deno.readTextFileSync(join(home, "sessions", "piped", "journal.jsonl")).length > 0);
  assert.equal(await filesHolding(home, [ACCOUNT_KEY]), "");
});

Deno.test("hostile cache: a directory where a result belongs is a miss, and verifySession says mismatch", async () => {
  const home = await tempFolder();
  const provider = await openLocalProvider();
  const query = "SecurityIncident | take 6";
  let session = await openSession("odd", { home, provider });
  await session.query("incidents", query);
  const sha = (session.step("incidents").record.result as { sha256: string }).sha256;
  await session.close();
  const file = join(home, "cache", "results", sha.slice(0, 2), `${sha}.parquet`);
  // Before a session opens it again, the result's place is taken by a folder.
  await Deno.remove(file);
  await Deno.mkdir(file);
  const notices: string[] = [];
  session = await openSession("odd", { home, provider, onNotice: (n) => notices.push(n) });
  assert.ok(
    notices.some((n) => /^step 1: the cached result does not match its SHA-256; set aside/.test(n)),
    notices.join("\n"),
  );
  const again = await session.query("again", query);
  assert.equal(again.height, 6);
  assert.equal(session.step("again").record.cache, "miss");
  await session.close();
  // Straight on the folder: verifySession reports it, never throws.
  const home2 = await tempFolder();
  session = await openSession("odd", { home: home2, provider });
  await session.query("incidents", query);
  await Deno.remove(file.replace(home, home2));
  await Deno.mkdir(file.replace(home, home2));
  const direct = await verifySession(session);
  assert.deepEqual(direct.steps.map((s) => `${s.name}: ${s.status}`), ["incidents: mismatch"]);
  assert.equal(direct.ok, false);
  await session.close();
});

Deno.test("hostile files: an integer beyond the 64-bit range keeps every digit, as text", async () => {
  // An event record id of 2^64 - 1 (unsigned), as Windows tools write it.
  const file = await tempFile(
    "records.csv",
    "Id,RecordId\n1,18446744073709551615\n2,5\n3,9223372036854775807\n",
  );
  const loaded = await loadTable(file);
  assert.deepEqual(loaded.schema.columns.map((c) => `${c.name}:${c.type}`), [
    "Id:long",
    "RecordId:string",
  ]);
  assert.deepEqual(loaded.frame.getColumn("RecordId").toArray(), [
    "18446744073709551615",
    "5",
    "9223372036854775807",
  ]);
  // A column of reals keeps its reals (a fraction makes it real, not the big integer).
  const reals = await loadTable(await tempFile("reals.csv", "Score\n1.5\n1e20\n-2\n"));
  assert.equal(reals.schema.columns[0].type, "real");
  // Through the command line: the digits printed are the file's.
  const run = await runCasefile(["load", file]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^1,18446744073709551615$/m);
});

Deno.test("hostile files: a late integer beyond the 64-bit range in a scanned real column is not rounded", async () => {
  // 30,000 reals, then 2^64 - 1 on the last line: past the scan's sample.
  const lines = ["Id,Score"];
  for (let i = 0; i < 30_000; i++) lines.push(`${i},${i}.5`);
  lines.push("30000,18446744073709551615");
  const folder = await tempFolder({ "Scores.csv": lines.join("\n") + "\n" });
  const provider = await openLocalProvider(folder);
  const result = await provider.query("Scores | where Id == 30000 | project Score");
  assert.deepEqual(result.frame.getColumn("Score").toArray(), ["18446744073709551615"]);
});

Deno.test("hostile files: an empty CSV, NDJSON or JSON file is a table of no rows, with a warning", async () => {
  for (const name of ["quiet.csv", "quiet.ndjson", "quiet.json", "quiet.tsv"]) {
    const file = await tempFile(name, "");
    for (const read of [loadTable, scanTable]) {
      const table = await read(file);
      const frame = "collectSync" in table.frame ? table.frame.collectSync() : table.frame;
      assert.equal(frame.height, 0, name);
      assert.deepEqual(table.warnings.map((w) => w.message), [
        "the file is empty (0 bytes): it holds no rows",
      ], name);
    }
  }
  // In a case folder, the empty file does not break the others.
  const folder = await tempFolder({
    "Quiet.csv": "",
    "Empty.ndjson": "",
    "Busy.csv": "User,N\nana,1\nben,2\n",
  });
  const run = await runCasefile(["tables", "--data", folder]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Busy\s+2\s+2\s+Busy\.csv$/m);
  assert.match(run.stdout, /^Quiet\s+0\s+0\s+Quiet\.csv$/m);
  assert.match(run.stdout, /^Empty\s+0\s+0\s+Empty\.ndjson$/m);
  const count = await runCasefile(["query", "--data", folder, "Quiet | count"]);
  assert.equal(count.code, 0, count.stderr);
  assert.match(count.stdout, /^Count\n0$/m);
  assert.match(count.stderr, /the file is empty \(0 bytes\)/);
});

Deno.test("hostile files: lazyTable of a CSV whose late rows misfit the sampled types collects every row", async () => {
  // 20,000 rows whose Count is a number, then one where it is not.
  const lines = ["Id,Count"];
  for (let i = 0; i < 20_000; i++) lines.push(`${i},${i * 3}`);
  lines.push("20000,notanumber");
  const folder = await tempFolder({ "Late.csv": lines.join("\n") + "\n" });
  const provider = await openLocalProvider(folder);
  const { frame, schema } = await provider.lazyTable("Late");
  assert.deepEqual(schema.columns.map((c) => `${c.name}:${c.type}`), ["Id:long", "Count:string"]);
  const rows = frame.filter(pl.col("Id").gtEq(19_999)).collectSync().toRecords();
  assert.deepEqual(rows, [{ Id: 19_999, Count: "59997" }, { Id: 20_000, Count: "notanumber" }]);
});

Deno.test("hostile responses: values that do not fit int, guid or timespan are refused, not nulled or rolled over", async () => {
  const columns = [
    { name: "Host", type: "string" },
    { name: "Port", type: "int" },
    { name: "Id", type: "guid" },
    { name: "Took", type: "timespan" },
  ];
  const good: unknown[] = ["h1", 443, "0b7c5f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "01:02:03.5"];
  const answer = (row: unknown[]) =>
    JSON.stringify({ tables: [{ name: "PrimaryResult", columns, rows: [good, row] }] });
  await withTwinProvider(async (provider, service) => {
    const cases: Array<[number, unknown, string]> = [
      [1, 2147483648, "Port is declared int but row 1 holds 2147483648"],
      [1, -2147483649, "Port is declared int but row 1 holds -2147483649"],
      [2, "not-a-guid", 'Id is declared guid but row 1 holds "not-a-guid"'],
      [2, "0b7c5f7e1c2d4e5f8a9b0c1d2e3f4a5bff", "Id is declared guid but row 1 holds"],
      [3, "1:99:00", 'Took is declared timespan but row 1 holds "1:99:00"'],
      [3, "00:60:00", 'Took is declared timespan but row 1 holds "00:60:00"'],
    ];
    for (const [at, value, message] of cases) {
      const row = [...good];
      row[at] = value;
      service.inject({ kind: "malformed", body: answer(row) });
      const error = await provider.query("Probe | take 2").catch((e) => e);
      assert.ok(error instanceof MalformedResponseError, `${JSON.stringify(value)}: ${error}`);
      assert.ok(error.message.includes(message), error.message);
    }
    // The limits themselves fit: int's range, a null guid, a day and a clock.
    service.inject({
      kind: "malformed",
      body: answer(["h2", -2147483648, null, "1.23:59:59.9999999"]),
    });
    const result = await provider.query("Probe | take 2");
    assert.deepEqual(result.frame.getColumn("Port").toArray(), [443, -2147483648]);
    assert.equal(result.frame.getColumn("Id").get(1), null);
    // 1 day 23:59:59.9999999 in microseconds (Polars keeps microseconds).
    assert.deepEqual(result.frame.getColumn("Took").cast(pl.Int64).cast(pl.Utf8).toArray(), [
      "3723500000",
      "172799999999",
    ]);
  });
});
