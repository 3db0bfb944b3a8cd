/**
 * The Defender XDR advanced hunting provider end to end, against the loopback Graph
 * service (tests/twins/graph_hunting) over TLS on 127.0.0.1: the provider contract, the
 * same frames as the local provider, answers from the demo case's answer key, and each of
 * advanced hunting's limits and faults. Nothing here talks to anything but loopback.
 */
import assert from "node:assert/strict";
import {
  type GraphHuntingOptions,
  type GraphHuntingService,
  startGraphHuntingService,
} from "../twins/graph_hunting/mod.ts";
import {
  openXdrProvider,
  type QueryProgress,
  XdrAuthError,
  XdrConfigError,
  XdrNetworkError,
  type XdrProvider,
  type XdrProviderOptions,
  XdrQueryError,
  XdrQuotaError,
  XdrThrottledError,
  XdrTimeoutError,
} from "../../src/providers/xdr/mod.ts";
import { graphType, huntingFrame, readHuntingBody } from "../../src/providers/xdr/_results.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { UnknownTableError } from "../../src/providers/errors.ts";
import { pl, variantOf } from "../../src/polars.ts";
import { parseExact } from "../../src/providers/_exact_json.ts";
import { providerContract } from "./contract.ts";

const NO_ENV = () => undefined;
const local = await openLocalProvider();
const manifest = JSON.parse(
  await Deno.readTextFile(new URL("../../fixtures/demo-case/manifest.json", import.meta.url)),
) as { tables: { name: string; rows: number }[] };

/** DeviceProcessEvents' rows, as the demo case's generator wrote them in its manifest. */
const PROCESS_ROWS = manifest.tables.find((x) => x.name === "DeviceProcessEvents")!.rows;

function staticCredential(token: string) {
  return {
    getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

/** Runs `fn` with a fresh twin and a provider pointed at it; closes both. */
async function withTwin(
  fn: (provider: XdrProvider, service: GraphHuntingService) => Promise<void>,
  options: { service?: GraphHuntingOptions; provider?: XdrProviderOptions } = {},
): Promise<void> {
  const service = await startGraphHuntingService(options.service);
  const provider = await openXdrProvider({
    endpoint: service.endpoint,
    caCertificates: [service.caCertificate],
    credential: staticCredential(service.token),
    env: NO_ENV,
    ...options.provider,
  });
  try {
    await fn(provider, service);
  } finally {
    provider.close();
    await service.close();
  }
}

function queries(service: GraphHuntingService) {
  return service.requests.filter((r) => r.path.endsWith("/runHuntingQuery"));
}

Deno.test("xdr provider passes the provider contract against the Graph twin", async (t) => {
  const rows = manifest.tables.find((x) => x.name === "DeviceProcessEvents")!.rows;
  await withTwin((provider) =>
    providerContract(t, provider, { table: "DeviceProcessEvents", rows })
  );
});

Deno.test("xdr provider gives the local provider's frames and types on the same queries", async () => {
  const same = [
    "DeviceProcessEvents | sort by TimeGenerated asc, ReportId asc | take 50",
    "DeviceNetworkEvents | where RemoteUrl == 'cdn.edgeupdate-sync.example' | " +
    "summarize First = min(TimeGenerated), Last = max(TimeGenerated), n = count() | " +
    "extend Span = Last - First, Ratio = todouble(n) / 7.0",
    "IdentityInfo | sort by AccountUPN asc | take 20",
    "DeviceProcessEvents | take 1 | project G = toguid('0e4d9b62-7a1f-4c83-b5e2-91f7c6d8a3b0'), " +
    "D = dynamic({'a': [1, 2]}), B = true, I = toint(7)",
  ];
  await withTwin(async (provider) => {
    for (const query of same) {
      const [xdr, mine] = [await provider.query(query), await local.query(query)];
      assert.deepEqual(xdr.schema.columns, mine.schema.columns, query);
      assert.deepEqual(xdr.frame.dtypes.map(variantOf), mine.frame.dtypes.map(variantOf), query);
      assert.deepEqual(xdr.frame.toRecords(), mine.frame.toRecords(), query);
      assert.deepEqual(xdr.warnings, [], query);
    }
  });
});

Deno.test("xdr provider answers the demo case's hunting questions (ANSWERS.md)", async () => {
  await withTwin(async (provider) => {
    // 9. Discovery from the implant: three commands, on LKS-WS-1042.
    const discovery = await provider.query(
      'DeviceProcessEvents | where InitiatingProcessFileName =~ "cmd.exe" and ' +
        'InitiatingProcessParentFileName =~ "msedgeupdate.exe" | ' +
        "project TimeGenerated, DeviceName, FileName, ProcessCommandLine | sort by TimeGenerated asc",
    );
    const lines = discovery.frame.getColumn("ProcessCommandLine").toArray() as string[];
    assert.equal(discovery.rowCount, 3);
    assert.ok(lines.some((l) => /whoami\s+\/all/.test(l)));
    assert.ok(lines.some((l) => /net\s+group "domain admins" \/domain/.test(l)));
    assert.ok(lines.some((l) => /nltest\s+\/dclist:corp\.larkspurlogistics\.example/.test(l)));
    const devices = discovery.frame.getColumn("DeviceName").toArray() as string[];
    assert.ok(devices.every((d) => /^lks-ws-1042\b/i.test(d)), devices.join());
    // 10. LSASS dump with procdump at 2026-03-12T02:18:55Z.
    const lsass = await provider.query(
      'DeviceProcessEvents | where ProcessCommandLine has "lsass" and ProcessCommandLine ' +
        'has_any ("-ma", "MiniDump", "comsvcs") | project TimeGenerated, FileName',
    );
    assert.equal(lsass.rowCount, 1);
    const at = lsass.frame.getColumn("TimeGenerated").toArray()[0] as unknown as Date;
    assert.equal(at.toISOString(), "2026-03-12T02:18:55.000Z");
  });
});

Deno.test("xdr provider sends Graph's request: Query, Timespan as an interval, a bearer token", async () => {
  await withTwin(async (provider, service) => {
    const start = new Date("2026-03-12T00:00:00Z"), end = new Date("2026-03-13T00:00:00Z");
    await provider.query("DeviceProcessEvents | count", { timespan: { start, end } });
    await provider.query("DeviceProcessEvents | count");
    const [windowed, plain] = queries(service);
    assert.equal(windowed.method, "POST");
    assert.equal(windowed.path, "/v1.0/security/runHuntingQuery");
    assert.deepEqual(windowed.body, {
      Query: "DeviceProcessEvents | count",
      Timespan: "2026-03-12T00:00:00.000Z/2026-03-13T00:00:00.000Z",
    });
    assert.deepEqual(plain.body, { Query: "DeviceProcessEvents | count" });
    assert.equal(windowed.headers.authorization, "Bearer <redacted>");
  });
});

Deno.test("xdr provider warns when a window reaches past advanced hunting's 30 days", async () => {
  // The twin's clock is the demo case's reference time, 2026-03-16; its data starts 03-02.
  const clock = () => new Date("2026-03-16T00:00:00Z");
  await withTwin(async (provider) => {
    const inside = await provider.query("DeviceProcessEvents | count", {
      timespan: { start: new Date("2026-03-01T00:00:00Z"), end: clock() },
    });
    assert.deepEqual(inside.warnings, []);
    const before = await provider.query("DeviceProcessEvents | count", {
      timespan: { start: new Date("2026-01-01T00:00:00Z"), end: clock() },
    });
    assert.equal(before.warnings.length, 1);
    assert.equal(before.warnings[0].kind, "window");
    assert.match(before.warnings[0].message, /keeps 30 days.*before 2026-02-14/);
    const ago = await provider.query("DeviceProcessEvents | where Timestamp > ago(90d) | count");
    assert.equal(ago.warnings[0]?.kind, "window");
    const agoInside = await provider.query(
      "DeviceProcessEvents | where Timestamp > ago(7d) | count",
    );
    assert.deepEqual(agoInside.warnings, []);
  }, { provider: { clock } });
});

Deno.test("xdr provider reads any timespan literal in ago() for the 30-day warning", async () => {
  const clock = () => new Date("2026-03-16T00:00:00Z");
  await withTwin(async (provider) => {
    // 31 days = 744 h = 44,640 min = 2,678,400 s: all past the 30 days Defender keeps.
    for (
      const span of ["31d", "744h", "50000m", "4000000s", "timespan(31d)", "time(31.00:00:00)"]
    ) {
      const result = await provider.query(
        `DeviceProcessEvents | where Timestamp > ago(${span}) | count`,
      );
      assert.equal(result.warnings[0]?.kind, "window", span);
    }
    // 720 h is exactly 30 days; 1 440 min is a day: inside the window.
    for (const span of ["720h", "1440m", "timespan(2d)", "30d"]) {
      const result = await provider.query(
        `DeviceProcessEvents | where Timestamp > ago(${span}) | count`,
      );
      assert.deepEqual(result.warnings, [], span);
    }
  }, { provider: { clock } });
});

Deno.test("xdr provider keeps longs beyond 2^53 exact, and their nulls null", async () => {
  await withTwin(async (provider) => {
    const result = await provider.query(
      "print a = 9007199254740993, b = -9223372036854775808, c = long(null)",
    );
    assert.equal(result.schema.columns.map((c) => c.type).join(), "long,long,long");
    const text = (name: string) => result.frame.getColumn(name).cast(pl.Utf8).toArray();
    assert.deepEqual(text("a"), ["9007199254740993"]);
    assert.deepEqual(text("b"), ["-9223372036854775808"]);
    assert.deepEqual(text("c"), [null]);
  });
});

Deno.test("xdr results: Int64 beyond 2^53 in Graph's answer text comes back exact", () => {
  // A hand-written Graph answer: longs as JSON numbers, one null among them.
  const text = '{"schema":[{"name":"Id","type":"Int64"},{"name":"Bag","type":"Object"}],' +
    '"results":[{"Id":9007199254740993,"Bag":{"n":9007199254740993}},' +
    '{"Id":null,"Bag":null},{"Id":-9223372036854775808,"Bag":[]}]}';
  const { frame } = huntingFrame(readHuntingBody(parseExact(text)));
  assert.equal(String(frame.getColumn("Id").dtype), "DataType(Int64)");
  assert.deepEqual(frame.getColumn("Id").cast(pl.Utf8).toArray(), [
    "9007199254740993",
    null,
    "-9223372036854775808",
  ]);
  assert.deepEqual(frame.getColumn("Bag").toArray(), ['{"n":9007199254740993}', null, "[]"]);
});

Deno.test("xdr provider warns of a result cut at the row limit, never silently", async () => {
  await withTwin(async (provider) => {
    const cut = await provider.query("DeviceProcessEvents | project TimeGenerated | take 500");
    assert.equal(cut.rowCount, 100);
    assert.equal(cut.warnings.length, 1);
    assert.equal(cut.warnings[0].kind, "truncated");
    assert.match(cut.warnings[0].message, /at most 100 rows/);
    const whole = await provider.query("DeviceProcessEvents | project TimeGenerated | take 99");
    assert.equal(whole.rowCount, 99);
    assert.deepEqual(whole.warnings, []);
  }, { service: { maxRows: 100 }, provider: { maxRows: 100 } });
});

Deno.test("xdr provider retries a 429 as Retry-After says and reports it", async () => {
  await withTwin(async (provider, service) => {
    service.inject({ kind: "throttle", retryAfterSeconds: 1, times: 2 });
    const progress: QueryProgress[] = [];
    const result = await provider.query("DeviceProcessEvents | count", {
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(result.frame.toRecords(), [{ Count: PROCESS_ROWS }]);
    assert.deepEqual(queries(service).map((r) => r.status), [429, 429, 200]);
    assert.deepEqual(progress.map((p) => p.retry), [
      { reason: "throttled (429)", waitMs: 1000, attempt: 1 },
      { reason: "throttled (429)", waitMs: 1000, attempt: 2 },
    ]);
    assert.match(progress[0].message!, /throttled \(429\), retrying in 1 s/);
  });
});

Deno.test("xdr provider gives up on a Retry-After beyond its budget with a clear error", async () => {
  await withTwin(async (provider, service) => {
    service.inject({ kind: "throttle", retryAfterSeconds: 120 });
    const error = await provider.query("DeviceProcessEvents | count").catch((e) => e);
    assert.ok(error instanceof XdrThrottledError, String(error));
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterMs, 120_000);
    assert.match(error.hint!, /wait 2 min/);
    assert.equal(queries(service).length, 1);
  });
});

Deno.test("xdr provider explains a query over the CPU quota and does not retry it", async () => {
  await withTwin(async (provider, service) => {
    service.inject({ kind: "cpu-quota" });
    const error = await provider.query("DeviceProcessEvents | count").catch((e) => e);
    assert.ok(error instanceof XdrQuotaError, String(error));
    assert.match(error.message, /CPU allocation/);
    assert.match(error.hint!, /next 15-minute cycle/);
    assert.equal(queries(service).length, 1);
  });
});

Deno.test("xdr provider reports advanced hunting's own 10-minute timeout", async () => {
  await withTwin(async (provider, service) => {
    service.inject({ kind: "timeout" });
    const error = await provider.query("DeviceProcessEvents | count").catch((e) => e);
    assert.ok(error instanceof XdrTimeoutError, String(error));
    assert.equal(error.timeoutMs, undefined);
    assert.match(error.message, /limit of 10 min/);
    assert.match(error.hint!, /Narrow the query/);
  });
});

Deno.test("xdr provider gives up on a hung request at its client-side timeout", async () => {
  await withTwin(async (provider, service) => {
    service.inject({ kind: "hang" });
    const error = await provider.query("DeviceProcessEvents | count").catch((e) => e);
    assert.ok(error instanceof XdrTimeoutError, String(error));
    assert.equal(error.timeoutMs, 300);
  }, { provider: { timeoutMs: 300 } });
});

Deno.test("xdr provider cancels a query in flight when its signal aborts (Ctrl-C)", async () => {
  await withTwin(async (provider, service) => {
    service.inject({ kind: "hang" });
    const controller = new AbortController();
    const pending = provider.query("DeviceProcessEvents | count", { signal: controller.signal })
      .catch((e) => e);
    while (queries(service).length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const error = await pending;
    assert.equal(error?.name, "AbortError");
  });
});

Deno.test("xdr provider sends a query again after a dropped connection, then gives up", async () => {
  await withTwin(async (provider, service) => {
    service.inject({ kind: "drop" });
    const progress: QueryProgress[] = [];
    const result = await provider.query("DeviceProcessEvents | count", {
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.rowCount, 1);
    assert.equal(progress[0]?.retry?.reason, "connection dropped");
    service.inject({ kind: "drop", times: 2 });
    const error = await provider.query("DeviceProcessEvents | count").catch((e) => e);
    assert.ok(error instanceof XdrNetworkError, String(error));
    assert.match(error.hint!, /network/);
  }, { provider: { retry: { maxRetries: 1 } } });
});

Deno.test("xdr provider explains 401 and 403 with Graph's own error", async () => {
  await withTwin(async (provider, service) => {
    service.inject({ kind: "unauthorized" });
    const refused = await provider.query("DeviceProcessEvents | count").catch((e) => e);
    assert.ok(refused instanceof XdrAuthError, String(refused));
    assert.equal(refused.status, 401);
    assert.equal(refused.code, "InvalidAuthenticationToken");
    assert.match(refused.message, /Access token validation failure/);
    service.inject({ kind: "forbidden" });
    const denied = await provider.query("DeviceProcessEvents | count").catch((e) => e);
    assert.ok(denied instanceof XdrAuthError, String(denied));
    assert.equal(denied.status, 403);
    assert.match(denied.hint!, /ThreatHunting\.Read\.All/);
    assert.ok(!JSON.stringify([refused.message, denied.message]).includes(service.token));
  });
  // A wrong token from CASEFILE_XDR_TOKEN: the hint says how to get a new one.
  await withTwin(async (provider) => {
    assert.equal(provider.signIn, "token");
    const error = await provider.query("DeviceProcessEvents | count").catch((e) => e);
    assert.ok(error instanceof XdrAuthError, String(error));
    assert.match(error.hint!, /CASEFILE_XDR_TOKEN/);
    assert.ok(!error.message.includes("not-the-token"));
  }, {
    provider: {
      credential: undefined,
      env: (name) => name === "CASEFILE_XDR_TOKEN" ? "not-the-token" : undefined,
    },
  });
});

Deno.test("xdr provider passes on Graph's message for a query it rejects", async () => {
  await withTwin(async (provider) => {
    const error = await provider.query("DeviceProcessEvents | where (").catch((e) => e);
    assert.ok(error instanceof XdrQueryError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.code, "BadRequest");
    assert.match(error.message, /^Advanced hunting rejected the query: Query could not be parsed/);
    const unknown = await provider.query("DeviceProcessEvent | take 1").catch((e) => e);
    assert.ok(unknown instanceof UnknownTableError, String(unknown));
    assert.match(unknown.message, /Did you mean 'DeviceProcessEvents'/);
    // A column the query names "timeout" is the query's mistake, not the service's timeout.
    const named = await provider.query("DeviceProcessEvents | where timeout > 1").catch((e) => e);
    assert.ok(named instanceof XdrQueryError && !(named instanceof XdrTimeoutError), String(named));
    assert.match(named.message, /timeout/);
  });
});

Deno.test("xdr provider reads a schema on demand with getschema", async () => {
  await withTwin(async (provider) => {
    const schema = await provider.schema("SecurityAlert");
    assert.deepEqual(schema, await local.schema("SecurityAlert"));
    assert.ok((await provider.tables()).some((t) => t.name === "SecurityAlert"));
    await assert.rejects(provider.schema("NoSuchTable"), UnknownTableError);
  });
});

Deno.test("xdr provider signs in through Entra ID with a client secret for Graph", async () => {
  const clientId = "7d3c1b2a-9e8f-4a6b-8c5d-1e2f3a4b5c6d";
  const secret = `s3cr3t-${crypto.randomUUID()}`;
  const service = await startGraphHuntingService({
    entra: { apps: [{ clientId, secrets: [secret] }] },
  });
  const env: Record<string, string> = {
    AZURE_TENANT_ID: service.entra!.tenantId,
    AZURE_CLIENT_ID: clientId,
    AZURE_CLIENT_SECRET: secret,
  };
  const provider = await openXdrProvider({
    endpoint: service.endpoint,
    authorityHost: service.endpoint,
    credential: "client-secret",
    caCertificates: [service.caCertificate],
    env: (name) => env[name],
  });
  try {
    const result = await provider.query("DeviceProcessEvents | count");
    assert.deepEqual(result.frame.toRecords(), [{ Count: PROCESS_ROWS }]);
    assert.deepEqual(service.entra!.issued.map((t) => t.audience), ["https://graph.microsoft.com"]);
    assert.ok(!JSON.stringify(service.requests).includes(secret));
  } finally {
    provider.close();
    await service.close();
  }
  await assert.rejects(
    openXdrProvider({ credential: "client-secret", env: NO_ENV }),
    (e: XdrConfigError) => e instanceof XdrConfigError && /AZURE_CLIENT_SECRET/.test(e.message),
  );
});

Deno.test("xdr results: Graph's type names and value forms read as the local engine's", () => {
  assert.deepEqual(
    [
      "String",
      "DateTime",
      "Int64",
      "Int32",
      "Double",
      "Boolean",
      "Object",
      "Dynamic",
      "Guid",
      "TimeSpan",
      "Decimal",
      "SByte",
    ]
      .map(graphType),
    [
      "string",
      "datetime",
      "long",
      "int",
      "real",
      "bool",
      "dynamic",
      "dynamic",
      "guid",
      "timespan",
      "decimal",
      "bool",
    ],
  );
  // Graph's documented example (capitalised Name/Type), longs as text, dynamic as JSON text.
  const { frame, schema } = huntingFrame(readHuntingBody({
    schema: [
      { Name: "Timestamp", Type: "DateTime" },
      { Name: "Id", Type: "Int64" },
      { Name: "Extra", Type: "Object" },
      { Name: "Nested", Type: "Object" },
      { Name: "Took", Type: "TimeSpan" },
      { Name: "FileName", Type: "String" },
    ],
    results: [
      {
        Timestamp: "2020-08-30T06:38:35.7664356Z",
        Id: "9007199254740993",
        Extra: '{"a":1}',
        Nested: { b: [1, 2] },
        Took: "1.02:03:04.5",
        FileName: null,
      },
    ],
  }));
  assert.deepEqual(schema.columns.map((c) => c.type), [
    "datetime",
    "long",
    "dynamic",
    "dynamic",
    "timespan",
    "string",
  ]);
  const row = frame.toRecords()[0];
  assert.equal((row.Timestamp as unknown as Date).toISOString(), "2020-08-30T06:38:35.766Z");
  assert.equal(row.Extra, '{"a":1}');
  assert.equal(row.Nested, '{"b":[1,2]}');
  assert.equal(row.FileName, "");
  assert.throws(
    () =>
      huntingFrame(
        readHuntingBody({ schema: [{ name: "n", type: "Int64" }], results: [{ n: "x" }] }),
      ),
    /column n is declared long but row 0 holds "x"/,
  );
});

Deno.test("xdr results: a body that is not a hunting result is refused", () => {
  assert.throws(() => readHuntingBody({ value: [] }), /no 'schema' list/);
  assert.throws(() => readHuntingBody({ schema: [], results: [[1]] }), /result 0 is not an object/);
});
