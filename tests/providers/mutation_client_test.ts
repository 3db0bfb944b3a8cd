/**
 * The Sentinel transport's retry policy (src/providers/sentinel/_client.ts) as a user meets it:
 * only 429, 503 and dropped connections are retried (other failures do not go away by asking
 * again), so a credential that cannot give a token (`az login` missing) is asked once and the
 * error comes at once; and a batch sent with a refused token says so, as one query does. The
 * first kills a mutant the provider's other tests let through (`!capture && dropped` →
 * `||`: every failure without an HTTP answer retried); issue 23.
 */
import assert from "node:assert/strict";
import { startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { CredentialUnavailableError } from "@azure/identity";
import {
  SentinelAuthError,
  type SentinelProvider,
  type SentinelProviderOptions,
  ServiceBusyError,
} from "../../src/providers/sentinel/sentinel_provider.ts";
import { openTwinProvider } from "./_twin_provider.ts";

async function withService(
  fn: (
    provider: SentinelProvider,
    service: Awaited<ReturnType<typeof startLogAnalyticsService>>,
  ) => Promise<void>,
  options: (token: string) => Partial<SentinelProviderOptions> = () => ({}),
): Promise<void> {
  const service = await startLogAnalyticsService();
  const provider = await openTwinProvider(service, {
    retry: { maxRetries: 3, maxWaitMs: 60_000 },
    ...options(service.token),
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

Deno.test("mutation/client: a credential that cannot give a token is asked once, not retried", async () => {
  let asked = 0;
  await withService(async (provider, service) => {
    const retries: unknown[] = [];
    const error = await failure(
      provider.query("SecurityAlert | count", { onProgress: (p) => p.retry && retries.push(p) }),
    );
    assert.ok(error instanceof SentinelAuthError, String(error));
    assert.equal(asked, 1, "the credential was asked again");
    assert.deepEqual(retries, []);
    assert.equal(service.requests.length, 0);
  }, () => ({
    credential: {
      getToken: () => {
        asked++;
        return Promise.reject(new CredentialUnavailableError("Please run 'az login'"));
      },
    },
  }));
});

Deno.test("mutation/client: a batch sent with a refused token says the token was refused", async () => {
  await withService(async (provider, service) => {
    const error = await failure(provider.queryBatch([
      { query: "SecurityAlert | count" },
      { query: "SigninLogs | count" },
    ]));
    assert.ok(error instanceof SentinelAuthError, `${error.name}: ${error.message}`);
    assert.match(error.message, /40[13]/);
    assert.equal(service.requests.at(-1)!.path, "/v1/$batch");
    // Not retried: one request.
    assert.equal(service.requests.length, 1);
  }, () => ({
    credential: {
      getToken: () => Promise.resolve({ token: "forged", expiresOnTimestamp: Date.now() + 3.6e6 }),
    },
  }));
});

Deno.test("mutation/client: a busy service's error tells how long casefile waited, only if it did", async () => {
  await withService(async (provider, service) => {
    // Retry-After past the wait budget: no wait at all, and the message claims none.
    service.inject({ kind: "throttle", retryAfterSeconds: 3600 });
    const now = await failure(provider.query("SecurityAlert | count"));
    assert.ok(now instanceof ServiceBusyError, String(now));
    assert.match(now.message, /throttling queries \(429 ThrottledError\)$/);
    // Two 503s a second apart with one retry allowed: it waited 1 s and says so.
    service.inject({ kind: "unavailable", retryAfterSeconds: 1, times: 2 });
    const later = await failure(provider.query("SecurityAlert | count"));
    assert.ok(later instanceof ServiceBusyError, String(later));
    assert.match(later.message, /unavailable \(503 \w+; still so after waiting 1 s\)$/);
  }, () => ({ retry: { maxRetries: 1, maxWaitMs: 10_000 } }));
});
