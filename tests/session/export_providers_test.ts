/**
 * Exports keep each step's provider, credential kind and hosts, and an exported Sentinel
 * session runs under its own first line (exactly the permissions it states) against the
 * loopback Log Analytics service and its Entra ID tenant.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportScript } from "../../src/session/export_script.ts";
import { openSession } from "../../src/session/session.ts";
import {
  envTokenCredential,
  openSentinelProvider,
} from "../../src/providers/sentinel/sentinel_provider.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { startLogAnalyticsService } from "../twins/log_analytics/mod.ts";
import { openTwinProvider } from "../providers/_twin_provider.ts";
import { tempFolder } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** The `deno run` arguments of a script's `#!/usr/bin/env -S deno run ...` line, as `env -S` makes them. */
function shebangArgs(script: string, env: Record<string, string>): string[] {
  const first = script.split("\n")[0];
  const prefix = "#!/usr/bin/env -S deno ";
  assert.ok(first.startsWith(prefix), first);
  return first.slice(prefix.length).split(/\s+/).filter(Boolean).map((arg) =>
    arg.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => env[name] ?? "")
  );
}

/** Runs `path` with exactly the permissions of its first line (and no others), from a fresh folder. */
async function runByFirstLine(
  path: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; out: string; err: string }> {
  const script = await Deno.readTextFile(path);
  const full = { NO_COLOR: "1", CASEFILE_DIR: REPO, HOME: await tempFolder(), ...env };
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...shebangArgs(script, full), path, ...args],
    cwd: await tempFolder(),
    env: full,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, out: text.decode(out.stdout), err: text.decode(out.stderr) };
}

function queryRequests(service: { requests: ReadonlyArray<{ path: string }> }): number {
  return service.requests.filter((r) => /\/v1\/workspaces\/[^/]+\/query/.test(r.path)).length;
}

Deno.test({
  name:
    "a session that switched between the demo case and a workspace replays each step on its own",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const service = await startLogAnalyticsService();
    const env = (name: string) => name === "CASEFILE_SENTINEL_TOKEN" ? service.token : undefined;
    const local = await openLocalProvider();
    // Signed in by the token in the environment, with the provider's default timespan.
    const sentinel = await openTwinProvider(service, {
      credential: envTokenCredential(env),
      config: undefined,
    });
    try {
      const session = await openSession("mixed", { home: await tempFolder(), provider: local });
      const first = await session.query("here", "SecurityAlert | count");
      // The demo case's 15 alerts (both answer keys' 6 and 9 benign ones).
      assert.equal(Number(first.getColumn("Count").get(0)), 15);
      session.connect(sentinel);
      await session.query("there", "SecurityAlert | summarize n = count() by AlertName", {
        providerOptions: { serverTimeoutSeconds: 120 },
      });
      session.connect(local);
      await session.query("back", "SigninLogs | where ResultType == '50126' | count");
      const path = join(await tempFolder(), "mixed.ts");
      const script = await exportScript(session, { path });
      await session.close();
      assert.ok(!script.includes(service.token), "the token is never written");
      // Steps 2 and 3 switch provider; step 1 runs on the one the replay starts on.
      assert.match(script, /provider: \{ kind: "local" \}/);
      assert.match(
        script,
        /providers: \{\s*local: \{ kind: "local" \},\s*sentinel: \{\s*kind: "sentinel",[^}]*credential: "token"/,
      );
      assert.match(script, /session\.connect\(providers\.sentinel\);\s*const there = /);
      assert.match(script, /session\.connect\(providers\.local\);\s*const back = /);
      assert.ok(!/session\.connect[^;]*;\s*const here = /.test(script));
      // A bearer token signs in nowhere: only the query API's host, and no sign-in tools.
      const flags = script.split("\n")[0].split(" ");
      const net = flags.find((f) => /^(--allow-net|-N)=/.test(f));
      assert.equal(net?.split("=")[1], new URL(service.endpoint).host);
      assert.ok(!flags.some((f) => /^--allow-run/.test(f)), "no sign-in tools to run");

      const before = queryRequests(service);
      const replay = { CASEFILE_HOME: await tempFolder(), NODE_EXTRA_CA_CERTS: "" };
      replay.NODE_EXTRA_CA_CERTS = service.caCertificatePath;
      const run = await runByFirstLine(path, {
        ...replay,
        CASEFILE_SENTINEL_TOKEN: service.token,
      });
      assert.equal(run.code, 0, run.out + run.err);
      assert.match(run.out, /3 steps replayed: 3 equal\n$/);
      assert.equal(queryRequests(service) - before, 1, "only step 2 asks the workspace");
      // Step 2's own query options, replayed with it.
      const replayed = service.requests.filter((r) => /\/query$/.test(r.path)).at(-1);
      assert.match(replayed?.headers.prefer ?? "", /wait=120/);

      // Without the token, the replay says which variable to set.
      const missing = await runByFirstLine(path, replay);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /with the token in CASEFILE_SENTINEL_TOKEN, and it is not set/);
      assert.equal(queryRequests(service) - before, 1);
    } finally {
      sentinel.close();
      await service.close();
    }
  },
});

Deno.test("a custom authority host is in the export's network allow-list and its provider", async () => {
  const provider = await openSentinelProvider({
    workspace: "7e0b1c52-6a3f-4d5e-9b1a-2f4c8d9e0a11",
    credential: "client-secret",
    endpoint: "https://127.0.0.1:8443",
    authorityHost: "https://login.proxy.contoso.example",
    config: { tenantId: "5b8f2d71-4c3e-4a9b-9e61-2f0c7d3a8b14", clientId: crypto.randomUUID() },
    env: (name) => name === "AZURE_CLIENT_SECRET" ? "not-a-real-secret" : undefined,
  });
  const session = await openSession("proxied", { home: await tempFolder(), provider });
  const script = await exportScript(session);
  await session.close();
  provider.close();
  const flags = script.split("\n")[0].split(" ");
  const net = flags.find((f) => /^(--allow-net|-N)=/.test(f));
  assert.equal(net?.split("=")[1], "127.0.0.1:8443,login.proxy.contoso.example");
  assert.match(script, /authorityHost: "https:\/\/login\.proxy\.contoso\.example"/);
  assert.match(script, /credential: "client-secret"/);
});

Deno.test({
  name: "an exported Sentinel session signs in and replays under its own first line",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const clientId = crypto.randomUUID();
    const secret = `s3cr3t-${crypto.randomUUID()}`;
    const service = await startLogAnalyticsService({
      entra: { apps: [{ clientId, secrets: [secret] }] },
    });
    const entra = service.entra!;
    const signIn = {
      AZURE_TENANT_ID: entra.tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: secret,
    };
    // Signed in at the twin's Entra ID tenant, with the provider's default timespan.
    const provider = await openTwinProvider(service, {
      authorityHost: entra.authorityHost,
      credential: "client-secret",
      env: (name) => (signIn as Record<string, string>)[name],
      config: undefined,
    });
    try {
      const session = await openSession("signed", { home: await tempFolder(), provider });
      await session.query("alerts", "SecurityAlert | summarize n = count() by AlertName");
      const path = join(await tempFolder(), "signed.ts");
      const script = await exportScript(session, { path });
      await session.close();
      assert.ok(!script.includes(secret), "the secret is never written");
      assert.match(script.split("\n")[0], /^#!\/usr\/bin\/env -S deno run /);
      const issued = entra.issued.length;
      // The real SDK and MSAL, with NODE_EXTRA_CA_CERTS (Deno's TLS then reads more).
      const run = await runByFirstLine(path, {
        ...signIn,
        CASEFILE_HOME: await tempFolder(),
        NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      });
      assert.equal(run.code, 0, run.out + run.err);
      assert.doesNotMatch(run.err, /NotCapable|Requires .* access/);
      assert.match(run.out, /1 step replayed: 1 equal\n$/);
      assert.equal(entra.issued.length, issued + 1, "the replay signed in at the tenant");
    } finally {
      provider.close();
      await service.close();
    }
  },
});
