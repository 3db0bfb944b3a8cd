/**
 * The Sentinel transport (src/providers/sentinel/_client.ts) at four answers the Log Analytics
 * twin never gives (issue 23, survivors of the 2026-12-07 harness run): a gateway's 504 with no
 * error code, a 200 page that is not JSON by its content type, a batch whose one answer is 200
 * without a table, and a device-code sign-in that expired. Expected values: RFC 9110 §15.6.5
 * (504 is "Gateway Timeout"), the Log Analytics query API (answers are application/json with a
 * PrimaryResult table), RFC 8628 §3.5 (`expired_token`: the device code expired before anyone
 * signed in).
 */
import assert from "node:assert/strict";
import { CredentialUnavailableError } from "@azure/identity";
import { serveLoopback } from "../twins/log_analytics/_loopback.ts";
import {
  MalformedResponseError,
  openSentinelProvider,
  SentinelAuthError,
  type SentinelProviderOptions,
  ServerTimeoutError,
} from "../../src/providers/sentinel/sentinel_provider.ts";

const WORKSPACE = "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";

type Provider = Awaited<ReturnType<typeof openSentinelProvider>>;

/** Runs `query` against a stand-in that always answers `body` with `status` and `type`. */
async function standInFailure(status: number, body: string, type: string): Promise<Error> {
  let error: unknown;
  await withStandIn(status, body, type, async (provider) => {
    error = await provider.query("SecurityAlert | count").then(() => undefined, (e) => e);
  });
  assert.ok(error instanceof Error, `expected a failure, got ${error}`);
  return error;
}

async function withStandIn(
  status: number,
  body: string,
  type: string,
  fn: (provider: Provider) => Promise<void>,
  options: Partial<SentinelProviderOptions> = {},
): Promise<void> {
  const server = await serveLoopback({
    caPrefix: "casefile-standin-ca-",
    handler: async (request) => {
      await request.body?.cancel();
      return new Response(body, { status, headers: { "content-type": type } });
    },
  });
  const provider = await openSentinelProvider({
    endpoint: server.endpoint,
    workspace: WORKSPACE,
    caCertificates: [server.caCertificate],
    credential: {
      getToken: () =>
        Promise.resolve({ token: "stand-in", expiresOnTimestamp: Date.now() + 3.6e6 }),
    },
    env: () => undefined,
    config: { defaultTimespan: "none" },
    retry: { maxRetries: 0, maxWaitMs: 0 },
    ...options,
  } as SentinelProviderOptions);
  try {
    await fn(provider);
  } finally {
    provider.close();
    await server.close();
  }
}

Deno.test("mutation/client: a proxy's 504 page with no error code is a server timeout", async () => {
  const page = "<html><head><title>504 Gateway Time-out</title></head><body>nginx</body></html>";
  const error = await standInFailure(504, page, "text/html");
  assert.ok(error instanceof ServerTimeoutError, `expected a server timeout, got ${error}`);
  assert.match(error.message, /ran past the server timeout/);
  // The hint says what to do about it (narrow or split the query).
  assert.match(String((error as { hint?: string }).hint), /split the query/);
});

Deno.test("mutation/client: a 200 page that is not JSON by its content type names that type", async () => {
  // A captive portal or proxy answering 200 with its own page, whose text happens to parse as
  // JSON. The Log Analytics query API answers application/json: the failure says the page was
  // of another type, not some complaint about missing tables.
  const error = await standInFailure(200, '{"status":"ok"}', "text/html");
  assert.ok(error instanceof MalformedResponseError, `expected a malformed answer, got ${error}`);
  assert.match(error.message, /content type is 'text\/html', not JSON/);
});

Deno.test("mutation/client: a batch answer of 200 whose result is not a query result fails that query", async () => {
  // The batch itself is well formed; its one answer says 200 but holds no table. That
  // query fails as a malformed answer (not as a failure of the service with status 200).
  const body = JSON.stringify({
    responses: [{ id: "query-0", status: 200, body: { tables: [] } }],
  });
  await withStandIn(200, body, "application/json; charset=utf-8", async (provider) => {
    const [first] = await provider.queryBatch([{ query: "SecurityAlert | count" }]);
    assert.ok(!first.ok, "the query has no result");
    assert.ok(
      first.error instanceof MalformedResponseError,
      `expected a malformed answer, got ${first.error}`,
    );
    assert.match(first.error.message, /something that is not a query result/);
  });
});

Deno.test("mutation/client: a device code nobody used before it expired says so", async () => {
  // MSAL reports the device-code outcome by its code (RFC 8628's expired_token); the message of
  // the error itself says nothing of why.
  const msal = Object.assign(new Error("Device code flow failed"), { errorCode: "expired_token" });
  const expired = new CredentialUnavailableError("DeviceCodeCredential authentication failed.");
  (expired as { cause?: unknown }).cause = msal;
  let error: unknown;
  await withStandIn(200, "{}", "application/json", async (provider) => {
    error = await provider.query("SecurityAlert | count").then(() => undefined, (e) => e);
  }, { credential: { getToken: () => Promise.reject(expired) } });
  assert.ok(error instanceof SentinelAuthError, `expected a sign-in failure, got ${error}`);
  assert.match(error.message, /^Cannot get a token for Log Analytics: /);
  assert.match(error.message, /device code before it expired/);
});
