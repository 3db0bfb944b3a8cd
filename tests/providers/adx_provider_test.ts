/**
 * The Azure Data Explorer provider against the loopback Kusto cluster, through the real
 * client (`azure-kusto-data`): the provider contract, parity with the local provider on the
 * demo case's answer-key queries, Kusto's types, request properties, parameters, and every
 * fault the twin can play.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openLocalProvider, type QueryResult, UnknownTableError } from "../../src/providers/mod.ts";
import {
  AdxAuthError,
  AdxDatabaseNotFoundError,
  AdxError,
  AdxNetworkError,
  AdxQueryError,
  AdxThrottledError,
  openAdxProvider,
} from "../../src/providers/adx/mod.ts";
import type { AdxProvider, AdxProviderOptions } from "../../src/providers/adx/mod.ts";
import { type DataFrame, pl, variantOf } from "../../src/polars.ts";
import {
  type KustoService,
  type KustoServiceOptions,
  startKustoService,
} from "../twins/kusto/mod.ts";
import { providerContract } from "./contract.ts";

const local = await openLocalProvider();
/** The demo case's alerts, as the local engine counts them (the twin serves the same files). */
const alerts = (await local.query("SecurityAlert")).rowCount;

function tokenOf(token: string) {
  return {
    getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

async function withService(
  fn: (provider: AdxProvider, service: KustoService) => Promise<void>,
  options: { service?: KustoServiceOptions; provider?: AdxProviderOptions } = {},
): Promise<void> {
  const service = await startKustoService(options.service);
  const provider = await openAdxProvider({
    cluster: service.endpoint,
    database: "demo",
    caCertificates: [service.caCertificate],
    credential: tokenOf(service.token),
    env: () => undefined,
    ...options.provider,
  });
  try {
    await fn(provider, service);
    const recorded = JSON.stringify(service.requests);
    assert.ok(!recorded.includes(service.token), "the token reached the records");
  } finally {
    provider.close();
    await service.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof Error, `expected a failure, got ${error}`);
  return error;
}

/** Exact records: datetimes, timespans and longs as text. */
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

function sameResult(actual: QueryResult, expected: QueryResult, message = ""): void {
  assert.deepEqual(actual.schema.columns, expected.schema.columns, `schema ${message}`);
  assert.deepEqual(actual.frame.dtypes.map(variantOf), expected.frame.dtypes.map(variantOf));
  assert.deepEqual(records(actual.frame), records(expected.frame), `values ${message}`);
}

const ANSWERS = await Deno.readTextFile(
  fileURLToPath(new URL("../../fixtures/demo-case/ANSWERS.md", import.meta.url)),
);
const HUNTS = [...ANSWERS.matchAll(/```kql\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].split(/\n\s*\n/))
  .map((q) => q.trim())
  .filter((q) => q.length > 0);

Deno.test("adx provider passes the provider contract against the loopback cluster", async (t) => {
  const rows = (await local.query("SecurityAlert")).rowCount;
  await withService((provider) => providerContract(t, provider, { table: "SecurityAlert", rows }));
});

Deno.test("adx provider gives the local provider's frames for the demo hunting queries", async (t) => {
  assert.ok(HUNTS.length >= 10);
  await withService(async (provider) => {
    for (const [i, query] of HUNTS.entries()) {
      await t.step(`hunt ${i + 1}: ${query.split("\n")[0].slice(0, 50)}`, async () => {
        const [remote, here] = await Promise.all([provider.query(query), local.query(query)]);
        sameResult(remote, here, query);
        assert.deepEqual(remote.warnings, []);
      });
    }
  });
});

Deno.test("adx provider lists tables and schemas as the local provider does (.show database schema)", async () => {
  await withService(async (provider, service) => {
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    const remote = (await provider.tables()).map(({ name, columns }) => ({ name, columns }));
    const here = (await local.tables()).map(({ name, columns }) => ({ name, columns }));
    assert.deepEqual(remote.sort(byName), here.sort(byName));
    assert.deepEqual(await provider.schema("SigninLogs"), await local.schema("SigninLogs"));
    const mgmt = service.requests.find((r) => r.path === "/v1/rest/mgmt");
    assert.equal((mgmt?.body as { csl: string }).csl, ".show database ['demo'] schema as json");
  });
});

Deno.test("adx provider types Kusto's values like the local engine: dynamic, timespan, decimal, guid, long > 2^53", async () => {
  const query = `print l = 9007199254740993, d = dynamic({"a": [1, 2.5, "x"]}),
    t = time(1.02:03:04.5), g = guid(6f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6), m = decimal(1.25),
    dt = datetime(2024-01-02 03:04:05.123456), r = real(nan), b = true, s = "é"`;
  await withService(async (provider) => {
    const remote = await provider.query(query);
    sameResult(remote, await local.query(query));
    const [row] = records(remote.frame);
    // By hand: 2^53 + 1; 1 day 2 h 3 min 4.5 s in µs; 2024-01-02T03:04:05.123456Z in µs.
    assert.equal(row.l, "9007199254740993");
    assert.equal(row.t, String(((24 + 2) * 3600 + 3 * 60 + 4) * 1_000_000 + 500_000));
    assert.equal(row.dt, String(Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123_456));
    assert.equal(row.d, '{"a":[1,2.5,"x"]}');
    assert.equal(row.m, 1.25);
    assert.deepEqual(remote.schema.columns.map((c) => c.type), [
      "long",
      "dynamic",
      "timespan",
      "guid",
      "decimal",
      "datetime",
      "real",
      "bool",
      "string",
    ]);
  });
});

Deno.test("adx provider sends parameters as Kusto query parameters, never spliced", async () => {
  await withService(async (provider, service) => {
    const query =
      "SigninLogs | where IPAddress == ip and ResultType == rt | project TimeGenerated, UserPrincipalName";
    const result = await provider.query(query, { parameters: { ip: "203.0.113.45", rt: "0" } });
    // ANSWERS.md, stage 2: the legacy-auth success from 203.0.113.45 is daniel.reyes's.
    const users = new Set(records(result.frame).map((r) => r.UserPrincipalName));
    assert.deepEqual([...users], ["daniel.reyes@larkspurlogistics.example"]);
    const spliced = await local.query(
      query.replace("== ip", '== "203.0.113.45"').replace("== rt", '== "0"'),
    );
    sameResult(result, spliced);
    const body = service.requests.at(-1)?.body as {
      csl: string;
      properties: { Parameters: Record<string, string> };
    };
    assert.match(body.csl, /^declare query_parameters\(ip:string, rt:string\);\n/);
    assert.ok(!body.csl.includes("203.0.113.45"));
    assert.deepEqual(body.properties.Parameters, { ip: "203.0.113.45", rt: "0" });
    assert.equal(result.query, query);
  });
});

Deno.test("adx provider sends infinite and NaN reals as Kusto's real(+inf/-inf/nan)", async () => {
  await withService(async (provider, service) => {
    const result = await provider.query("print p = up, m = down, n = none, h = half", {
      parameters: { up: Infinity, down: -Infinity, none: NaN, half: 0.5 },
    });
    const body = service.requests.at(-1)?.body as {
      csl: string;
      properties: { Parameters: Record<string, string> };
    };
    assert.match(
      body.csl,
      /^declare query_parameters\(up:real, down:real, none:real, half:real\);/,
    );
    // Kusto's real literals (learn.microsoft.com, "The real data type"): +inf, -inf, nan.
    assert.deepEqual(body.properties.Parameters, {
      up: "real(+inf)",
      down: "real(-inf)",
      none: "real(nan)",
      half: "0.5",
    });
    const [row] = records(result.frame);
    assert.deepEqual([row.p, row.m, Number.isNaN(row.n), row.h], [Infinity, -Infinity, true, 0.5]);
  });
});

Deno.test("adx provider sends query_now, servertimeout and truncationmaxrecords", async () => {
  await withService(async (provider, service) => {
    const now = new Date("2026-03-12T00:00:00Z");
    const result = await provider.query("print n = now(), a = ago(1d)", {
      now,
      serverTimeoutSeconds: 90,
      maxRecords: 1000,
    });
    const [row] = records(result.frame);
    assert.equal(row.n, String(now.getTime() * 1000));
    assert.equal(row.a, String((now.getTime() - 86_400_000) * 1000));
    const options = (service.requests.at(-1)?.body as { properties: { Options: unknown } })
      .properties.Options;
    assert.deepEqual(options, {
      servertimeout: "00:01:30.000",
      truncationmaxrecords: 1000,
      query_now: "2026-03-12T00:00:00.000Z",
    });
  });
});

Deno.test("adx provider: a result cut at truncationmaxrecords is a 'truncated' warning, or an error when asked", async () => {
  await withService(async (provider) => {
    const result = await provider.query("SigninLogs | project TimeGenerated", { maxRecords: 5 });
    assert.equal(result.rowCount, 5);
    assert.equal(result.warnings.length, 1);
    assert.equal(result.warnings[0].kind, "truncated");
    assert.match(result.warnings[0].message, /E_QUERY_RESULT_SET_TOO_LARGE/);
    assert.match(result.warnings[0].message, /maxRecords/);
    const error = await failure(
      provider.query("SigninLogs | project TimeGenerated", { maxRecords: 5, truncation: "error" }),
    );
    assert.ok(error instanceof AdxError);
    assert.match(error.message, /cut at the service's limit/);
    assert.match((error as AdxError).hint ?? "", /Narrow the query/);
  });
});

Deno.test("adx provider: a partial failure keeps its rows and says so", async () => {
  await withService(async (provider, service) => {
    const all = (await local.query("SecurityAlert")).rowCount;
    service.inject({ kind: "partial" });
    const result = await provider.query("SecurityAlert");
    assert.equal(result.rowCount, Math.floor(all / 2));
    assert.deepEqual(result.warnings.map((w) => w.kind), ["partial"]);
    assert.match(result.warnings[0].message, /E_LOW_MEMORY_CONDITION/);
  });
});

Deno.test("adx provider retries throttling as Retry-After says, then gives up clearly", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "throttle", retryAfterSeconds: 0, times: 2 });
    const progress: string[] = [];
    const result = await provider.query("SecurityAlert | count", {
      onProgress: (p) =>
        p.retry &&
        progress.push(`${p.retry.reason} #${p.retry.attempt}, wait ${p.retry.waitMs} ms`),
    });
    assert.deepEqual(records(result.frame), [{ Count: String(alerts) }]);
    // The wait is the service's Retry-After (0 s here), not a default of the client's.
    assert.deepEqual(progress, [
      "throttled (429) #1, wait 0 ms",
      "throttled (429) #2, wait 0 ms",
    ]);
    service.inject({ kind: "throttle", retryAfterSeconds: 0, times: 4 });
    const error = await failure(provider.query("SecurityAlert | count"));
    assert.ok(error instanceof AdxThrottledError);
    assert.equal(error.status, 429);
    assert.match(error.message, /throttled the query \(429\)/);
  });
});

Deno.test("adx provider: a connection dropped mid-frames is retried, and reported when it persists", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "drop" });
    const result = await provider.query("SecurityAlert | count");
    assert.deepEqual(records(result.frame), [{ Count: String(alerts) }]);
    service.inject({ kind: "drop", times: 4 });
    const error = await failure(provider.query("SecurityAlert | count"));
    assert.ok(error instanceof AdxNetworkError, String(error));
    assert.match(error.message, /dropped before the answer was whole/);
  }, { provider: { retry: { retries: 3, maxWaitMs: 60_000 } } });
});

Deno.test("adx provider: refused tokens (401) and missing permission (403) name the cause and the fix", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "unauthorized" });
    const refused = await failure(provider.query("SecurityAlert"));
    assert.ok(refused instanceof AdxAuthError);
    assert.equal(refused.status, 401);
    assert.match(refused.message, /refused the token \(401\).*expired/);
    service.inject({ kind: "forbidden" });
    const denied = await failure(provider.query("SecurityAlert"));
    assert.ok(denied instanceof AdxAuthError);
    assert.equal(denied.status, 403);
    assert.match(denied.message, /not authorized to read database 'demo'/);
    assert.match(denied.hint ?? "", /Database Viewer/);
  });
  // A token the cluster never issued.
  await withService(async (provider) => {
    const error = await failure(provider.query("SecurityAlert"));
    assert.ok(error instanceof AdxAuthError);
    assert.match(error.hint ?? "", /az login|credential/);
  }, { provider: { credential: tokenOf("not-the-token") } });
});

Deno.test("adx provider: wrong database, wrong cluster, rejected query", async () => {
  await withService(async (provider) => {
    const error = await failure(provider.query("SecurityAlert"));
    assert.ok(error instanceof AdxDatabaseNotFoundError);
    assert.match(error.message, /has no database 'dmeo'/);
    assert.match(error.hint ?? "", /\.show databases/);
  }, { provider: { database: "dmeo" } });
  await withService(async (provider) => {
    const error = await failure(provider.query("SecurityAlert\n| where AlertName =="));
    assert.ok(error instanceof AdxQueryError);
    assert.equal(error.line, 2);
    assert.equal(error.column, 21);
    assert.match(error.message, /line 2, column 21/);
    const unknown = await failure(provider.query("SecurityAlrt | count"));
    assert.ok(unknown instanceof UnknownTableError);
  });
  // Nothing listens on the cluster's port once the service is closed.
  const service = await startKustoService();
  const endpoint = service.endpoint;
  await service.close();
  const provider = await openAdxProvider({
    cluster: endpoint,
    database: "demo",
    credential: tokenOf("t"),
    env: () => undefined,
  });
  try {
    const error = await failure(provider.query("SecurityAlert"));
    assert.ok(error instanceof AdxNetworkError);
    assert.match(error.message, /Could not reach the cluster/);
  } finally {
    provider.close();
  }
});

Deno.test("adx provider: aborting cancels the request in flight and the query on the cluster", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "hang" });
    const controller = new AbortController();
    const pending = provider.query("SecurityAlert", { signal: controller.signal });
    // Abort once the service holds the request.
    while (!service.requests.some((r) => r.path === "/v2/rest/query")) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    const error = await pending.then(() => undefined, (e) => e);
    assert.equal(error?.name, "AbortError");
    // `.cancel query "<the query's x-ms-client-request-id>"`, which the cluster accepted.
    const query = service.requests.find((r) => r.path === "/v2/rest/query")!;
    const id = query.headers["x-ms-client-request-id"];
    assert.match(id, /^casefile;[0-9a-f-]{36}$/);
    const cancel = service.requests.find((r) => r.path === "/v1/rest/mgmt");
    assert.equal((cancel?.body as { csl: string }).csl, `.cancel query "${id}"`);
    assert.equal(cancel?.status, 200);
  });
  // A cluster that refuses the cancel (not the principal's query, or no such right) leaves
  // the client-side abort: still an AbortError, promptly.
  await withService(async (provider, service) => {
    service.inject({ kind: "hang" }, { queryIncludes: "SecurityAlert" });
    service.inject({ kind: "forbidden" }, { queryIncludes: ".cancel query" });
    const controller = new AbortController();
    const pending = provider.query("SecurityAlert", { signal: controller.signal });
    while (!service.requests.some((r) => r.path === "/v2/rest/query")) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    const error = await pending.then(() => undefined, (e) => e);
    assert.equal(error?.name, "AbortError");
    assert.equal(service.requests.find((r) => r.path === "/v1/rest/mgmt")?.status, 403);
  });
});

Deno.test("the twin's frames parse with azure-kusto-data's own response reader", async () => {
  const { Client, KustoConnectionStringBuilder } = await import("azure-kusto-data");
  await withService(async (_provider, service) => {
    const client = new Client(
      KustoConnectionStringBuilder.withTokenCredential(service.endpoint, tokenOf(service.token)),
    );
    // The CA is trusted through this client's agent, as casefile's provider does.
    const { Agent } = await import("node:https");
    const axios = (client as unknown as { axiosInstance: { defaults: Record<string, unknown> } })
      .axiosInstance;
    axios.defaults.httpsAgent = new Agent({ ca: service.caCertificate });
    // The SDK asks the cluster for its sign-in metadata with its own agent: the defaults here.
    (await import("azure-kusto-data")).CloudSettings.writeToCache(service.endpoint);
    try {
      const response = await client.execute("demo", "SecurityAlert | summarize n = count()");
      assert.equal(response.primaryResults.length, 1);
      assert.deepEqual([...response.primaryResults[0].rows()].map((r) => r.toJSON()), [{
        n: alerts,
      }]);
      service.inject({ kind: "partial" });
      await assert.rejects(client.execute("demo", "SecurityAlert"), /E_LOW_MEMORY_CONDITION/);
    } finally {
      client.close();
      (axios.defaults.httpsAgent as { destroy(): void }).destroy();
    }
  });
});

Deno.test("adx provider signs in at the twin's Entra tenant with a real @azure/identity credential", async () => {
  const clientId = crypto.randomUUID();
  const secret = `s-${crypto.randomUUID()}`;
  const service = await startKustoService({ entra: { apps: [{ clientId, secrets: [secret] }] } });
  const { ClientSecretCredential } = await import("@azure/identity");
  const { Agent } = await import("node:https");
  const agent = new Agent({ ca: service.caCertificate });
  const credential = new ClientSecretCredential(
    service.entra!.tenantId,
    clientId,
    secret,
    {
      authorityHost: service.entra!.authorityHost,
      disableInstanceDiscovery: true,
      agent,
    } as ConstructorParameters<typeof ClientSecretCredential>[3],
  );
  const provider = await openAdxProvider({
    cluster: service.endpoint,
    database: "demo",
    caCertificates: [service.caCertificate],
    credential,
    env: () => undefined,
  });
  try {
    const result = await provider.query("print n = 6 * 7");
    assert.deepEqual(records(result.frame), [{ n: "42" }]);
    // The token was for the resource the cluster's metadata names, as the real client asks.
    assert.deepEqual(service.entra!.issued.map((t) => t.audience), [
      "https://kusto.kusto.windows.net",
    ]);
    assert.ok(!JSON.stringify(service.requests).includes(secret), "the secret reached the records");
  } finally {
    provider.close();
    agent.destroy();
    await service.close();
  }
});
