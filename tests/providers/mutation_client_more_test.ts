/**
 * The Sentinel transport (src/providers/sentinel/_client.ts) where `deno task mutate` found
 * answers the Log Analytics twin never gives (issue 23): a stand-in HTTPS service (the twin's
 * loopback server with a handler of our own) answers as an older API or a proxy might, and a
 * credential fails with causes that loop. Expected values by hand, in the comments.
 */
import assert from "node:assert/strict";
import { CredentialUnavailableError } from "@azure/identity";
import { serveLoopback } from "../twins/log_analytics/_loopback.ts";
import { startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { openTwinProvider } from "./_twin_provider.ts";
import {
  openSentinelProvider,
  SentinelAuthError,
  SentinelError,
  SentinelNetworkError,
  type SentinelProviderOptions,
  SentinelQueryError,
} from "../../src/providers/sentinel/sentinel_provider.ts";

const WORKSPACE = "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const TOKEN = "stand-in-token";

/**
 * A provider against a stand-in answering the queries with `answers` in turn (the last one
 * again after them); a text body is sent as an HTML page.
 */
interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** A query result of one `long` column `Count` holding `n`, as Log Analytics sends it. */
function countResult(n: number): Answer {
  return {
    status: 200,
    body: {
      tables: [{ name: "PrimaryResult", columns: [{ name: "Count", type: "long" }], rows: [[n]] }],
    },
  };
}

async function withStandIn(
  answers: Answer | Answer[],
  fn: (
    provider: Awaited<ReturnType<typeof openSentinelProvider>>,
    asked: () => number,
  ) => Promise<void>,
  options: Partial<SentinelProviderOptions> = {},
): Promise<void> {
  let asked = 0;
  const server = await serveLoopback({
    caPrefix: "casefile-standin-ca-",
    handler: async (request) => {
      await request.body?.cancel();
      const list = Array.isArray(answers) ? answers : [answers];
      const answer = list[Math.min(asked++, list.length - 1)];
      const html = typeof answer.body === "string";
      return new Response(html ? answer.body as string : JSON.stringify(answer.body), {
        status: answer.status,
        headers: {
          "content-type": html ? "text/html" : "application/json; charset=utf-8",
          ...answer.headers,
        },
      });
    },
  });
  const provider = await openSentinelProvider({
    endpoint: server.endpoint,
    workspace: WORKSPACE,
    caCertificates: [server.caCertificate],
    credential: {
      getToken: () => Promise.resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3.6e6 }),
    },
    env: () => undefined,
    config: { defaultTimespan: "none" },
    retry: { maxRetries: 3, maxWaitMs: 60_000 },
    ...options,
  } as SentinelProviderOptions);
  try {
    await fn(provider, () => asked);
  } finally {
    provider.close();
    await server.close();
  }
}

// The provider on an `endpoint` no service answers at, not retried.
async function openUnanswered(endpoint: string) {
  return await openSentinelProvider({
    endpoint,
    workspace: WORKSPACE,
    credential: {
      getToken: () => Promise.resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3.6e6 }),
    },
    env: () => undefined,
    config: { defaultTimespan: "none" },
    retry: { maxRetries: 0, maxWaitMs: 0 },
  } as SentinelProviderOptions);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof Error, `expected a failure, got ${error}`);
  return error;
}

Deno.test("mutation/client: a syntax error placed only in its message ('on line [2,7]') gives line and column", async () => {
  // No `line`/`pos` fields: the place is read from "on line [2,7]" (0-based position 7 of
  // line 2, where `wher` starts in "| take wher"): line 2, column 8.
  const body = {
    error: {
      code: "BadArgumentError",
      message: "The request had some invalid properties",
      innererror: {
        code: "SyntaxError",
        message: "A recognition error occurred in the query.",
        innererror: {
          code: "SYN0002",
          message: "Query could not be parsed at 'wher' on line [2,7]",
          token: "wher",
        },
      },
    },
  };
  await withStandIn({ status: 400, body }, async (provider, asked) => {
    const error = await failure(provider.query("SecurityAlert\n| take wher"));
    assert.ok(error instanceof SentinelQueryError, `${error.name}: ${error.message}`);
    assert.equal(
      error.message,
      "Log Analytics rejected the query: it could not be parsed at 'wher' (line 2, column 8)",
    );
    assert.equal(error.line, 2);
    assert.equal(error.column, 8);
    assert.equal(error.hint, "Fix the query at line 2, column 8.");
    assert.equal(asked(), 1, "a rejected query is not sent again");
  });
});

Deno.test("mutation/client: a 500 from the service is a failure with its code, detail and what to do", async () => {
  const body = {
    error: {
      code: "InternalServerError",
      message: "An unexpected error occurred while processing the query",
      innererror: { code: "ServiceError", message: "The cluster is being upgraded" },
    },
  };
  await withStandIn({ status: 500, body }, async (provider, asked) => {
    const error = await failure(provider.query("SecurityAlert | count"));
    assert.ok(error instanceof SentinelError, String(error));
    assert.equal(error.constructor, SentinelError, `not a more specific error: ${error.name}`);
    assert.match(
      error.message,
      /failed to run the query against .* \(500 InternalServerError: The cluster is being upgraded\)$/,
    );
    assert.equal(
      error.hint,
      "Try again in a moment; if it keeps failing, check the Azure status page.",
    );
    assert.equal(asked(), 1, "a 500 is not retried");
  });
});

Deno.test("mutation/client: a sign-in failure whose causes loop still names Entra ID's reason", async () => {
  // Credentials wrap each other's errors; here the wrapping loops back on itself.
  const outer = new CredentialUnavailableError("ChainedTokenCredential authentication failed.");
  const inner = new Error(
    "AADSTS700016: Application with identifier 'casefile-app' was not found in the directory " +
      "'Larkspur Logistics'.\nTrace ID: 0000",
    { cause: outer },
  );
  (outer as { cause?: unknown }).cause = inner;
  await withStandIn({ status: 200, body: {} }, async (provider, asked) => {
    const error = await failure(provider.query("SecurityAlert | count"));
    assert.ok(error instanceof SentinelAuthError, `${error.name}: ${error.message}`);
    assert.equal(
      error.message,
      "Cannot get a token for Log Analytics: AADSTS700016: Application with identifier " +
        "'casefile-app' was not found in the directory 'Larkspur Logistics'.",
    );
    assert.equal(asked(), 0);
  }, { credential: { getToken: () => Promise.reject(outer) } });
});

Deno.test("mutation/client: a proxy's 502 page fails once, saying 502", async () => {
  // A gateway between the analyst and Log Analytics answers with an HTML page: not JSON, no
  // error code; the error says 502 and the query is not sent again.
  const page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
  await withStandIn({ status: 502, body: page }, async (provider, asked) => {
    const error = await failure(provider.query("SecurityAlert | count"));
    assert.ok(error instanceof SentinelError, String(error));
    // No code and no detail to quote: the status alone ("502 : HTTP 502" before the fix).
    assert.equal(
      error.message,
      `Log Analytics failed to run the query against workspace ${WORKSPACE} (502: HTTP 502)`,
    );
    assert.equal((error as SentinelError & { status?: number }).status, 502);
    assert.equal(asked(), 1, "a 502 is not retried");
  });
});

Deno.test("mutation/client: a Retry-After exactly as long as the wait budget is waited for", async () => {
  // Budget 1 s, throttled with Retry-After: 1: casefile waits the 1 s and the retry answers.
  const throttled: Answer = {
    status: 429,
    headers: { "retry-after": "1" },
    body: { error: { code: "ThrottledError", message: "Too many requests" } },
  };
  await withStandIn([throttled, countResult(7)], async (provider, asked) => {
    const retries: string[] = [];
    const result = await provider.query("SecurityAlert | count", {
      onProgress: (p) => p.retry && retries.push(String(p.message)),
    });
    assert.deepEqual(result.frame.getColumn("Count").toArray().map(Number), [7]);
    assert.equal(retries.length, 1, retries.join("; "));
    assert.match(retries[0], /retrying in 1 s/);
    assert.equal(asked(), 2);
  }, { retry: { maxRetries: 3, maxWaitMs: 1000 } });
});

Deno.test("mutation/client: a long sign-in failure is cut to its first 300 characters", async () => {
  // Azure CLI's credential can fail with one very long line: the message keeps 300 of it.
  const line = "AzureCliCredential: " + "x".repeat(500);
  const error = await failure(
    withStandIn(countResult(1), async (provider) => {
      await provider.query("SecurityAlert | count");
    }, {
      credential: {
        getToken: () => Promise.reject(new CredentialUnavailableError(`${line}\nsecond line`)),
      },
    }),
  );
  assert.ok(error instanceof SentinelAuthError, `${error.name}: ${error.message}`);
  assert.equal(
    error.message,
    `Cannot get a token for Log Analytics: ${line.slice(0, 300)}...`,
  );
});

Deno.test("mutation/client: an endpoint whose name does not resolve says to check DNS", async () => {
  // `.invalid` never resolves (RFC 6761): ENOTFOUND, not retried, with the DNS hint.
  const provider = await openUnanswered("https://casefile-no-such-host.invalid");
  try {
    const error = await failure(provider.query("SecurityAlert | count"));
    assert.ok(error instanceof SentinelNetworkError, `${error.name}: ${error.message}`);
    assert.match(
      error.message,
      /^Cannot reach Log Analytics at https:\/\/casefile-no-such-host\.invalid/,
    );
    assert.equal(error.hint, "Check the network and DNS (and HTTPS_PROXY if you use a proxy).");
  } finally {
    provider.close();
  }
});

Deno.test("mutation/client: a syntax error's line and pos fields place it, whatever its message says", async () => {
  // The fields alone (0-based pos 7 of line 2): line 2, column 8, as above.
  const body = {
    error: {
      code: "BadArgumentError",
      message: "The request had some invalid properties",
      innererror: {
        code: "SYN0002",
        message: "Query could not be parsed at 'wher'",
        line: 2,
        pos: 7,
        token: "wher",
      },
    },
  };
  await withStandIn({ status: 400, body }, async (provider) => {
    const error = await failure(provider.query("SecurityAlert\n| take wher"));
    assert.ok(error instanceof SentinelQueryError, `${error.name}: ${error.message}`);
    assert.equal(error.line, 2);
    assert.equal(error.column, 8);
    assert.match(error.message, /it could not be parsed at 'wher' \(line 2, column 8\)$/);
  });
});

Deno.test("mutation/client: a query's render reaches the result, so a notebook draws its chart", async () => {
  // The service sends the visualization only when asked (Prefer: include-render=true).
  const service = await startLogAnalyticsService();
  const provider = await openTwinProvider(service);
  try {
    const result = await provider.query(
      "SigninLogs | summarize n = count() by bin(TimeGenerated, 1d) " +
        '| render columnchart with (title="Per day")',
    );
    assert.equal(result.render?.visualization, "columnchart");
    assert.equal(result.render?.properties.title, "Per day");
  } finally {
    provider.close();
    await service.close();
  }
});

Deno.test("mutation/client: a refused connection says to check the connection, not DNS", async () => {
  // A port nothing listens on (taken, then freed): ECONNREFUSED, the general network hint.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const provider = await openUnanswered(`https://127.0.0.1:${port}`);
  try {
    const error = await failure(provider.query("SecurityAlert | count"));
    assert.ok(error instanceof SentinelNetworkError, `${error.name}: ${error.message}`);
    assert.equal(error.hint, "Check the network connection and the endpoint, then try again.");
  } finally {
    provider.close();
  }
});

Deno.test("mutation/client: a cancelled query rejects with an AbortError that gives the reason", async () => {
  await withStandIn(countResult(1), async (provider, asked) => {
    const controller = new AbortController();
    controller.abort(new Error("the analyst pressed Ctrl-C"));
    const error = await failure(
      provider.query("SecurityAlert | count", { signal: controller.signal }),
    );
    assert.equal(error.name, "AbortError");
    assert.equal(error.message, "Query cancelled: the analyst pressed Ctrl-C");
    assert.equal(asked(), 0);
  });
});

Deno.test("mutation/client: Ctrl-C while the credential is still signing in stops the query", async () => {
  // A sign-in that waits (a device code nobody enters yet) and ignores the abort itself.
  let called!: () => void;
  const waiting = new Promise<void>((resolve) => called = resolve);
  let release!: () => void;
  const never = new Promise<{ token: string; expiresOnTimestamp: number }>((resolve) =>
    release = () => resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3.6e6 })
  );
  await withStandIn(countResult(1), async (provider, asked) => {
    const controller = new AbortController();
    const query = failure(provider.query("SecurityAlert | count", { signal: controller.signal }));
    await waiting;
    controller.abort(new Error("the analyst pressed Ctrl-C"));
    const error = await query;
    release();
    assert.equal(error.name, "AbortError");
    assert.equal(asked(), 0);
  }, {
    credential: {
      getToken: () => {
        called();
        return never;
      },
    },
  });
});
