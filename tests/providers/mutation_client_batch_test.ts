/**
 * The Sentinel transport (src/providers/sentinel/_client.ts) where the provider's other tests
 * did not look (issue 23, mutation survivors): a `$batch` request that fails as a whole
 * (throttled, answered with something that is not a batch, given up on), the `retry-after-ms`
 * header, a connection dropped mid-answer, a `Retry-After` that is no delay, and a
 * cancellation with a reason. Each checks what a person sees: the error's kind, its message
 * and hint, the retry progress, and what reached the service.
 *
 * The workspace holds 5 alerts (the first 5 rows of the demo case's SecurityAlert), so a
 * count of 5 can only come from the workspace.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DEMO_WORKSPACE_ID,
  type LogAnalyticsService,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import {
  MalformedResponseError,
  type SentinelProvider,
  type SentinelProviderOptions,
  ServerTimeoutError,
  ServiceBusyError,
} from "../../src/providers/sentinel/sentinel_provider.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";
import { openTwinProvider } from "./_twin_provider.ts";

const ALERTS = pl.readParquet(join(DEMO_CASE_DIR, "SecurityAlert.parquet")).head(5);
const COUNT = "SecurityAlert | count";

type Provider = SentinelProvider;

async function withService(
  fn: (provider: Provider, service: LogAnalyticsService) => Promise<void>,
  options: Partial<SentinelProviderOptions> = {},
): Promise<void> {
  const folder = await tempFolder({ "SecurityAlert.parquet": ALERTS.writeParquet() });
  const service = await startLogAnalyticsService({ workspaces: { [DEMO_WORKSPACE_ID]: folder } });
  const provider = await openTwinProvider(service, {
    workspace: DEMO_WORKSPACE_ID,
    retry: { maxRetries: 2, maxWaitMs: 10_000 },
    ...options,
  });
  try {
    await fn(provider, service);
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

function count(result: { frame: { getColumn(name: string): { get(i: number): unknown } } }) {
  return Number(result.frame.getColumn("Count").get(0));
}

/** The batch requests the service answered, by status. */
function batchStatuses(service: LogAnalyticsService): number[] {
  return service.requests.filter((r) => r.path === "/v1/$batch").map((r) => r.status);
}

Deno.test("mutation/client: a throttled $batch is retried after retry-after-ms, then answers", async () => {
  await withService(async (provider, service) => {
    // retry-after-ms is the finer of the two headers: it wins over Retry-After's 5 s.
    service.inject({ kind: "throttle", retryAfterSeconds: 5, retryAfterMs: 250 }, { batch: true });
    const retries: unknown[] = [];
    const messages: string[] = [];
    const results = await provider.queryBatch(
      [{ query: COUNT }, { query: "SecurityAlert | where AlertName == 'no such alert' | count" }],
      {
        onProgress: (p) => {
          if (p.retry) retries.push(p.retry);
          if (p.message) messages.push(p.message);
        },
      },
    );
    assert.deepEqual(retries, [{ attempt: 1, waitMs: 250, reason: "throttled (429)" }]);
    assert.match(messages.join("\n"), /throttled \(429\), retrying in 250 ms/);
    assert.deepEqual(batchStatuses(service), [429, 200]);
    assert.ok(results[0].ok && results[1].ok, JSON.stringify(results));
    assert.equal(count(results[0].result), 5);
    assert.equal(count(results[1].result), 0);
  });
});

Deno.test("mutation/client: a $batch still throttled past the wait budget says how long to wait", async () => {
  await withService(async (provider, service) => {
    // 90 s asked, 10 s allowed: no wait, one request, and the hint passes the 90 s on.
    service.inject(
      { kind: "throttle", retryAfterSeconds: 1, retryAfterMs: 90_000 },
      { batch: true },
    );
    const error = await failure(provider.queryBatch([{ query: COUNT }, { query: COUNT }]));
    assert.ok(error instanceof ServiceBusyError, `${error.name}: ${error.message}`);
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterMs, 90_000);
    assert.match(error.message, /^Log Analytics is throttling queries \(429 ThrottledError\)$/);
    assert.match(error.hint ?? "", /^Wait 90 s and run it again; run fewer queries at once/);
    assert.deepEqual(batchStatuses(service), [429]);

    // 503 on the batch with no header at all: retried with the backoff, then given up with
    // "a minute" (nothing asked) and how long it waited (1 s, then 2 s).
    service.inject({ kind: "unavailable", times: 3 }, { batch: true });
    const retries: Array<{ waitMs: number; reason: string }> = [];
    const down = await failure(
      provider.queryBatch([{ query: COUNT }], {
        onProgress: (p) => p.retry && retries.push(p.retry),
      }),
    );
    assert.ok(down instanceof ServiceBusyError, `${down.name}: ${down.message}`);
    assert.deepEqual(retries.map((r) => [r.waitMs, r.reason]), [
      [1000, "service unavailable (503)"],
      [2000, "service unavailable (503)"],
    ]);
    assert.match(
      down.message,
      /^Log Analytics is unavailable \(503 ServiceUnavailableError; still so after waiting 3 s\)$/,
    );
    assert.match(down.hint ?? "", /^Wait a minute and run it again/);
    assert.deepEqual(batchStatuses(service), [429, 503, 503, 503]);
  });
});

Deno.test("mutation/client: a $batch answered with something that is not a batch says so", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "malformed", body: '{"responses":{"0":{}}}' }, { batch: true });
    const notList = await failure(provider.queryBatch([{ query: COUNT }]));
    assert.ok(notList instanceof MalformedResponseError, `${notList.name}: ${notList.message}`);
    assert.equal(
      notList.message,
      "Log Analytics answered the query against a batch with something that is not a query " +
        'result ("responses" is not a list)',
    );
    assert.match(notList.hint ?? "", /a proxy between you and Log Analytics may be rewriting/);

    service.inject({ kind: "malformed" }, { batch: true });
    const shape = await failure(provider.queryBatch([{ query: COUNT }]));
    assert.ok(shape instanceof MalformedResponseError, `${shape.name}: ${shape.message}`);
    assert.doesNotMatch(shape.message, /unexpected/, "the body is not dumped");

    // A batch answer that leaves a query out: that query fails, alone and by its number.
    service.inject({ kind: "malformed", body: '{"responses":[]}' }, { batch: true });
    const [first] = await provider.queryBatch([{ query: COUNT }]);
    assert.ok(!first.ok);
    assert.ok(first.error instanceof MalformedResponseError);
    assert.equal(first.error.message, "Log Analytics answered the batch without query 1");
    // Malformed answers are not retried.
    assert.deepEqual(batchStatuses(service), [200, 200, 200]);
  });
});

Deno.test("mutation/client: a $batch the service gives up on is a server timeout", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "timeout" }, { batch: true });
    const error = await failure(provider.queryBatch([{ query: COUNT }]));
    assert.ok(error instanceof ServerTimeoutError, `${error.name}: ${error.message}`);
    assert.equal(
      error.message,
      "Log Analytics gave up on the query against a batch: it ran past the server timeout",
    );
    assert.match(error.hint ?? "", /serverTimeoutSeconds \(at most 600\)/);
    assert.deepEqual(batchStatuses(service), [504]);
  });
});

Deno.test("mutation/client: a connection dropped mid-answer is retried and says so", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "drop" });
    const retries: unknown[] = [];
    const messages: string[] = [];
    const result = await provider.query(COUNT, {
      onProgress: (p) => {
        if (p.retry) retries.push(p.retry);
        if (p.message) messages.push(p.message);
      },
    });
    assert.equal(count(result), 5);
    assert.deepEqual(retries, [{ attempt: 1, waitMs: 1000, reason: "connection dropped" }]);
    assert.match(messages.join("\n"), /connection dropped, retrying in 1 s/);
    assert.equal(service.requests.length, 2);
  });
});

Deno.test("mutation/client: a Retry-After that is no delay never makes a negative wait", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "unavailable", retryAfterSeconds: -1 });
    const retries: Array<{ waitMs: number }> = [];
    const result = await provider.query(COUNT, {
      onProgress: (p) => p.retry && retries.push(p.retry),
    });
    assert.equal(count(result), 5);
    assert.equal(retries.length, 1);
    assert.ok(retries[0].waitMs >= 0, `waited ${retries[0].waitMs} ms`);
  });
});

Deno.test("mutation/client: a query cancelled with a reason is an AbortError naming it", async () => {
  await withService(async (provider, service) => {
    service.inject({ kind: "hang" });
    const controller = new AbortController();
    const error = await failure(provider.query(COUNT, {
      signal: controller.signal,
      // Cancelled once the request waits at the service (an event, not a clock).
      onProgress: () => {
        if (!controller.signal.aborted) controller.abort(new Error("the analyst pressed Ctrl-C"));
      },
    }));
    assert.ok(error instanceof DOMException, `${error.name}: ${error.message}`);
    assert.equal(error.name, "AbortError");
    assert.equal(error.message, "Query cancelled: the analyst pressed Ctrl-C");
  });
});

Deno.test("mutation/client: casefile query waits as retry-after-ms says and tells the user", async () => {
  const folder = await tempFolder({ "SecurityAlert.parquet": ALERTS.writeParquet() });
  const service = await startLogAnalyticsService({ workspaces: { [DEMO_WORKSPACE_ID]: folder } });
  try {
    service.inject({ kind: "throttle", retryAfterSeconds: 30, retryAfterMs: 1500 });
    const run = await runCasefile(["--workspace", DEMO_WORKSPACE_ID, "query", COUNT], {
      env: {
        NODE_EXTRA_CA_CERTS: service.caCertificatePath,
        CASEFILE_SENTINEL_ENDPOINT: service.endpoint,
        CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
        CASEFILE_SENTINEL_TOKEN: service.token,
        XDG_CONFIG_HOME: await tempFolder(),
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stderr.match(/^progress: .*$/gm), [
      "progress: throttled (429), retrying in 1.5 s",
    ]);
    assert.equal(run.stdout, "Count\n5\n");
    assert.deepEqual(service.requests.map((r) => r.status), [429, 200]);
  } finally {
    await service.close();
  }
});
