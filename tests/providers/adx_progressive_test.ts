/**
 * Progressive (streamed) ADX answers: the loopback Kusto cluster answers a request with
 * `results_progressive_enabled` as TableHeader / TableFragment / TableProgress /
 * TableCompletion frames, sent one by one; the provider, through the real client
 * (`azure-kusto-data`), reads them as they come, reports progress, and merges them into the
 * same frame as the whole-table answer. A connection dropped mid-fragments is an error.
 */
import assert from "node:assert/strict";
import { AdxNetworkError, AdxTimeoutError, openAdxProvider } from "../../src/providers/adx/mod.ts";
import type { AdxProvider } from "../../src/providers/adx/mod.ts";
import type { QueryProgress } from "../../src/providers/mod.ts";
import { parseExact, readV2, ShapeError, tableToFrame } from "../../src/providers/adx/_results.ts";
import { pl, variantOf } from "../../src/polars.ts";
import type { DataFrame } from "../../src/polars.ts";
import { type KustoService, startKustoService } from "../twins/kusto/mod.ts";

async function withService(
  fn: (provider: AdxProvider, service: KustoService) => Promise<void>,
  fragmentRows: number,
): Promise<void> {
  const service = await startKustoService({ fragmentRows });
  const provider = await openAdxProvider({
    cluster: service.endpoint,
    database: "demo",
    caCertificates: [service.caCertificate],
    credential: {
      getToken: () =>
        Promise.resolve({ token: service.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
    },
    env: () => undefined,
    retry: { retries: 2, maxWaitMs: 10_000 },
  });
  try {
    await fn(provider, service);
  } finally {
    provider.close();
    await service.close();
  }
}

function records(frame: DataFrame): Record<string, unknown>[] {
  return frame.select(
    ...frame.columns.map((name, i) => {
      const v = variantOf(frame.dtypes[i]);
      return v === "Datetime" || v === "Duration" || v === "Int64"
        ? pl.col(name).cast(pl.Int64).cast(pl.Utf8)
        : pl.col(name);
    }),
  ).toRecords() as Record<string, unknown>[];
}

function sentOptions(service: KustoService): Record<string, unknown> {
  const last = service.requests.filter((r) => r.path === "/v2/rest/query").at(-1);
  return (last?.body as { properties?: { Options?: Record<string, unknown> } })?.properties
    ?.Options ?? {};
}

// ANSWERS.md, the password spray: 486 IMAP attempts from 203.0.113.61/.88/.45, 449 of them
// failures with ResultType 50126.
const SPRAY = `SigninLogs
| where IPAddress in ("203.0.113.61", "203.0.113.88", "203.0.113.45") and ClientAppUsed == "IMAP4"
| project TimeGenerated, UserPrincipalName, IPAddress, ResultType`;

Deno.test("adx progressive: fragments stream in with progress and merge into the whole-table answer", async () => {
  await withService(async (provider, service) => {
    const progress: QueryProgress[] = [];
    const streamed = await provider.query(SPRAY, { onProgress: (p) => progress.push(p) });
    assert.equal(sentOptions(service).results_progressive_enabled, true);
    // 486 rows in fragments of 100: progress after each, by hand 100, 200, 300, 400, 486.
    assert.equal(streamed.rowCount, 486);
    assert.deepEqual([...new Set(progress.map((p) => p.rows))], [100, 200, 300, 400, 486]);
    assert.equal(progress.at(-1)?.message, "486 rows received (100%)");
    assert.equal(records(streamed.frame).filter((r) => r.ResultType === "50126").length, 449);
    assert.deepEqual(streamed.warnings, []);

    const whole = await provider.query(SPRAY);
    assert.equal(sentOptions(service).results_progressive_enabled, undefined);
    assert.deepEqual(streamed.schema, whole.schema);
    assert.deepEqual(streamed.frame.dtypes.map(String), whole.frame.dtypes.map(String));
    assert.deepEqual(records(streamed.frame), records(whole.frame));
  }, 100);
});

Deno.test("adx progressive: Int64 past 2^53, dynamic, timespan and nulls come through fragments exactly", async () => {
  const query = `datatable(l:long, d:dynamic, t:timespan, s:string)[
    9007199254740993, dynamic({"n": 1.5, "a": [1, "x"]}), time(1.02:03:04.5), "a",
    -9223372036854775807, dynamic(null), time(null), "b",
    long(null), dynamic([]), time(00:00:01), "c"]`;
  await withService(async (provider) => {
    const result = await provider.query(query, { progressive: true });
    // By hand: 2^53 + 1; -(2^63 - 1); 1 day 2 h 3 min 4.5 s in µs.
    assert.deepEqual(records(result.frame), [
      {
        l: "9007199254740993",
        d: '{"n":1.5,"a":[1,"x"]}',
        t: String(((24 + 2) * 3600 + 3 * 60 + 4) * 1_000_000 + 500_000),
        s: "a",
      },
      { l: "-9223372036854775807", d: null, t: null, s: "b" },
      { l: null, d: "[]", t: "1000000", s: "c" },
    ]);
    assert.deepEqual(result.schema.columns.map((c) => c.type), [
      "long",
      "dynamic",
      "timespan",
      "string",
    ]);
  }, 2);
});

Deno.test("adx progressive: a connection dropped mid-fragments is retried, then an error that says so", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "drop" });
    const retried = await provider.query(SPRAY, { progressive: true });
    assert.equal(retried.rowCount, 486);

    service.inject({ kind: "drop", times: 3 });
    const progress: QueryProgress[] = [];
    const error = await provider.query(SPRAY, { onProgress: (p) => progress.push(p) }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof AdxNetworkError, String(error));
    assert.match(error.message, /dropped before the answer was whole/);
    assert.match(error.message, /the connection closed after \d+ bytes/);
    assert.match(error.hint ?? "", /try again/);
  }, 100);
});

Deno.test("readV2 merges progressive tables and refuses one without its completion", () => {
  const header = {
    FrameType: "TableHeader",
    TableId: 1,
    TableKind: "PrimaryResult",
    TableName: "PrimaryResult",
    Columns: [{ ColumnName: "x", ColumnType: "long" }],
  };
  const frames = [
    { FrameType: "DataSetHeader", IsProgressive: true },
    header,
    { FrameType: "TableFragment", TableFragmentType: "DataAppend", TableId: 1, Rows: [[1], [2]] },
    { FrameType: "TableProgress", TableId: 1, TableProgress: 50 },
    { FrameType: "TableFragment", TableFragmentType: "DataReplace", TableId: 1, Rows: [[7]] },
    { FrameType: "TableFragment", TableFragmentType: "DataAppend", TableId: 1, Rows: [[8]] },
  ];
  const done = { FrameType: "DataSetCompletion", HasErrors: false, Cancelled: false };
  const merged = readV2([
    ...frames,
    { FrameType: "TableCompletion", TableId: 1, RowCount: 2 },
    done,
  ]);
  assert.deepEqual(merged.primary?.Rows, [[7], [8]]);
  // Exact through fragments (read from text as the wire gives it): a long past 2^53 and a
  // dynamic holding a number past 2^64 keep every digit.
  const wire = parseExact(
    '[{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult",' +
      '"TableName":"PrimaryResult","Columns":[{"ColumnName":"l","ColumnType":"long"},' +
      '{"ColumnName":"d","ColumnType":"dynamic"}]}\r\n' +
      ',{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,' +
      '"Rows":[[9007199254740993,{"n":12345678901234567890}]]}\r\n' +
      ',{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,' +
      '"Rows":[[-9223372036854775807,null]]}\r\n' +
      ',{"FrameType":"TableCompletion","TableId":1,"RowCount":2}\r\n' +
      ',{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]',
  );
  const typed = tableToFrame(readV2(wire).primary!);
  assert.deepEqual(records(typed.frame), [
    { l: "9007199254740993", d: '{"n":12345678901234567890}' },
    { l: "-9223372036854775807", d: null },
  ]);
  assert.equal(merged.complete, true);
  assert.throws(() => readV2([...frames, done]), (e) => {
    assert.ok(e instanceof ShapeError);
    assert.match(e.message, /PrimaryResult stopped after 3 fragment\(s\) .*not whole/);
    return true;
  });
  assert.throws(
    () => readV2([...frames, { FrameType: "TableCompletion", TableId: 1, RowCount: 5 }, done]),
    /announced 5 rows but its fragments held 2/,
  );
});

Deno.test("adx progressive: timeoutMs bounds the streamed read, not only the wait for headers", async () => {
  await withService(async (provider, service) => {
    // The first fragment comes, then the query stays running (`stall`): axios stops its own
    // timeout once the headers are in, so without a bound of ours this waits forever.
    service.inject({ kind: "stall" });
    const started = performance.now();
    const error = await provider.query(SPRAY, { progressive: true, timeoutMs: 1_000 }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof AdxTimeoutError, String(error));
    assert.match(error.message, /timed out on the client side/);
    assert.ok(performance.now() - started < 5_000);
  }, 100);
});
