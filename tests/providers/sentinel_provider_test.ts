/**
 * The Sentinel provider end to end: the real `LogsQueryClient` (@azure/monitor-query-logs)
 * and the provider's credential plumbing, against the loopback Log Analytics service over
 * TLS on 127.0.0.1. Nothing here talks to anything but loopback.
 *
 * TLS trust: the service's throwaway CA is given to the provider as `caCertificates` (an
 * `https.Agent` with that CA), because Deno reads NODE_EXTRA_CA_CERTS once per process at
 * its first TLS connection, and `deno test --parallel` runs every test file in one process.
 * The NODE_EXTRA_CA_CERTS route is checked too, in a child process that starts with it.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CredentialUnavailableError } from "@azure/identity";
import {
  DEMO_WORKSPACE_ID,
  DEMO_WORKSPACE_RESOURCE_ID,
  type LogAnalyticsService,
  type ServiceOptions,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import {
  ClientTimeoutError,
  envTokenCredential,
  MalformedResponseError,
  openSentinelProvider,
  type QueryProgress,
  SentinelAuthError,
  SentinelConfigError,
  SentinelNetworkError,
  type SentinelProvider,
  type SentinelProviderOptions,
  SentinelQueryError,
  ServerTimeoutError,
  ServiceBusyError,
  TruncatedResultError,
  WorkspaceNotFoundError,
} from "../../src/providers/sentinel/sentinel_provider.ts";
import { resolveConfig, type SentinelConfig } from "../../src/providers/sentinel/_config.ts";
import { createCredential } from "../../src/providers/sentinel/_credentials.ts";
import { loadAzureSdk } from "../../src/providers/sentinel/_sdk.ts";
import { readWireDatetime, tableToFrame } from "../../src/providers/sentinel/_results.ts";
import { explicitWindows, Semaphore, splitPlan } from "../../src/providers/sentinel/_split.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import type { QueryResult } from "../../src/providers/provider.ts";
import { UnknownTableError } from "../../src/providers/errors.ts";
import { type DataFrame, pl, variantOf } from "../../src/polars.ts";
import { tempDir, tempFile } from "../_helpers.ts";
import { providerContract } from "./contract.ts";
import { openTwinProvider } from "./_twin_provider.ts";

// createCredential() is called here directly: the SDK loads as openSentinelProvider() loads it.
await loadAzureSdk();

const NO_ENV = () => undefined;
const local = await openLocalProvider();

/** A credential that hands out `token`, counting how often it is asked. */
function stubCredential(token: string) {
  const credential = {
    calls: 0,
    getToken() {
      credential.calls++;
      return Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
  return credential;
}

/** Runs `fn` with a fresh loopback service and a provider pointed at it; closes both. */
async function withService(
  fn: (provider: SentinelProvider, service: LogAnalyticsService) => Promise<void>,
  options: { service?: ServiceOptions; provider?: SentinelProviderOptions } = {},
): Promise<void> {
  const service = await startLogAnalyticsService(options.service);
  const provider = await openTwinProvider(service, {
    ...options.provider,
    // The demo case's data is months old: these tests read it whole, as the local engine
    // does (the default window has its own tests).
    config: { defaultTimespan: "none", ...options.provider?.config },
  });
  try {
    await fn(provider, service);
    assertNoSecret(service.token, service.requests);
  } finally {
    provider.close();
    await service.close();
  }
}

/**
 * Neither a value nor anything it holds shows `token`: printed deeply, and through the
 * errors' causes and the (non-enumerable) requests an SDK error keeps.
 */
function assertNoSecret(token: string, value: unknown): void {
  const texts = [Deno.inspect(value, { depth: 8 })];
  const seen = new Set<unknown>();
  const visit = (v: unknown) => {
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) return v.forEach(visit);
    const e = v as {
      message?: unknown;
      stack?: unknown;
      hint?: unknown;
      cause?: unknown;
      request?: { headers?: { toJSON?: () => unknown } };
      response?: { request?: { headers?: { toJSON?: () => unknown } } };
    };
    texts.push(String(e.message ?? ""), String(e.stack ?? ""), String(e.hint ?? ""));
    for (const request of [e.request, e.response?.request]) {
      if (request?.headers?.toJSON) texts.push(JSON.stringify(request.headers.toJSON()));
    }
    visit(e.cause);
  };
  visit(value);
  assert.ok(!texts.join("\n").includes(token), "the token leaked");
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(
    error instanceof Error || error instanceof DOMException,
    `expected a failure, got ${error}`,
  );
  return error as Error;
}

/** The frame with datetimes and timespans as integers (microseconds), as plain records. */
function records(frame: DataFrame): Record<string, unknown>[] {
  const exact = frame.select(
    ...frame.columns.map((name, i) => {
      const variant = variantOf(frame.dtypes[i]);
      return variant === "Datetime" || variant === "Duration"
        ? pl.col(name).cast(pl.Int64)
        : pl.col(name);
    }),
  );
  return exact.toRecords() as Record<string, unknown>[];
}

function sameResult(actual: QueryResult, expected: QueryResult, message = ""): void {
  assert.deepEqual(actual.schema.columns, expected.schema.columns, `schema ${message}`);
  assert.deepEqual(
    actual.frame.dtypes.map(variantOf),
    expected.frame.dtypes.map(variantOf),
    `dtypes ${message}`,
  );
  assert.deepEqual(records(actual.frame), records(expected.frame), `values ${message}`);
}

function sortedRecords(frame: DataFrame): string[] {
  return records(frame).map((r) => JSON.stringify(r)).sort();
}

const ANSWERS = await Deno.readTextFile(
  fileURLToPath(new URL("../../fixtures/demo-case/ANSWERS.md", import.meta.url)),
);
const HUNTS = [...ANSWERS.matchAll(/```kql\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].split(/\n\s*\n/))
  .map((q) => q.trim())
  .filter((q) => q.length > 0);

const ALL_TYPES = `datatable(b: bool, d: datetime, dy: dynamic, i: int, l: long, r: real, s: string,
    g: guid, de: decimal, t: timespan) [
  true, datetime(2024-01-02 03:04:05.123456), dynamic({"a": [1, 2.5, "x"], "b": null}), 1,
    9007199254740991, 2.5, "x", guid(6f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6), decimal(1.25),
    time(1.02:03:04.5),
  false, datetime(null), dynamic(null), int(null), long(null), real(null), "", guid(null),
    decimal(null), time(null),
  bool(null), datetime(1969-12-31 23:59:59.999999), dynamic("text"), -5, -1, real(nan),
    "é\\n\\"q\\"", guid(00000000-0000-0000-0000-000000000000), decimal(-0.5), time(-00:00:01),
  true, datetime(2024-01-02), dynamic([]), 0, 0, real(+inf), " ", guid(null), decimal(0), 0s
]`;

// ------------------------------------------------------------------ contract and parity

Deno.test("sentinel provider passes the provider contract against the loopback service", async (t) => {
  const rows = (await local.query("SecurityAlert")).rowCount;
  await withService((provider) => providerContract(t, provider, { table: "SecurityAlert", rows }));
});

Deno.test("sentinel provider gives the local provider's frames for the demo hunting queries", async (t) => {
  assert.ok(HUNTS.length >= 10);
  await withService(async (provider) => {
    for (const [i, query] of HUNTS.entries()) {
      await t.step(`hunt ${i + 1}: ${query.split("\n")[0].slice(0, 50)}`, async () => {
        const [remote, here] = await Promise.all([provider.query(query), local.query(query)]);
        sameResult(remote, here, query);
        assert.deepEqual(remote.warnings, []);
        assert.equal(remote.provider, provider.id);
      });
    }
  });
});

Deno.test("sentinel provider lists the workspace's tables and schemas as the local provider does", async () => {
  await withService(async (provider) => {
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    const remote = (await provider.tables()).map(({ name, columns }) => ({ name, columns }));
    const here = (await local.tables()).map(({ name, columns }) => ({ name, columns }));
    assert.deepEqual(remote.sort(byName), here.sort(byName));
    provider.refresh();
    assert.deepEqual(await provider.schema("SigninLogs"), await local.schema("SigninLogs"));
    const unknown = await failure(provider.schema("SecurityAlrt"));
    assert.ok(unknown instanceof UnknownTableError);
    assert.match(
      unknown.message,
      /^Unknown table 'SecurityAlrt' in workspace c3a1e7f4.*\. Did you mean `SecurityAlert`/,
    );
  });
});

Deno.test("sentinel provider types every Log Analytics column type as the local engine does", async () => {
  await withService(async (provider) => {
    const [remote, here] = await Promise.all([provider.query(ALL_TYPES), local.query(ALL_TYPES)]);
    assert.deepEqual(remote.schema.columns.map((c) => c.type), [
      "bool",
      "datetime",
      "dynamic",
      "int",
      "long",
      "real",
      "string",
      "guid",
      "decimal",
      "timespan",
    ]);
    sameResult(remote, here);
    const first = records(remote.frame)[0];
    assert.equal(first.d, 1704164645123456); // microseconds kept
    assert.equal(first.dy, '{"a":[1,2.5,"x"],"b":null}');
    assert.equal(first.t, 93784500000);
    assert.equal(records(remote.frame)[1].s, ""); // Kusto strings are never null
    assert.equal(records(remote.frame)[1].g, null);
  });
});

Deno.test("sentinel provider reads large text columns with line breaks, empties and nulls exactly", async () => {
  const query = `range i from 1 to 6000 step 1
    | extend s = iff(i % 3 == 0, "", strcat("line\\nbreak ", i)), g = iff(i % 2 == 0, guid(null), guid(6f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6)),
      d = iff(i % 5 == 0, dynamic(null), dynamic({"k": "v"})), h = strcat("host-", i % 7)`;
  await withService(async (provider) => {
    sameResult(await provider.query(query), await local.query(query));
  });
});

Deno.test("sentinel provider runs resource-centric and cross-workspace queries", async () => {
  const other = "0b8e3f52-6c1d-4e7a-9f20-5d4c3b2a1f00";
  await withService(async (provider, service) => {
    const query = "SecurityAlert | summarize n = count() by TenantId";
    const byResource = await provider.query("SecurityAlert | count", {
      resourceId: DEMO_WORKSPACE_RESOURCE_ID,
    });
    assert.equal(byResource.frame.getColumn("Count").get(0), 15);
    assert.match(
      service.requests.at(-1)!.path,
      /^\/v1\/subscriptions\/.*\/workspaces\/law-larkspur-sentinel\/query$/,
    );

    const both = await provider.query(query, { additionalWorkspaces: ["second"] });
    assert.deepEqual((service.requests.at(-1)!.body as { workspaces: string[] }).workspaces, [
      other,
    ]);
    assert.deepEqual(
      records(both.frame).sort((a, b) => String(a.TenantId).localeCompare(String(b.TenantId))),
      [{ TenantId: other, n: 15 }, { TenantId: DEMO_WORKSPACE_ID, n: 15 }],
    );
    const named = await provider.query("SecurityAlert | count", { workspace: "second" });
    assert.match(service.requests.at(-1)!.path, new RegExp(other));
    assert.equal(named.frame.getColumn("Count").get(0), 15);
  }, {
    service: {
      workspaces: {
        [DEMO_WORKSPACE_ID]: fileURLToPath(new URL("../../fixtures/demo-case", import.meta.url)),
        [other]: fileURLToPath(new URL("../../fixtures/demo-case", import.meta.url)),
      },
    },
    provider: { config: { workspaces: { second: other } } },
  });
});

Deno.test("sentinel provider runs batches, each query with its own outcome", async () => {
  await withService(async (provider, service) => {
    const before = service.requests.length;
    const results = await provider.queryBatch([
      { query: "SecurityAlert | count" },
      { query: "SecurityAlert | wher x" },
      { query: "SigninLogs | summarize n = count() by ResultType | top 3 by n" },
    ]);
    assert.equal(service.requests.length, before + 1);
    assert.equal(service.requests.at(-1)!.path, "/v1/$batch");
    assert.ok(results[0].ok && results[0].result.frame.getColumn("Count").get(0) === 15);
    assert.ok(!results[1].ok && results[1].error instanceof SentinelQueryError);
    assert.ok(results[2].ok);
    sameResult(
      results[2].result,
      await local.query("SigninLogs | summarize n = count() by ResultType | top 3 by n"),
    );
  });
});

// ------------------------------------------------------------------ the default window

/** The `timespan` of the last query request the service received (POST body or batch). */
function sentTimespans(service: LogAnalyticsService): unknown[] {
  const body = service.requests.at(-1)!.body as {
    timespan?: string;
    requests?: { body: { timespan?: string } }[];
  };
  return body.requests ? body.requests.map((r) => r.body.timespan) : [body.timespan];
}

Deno.test("sentinel provider runs a query without a window over the last 24 h, and says so", async () => {
  await withService(async (provider, service) => {
    const result = await provider.query("SecurityAlert | count");
    // The Log Analytics API's timespan: an ISO 8601 duration ending at the service's now.
    assert.deepEqual(sentTimespans(service), ["P1D"]);
    assert.equal(result.warnings.length, 1);
    assert.equal(result.warnings[0].kind, "window");
    assert.match(result.warnings[0].message, /^No time range given: the last 24 h\./);
    assert.match(result.warnings[0].message, /where TimeGenerated > ago\(7d\)/);
    assert.match(result.warnings[0].message, /CASEFILE_SENTINEL_DEFAULT_TIMESPAN/);
    // The twin's now is the demo case's reference time: the alerts of its last day.
    const reference = local.referenceTime!;
    const lastDay = await local.query("SecurityAlert | count", {
      timespan: { start: new Date(reference.getTime() - 86_400_000), end: reference },
    });
    sameResult(result, lastDay);
    assert.ok(Number(result.frame.getColumn("Count").get(0)) < 13);

    // A query that limits TimeGenerated itself keeps its own window, as does a given timespan.
    const own = await provider.query("SecurityAlert\n| where TimeGenerated > ago(30d) | count");
    assert.deepEqual(sentTimespans(service), [undefined]);
    assert.deepEqual(own.warnings, []);
    assert.equal(own.frame.getColumn("Count").get(0), 15);
    const given = await provider.query("SecurityAlert | count", {
      timespan: { start: new Date("2020-01-01T00:00:00Z"), end: new Date("2030-01-01T00:00:00Z") },
    });
    assert.deepEqual(sentTimespans(service), ["2020-01-01T00:00:00.000Z/2030-01-01T00:00:00.000Z"]);
    assert.deepEqual(given.warnings, []);
    // The Defender tables' Timestamp, filtered, is the query's own window too.
    await provider.query("DeviceProcessEvents | where Timestamp > ago(7d) | count");
    assert.deepEqual(sentTimespans(service), [undefined]);
    // TimeGenerated only projected, or summarized by, is no filter.
    await provider.query("SecurityAlert | summarize count() by bin(TimeGenerated, 1h)");
    assert.deepEqual(sentTimespans(service), ["P1D"]);

    // A batch: each query without a window gets the default one.
    const batch = await provider.queryBatch([
      { query: "SecurityAlert | count" },
      { query: "SecurityAlert | where TimeGenerated > ago(30d) | count" },
    ]);
    assert.deepEqual(sentTimespans(service), ["P1D", undefined]);
    assert.ok(batch[0].ok && batch[0].result.warnings[0]?.kind === "window");
    assert.ok(batch[1].ok && batch[1].result.warnings.length === 0);
  }, { provider: { config: { defaultTimespan: "24h" } } });
});

Deno.test("sentinel provider's default window is set in the config or environment, or none", async () => {
  await withService(async (provider, service) => {
    const result = await provider.query("SecurityAlert | count");
    assert.deepEqual(sentTimespans(service), ["P7D"]);
    assert.match(result.warnings[0].message, /^No time range given: the last 7 d\./);
  }, { provider: { config: { defaultTimespan: "7d" } } });
  await withService(async (provider, service) => {
    await provider.query("SecurityAlert | count");
    assert.deepEqual(sentTimespans(service), ["PT90M"]);
  }, { provider: { config: { defaultTimespan: "90m" } } });
  const workspace = crypto.randomUUID();
  const resolved = (config: SentinelConfig, env: Record<string, string> = {}) =>
    resolveConfig({ config: { workspace, ...config }, env: (name) => env[name] });
  assert.equal((await resolved({})).defaultTimespanMs, 86_400_000);
  assert.equal(
    (await resolved({}, { CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "2d" })).defaultTimespanMs,
    172_800_000,
  );
  assert.equal(
    (await resolved({}, { CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none" })).defaultTimespanMs,
    undefined,
  );
  assert.equal((await resolved({ defaultTimespan: "none" })).defaultTimespanMs, undefined);
  await assert.rejects(
    resolved({ defaultTimespan: "yesterday" }),
    (error: Error) =>
      error.name === "SentinelConfigError" && /"yesterday" is not a timespan/.test(error.message),
  );
});

// ------------------------------------------------------------------ limits and splitting

Deno.test("sentinel provider returns a partial failure's rows with a visible warning", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "partial" });
    const result = await provider.query("SecurityAlert | project TimeGenerated, AlertName");
    assert.equal(result.rowCount, 7); // half of the demo case's 15 alerts
    assert.equal(result.warnings.length, 1);
    assert.equal(result.warnings[0].kind, "partial");
    assert.match(result.warnings[0].message, /E_LOW_MEMORY_CONDITION/);
  });
});

Deno.test("sentinel provider splits a result cut at the row limit into time windows", async () => {
  const query =
    "SigninLogs | where ResultType != '0' | project TimeGenerated, UserPrincipalName, IPAddress, ResultType";
  await withService(async (provider, service) => {
    const progress: QueryProgress[] = [];
    let inFlight = 0;
    const sampler = setInterval(() => {
      inFlight = Math.max(inFlight, service.requests.filter((r) => r.status === 0).length);
    }, 5);
    service.inject({ kind: "slow", delayMs: 40, times: 1000 });
    let result;
    try {
      result = await provider.query(query, { onProgress: (p) => progress.push(p) });
    } finally {
      clearInterval(sampler);
      service.clearFaults();
    }
    const expected = await local.query(query);
    assert.ok(expected.rowCount > 400, `${expected.rowCount} rows`);
    assert.equal(result.rowCount, expected.rowCount, JSON.stringify(result.warnings));
    assert.deepEqual(sortedRecords(result.frame), sortedRecords(expected.frame));
    assert.deepEqual(result.warnings.map((w) => w.kind), ["split"]);
    assert.match(result.warnings[0].message, /record count limit 400/);
    // The demo's SigninLogs run from 2026-03-02 01:24:15 to 2026-03-15 20:04:31 UTC: 13.78
    // days, told in days (not "19844.3 min").
    assert.match(result.warnings[0].message, /time windows over 13\.8 d and joined/);
    // Time order across windows.
    const times = records(result.frame).map((r) => r.TimeGenerated as number);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.ok(inFlight >= 2 && inFlight <= 4, `at most 4 queries at once, saw ${inFlight}`);
    const windows = progress.filter((p) => p.window);
    assert.ok(windows.length >= 2);
    assert.equal(windows.at(-1)!.window!.index, windows.at(-1)!.window!.count);
    // Rows so far: growing with each window, all of them once the last is in.
    const rows = windows.map((p) => p.rows!);
    assert.deepEqual(rows, [...rows].sort((a, b) => a - b));
    assert.equal(rows.at(-1), expected.rowCount);
    const timespans = service.requests.map((r) => (r.body as { timespan?: string })?.timespan);
    assert.ok(timespans.filter((t) => t?.includes("/")).length >= 2);
  }, { service: { maxRows: 400 } });
});

Deno.test("sentinel provider splits when asked, by a timespan or a number of windows", async () => {
  const timespan = {
    start: new Date("2026-03-09T00:00:00Z"),
    end: new Date("2026-03-13T00:00:00Z"),
  };
  const query = "SecurityAlert | project TimeGenerated, AlertName, AlertSeverity";
  await withService(async (provider, service) => {
    const expected = await local.query(query, { timespan });
    const before = service.requests.length;
    const byDay = await provider.query(query, { timespan, split: "1d" });
    assert.equal(service.requests.length - before, 4);
    sameResult(byDay, expected);
    assert.deepEqual(byDay.warnings.map((w) => w.kind), ["split"]);
    const three = await provider.query(query, { timespan, split: 3 });
    sameResult(three, expected);
    const counted = await provider.query("SecurityAlert | count", { timespan, split: 2 });
    assert.equal(counted.rowCount, 2); // one row per window, and the warning says so
    assert.match(counted.warnings[0].message, /one row per window/);
    const bad = await failure(provider.query(query, { timespan, split: "often" }));
    assert.match(bad.message, /Cannot split by "often"/);
  });
});

Deno.test("sentinel provider never splits a query that aggregates: it warns, or throws if asked", async () => {
  await withService(async (provider) => {
    const cut = await provider.query("SigninLogs | take 500");
    assert.equal(cut.rowCount, 400);
    assert.deepEqual(cut.warnings.map((w) => w.kind), ["truncated", "truncated"]);
    assert.match(cut.warnings.map((w) => w.message).join(" "), /'take'.*would change its answer/s);
    const error = await failure(provider.query("SigninLogs | take 500", { truncation: "error" }));
    assert.ok(error instanceof TruncatedResultError);
    assert.match(error.message, /record count limit 400/);
    const warned = await provider.query("SigninLogs | project TimeGenerated", {
      truncation: "warn",
    });
    assert.equal(warned.rowCount, 400);
    assert.equal(warned.warnings[0].kind, "truncated");
  }, { service: { maxRows: 400 } });
});

// ------------------------------------------------------------------ throttling and timeouts

Deno.test("sentinel provider retries 429 and 503 as Retry-After says, within bounds", async () => {
  await withService(async (provider, service) => {
    const messages: string[] = [];
    service.inject({ kind: "throttle", retryAfterSeconds: 1 });
    service.inject({ kind: "unavailable", retryAfterSeconds: 0 });
    const retries: unknown[] = [];
    const before = service.requests.length;
    const { result, timers } = await watchTimers(
      service,
      () =>
        provider.query("SecurityAlert | count", {
          onProgress: (p) => {
            if (p.message) messages.push(p.message);
            if (p.retry) retries.push(p.retry);
          },
        }),
    );
    // Waited as Retry-After said, by order rather than by the clock: the 1 s timer was set
    // after the 429 arrived, and the retry went out only once it fired.
    const retryTimer = timers.find((t) => t.ms === 1000);
    assert.ok(retryTimer, `no 1 s timer among ${JSON.stringify(timers)}`);
    assert.equal(retryTimer.requestsWhenSet, before + 1, "timer set after the 429");
    assert.equal(retryTimer.requestsWhenFired, before + 1, "no request before the timer fired");
    assert.equal(result.frame.getColumn("Count").get(0), 15);
    assert.deepEqual(service.requests.slice(before).map((r) => r.status), [429, 503, 200]);
    assert.match(messages.join("\n"), /throttled \(429\), retrying in 1 s/);
    assert.match(messages.join("\n"), /service unavailable \(503\), retrying in 0 ms/);
    assert.deepEqual(retries[0], { reason: "throttled (429)", waitMs: 1000, attempt: 1 });
    assert.deepEqual(retries[1], { reason: "service unavailable (503)", waitMs: 0, attempt: 2 });

    service.inject({ kind: "throttle", retryAfterSeconds: 3600 });
    const throttledAt = service.requests.length;
    const { result: busy, timers: patient } = await watchTimers(
      service,
      () => failure(provider.query("SecurityAlert | count")),
      3_600_000,
    );
    // No hour-long wait: no timer for Retry-After's hour was set, and it gave up after the
    // one request (the other long timer is the client's own timeout, cleared on the answer).
    assert.deepEqual(patient.filter((t) => t.ms >= 3_600_000), [], "no hour-long wait");
    assert.deepEqual(patient.map((t) => t.requestsWhenSet), [throttledAt], "no retry");
    assert.ok(busy instanceof ServiceBusyError);
    assert.equal(busy.retryAfterMs, 3_600_000);
    assert.match(busy.hint ?? "", /Wait 60 min/);

    service.inject({ kind: "unavailable", retryAfterSeconds: 0, times: 5 });
    const down = await failure(provider.query("SecurityAlert | count"));
    assert.ok(down instanceof ServiceBusyError);
    assert.equal(down.status, 503);
    assertNoSecret(service.token, [busy, down]);
    service.clearFaults();
  }, { provider: { retry: { maxRetries: 2, maxWaitMs: 10_000 } } });
});

Deno.test("sentinel provider sends the server timeout and reports the service giving up", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "slow", delayMs: 3000 });
    const error = await failure(
      provider.query("SecurityAlert | count", { serverTimeoutSeconds: 1 }),
    );
    assert.ok(error instanceof ServerTimeoutError);
    assert.match(error.hint ?? "", /serverTimeoutSeconds/);
    assert.match(service.requests.at(-1)!.headers.prefer, /wait=1/);

    // A query that can be split is split instead.
    service.inject({ kind: "timeout" });
    const query = "SecurityAlert | project TimeGenerated, AlertName";
    const split = await provider.query(query);
    assert.deepEqual(split.warnings.map((w) => w.kind), ["split"]);
    assert.match(split.warnings[0].message, /timed out/);
    assert.deepEqual(sortedRecords(split.frame), sortedRecords((await local.query(query)).frame));
  });
});

Deno.test("sentinel provider gives up at the client timeout and aborts the request", async () => {
  await withService(async (provider, service) => {
    // The service never answers: only the client timeout can end the query.
    service.inject({ kind: "hang" });
    const error = await failure(provider.query("SecurityAlert | count", { timeoutMs: 300 }));
    assert.ok(error instanceof ClientTimeoutError);
    assert.match(error.hint ?? "", /timeoutMs/);
    assertNoSecret(service.token, error);
    await waitFor(() => service.requests.at(-1)!.status === 499);
  });
});

Deno.test("sentinel provider cancels through an AbortSignal, aborting the HTTP request", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "hang" });
    const controller = new AbortController();
    const ticks: QueryProgress[] = [];
    let pendingAtAbort = false;
    // Cancelled on the first progress tick (an event, not a clock): the request is then
    // waiting at the service.
    const error = await failure(provider.query("SecurityAlert | count", {
      signal: controller.signal,
      onProgress: (p) => {
        ticks.push(p);
        if (!controller.signal.aborted) {
          pendingAtAbort = service.requests.at(-1)!.status === 0;
          controller.abort();
        }
      },
    }));
    assert.equal(error.name, "AbortError");
    assert.ok(error instanceof DOMException);
    assert.ok(ticks.length >= 1 && ticks[0].message === undefined, "progress while waiting");
    assert.ok(pendingAtAbort, "the request was waiting at the service when cancelled");
    await waitFor(() => service.requests.at(-1)!.status === 499);
    // The provider still works afterwards.
    assert.equal((await provider.query("SecurityAlert | count")).rowCount, 1);
  });
});

Deno.test("sentinel provider never re-sends a query it cancels on a reused connection", async () => {
  await withService(async (provider, service) => {
    // Earlier queries leave a pooled connection; the last of them gets the service's 504.
    await provider.query("SecurityAlert | count");
    await provider.query("SigninLogs | count");
    service.inject({ kind: "timeout" });
    assert.ok(await failure(provider.query("SecurityAlert | count")) instanceof ServerTimeoutError);
    const hangs = () =>
      service.requests.filter((r) => r.body && /take 1/.test(JSON.stringify(r.body)));

    // Cancelled by the caller (Ctrl-C in the REPL): one request, ended at the service.
    service.inject({ kind: "hang", times: 3 }, { queryIncludes: "take 1" });
    const controller = new AbortController();
    const pending = failure(
      provider.query("SecurityAlert | take 1", { signal: controller.signal }),
    );
    // Cancelled once the service holds the request (the event, not a delay).
    await waitFor(() => hangs().length >= 1);
    controller.abort();
    const cancelled = await pending;
    assert.equal(cancelled.name, "AbortError");
    await waitFor(() => hangs().length >= 1 && hangs()[0].status === 499);
    // A re-sent copy would go out on the pool at once, before the next query through it:
    // once that query is answered, no copy (which would hang, never cancelled) is there.
    assert.equal((await provider.query("SigninLogs | count")).rowCount, 1);
    assert.deepEqual(hangs().map((r) => r.status), [499]);

    // Given up at the client-side timeout: the same.
    const timedOut = await failure(provider.query("SecurityAlert | take 1", { timeoutMs: 400 }));
    assert.ok(timedOut instanceof ClientTimeoutError);
    await waitFor(() => hangs().length >= 2 && hangs()[1].status === 499);
    assert.equal((await provider.query("SigninLogs | count")).rowCount, 1);
    assert.deepEqual(hangs().map((r) => r.status), [499, 499]);
    service.clearFaults();
    // The pool still serves the next query.
    assert.equal((await provider.query("SecurityAlert | count")).rowCount, 1);
  });
});

/**
 * Polls until `condition` holds: waits for the event itself. The 30 s deadline only turns a
 * hang into a failure with a message; no assertion depends on how long it took.
 */
async function waitFor(condition: () => boolean, ms = 30_000): Promise<void> {
  const until = performance.now() + ms;
  while (!condition()) {
    assert.ok(performance.now() < until, "condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface WatchedTimer {
  ms: number;
  requestsWhenSet: number;
  requestsWhenFired?: number;
}

/**
 * Runs `fn` with `setTimeout` watched: each timer's delay, and how many requests the twin had
 * seen when it was set and when it fired. Asserting on these orders events without a clock.
 * A timer of `refuseFrom` ms or more throws where it is set.
 */
async function watchTimers<T>(
  service: LogAnalyticsService,
  fn: () => Promise<T>,
  refuseFrom = Infinity,
): Promise<{ result: T; timers: WatchedTimer[] }> {
  const original = globalThis.setTimeout;
  const timers: WatchedTimer[] = [];
  // deno-lint-ignore no-explicit-any
  (globalThis as any).setTimeout = (
    callback: (...args: unknown[]) => void,
    ms = 0,
    ...args: unknown[]
  ) => {
    const timer: WatchedTimer = { ms, requestsWhenSet: service.requests.length };
    timers.push(timer);
    // A timer this long fails at once instead of hanging the test for its length.
    if (ms >= refuseFrom) throw new Error(`a ${ms} ms timer was set`);
    return original(
      (...a: unknown[]) => {
        timer.requestsWhenFired = service.requests.length;
        callback(...a);
      },
      ms,
      ...args,
    );
  };
  try {
    return { result: await fn(), timers };
  } finally {
    globalThis.setTimeout = original;
  }
}

// ------------------------------------------------------------------ bad input

Deno.test("sentinel provider reports bad and failing credentials with what to do", async () => {
  await withService(async (provider, service) => {
    const wrong = await openTwinProvider(service, {
      credential: stubCredential("expired-or-wrong-token"),
    });
    try {
      const error = await failure(wrong.query("SecurityAlert | count"));
      assert.ok(error instanceof SentinelAuthError);
      assert.equal(error.status, 401);
      assert.match(error.message, /refused the credentials \(401 InvalidTokenError/);
      assertNoSecret("expired-or-wrong-token", error);
    } finally {
      wrong.close();
    }
    // A CASEFILE_SENTINEL_TOKEN that has expired is named as such, with how to get a new one.
    const expired = await openTwinProvider(service, {
      credential: envTokenCredential((name) =>
        name === "CASEFILE_SENTINEL_TOKEN" ? "expired-env-token" : undefined
      ),
    });
    try {
      assert.match(expired.description, /signed in with the token in CASEFILE_SENTINEL_TOKEN$/);
      const error = await failure(expired.query("SecurityAlert | count"));
      assert.ok(error instanceof SentinelAuthError);
      assert.match(error.message, /refused the token in CASEFILE_SENTINEL_TOKEN \(401/);
      assert.match(error.hint ?? "", /get-access-token --resource https:\/\/api\.loganalytics\.io/);
      assert.match(error.hint ?? "", /unset CASEFILE_SENTINEL_TOKEN/);
      assert.doesNotMatch(`${error.message} ${error.hint}`, /in code|openSentinelProvider/);
      assertNoSecret("expired-env-token", error);
    } finally {
      expired.close();
    }
    const unavailable = await openTwinProvider(service, {
      credential: {
        getToken: () => Promise.reject(new CredentialUnavailableError("Please run 'az login'")),
      },
    });
    try {
      const requests = service.requests.length;
      const error = await failure(unavailable.query("SecurityAlert | count"));
      assert.ok(error instanceof SentinelAuthError);
      assert.match(error.message, /Cannot get a token/);
      assert.ok(error.cause instanceof CredentialUnavailableError);
      assert.equal(service.requests.length, requests, "nothing sent without a token");
    } finally {
      unavailable.close();
    }
    assert.equal((await provider.query("SecurityAlert | count")).rowCount, 1);
  });
});

Deno.test("credential kinds that miss settings say which variable to set, before any request", async () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  const config = (vars: Record<string, string>, credential: string) =>
    resolveConfig({
      env: env({ CASEFILE_SENTINEL_WORKSPACE: DEMO_WORKSPACE_ID, ...vars }),
      config: { credential: credential as "default" },
    });
  const secret = await failure((async () => createCredential(await config({}, "client-secret")))());
  assert.ok(secret instanceof SentinelConfigError);
  assert.match(secret.message, /AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET/);
  assert.match(secret.hint ?? "", /never in a file/);
  const fromEnv = await failure(
    (async () =>
      createCredential(
        await config({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" }, "environment"),
      ))(),
  );
  assert.match(fromEnv.message, /AZURE_CLIENT_SECRET \(or AZURE_CLIENT_CERTIFICATE_PATH\)/);
  const cert = await failure(
    (async () => createCredential(await config({ AZURE_TENANT_ID: "t" }, "client-certificate")))(),
  );
  assert.match(cert.message, /AZURE_CLIENT_ID, AZURE_CLIENT_CERTIFICATE_PATH/);
  // Complete settings make a credential without contacting anyone.
  const made = createCredential(
    await config(
      { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" },
      "client-secret",
    ),
  );
  assert.equal(made.constructor.name, "ClientSecretCredential");
  for (const kind of ["azure-cli", "managed-identity", "device-code", "default"]) {
    assert.equal(typeof createCredential(await config({}, kind)).getToken, "function");
  }
});

Deno.test("sentinel provider reports an unknown workspace, and refuses an id that is not one", async () => {
  await withService(async (provider, service) => {
    const missing = "00000000-1111-2222-3333-444444444444";
    const error = await failure(provider.query("SecurityAlert | count", { workspace: missing }));
    assert.ok(error instanceof WorkspaceNotFoundError);
    assert.equal(error.status, 404);
    // Named once, as the workspace it is (not "Workspace 'workspace ...'").
    assert.equal(error.message, `Log Analytics did not find workspace ${missing}`);
    assert.equal(error.workspace, missing);
    assert.match(error.hint ?? "", /GUID on the workspace's Overview page/);
    assertNoSecret(service.token, error);

    const requests = service.requests.length;
    const named = await failure(
      provider.query("SecurityAlert | count", { workspace: "law-larkspur" }),
    );
    assert.ok(named instanceof SentinelConfigError);
    assert.match(named.message, /neither a configured workspace nor a workspace id/);
    assert.equal(service.requests.length, requests);
    const opened = await failure(openSentinelProvider({ workspace: "my-workspace", env: NO_ENV }));
    assert.ok(opened instanceof SentinelConfigError);
  });
});

Deno.test("sentinel provider passes KQL errors from the service on with line and column", async () => {
  await withService(async (provider, service) => {
    const syntax = await failure(provider.query("SecurityAlert\n| wher AlertSeverity == 'High'"));
    assert.ok(syntax instanceof SentinelQueryError);
    assert.equal(syntax.line, 2);
    assert.equal(syntax.column, 3);
    assert.equal(syntax.status, 400);
    assert.match(syntax.message, /could not be parsed at 'wher' \(line 2, column 3\)/);
    assert.match(syntax.hint ?? "", /line 2, column 3/);
    // The SDK's error (the cause) holds the request; its Authorization header is redacted.
    assert.ok(syntax.cause instanceof Error);
    assertNoSecret(service.token, syntax);
    const semantic = await failure(provider.query("SecurityAlert | where AlertSeverty == 'High'"));
    assert.ok(semantic instanceof SentinelQueryError);
    assert.match(semantic.message, /AlertSeverty.*Did you mean 'AlertSeverity'/);
  });
});

Deno.test("sentinel provider reports a malformed body without dumping it", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "malformed" });
    const shape = await failure(provider.query("SecurityAlert | count"));
    assert.ok(shape instanceof MalformedResponseError);
    assert.match(shape.message, /not a query result \("tables" is missing, not a list\)/);
    service.inject({ kind: "malformed", body: "<html>" + "x".repeat(5000) });
    const html = await failure(provider.query("SecurityAlert | count"));
    assert.ok(html instanceof MalformedResponseError);
    assert.match(html.message, /the body is not JSON/);
    assert.ok(html.message.length < 400);
    service.inject({
      kind: "malformed",
      body: '{"tables":[{"name":"x","columns":[{"name":"a","type":"long"}],"rows":[[1,2]]}]}',
    });
    const width = await failure(provider.query("SecurityAlert | count"));
    assert.match(width.message, /row 0 has 2 cells for 1 columns/);
    assertNoSecret(service.token, [shape, html, width]);
  });
});

Deno.test("sentinel provider reports network and TLS failures instead of hanging", async () => {
  const service = await startLogAnalyticsService();
  const untrusted = await openSentinelProvider({
    endpoint: service.endpoint,
    workspace: service.workspaceIds[0],
    credential: stubCredential(service.token),
    env: NO_ENV,
  });
  try {
    const tls = await failure(untrusted.query("SecurityAlert | count", { timeoutMs: 10_000 }));
    assert.ok(tls instanceof SentinelNetworkError);
    assert.match(tls.message, /certificate is not trusted/);
    assert.match(tls.hint ?? "", /NODE_EXTRA_CA_CERTS/);
  } finally {
    untrusted.close();
  }
  const endpoint = service.endpoint;
  const ca = service.caCertificate;
  await service.close();
  const closed = await openSentinelProvider({
    endpoint,
    workspace: DEMO_WORKSPACE_ID,
    caCertificates: [ca],
    credential: stubCredential("t"),
    env: NO_ENV,
  });
  try {
    const error = await failure(closed.query("SecurityAlert | count", { timeoutMs: 10_000 }));
    assert.ok(error instanceof SentinelNetworkError);
    assert.match(error.message, /Cannot reach Log Analytics at https:\/\/127\.0\.0\.1/);
    assert.ok(error.hint);
  } finally {
    closed.close();
  }
});

Deno.test("sentinel provider trusts the loopback CA through NODE_EXTRA_CA_CERTS at start-up", async () => {
  const service = await startLogAnalyticsService();
  try {
    const provider = new URL("../../src/providers/sentinel/mod.ts", import.meta.url);
    const code = `
      const { openSentinelProvider } = await import(${JSON.stringify(provider.href)});
      const token = Deno.env.get("TEST_TOKEN");
      const p = await openSentinelProvider({
        credential: { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60000 }) },
      });
      try {
        const r = await p.query("SecurityAlert | count");
        console.log(JSON.stringify({ count: r.frame.getColumn("Count").get(0), description: p.description }));
      } finally { p.close(); }`;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code],
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: {
        NODE_EXTRA_CA_CERTS: service.caCertificatePath,
        CASEFILE_SENTINEL_ENDPOINT: service.endpoint,
        CASEFILE_SENTINEL_WORKSPACE: service.workspaceIds[0],
        CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
        XDG_CONFIG_HOME: await tempDir(), // no config file of the person running this
        TEST_TOKEN: service.token,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.ok(output.success, stderr);
    const result = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.equal(result.count, 15);
    assert.match(result.description, /at https:\/\/127\.0\.0\.1/);
  } finally {
    await service.close();
  }
});

// ------------------------------------------------------------------ configuration

Deno.test("sentinel config reads workspaces by friendly name from a file, under the environment", async () => {
  const file = await tempFile(
    "sentinel.json",
    JSON.stringify({
      cloud: "usgov",
      tenantId: "contoso.onmicrosoft.com",
      credential: "azure-cli",
      workspace: "prod",
      workspaces: {
        prod: DEMO_WORKSPACE_ID,
        "vm-logs": { resourceId: DEMO_WORKSPACE_RESOURCE_ID, description: "one VM" },
      },
      tables: ["MyCustom_CL"],
    }),
  );
  const config = await resolveConfig({ configFile: file, env: NO_ENV });
  assert.equal(config.cloud.name, "usgov");
  assert.equal(config.endpoint, "https://api.loganalytics.us/v1");
  assert.equal(config.cloud.authorityHost, "https://login.microsoftonline.us");
  assert.equal(config.cloud.audience, "https://api.loganalytics.us");
  assert.equal(config.defaultWorkspace.id, DEMO_WORKSPACE_ID);
  assert.equal(config.workspaces.get("vm-logs")?.resourceId, DEMO_WORKSPACE_RESOURCE_ID);
  assert.equal(config.credential, "azure-cli");
  assert.deepEqual(config.tables, ["MyCustom_CL"]);

  const env: Record<string, string> = {
    CASEFILE_SENTINEL_CONFIG: file,
    CASEFILE_SENTINEL_WORKSPACE: "vm-logs",
    CASEFILE_SENTINEL_CLOUD: "china",
    AZURE_TENANT_ID: "fabrikam.onmicrosoft.com",
  };
  const overridden = await resolveConfig({ env: (name) => env[name] });
  assert.equal(overridden.defaultWorkspace.name, "vm-logs");
  assert.equal(overridden.endpoint, "https://api.loganalytics.azure.cn/v1");
  assert.equal(overridden.tenantId, "fabrikam.onmicrosoft.com");
  const provider = await openSentinelProvider({
    configFile: file,
    env: NO_ENV,
    credential: stubCredential("x"),
  });
  assert.match(
    provider.description,
    /prod \(c3a1e7f4.*\), usgov cloud, signed in with a credential given in code/,
  );
  provider.close();
});

Deno.test("sentinel config refuses secrets, typos and ids that are not workspace ids", async () => {
  const cases: Array<[unknown, RegExp, RegExp?]> = [
    [
      { workspace: DEMO_WORKSPACE_ID, clientSecret: "hunter2" },
      /looks like a secret/,
      /AZURE_CLIENT_SECRET/,
    ],
    [{ workspaces: { prod: { id: DEMO_WORKSPACE_ID, password: "x" } } }, /looks like a secret/],
    [
      { workspace: DEMO_WORKSPACE_ID, tennantId: "x" },
      /Unknown setting 'tennantId'.*Did you mean 'tenantId'/,
    ],
    [{ workspaces: { prod: "law-larkspur-sentinel" } }, /not a workspace id/, /GUID/],
    [
      { workspace: DEMO_WORKSPACE_ID, cloud: "mars" },
      /Unknown Azure cloud 'mars'/,
      /public, usgov, china/,
    ],
    [{ workspace: DEMO_WORKSPACE_ID, credential: "azure-clii" }, /Did you mean `azure-cli`/],
    [{ workspaces: { a: DEMO_WORKSPACE_ID, b: DEMO_WORKSPACE_ID } }, /none is the default/],
    [{ workspace: DEMO_WORKSPACE_ID, endpoint: "http://127.0.0.1:1" }, /is not https/],
  ];
  for (const [content, message, hint] of cases) {
    const file = await tempFile("sentinel.json", JSON.stringify(content));
    const error = await failure(resolveConfig({ configFile: file, env: NO_ENV }));
    assert.ok(error instanceof SentinelConfigError, String(error));
    assert.match(error.message, message);
    if (hint) assert.match(error.hint ?? "", hint);
  }
  const broken = await tempFile("sentinel.json", "{ not json");
  assert.match(
    (await failure(resolveConfig({ configFile: broken, env: NO_ENV }))).message,
    /not valid JSON/,
  );
  const none = await failure(resolveConfig({ env: NO_ENV }));
  assert.ok(none instanceof SentinelConfigError);
  assert.match(none.hint ?? "", /CASEFILE_SENTINEL_WORKSPACE/);
});

// ------------------------------------------------------------------ pieces

Deno.test("tableToFrame reads the service's value forms", () => {
  const { frame, schema } = tableToFrame({
    name: "PrimaryResult",
    columns: [
      { name: "t", type: "datetime" },
      { name: "r", type: "real" },
      { name: "b", type: "bool" },
      { name: "s", type: "string" },
      { name: "d", type: "dynamic" },
      { name: "x", type: "System.Int64" },
      { name: "ts", type: "timespan" },
    ],
    rows: [
      ["2023-02-20T11:04:02.6371632Z", "NaN", 1, null, { a: 1 }, 5, "1.02:03:04.5"],
      ["2023-02-20T11:04:02Z", "-Infinity", false, "x", "[1]", "6", "-00:00:00.0000010"],
      ["2023-02-20 11:04:02.5+01:00", 1.5, null, "", null, null, null],
    ],
  });
  assert.deepEqual(schema.columns.map((c) => c.type), [
    "datetime",
    "real",
    "bool",
    "string",
    "dynamic",
    "long",
    "timespan",
  ]);
  const rows = records(frame);
  assert.equal(rows[0].t, 1676891042637163); // the seventh digit (100 ns) is dropped
  assert.equal(rows[1].t, 1676891042000000);
  assert.equal(rows[2].t, 1676887442500000);
  assert.ok(Number.isNaN(rows[0].r));
  assert.equal(rows[1].r, -Infinity);
  assert.deepEqual(rows.map((r) => r.b), [true, false, null]);
  assert.deepEqual(rows.map((r) => r.s), ["", "x", ""]);
  assert.deepEqual(rows.map((r) => r.d), ['{"a":1}', "[1]", null]);
  assert.deepEqual(rows.map((r) => r.x), [5, 6, null]);
  assert.deepEqual(rows.map((r) => r.ts), [93784500000, -1, null]);
  assert.equal(readWireDatetime("not a date"), undefined);
});

Deno.test("splitPlan splits only queries whose rows stand alone", () => {
  const safe = (q: string) => splitPlan(q).safe;
  assert.ok(safe("SigninLogs | where ResultType != '0' | project TimeGenerated, IPAddress"));
  assert.ok(safe("union SigninLogs, AuditLogs | extend x = 1 | mv-expand y = pack_array(1, 2)"));
  assert.ok(safe("let t = SigninLogs; t | where true"));
  assert.deepEqual(splitPlan("SigninLogs | sort by TimeGenerated desc"), {
    safe: true,
    order: "desc",
  });
  for (
    const q of [
      "SigninLogs | count",
      "SigninLogs | summarize count() by IPAddress",
      "SigninLogs | take 10",
      "SigninLogs | sort by IPAddress",
      "SigninLogs | where IPAddress in ((SigninLogs | where ResultType == '0' | project IPAddress))",
      "SigninLogs | join (AuditLogs) on $left.Id == $right.Id",
      "let ips = SigninLogs | project IPAddress; SigninLogs | where IPAddress in (ips)",
      "datatable(x: long) [1] | where x > 0",
      "SigninLogs | where TimeGenerated > toscalar(SigninLogs | summarize max(TimeGenerated))",
      "SigninLogs | wher x",
    ]
  ) assert.equal(safe(q), false, q);
});

Deno.test("explicitWindows cuts a timespan into windows", () => {
  const range = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-03-02T12:00:00Z") };
  const days = explicitWindows(range, "1d") as Array<{ start: Date; end: Date }>;
  assert.deepEqual(days.map((w) => w.end.toISOString()), [
    "2026-03-02T00:00:00.000Z",
    "2026-03-02T12:00:00.000Z",
  ]);
  assert.equal((explicitWindows(range, 3) as unknown[]).length, 3);
  assert.match(explicitWindows(range, "1s") as string, /more than 512/);
  assert.match(explicitWindows(range, 0) as string, /whole number/);
});

Deno.test("Semaphore runs at most its size at once and lets waiters cancel", async () => {
  const slots = new Semaphore(2);
  let running = 0;
  let most = 0;
  // Each task runs until the test opens its gate: the overlap is decided here, not by timers.
  const gates: Array<() => void> = [];
  const task = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
  };
  const all = Promise.all(Array.from({ length: 7 }, () => slots.run(task)));
  for (let opened = 0; opened < 7; opened++) {
    // Opening a gate lets the next waiter in: two at their gates, until the last one.
    await waitFor(() => gates.length === Math.min(opened + 2, 7));
    assert.equal(running, Math.min(2, 7 - opened));
    gates[opened]();
  }
  await all;
  assert.equal(most, 2);
  const controller = new AbortController();
  let release = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  const hold = slots.run(() => held);
  const hold2 = slots.run(() => held);
  const waiting = slots.run(task, controller.signal);
  controller.abort();
  assert.equal((await failure(waiting)).name, "AbortError");
  release();
  await Promise.all([hold, hold2]);
});
