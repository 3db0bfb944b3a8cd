/**
 * The Sentinel provider with the REAL @azure/identity credential classes (and MSAL node
 * under them) against the loopback Log Analytics service and its loopback Microsoft Entra
 * ID tenant (same port, same throwaway CA): client secret, client certificate, device code,
 * environment, Azure CLI, managed identity. Tokens the tenant issues are checked by the
 * query API (signature, audience, expiry), so every query here proves the whole sign-in.
 *
 * TLS trust: in process, the CA goes to the provider as `caCertificates`, which it gives to
 * the credentials' own HTTP client as well as to the query client. The credentials that
 * read `process.env` (environment, managed identity) or run a program (Azure CLI) run in
 * a child process, which trusts the CA through NODE_EXTRA_CA_CERTS.
 */
import "reflect-metadata";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { generateKeyPairSync } from "node:crypto";
import {
  type EntraOptions,
  type LogAnalyticsService,
  startLogAnalyticsService,
} from "../twins/log_analytics/mod.ts";
import {
  openSentinelProvider,
  SentinelAuthError,
  SentinelConfigError,
  type SentinelProvider,
  type SentinelProviderOptions,
} from "../../src/providers/sentinel/sentinel_provider.ts";
import { resolveConfig } from "../../src/providers/sentinel/_config.ts";
import { createCredential } from "../../src/providers/sentinel/_credentials.ts";
import { loadAzureSdk } from "../../src/providers/sentinel/_sdk.ts";
import { tempDir, tempFolder } from "../_helpers.ts";
import { throwawayCertificate } from "./_throwaway_certificate.ts";

// createCredential() is called here directly: the SDK loads as openSentinelProvider() loads it.
await loadAzureSdk();

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCOPE = "https://api.loganalytics.io/.default";
const ALERTS = 15; // SecurityAlert rows of the demo case: 4 + 9 benign + 2 cloud incident

/** A fresh secret, as an app registration's "client secret value". */
function newSecret(): string {
  return `cf~${crypto.randomUUID().replaceAll("-", "")}`;
}

interface Setup {
  readonly service: LogAnalyticsService;
  readonly clientId: string;
  readonly secret: string;
}

/** A service with an Entra tenant where `clientId` has `secret` (and is a public client). */
async function withTenant(
  fn: (setup: Setup) => Promise<void>,
  entra: EntraOptions = {},
): Promise<void> {
  const clientId = crypto.randomUUID();
  const secret = newSecret();
  const service = await startLogAnalyticsService({
    entra: {
      ...entra,
      apps: [{ clientId, secrets: [secret], publicClient: true }, ...(entra.apps ?? [])],
    },
  });
  try {
    await fn({ service, clientId, secret });
    assertNoSecret(secret, service.requests);
  } finally {
    await service.close();
    resetClock();
  }
}

/** A provider signing in with the real credential of `kind` at the loopback tenant. */
function open(
  { service, clientId }: Setup,
  kind: SentinelProviderOptions["credential"],
  env: Record<string, string> = {},
  options: SentinelProviderOptions = {},
): Promise<SentinelProvider> {
  return openSentinelProvider({
    endpoint: service.endpoint,
    authorityHost: service.entra!.authorityHost,
    workspace: service.workspaceIds[0],
    caCertificates: [service.caCertificate],
    credential: kind,
    env: (name) => env[name],
    // The demo case's data is months old: read it whole, as the local engine does.
    config: { tenantId: service.entra!.tenantId, clientId, defaultTimespan: "none" },
    ...options,
  });
}

async function alertCount(provider: SentinelProvider): Promise<number> {
  const result = await provider.query("SecurityAlert | count");
  return Number(result.frame.getColumn("Count").get(0));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof Error, `expected a failure, got ${error}`);
  return error;
}

/** Nothing `value` holds (printed deeply, as JSON, through causes) contains `secret`. */
function assertNoSecret(secret: string, value: unknown): void {
  const texts = [Deno.inspect(value, { depth: 10, showHidden: true })];
  try {
    texts.push(JSON.stringify(value) ?? "");
  } catch { /* cycles: the inspection above covers them */ }
  const seen = new Set<unknown>();
  const visit = (v: unknown) => {
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) return v.forEach(visit);
    const e = v as { message?: unknown; stack?: unknown; hint?: unknown; cause?: unknown };
    texts.push(String(v), String(e.message ?? ""), String(e.stack ?? ""), String(e.hint ?? ""));
    visit(e.cause);
  };
  visit(value);
  assert.ok(!texts.join("\n").includes(secret), "the secret leaked");
}

/** The status of each query API request (not the Entra ones), in order. */
function queryStatuses(service: LogAnalyticsService): number[] {
  return service.requests.filter((r) => r.path.startsWith("/v1/")).map((r) => r.status);
}

/**
 * The wall clock of this process (the loopback tenant, MSAL and the Azure SDK all read it
 * through `Date`), moved forward on demand: a token's expiry is an event the test causes,
 * not a wait. TLS checks certificates against the real clock, which does not move.
 */
const RealDate = Date;
let skew = 0;
class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    // No arguments: the shifted now; otherwise a Date as usual.
    // deno-lint-ignore no-explicit-any
    super(...((args.length === 0 ? [RealDate.now() + skew] : args) as [any]));
  }
  static override now(): number {
    return RealDate.now() + skew;
  }
}

/** Moves this process's clock past the expiry of every token issued so far (no waiting). */
function untilExpired(service: LogAnalyticsService): void {
  const last = Math.max(...service.entra!.issued.map((t) => t.expiresAt.getTime()));
  globalThis.Date = ShiftedDate as DateConstructor;
  skew += Math.max(0, last - Date.now()) + 1100;
}

/** Puts the real clock back (after a test that moved it). */
function resetClock(): void {
  globalThis.Date = RealDate;
  skew = 0;
}

// ------------------------------------------------------------------ client secret

Deno.test("client-secret credential signs in at the loopback tenant and queries end to end", async () => {
  await withTenant(async (setup) => {
    const provider = await open(setup, "client-secret", { AZURE_CLIENT_SECRET: setup.secret });
    try {
      assert.equal(await alertCount(provider), ALERTS);
      assert.equal(await alertCount(provider), ALERTS);
    } finally {
      provider.close();
    }
    const { service } = setup;
    // One token for both queries; metadata was read from the tenant, not from the internet.
    assert.deepEqual(service.entra!.issued.map((t) => t.grant), ["client_credentials"]);
    assert.equal(service.entra!.issued[0].audience, "https://api.loganalytics.io");
    assert.ok(
      service.requests.some((r) =>
        r.path === `/${service.entra!.tenantId}/v2.0/.well-known/openid-configuration`
      ),
    );
    assert.deepEqual(queryStatuses(service), [200, 200]);
  });
});

Deno.test("client-secret credential with a wrong secret gives a SentinelAuthError that never shows the secret", async () => {
  await withTenant(async (setup) => {
    const wrong = newSecret();
    const provider = await open(setup, "client-secret", { AZURE_CLIENT_SECRET: wrong });
    try {
      const error = await failure(alertCount(provider));
      assert.ok(error instanceof SentinelAuthError, String(error));
      assert.match(error.message, /AADSTS7000215/);
      assert.match(error.message, /client secret/i);
      assert.match(error.hint ?? "", /AZURE_CLIENT_SECRET/);
      for (const secret of [wrong, setup.secret]) {
        assert.ok(!String(error).includes(secret));
        assert.ok(!JSON.stringify(error).includes(secret));
        assert.ok(!(error.hint ?? "").includes(secret));
        assertNoSecret(secret, error);
        assertNoSecret(secret, provider.config);
      }
    } finally {
      provider.close();
    }
    assert.deepEqual(setup.service.entra!.issued, []);
    assert.deepEqual(queryStatuses(setup.service), [], "no query was sent without a token");
  });
});

Deno.test("client-secret credential for an unknown app or tenant says what is wrong", async () => {
  await withTenant(async (setup) => {
    const env = { AZURE_CLIENT_SECRET: setup.secret };
    const stranger = crypto.randomUUID();
    const unknownApp = await open(setup, "client-secret", env, {
      config: { tenantId: setup.service.entra!.tenantId, clientId: stranger },
    });
    try {
      const error = await failure(alertCount(unknownApp));
      assert.ok(error instanceof SentinelAuthError, String(error));
      assert.match(error.message, /AADSTS700016/);
      assert.ok(error.message.includes(stranger));
      assertNoSecret(setup.secret, error);
    } finally {
      unknownApp.close();
    }
    const otherTenant = crypto.randomUUID();
    const unknownTenant = await open(setup, "client-secret", env, {
      config: { tenantId: otherTenant, clientId: setup.clientId },
    });
    try {
      const error = await failure(alertCount(unknownTenant));
      assert.ok(error instanceof SentinelAuthError, String(error));
      // MSAL only says endpoints_resolution_error; the cause is the tenant, in Entra ID's words.
      assert.match(
        error.message,
        new RegExp(
          `does not know the tenant '${otherTenant}' \\(AADSTS90002: Tenant '${otherTenant}' not found`,
        ),
      );
      assert.match(error.hint ?? "", /Check AZURE_TENANT_ID/);
      // Not the secret's hint: the secret is fine.
      assert.doesNotMatch(error.hint ?? "", /AZURE_CLIENT_SECRET|expired secret/);
      assertNoSecret(setup.secret, error);
    } finally {
      unknownTenant.close();
    }
    // An authority host nobody answers at: the network or the host, not the tenant.
    const unreachable = await open(setup, "client-secret", env, {
      authorityHost: "https://127.0.0.1:1",
    });
    try {
      const error = await failure(alertCount(unreachable));
      assert.ok(error instanceof SentinelAuthError, String(error));
      assert.match(
        error.message,
        /Microsoft Entra ID could not be reached at https:\/\/127\.0\.0\.1:1 /,
      );
      assert.match(error.hint ?? "", /CASEFILE_SENTINEL_AUTHORITY_HOST/);
      assertNoSecret(setup.secret, error);
    } finally {
      unreachable.close();
    }
  });
});

Deno.test("client-secret tokens that expire are renewed for the next query", async () => {
  await withTenant(async (setup) => {
    const provider = await open(setup, "client-secret", { AZURE_CLIENT_SECRET: setup.secret });
    try {
      assert.equal(await alertCount(provider), ALERTS);
      untilExpired(setup.service);
      assert.equal(await alertCount(provider), ALERTS);
    } finally {
      provider.close();
    }
    assert.deepEqual(
      setup.service.entra!.issued.map((t) => t.grant),
      ["client_credentials", "client_credentials"],
    );
    assert.deepEqual(queryStatuses(setup.service), [200, 200]);
  });
});

Deno.test("the query API accepts the tenant's tokens until they expire, and no one else's", async () => {
  await withTenant(async (setup) => {
    const { service } = setup;
    const config = await resolveConfig({
      env: (name) => ({ AZURE_CLIENT_SECRET: setup.secret } as Record<string, string>)[name],
      config: {
        workspace: service.workspaceIds[0],
        endpoint: service.endpoint,
        authorityHost: service.entra!.authorityHost,
        credential: "client-secret",
        tenantId: service.entra!.tenantId,
        clientId: setup.clientId,
      },
    });
    const credential = createCredential(config, { caCertificates: [service.caCertificate] });
    const token = (await credential.getToken(SCOPE))!.token;
    const client = Deno.createHttpClient({ caCerts: [service.caCertificate] });
    const ask = async (bearer: string) => {
      const response = await fetch(
        `${service.endpoint}/v1/workspaces/${service.workspaceIds[0]}/query`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
          body: JSON.stringify({ query: "SecurityAlert | count" }),
          client,
        },
      );
      const body = await response.json();
      return { status: response.status, inner: body.error?.innererror?.code };
    };
    try {
      assert.deepEqual(await ask(token), { status: 200, inner: undefined });
      const [head, payload] = token.split(".");
      const forged = `${head}.${payload}.${"A".repeat(342)}`;
      assert.deepEqual(await ask(forged), { status: 401, inner: "SignatureVerificationFailed" });
      untilExpired(service);
      assert.deepEqual(await ask(token), { status: 401, inner: "TokenExpired" });
    } finally {
      client.close();
    }
  });
});

// ------------------------------------------------------------------ client certificate

Deno.test("client-certificate credential signs a client assertion the tenant verifies, and queries", async () => {
  const { certificate, path } = await throwawayCertificate();
  const clientId = crypto.randomUUID();
  await withTenant(async (setup) => {
    const provider = await open(
      { ...setup, clientId },
      "client-certificate",
      { AZURE_CLIENT_CERTIFICATE_PATH: path },
    );
    try {
      assert.equal(await alertCount(provider), ALERTS);
    } finally {
      provider.close();
    }
    const issued = setup.service.entra!.issued;
    assert.deepEqual(issued.map((t) => [t.grant, t.clientId]), [["client_credentials", clientId]]);
    const tokenRequest = setup.service.requests.find((r) => r.path.includes("/oauth2/v2.0/token"));
    const body = tokenRequest?.body as Record<string, string>;
    assert.equal(body.client_assertion, "<redacted>");
    assert.equal(
      body.client_assertion_type,
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
  }, { apps: [{ clientId, certificates: [certificate] }] });
});

Deno.test("client-certificate credential with a certificate the app does not have is refused", async () => {
  const registered = await throwawayCertificate();
  const other = await throwawayCertificate();
  const clientId = crypto.randomUUID();
  await withTenant(async (setup) => {
    const provider = await open(
      { ...setup, clientId },
      "client-certificate",
      { AZURE_CLIENT_CERTIFICATE_PATH: other.path },
    );
    try {
      const error = await failure(alertCount(provider));
      assert.ok(error instanceof SentinelAuthError, String(error));
      assert.match(error.message, /AADSTS700027/);
      assert.match(error.hint ?? "", /AZURE_CLIENT_CERTIFICATE_PATH/);
      assert.ok(!String(error).includes("PRIVATE KEY"));
    } finally {
      provider.close();
    }
  }, { apps: [{ clientId, certificates: [registered.certificate] }] });
});

Deno.test("client-certificate credential tells a wrong password from a missing one", async () => {
  const { publicKey: _, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: {
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "right-password",
    },
  });
  const { certificate } = await throwawayCertificate();
  const folder = await tempFolder({ "app.pem": `${privateKey}\n${certificate}\n` });
  const path = `${folder}/app.pem`;
  const config = (env: Record<string, string>) =>
    resolveConfig({
      env: (name) => ({ CASEFILE_SENTINEL_WORKSPACE: crypto.randomUUID(), ...env })[name],
      config: { credential: "client-certificate", tenantId: "t", clientId: "c" },
    });
  const wrong = await failure((async () =>
    createCredential(
      await config({
        AZURE_CLIENT_CERTIFICATE_PATH: path,
        AZURE_CLIENT_CERTIFICATE_PASSWORD: "wrong-password",
      }),
    ))());
  assert.ok(wrong instanceof SentinelConfigError);
  assert.match(wrong.message, /AZURE_CLIENT_CERTIFICATE_PASSWORD does not decrypt it/);
  // It is set: the hint does not ask to set it, it says it is the wrong one.
  assert.match(wrong.hint ?? "", /is set, but to another password than the key's/);
  assertNoSecret("wrong-password", wrong);
  const missing = await failure(
    (async () => createCredential(await config({ AZURE_CLIENT_CERTIFICATE_PATH: path })))(),
  );
  assert.ok(missing instanceof SentinelConfigError);
  assert.match(
    missing.message,
    /it is encrypted, and AZURE_CLIENT_CERTIFICATE_PASSWORD is not set/,
  );
  // The right password opens it (the credential is made without any request).
  const made = createCredential(
    await config({
      AZURE_CLIENT_CERTIFICATE_PATH: path,
      AZURE_CLIENT_CERTIFICATE_PASSWORD: "right-password",
    }),
  );
  assert.equal(typeof made.getToken, "function");
});

// ------------------------------------------------------------------ device code

/** A prompt that records messages and, once the tenant has said "pending", does `then`. */
function devicePrompt(service: LogAnalyticsService, then: (userCode: string) => void) {
  const messages: string[] = [];
  const prompt = (message: string) => {
    messages.push(message);
    const userCode = /enter the code (\S+) to authenticate/.exec(message)?.[1];
    assert.ok(userCode, message);
    const pending = () =>
      service.requests.some((r) => r.path.includes("/oauth2/v2.0/token") && r.status === 400);
    const wait = () => pending() ? then(userCode) : setTimeout(wait, 20);
    wait();
  };
  return { prompt, messages };
}

Deno.test("device-code credential: the person approves the code and the query succeeds, then tokens refresh silently", async () => {
  await withTenant(async (setup) => {
    const { service } = setup;
    const { prompt, messages } = devicePrompt(service, (code) => service.entra!.approve(code));
    const provider = await open(setup, "device-code", {}, { prompt });
    try {
      assert.equal(await alertCount(provider), ALERTS);
      assert.equal(messages.length, 1);
      assert.ok(messages[0].includes(`${service.endpoint}/devicelogin`), messages[0]);
      untilExpired(service);
      assert.equal(await alertCount(provider), ALERTS);
      assert.equal(messages.length, 1, "no second sign-in: the refresh token was used");
    } finally {
      provider.close();
    }
    assert.deepEqual(
      service.entra!.issued.map((t) => [t.grant, t.subject]),
      [
        ["device_code", "investigator@larkspurlogistics.example"],
        ["refresh_token", "investigator@larkspurlogistics.example"],
      ],
    );
    assert.deepEqual(queryStatuses(service), [200, 200]);
  }, { pollingIntervalSeconds: 0.05 });
});

Deno.test("device-code credential: a declined sign-in gives a clear SentinelAuthError", async () => {
  await withTenant(async (setup) => {
    const { service } = setup;
    const { prompt } = devicePrompt(service, (code) => service.entra!.decline(code));
    const provider = await open(setup, "device-code", {}, { prompt });
    try {
      const error = await failure(alertCount(provider));
      assert.ok(error instanceof SentinelAuthError, String(error));
      assert.match(error.message, /declined/i);
      assert.match(error.hint ?? "", /[Ss]ign in again/);
    } finally {
      provider.close();
    }
    assert.deepEqual(queryStatuses(service), []);
  }, { pollingIntervalSeconds: 0.05 });
});

Deno.test("device-code credential: a code nobody enters in time gives a clear SentinelAuthError", async () => {
  await withTenant(async (setup) => {
    const messages: string[] = [];
    const provider = await open(setup, "device-code", {}, { prompt: (m) => messages.push(m) });
    try {
      const error = await failure(alertCount(provider));
      assert.ok(error instanceof SentinelAuthError, String(error));
      assert.match(error.message, /expired|in time/i);
      assert.match(error.hint ?? "", /[Ss]ign in again/);
      assert.equal(messages.length, 1);
    } finally {
      provider.close();
    }
    assert.deepEqual(setup.service.entra!.issued, []);
  }, { pollingIntervalSeconds: 0.05, deviceCodeLifetimeSeconds: 1 });
});

// ------------------------------------------------------------------ configuration

Deno.test("sentinel config takes an https authority host from the environment or the file", async () => {
  const config = await resolveConfig({
    env: (name) =>
      ({
        CASEFILE_SENTINEL_WORKSPACE: "8f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6",
        CASEFILE_SENTINEL_AUTHORITY_HOST: "https://login.example.test/adfs-proxy/",
      } as Record<string, string>)[name],
  });
  assert.equal(config.authorityHost, "https://login.example.test/adfs-proxy");
  assert.equal(config.customAuthorityHost, true);
  const plain = await resolveConfig({
    env: () => undefined,
    config: { workspace: "8f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6", cloud: "usgov" },
  });
  assert.equal(plain.authorityHost, "https://login.microsoftonline.us");
  assert.equal(plain.customAuthorityHost, false);
  for (const bad of ["http://127.0.0.1:8443", "not a url", "https://u:p@login.example.test"]) {
    const error = await failure(resolveConfig({
      env: () => undefined,
      config: { workspace: "8f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6", authorityHost: bad },
    }));
    assert.ok(error instanceof SentinelConfigError, String(error));
    assert.match(error.message, /authority host/);
    assert.ok(!error.message.includes("u:p@"), "credentials in the URL are not echoed");
    assert.ok(error.hint);
  }
});

// ------------------------------------------------------------------ child processes

interface ChildOutcome {
  readonly result: {
    ok: boolean;
    count?: number;
    name?: string;
    message?: string;
    hint?: string;
    json?: string;
  };
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `SecurityAlert | count` through the provider in a child process configured only by
 * environment variables (as a person would), with the SDK's verbose logging on.
 */
async function inChild(
  service: LogAnalyticsService,
  env: Record<string, string>,
): Promise<ChildOutcome> {
  const provider = new URL("../../src/providers/sentinel/mod.ts", import.meta.url);
  const code = `
    const { openSentinelProvider } = await import(${JSON.stringify(provider.href)});
    let p;
    try {
      p = await openSentinelProvider({ prompt: () => {} });
      const r = await p.query("SecurityAlert | count");
      console.log(JSON.stringify({ ok: true, count: Number(r.frame.getColumn("Count").get(0)) }));
    } catch (error) {
      console.error(String(error), error.hint);
      console.log(JSON.stringify({ ok: false, name: error.name, message: String(error),
        hint: error.hint, json: JSON.stringify(error) }));
    } finally { p?.close(); }`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    cwd: ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: await tempDir(),
      XDG_CONFIG_HOME: await tempDir(), // no config file of the person running this
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
      NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      AZURE_LOG_LEVEL: "verbose",
      CASEFILE_SENTINEL_ENDPOINT: service.endpoint,
      CASEFILE_SENTINEL_DEFAULT_TIMESPAN: "none",
      CASEFILE_SENTINEL_WORKSPACE: service.workspaceIds[0],
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, stderr);
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return { result: JSON.parse(last), stdout, stderr };
}

Deno.test("environment credential, configured only by environment variables, queries in a child process", async () => {
  await withTenant(async ({ service, clientId, secret }) => {
    const env = {
      CASEFILE_SENTINEL_CREDENTIAL: "environment",
      CASEFILE_SENTINEL_AUTHORITY_HOST: service.entra!.authorityHost,
      AZURE_TENANT_ID: service.entra!.tenantId,
      AZURE_CLIENT_ID: clientId,
    };
    const good = await inChild(service, { ...env, AZURE_CLIENT_SECRET: secret });
    assert.deepEqual(good.result, { ok: true, count: ALERTS });
    assert.ok(!good.stdout.includes(secret) && !good.stderr.includes(secret), "secret printed");
    assert.match(good.stderr, /azure:identity/, "the SDK's verbose log was on");

    const wrong = newSecret();
    const bad = await inChild(service, { ...env, AZURE_CLIENT_SECRET: wrong });
    assert.equal(bad.result.ok, false);
    assert.equal(bad.result.name, "SentinelAuthError");
    assert.match(bad.result.message ?? "", /AADSTS7000215/);
    assert.match(bad.result.hint ?? "", /AZURE_CLIENT_SECRET/);
    for (const text of [bad.stdout, bad.stderr]) {
      assert.ok(!text.includes(wrong) && !text.includes(secret), "a secret was printed");
    }
    assert.deepEqual(service.entra!.issued.length, 1);
  });
});

Deno.test("managed-identity credential gets its token from an App Service identity endpoint, in a child process", async () => {
  const identityHeader = newSecret();
  await withTenant(async ({ service }) => {
    const env = {
      CASEFILE_SENTINEL_CREDENTIAL: "managed-identity",
      IDENTITY_ENDPOINT: `${service.endpoint}/msi/token`,
    };
    const good = await inChild(service, { ...env, IDENTITY_HEADER: identityHeader });
    assert.deepEqual(good.result, { ok: true, count: ALERTS });
    assert.deepEqual(service.entra!.issued.map((t) => t.grant), ["managed_identity"]);
    const call = service.requests.find((r) => r.path.startsWith("/msi/token"));
    assert.match(
      call?.path ?? "",
      /api-version=2019-08-01&resource=https%3A%2F%2Fapi\.loganalytics\.io/,
    );
    assert.equal(call?.headers["x-identity-header"], "<redacted>");

    const bad = await inChild(service, { ...env, IDENTITY_HEADER: newSecret() });
    assert.equal(bad.result.ok, false);
    assert.equal(bad.result.name, "SentinelAuthError");
    assert.match(bad.result.hint ?? "", /[Mm]anaged identity/);
    for (const text of [good.stdout, good.stderr, bad.stdout, bad.stderr]) {
      assert.ok(!text.includes(identityHeader), "the identity header was printed");
    }
    assertNoSecret(identityHeader, service.requests);
  }, { managedIdentity: { identityHeader } });
});

/** A fake `az` in a fresh folder: logs its arguments, prints `output` or fails. */
async function fakeAz(output: { json?: unknown; error?: string }): Promise<{
  folder: string;
  argsFile: string;
}> {
  const folder = await tempFolder();
  const argsFile = `${folder}/args.txt`;
  const script = output.json !== undefined
    ? `#!/bin/sh\necho "$@" > '${argsFile}'\ncat <<'JSON'\n${
      JSON.stringify(output.json, null, 2)
    }\nJSON\n`
    : `#!/bin/sh\necho "$@" > '${argsFile}'\necho '${output.error}' >&2\nexit 1\n`;
  await Deno.writeTextFile(`${folder}/az`, script);
  await Deno.chmod(`${folder}/az`, 0o700);
  return { folder, argsFile };
}

Deno.test("azure-cli credential reads `az account get-access-token` from a fake az, in a child process", async () => {
  await withTenant(async ({ service }) => {
    const tenant = service.entra!.tenantId;
    const expires = new Date(Date.now() + 3_600_000);
    const az = await fakeAz({
      json: {
        accessToken: service.token,
        expiresOn: expires.toISOString().replace("T", " ").replace("Z", "000"),
        expires_on: Math.floor(expires.getTime() / 1000),
        subscription: "0e4d9b62-7a1f-4c83-b5e2-91f7c6d8a3b0",
        tenant,
        tokenType: "Bearer",
      },
    });
    const env = {
      CASEFILE_SENTINEL_CREDENTIAL: "azure-cli",
      AZURE_TENANT_ID: tenant,
      PATH: `${az.folder}:/usr/bin:/bin`,
    };
    const good = await inChild(service, env);
    assert.deepEqual(good.result, { ok: true, count: ALERTS });
    assert.equal(
      (await Deno.readTextFile(az.argsFile)).trim(),
      `account get-access-token --output json --resource https://api.loganalytics.io --tenant ${tenant}`,
    );
    assert.ok(!good.stdout.includes(service.token) && !good.stderr.includes(service.token));

    const loggedOut = await fakeAz({ error: "ERROR: Please run 'az login' to setup account." });
    const bad = await inChild(service, { ...env, PATH: `${loggedOut.folder}:/usr/bin:/bin` });
    assert.equal(bad.result.ok, false);
    assert.equal(bad.result.name, "SentinelAuthError");
    assert.match(bad.result.hint ?? "", new RegExp(`az login --tenant ${tenant}`));
  });
});
