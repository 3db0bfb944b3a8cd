/**
 * The loopback Log Analytics service, spoken to with plain fetch: the real API's shapes,
 * authentication, errors, timespans, Prefer, batches, faults and limits. The provider's
 * tests drive it with the real LogsQueryClient.
 */
import assert from "node:assert/strict";
import {
  DEMO_WORKSPACE_ID,
  DEMO_WORKSPACE_RESOURCE_ID,
  type LogAnalyticsService,
  type ServiceOptions,
  startLogAnalyticsService,
} from "./twins/log_analytics/mod.ts";
import { DEMO_CASE_DIR, openLocalProvider } from "../src/providers/local/local_provider.ts";
import { durationMs, parseTimespan } from "./twins/log_analytics/_query.ts";
import { routeOf } from "./twins/log_analytics/_routes.ts";

interface Reply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
  text: string;
}

interface Session {
  service: LogAnalyticsService;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  query(
    query: string,
    extra?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  fetch(path: string, init?: RequestInit): Promise<Reply>;
}

const WS = DEMO_WORKSPACE_ID;

/** Runs `fn` with a fresh service and an HTTP client that trusts its CA; closes both. */
async function withService(
  options: ServiceOptions,
  fn: (session: Session) => Promise<void>,
): Promise<void> {
  const service = await startLogAnalyticsService(options);
  const client = Deno.createHttpClient({ caCerts: [service.caCertificate] });
  const send = async (path: string, init: RequestInit = {}): Promise<Reply> => {
    const response = await fetch(service.endpoint + path, { ...init, client });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    send(path, {
      method: "POST",
      headers: {
        authorization: `Bearer ${service.token}`,
        "content-type": "application/json",
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const session: Session = {
    service,
    post,
    query: (query, extra = {}, headers = {}) =>
      post(`/v1/workspaces/${WS}/query`, { query, ...extra }, headers),
    fetch: send,
  };
  try {
    await fn(session);
  } finally {
    client.close();
    await service.close();
  }
}

Deno.test("the service answers a workspace query in the real response shape", async () => {
  await withService({}, async ({ service, query }) => {
    assert.match(service.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(service.workspaceIds, [DEMO_WORKSPACE_ID]);
    const reply = await query(
      "SecurityAlert | sort by TimeGenerated asc | take 3 | project TimeGenerated, AlertName, TenantId",
    );
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(Object.keys(reply.body), ["tables"]);
    const [table] = reply.body.tables;
    assert.equal(table.name, "PrimaryResult");
    assert.deepEqual(table.columns, [
      { name: "TimeGenerated", type: "datetime" },
      { name: "AlertName", type: "string" },
      { name: "TenantId", type: "string" },
    ]);
    assert.equal(table.rows.length, 3);
    assert.match(table.rows[0][0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$/);
    // The demo case's workspace id is the TenantId of its rows.
    assert.equal(table.rows[0][2], DEMO_WORKSPACE_ID);
  });
});

Deno.test("the service gives the local provider's rows for the same query", async () => {
  const local = await openLocalProvider(DEMO_CASE_DIR);
  const kql =
    "SigninLogs | where ResultType == '50126' | summarize Failures = count() by IPAddress" +
    " | sort by Failures desc, IPAddress asc | take 5";
  const expected = await local.query(kql);
  await withService({}, async ({ query }) => {
    const reply = await query(kql);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.tables[0].columns, expected.schema.columns);
    assert.deepEqual(
      reply.body.tables[0].rows,
      expected.frame.rows().map((row) => row.map((v) => (typeof v === "bigint" ? Number(v) : v))),
    );
  });
});

Deno.test("the service encodes every column type as Log Analytics does", async () => {
  await withService({}, async ({ query }) => {
    const reply = await query(
      "print b = true, i = int(7), l = long(9007199254740), r = 102.5, d = dynamic({'k': [1, 'x']})," +
        " t = 1d + 2h + 3m + 4s + 500ms, g = toguid('74be27de-1e4e-49d9-b579-fe0b331d3642')," +
        " dt = datetime(2000-01-02 03:04:05), dtf = datetime(2023-02-20 11:04:02.637163)," +
        " s = 'quote \" slash \\\\ tab \\t line \\n', e = '', dec = todecimal(1.25), n = real(nan)," +
        " inf = real(+inf), z = int(null), lz = long(null), rz = real(null), dz = datetime(null)," +
        " bz = bool(null), tz = timespan(null), dyz = dynamic(null), neg = -1d",
    );
    assert.equal(reply.status, 200, reply.text);
    const [table] = reply.body.tables;
    const types = Object.fromEntries(
      table.columns.map((c: { name: string; type: string }) => [c.name, c.type]),
    );
    assert.deepEqual(types, {
      b: "bool",
      i: "int",
      l: "long",
      r: "real",
      d: "dynamic",
      t: "timespan",
      g: "guid",
      dt: "datetime",
      dtf: "datetime",
      s: "string",
      e: "string",
      dec: "decimal",
      n: "real",
      inf: "real",
      z: "int",
      lz: "long",
      rz: "real",
      dz: "datetime",
      bz: "bool",
      tz: "timespan",
      dyz: "dynamic",
      neg: "timespan",
    });
    const row = Object.fromEntries(
      table.columns.map((c: { name: string }, i: number) => [c.name, table.rows[0][i]]),
    );
    assert.deepEqual(row, {
      b: true,
      i: 7,
      l: 9007199254740,
      r: 102.5,
      d: '{"k":[1,"x"]}', // dynamic values arrive as JSON text
      t: "1.02:03:04.5000000",
      g: "74be27de-1e4e-49d9-b579-fe0b331d3642",
      dt: "2000-01-02T03:04:05Z",
      dtf: "2023-02-20T11:04:02.637163Z",
      s: 'quote " slash \\ tab \t line \n',
      e: "",
      dec: 1.25,
      n: "NaN",
      inf: "Infinity",
      z: null,
      lz: null,
      rz: null,
      dz: null,
      bz: null,
      tz: null,
      dyz: null,
      neg: "-1.00:00:00",
    });
  });
});

Deno.test("the service escapes control characters in text", async () => {
  await withService({}, async ({ query }) => {
    const reply = await query("print s = strcat('a', make_string(1, 7, 31), 'b')");
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.tables[0].rows[0][0], "a\u0001\u0007\u001fb");
  });
});

Deno.test("the service answers without /v1 and to GET, as the SDK and curl may ask", async () => {
  await withService({}, async ({ service, post, fetch }) => {
    const bare = await post(`/workspaces/${WS}/query`, { query: "SecurityAlert | count" });
    assert.equal(bare.status, 200);
    assert.deepEqual(bare.body.tables[0].rows, [[15]]);
    const get = await fetch(
      `/v1/workspaces/${WS}/query?query=${encodeURIComponent("SecurityAlert | count")}`,
      { headers: { authorization: `Bearer ${service.token}` } },
    );
    assert.equal(get.status, 200);
    assert.deepEqual(get.body.tables[0].rows, [[15]]);
  });
});

Deno.test("the service refuses a missing or wrong token with the real 401 errors", async () => {
  await withService({ token: "the-token" }, async ({ service, fetch, post }) => {
    assert.equal(service.token, "the-token");
    const missing = await fetch(`/v1/workspaces/${WS}/query`, {
      method: "POST",
      body: JSON.stringify({ query: "print 1" }),
    });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, "AuthorizationRequiredError");
    assert.equal(missing.body.error.message, "Valid authentication was not provided");
    const wrong = await post(`/v1/workspaces/${WS}/query`, { query: "print 1" }, {
      authorization: "Bearer not-the-token",
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, "InvalidTokenError");
    assert.ok(wrong.headers.get("www-authenticate")?.startsWith("Bearer"));
    // Recorded requests never hold the token.
    assert.deepEqual(service.requests.map((r) => r.status), [401, 401]);
    assert.equal(service.requests[1].headers.authorization, "Bearer <redacted>");
    assert.ok(!JSON.stringify(service.requests).includes("not-the-token"));
  });
});

Deno.test("the service answers 404 for an unknown workspace or path", async () => {
  await withService({}, async ({ post }) => {
    const unknown = await post("/v1/workspaces/00000000-0000-0000-0000-000000000000/query", {
      query: "print 1",
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, "WorkspaceNotFoundError");
    const named = await post("/v1/workspaces/my-workspace-name/query", { query: "print 1" });
    assert.equal(named.status, 404);
    assert.equal(named.body.error.code, "PathNotFoundError");
    const path = await post("/v1/nothing/here", { query: "print 1" });
    assert.equal(path.status, 404);
    assert.equal(path.body.error.code, "PathNotFoundError");
  });
});

Deno.test("the service reports KQL errors as BadArgumentError with the engine's position", async () => {
  await withService({}, async ({ query }) => {
    const syntax = await query("SecurityAlert\n| where (AlertName == 'x'");
    assert.equal(syntax.status, 400);
    const error = syntax.body.error;
    assert.equal(error.code, "BadArgumentError");
    assert.equal(error.message, "The request had some invalid properties");
    assert.equal(error.innererror.code, "SyntaxError");
    const inner = error.innererror.innererror;
    assert.equal(inner.code, "SYN0002");
    assert.equal(inner.line, 2);
    assert.equal(typeof inner.pos, "number");
    assert.match(inner.message, /^Query could not be parsed at '.*' on line \[2,\d+\]$/);

    const semantic = await query("SecurityAlert | where NoSuchColumn == 1");
    assert.equal(semantic.status, 400);
    assert.equal(semantic.body.error.innererror.code, "SemanticError");
    assert.equal(semantic.body.error.innererror.innererror.code, "SEM0100");
    assert.match(semantic.body.error.innererror.innererror.message, /NoSuchColumn/);

    const empty = await query("  ");
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, "BadArgumentError");
  });
});

Deno.test("the service filters TimeGenerated by the timespan before the query runs", async () => {
  await withService({}, async ({ query }) => {
    const count = async (timespan?: string) => {
      const reply = await query("SigninLogs | count", timespan ? { timespan } : {});
      assert.equal(reply.status, 200, reply.text);
      return reply.body.tables[0].rows[0][0] as number;
    };
    const all = await count();
    const lastDay = await count("P1D"); // ends at the data's reference time
    const interval = await count("2026-03-15T00:00:00Z/2026-03-16T00:00:00Z");
    const startDuration = await count("2026-03-15T00:00:00Z/PT24H");
    assert.ok(all > lastDay && lastDay > 0);
    assert.equal(interval, lastDay);
    assert.equal(startDuration, lastDay);
    const bad = await query("SigninLogs | count", { timespan: "yesterday" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "BadArgumentError");
  });
});

Deno.test("parseTimespan() reads durations and intervals", () => {
  const now = new Date("2026-03-16T00:00:00Z");
  assert.equal(durationMs("PT1H"), 3_600_000);
  assert.equal(durationMs("P1DT12H"), 36 * 3_600_000);
  assert.equal(durationMs("PT0.5S"), 500);
  assert.equal(durationMs("P"), undefined);
  assert.equal(durationMs("PT"), undefined);
  assert.deepEqual(parseTimespan("P7D", now), {
    start: new Date("2026-03-09T00:00:00Z"),
    end: now,
  });
  assert.deepEqual(parseTimespan("PT1H/2026-03-02T01:00:00Z", now), {
    start: new Date("2026-03-02T00:00:00Z"),
    end: new Date("2026-03-02T01:00:00Z"),
  });
  assert.equal(parseTimespan("2026-03-16T00:00:00Z/2026-03-01T00:00:00Z", now), undefined);
});

Deno.test("routeOf() reads workspace, resource and batch paths", () => {
  assert.deepEqual(routeOf(`/v1/workspaces/${WS}/query`), { kind: "workspace", workspace: WS });
  assert.deepEqual(routeOf(`/workspaces/${WS}/query/`), { kind: "workspace", workspace: WS });
  assert.deepEqual(routeOf("/v1//subscriptions/s/resourceGroups/g/query"), {
    kind: "resource",
    resourceId: "/subscriptions/s/resourceGroups/g",
  });
  assert.deepEqual(routeOf("/v1/$batch"), { kind: "batch" });
  assert.deepEqual(routeOf("/v1/workspaces/x/metadata"), { kind: "unknown" });
});

Deno.test("the service honours Prefer: include-statistics, include-render and wait", async () => {
  await withService({}, async ({ query }) => {
    const kql = "SecurityAlert | summarize n = count() by AlertSeverity" +
      " | render columnchart with (title='By severity', xtitle='severity')";
    const plain = await query(kql);
    assert.deepEqual(Object.keys(plain.body), ["tables"]);
    const rich = await query(kql, {}, {
      prefer: "wait=30, include-statistics=true, include-render=true",
    });
    assert.equal(rich.status, 200);
    assert.equal(
      rich.headers.get("preference-applied"),
      "wait=30,include-statistics=true,include-render=true",
    );
    assert.equal(typeof rich.body.statistics.query.executionTime, "number");
    assert.equal(rich.body.statistics.query.datasetStatistics[0].tableRowCount, 3);
    assert.equal(rich.body.render.visualization, "columnchart");
    assert.equal(rich.body.render.title, "By severity");
    assert.equal(rich.body.render.xTitle, "severity");
    assert.equal(rich.body.render.yMin, "NaN");
  });
});

Deno.test("the service answers a $batch, each query with its own status", async () => {
  await withService({}, async ({ post }) => {
    const reply = await post("/v1/$batch", {
      requests: [
        {
          id: "0",
          workspace: WS,
          path: "/query",
          method: "POST",
          body: { query: "SecurityAlert | count", timespan: "P30D" },
          headers: { prefer: "include-statistics=true" },
        },
        {
          id: "1",
          workspace: "00000000-0000-0000-0000-000000000000",
          path: "/query",
          method: "POST",
          body: { query: "print 1" },
        },
        { id: "2", workspace: WS, path: "/query", method: "POST", body: { query: "print (" } },
      ],
    });
    assert.equal(reply.status, 200);
    const [ok, missing, bad] = reply.body.responses;
    assert.deepEqual([ok.id, ok.status], ["0", 200]);
    assert.deepEqual(ok.body.tables[0].rows, [[15]]);
    assert.ok(ok.body.statistics);
    assert.deepEqual([missing.id, missing.status], ["1", 404]);
    assert.equal(missing.body.error.code, "WorkspaceNotFoundError");
    assert.deepEqual([bad.id, bad.status], ["2", 400]);
    assert.equal(bad.body.error.innererror.code, "SyntaxError");
  });
});

Deno.test("the service maps resource-centric queries to a workspace", async () => {
  await withService({}, async ({ post }) => {
    for (
      const path of [
        `/v1${DEMO_WORKSPACE_RESOURCE_ID}/query`,
        `/v1/${DEMO_WORKSPACE_RESOURCE_ID}/query`,
      ]
    ) {
      const reply = await post(path, { query: "SecurityAlert | count" });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.body.tables[0].rows, [[15]]);
    }
  });
  const other = "11111111-1111-4111-8111-111111111111";
  const resourceId =
    "/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/vm1";
  await withService({
    workspaces: { [WS]: DEMO_CASE_DIR, [other]: DEMO_CASE_DIR },
    resources: { [resourceId]: other },
  }, async ({ service, post }) => {
    const reply = await post(`/v1${resourceId.toLowerCase()}/query`, { query: "print 1" });
    assert.equal(reply.status, 200);
    assert.deepEqual(service.workspaceIds, [WS, other]);
  });
});

Deno.test("the service unions tables across workspaces with TenantId per workspace", async () => {
  const other = "11111111-1111-4111-8111-111111111111";
  await withService({ workspaces: { [WS]: DEMO_CASE_DIR, [other]: DEMO_CASE_DIR } }, async (s) => {
    const reply = await s.query(
      "SecurityAlert | summarize n = count() by TenantId | sort by TenantId asc",
      {
        workspaces: [other],
      },
    );
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body.tables[0].rows, [[other, 15], [WS, 15]]);
    const filtered = await s.query("SecurityAlert | count", {
      workspaces: [other],
      timespan: "2026-03-01T00:00:00Z/2026-03-05T00:00:00Z",
    });
    const single = await s.query("SecurityAlert | count", {
      timespan: "2026-03-01T00:00:00Z/2026-03-05T00:00:00Z",
    });
    assert.equal(filtered.body.tables[0].rows[0][0], 2 * single.body.tables[0].rows[0][0]);
    const unknown = await s.query("print 1", {
      workspaces: ["22222222-2222-4222-8222-222222222222"],
    });
    assert.equal(unknown.status, 404);
  });
});

Deno.test("the service cuts a result at maxRows with the real PartialError", async () => {
  await withService({ maxRows: 10 }, async ({ query }) => {
    const reply = await query("SecurityEvent | take 25");
    assert.equal(reply.status, 200);
    assert.equal(reply.body.tables[0].rows.length, 10);
    const error = reply.body.error;
    assert.equal(error.code, "PartialError");
    assert.equal(error.details[0].code, "EngineError");
    assert.match(error.details[0].innererror.message, /E_QUERY_RESULT_SET_TOO_LARGE/);
    assert.match(error.details[0].innererror.message, /record count limit 10\b/);
    const small = await query("SecurityEvent | take 10");
    assert.equal(small.body.error, undefined);
  });
});

Deno.test("the service cuts a result at maxBytes with the real PartialError", async () => {
  await withService({ maxBytes: 2000 }, async ({ query }) => {
    const reply = await query("SecurityEvent | take 200");
    assert.equal(reply.status, 200);
    const rows = reply.body.tables[0].rows;
    assert.ok(rows.length > 0 && rows.length < 200);
    assert.ok(new TextEncoder().encode(JSON.stringify(rows)).length <= 2000);
    assert.match(reply.body.error.details[0].innererror.message, /data size limit 2000\b/);
  });
});

Deno.test("the service throttles with 429 and Retry-After, then answers", async () => {
  await withService({}, async ({ service, query }) => {
    service.inject({ kind: "throttle", retryAfterSeconds: 2, times: 2 });
    for (let i = 0; i < 2; i++) {
      const reply = await query("print 1");
      assert.equal(reply.status, 429);
      assert.equal(reply.headers.get("retry-after"), "2");
      assert.equal(reply.body.error.code, "ThrottledError");
    }
    assert.equal((await query("print 1")).status, 200);
  });
});

Deno.test("the service answers 503 when told it is unavailable", async () => {
  await withService({}, async ({ service, query }) => {
    service.inject({ kind: "unavailable", retryAfterSeconds: 1 });
    service.inject({ kind: "unavailable" });
    const first = await query("print 1");
    assert.equal(first.status, 503);
    assert.equal(first.headers.get("retry-after"), "1");
    const second = await query("print 1");
    assert.equal(second.status, 503);
    assert.equal(second.headers.get("retry-after"), null);
    assert.equal((await query("print 1")).status, 200);
  });
});

Deno.test("the service answers slowly, or with its own timeout past Prefer: wait", async () => {
  await withService({}, async ({ service, query }) => {
    // Slow, shown by order rather than by the clock: a query sent while the slow one is held
    // at the service is answered first (the fault delays one request).
    service.inject({ kind: "slow", delayMs: 3000 });
    const answered: string[] = [];
    const slow = query("print 1").then((r) => (answered.push("slow"), r));
    while (!service.requests.some((r) => r.status === 0)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const quick = await query("print 2").then((r) => (answered.push("quick"), r));
    assert.equal(quick.status, 200);
    assert.equal((await slow).status, 200);
    assert.deepEqual(answered, ["quick", "slow"]);

    // A delay past Prefer: wait=1 is the service's 504 (a 60 s wait would have answered 200).
    service.inject({ kind: "slow", delayMs: 60_000 });
    const waited = await query("print 1", {}, { prefer: "wait=1" });
    assert.equal(waited.status, 504);
    assert.equal(waited.body.error.code, "GatewayTimeout");
  });
});

Deno.test("the service reports its own query timeout as Log Analytics does", async () => {
  await withService({}, async ({ service, query }) => {
    service.inject({ kind: "timeout" });
    const reply = await query("print 1");
    assert.equal(reply.status, 504);
    assert.equal(reply.body.error.code, "GatewayTimeout");
    assert.equal(reply.body.error.innererror.code, "GatewayTimeout");
  });
});

/** Polls (no clock in any assertion) until the service holds `n` requests unanswered. */
async function untilHanging(service: LogAnalyticsService, n: number): Promise<void> {
  while (service.requests.filter((r) => r.status === 0).length < n) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("the service hangs until the client gives up, and still closes", async () => {
  await withService({}, async ({ service, fetch }) => {
    service.inject({ kind: "hang" });
    // The client gives up once the service holds its request: an event, not a timer.
    const giveUp = new AbortController();
    const first = fetch(`/v1/workspaces/${WS}/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${service.token}`, "content-type": "application/json" },
      body: JSON.stringify({ query: "print 1" }),
      signal: giveUp.signal,
    });
    await untilHanging(service, 1);
    giveUp.abort();
    await assert.rejects(first, (error: Error) => error.name === "AbortError");
    while (service.requests[0].status === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(service.requests[0].status, 499);
    service.inject({ kind: "hang" });
    // A request still hanging when the service closes is answered (503), so close() returns.
    const pending = fetch(`/v1/workspaces/${WS}/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${service.token}` },
      body: JSON.stringify({ query: "print 1" }),
    });
    await untilHanging(service, 1);
    await service.close();
    const outcome = await pending;
    assert.equal(outcome.status, 503);
    assert.equal(outcome.body.error.code, "ServiceUnavailableError");
  });
});

Deno.test("the service sends a malformed body when told to", async () => {
  await withService({}, async ({ service, query }) => {
    service.inject({ kind: "malformed" });
    service.inject({ kind: "malformed", body: '{"tables":[{"name":"PrimaryResult"' });
    const first = await query("print 1");
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { unexpected: "shape" });
    const second = await query("print 1");
    assert.equal(second.status, 200);
    assert.equal(second.body, undefined);
    assert.equal(second.text, '{"tables":[{"name":"PrimaryResult"');
  });
});

Deno.test("the service sends partial results with a PartialError when told to", async () => {
  await withService({}, async ({ service, query }) => {
    service.inject({ kind: "partial" });
    const reply = await query("SecurityAlert");
    assert.equal(reply.status, 200);
    assert.equal(reply.body.tables[0].rows.length, 7); // half of 15 (the demo case's SecurityAlert rows)
    assert.equal(reply.body.error.code, "PartialError");
    assert.equal(reply.body.error.details[0].code, "EngineError");
  });
});

Deno.test("faults fire only for matching queries, in order, and can be cleared", async () => {
  await withService({}, async ({ service, query }) => {
    service.inject({ kind: "timeout" }, { queryIncludes: "SigninLogs" });
    assert.equal((await query("SecurityAlert | count")).status, 200);
    assert.equal((await query("SigninLogs | count")).status, 504);
    assert.equal((await query("SigninLogs | count")).status, 200);
    service.inject({ kind: "throttle", retryAfterSeconds: 1, times: 5 });
    service.clearFaults();
    assert.equal((await query("print 1")).status, 200);
    assert.throws(() => service.inject({ kind: "timeout", times: 0 }), RangeError);
  });
});

Deno.test("close() releases the port and removes the CA file", async () => {
  const service = await startLogAnalyticsService();
  const port = Number(new URL(service.endpoint).port);
  assert.match(await Deno.readTextFile(service.caCertificatePath), /BEGIN CERTIFICATE/);
  assert.equal(await Deno.readTextFile(service.caCertificatePath), service.caCertificate);
  await service.close();
  await service.close(); // twice is fine
  await assert.rejects(Deno.stat(service.caCertificatePath), Deno.errors.NotFound);
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  listener.close();
});

Deno.test("the service's certificate is trusted for localhost as well as 127.0.0.1", async () => {
  await withService({}, async ({ service }) => {
    const client = Deno.createHttpClient({ caCerts: [service.caCertificate] });
    try {
      const url = service.endpoint.replace("127.0.0.1", "localhost") + `/v1/workspaces/${WS}/query`;
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${service.token}` },
        body: JSON.stringify({ query: "print 1" }),
        client,
      });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    } finally {
      client.close();
    }
  });
});

Deno.test("a hung request ends when the client leaves (recorded as 499)", async () => {
  const https = await import("node:https");
  await withService({}, async ({ service }) => {
    service.inject({ kind: "hang" });
    const agent = new https.Agent({ ca: service.caCertificate });
    try {
      const error = await new Promise<Error>((resolve) => {
        const request = https.request(`${service.endpoint}/v1/workspaces/${WS}/query`, {
          method: "POST",
          agent,
          headers: { authorization: `Bearer ${service.token}` },
        });
        request.on("error", resolve);
        request.end(JSON.stringify({ query: "print 1" }));
        // The client leaves once the service holds the request (an event, not a timer).
        untilHanging(service, 1).then(() => request.destroy(new Error("gave up")));
      });
      assert.equal(error.message, "gave up");
      while (service.requests[0].status === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(service.requests[0].status, 499);
    } finally {
      agent.destroy();
    }
  });
});

Deno.test("`deno task loganalytics` starts the service, prints its settings and stops on a signal", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const task: string = config.tasks.loganalytics;
  // The task's own permission flags, so the test proves they are enough.
  const args = task.split(/\s+/).slice(1);
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args, "--port", "0", "--token", "cli-token"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  try {
    while (!output.includes("Serving until Ctrl-C.")) {
      const { value, done } = await reader.read();
      if (done) break;
      output += value;
    }
    const endpoint = /endpoint\s+(https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const caFile = /CA file\s+(\S+)/.exec(output)?.[1];
    assert.ok(endpoint && caFile, output);
    assert.match(output, /token\s+cli-token/);
    assert.match(output, new RegExp(`workspace\\s+${DEMO_WORKSPACE_ID}`));
    assert.match(output, /NODE_EXTRA_CA_CERTS=/);
    const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(caFile)] });
    try {
      const response = await fetch(`${endpoint}/v1/workspaces/${DEMO_WORKSPACE_ID}/query`, {
        method: "POST",
        headers: { authorization: "Bearer cli-token", "content-type": "application/json" },
        body: JSON.stringify({ query: "SecurityAlert | count" }),
        client,
      });
      assert.deepEqual((await response.json()).tables[0].rows, [[15]]);
    } finally {
      client.close();
    }
    child.kill("SIGINT");
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      output += value;
    }
    const status = await child.status;
    assert.equal(status.code, 0, output);
    assert.match(output, /Stopped/);
    await assert.rejects(Deno.stat(caFile), Deno.errors.NotFound);
  } finally {
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel();
    try {
      child.kill();
    } catch {
      // already exited
    }
    await child.status;
  }
});
