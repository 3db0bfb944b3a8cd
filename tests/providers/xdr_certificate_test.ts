/**
 * Defender XDR signs in with an app's certificate, as the Sentinel provider does: the
 * `client-certificate` credential kind through `casefile query --provider xdr` and a piped
 * REPL session, against the loopback Graph service and its Entra ID tenant (which checks
 * the client assertion against the registered certificate). The key's text never reaches
 * the output, the service or the session's files; the certificate's path may.
 */
import "reflect-metadata";
import assert from "node:assert/strict";
import { join } from "node:path";
import { type GraphHuntingService, startGraphHuntingService } from "../twins/graph_hunting/mod.ts";
import { openXdrProvider, XdrConfigError } from "../../src/providers/xdr/mod.ts";
import { DEMO_CASE_DIR } from "../../src/providers/mod.ts";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";
import { throwawayCertificate } from "./_throwaway_certificate.ts";

// The service's data: the demo case's first 40 process events (not the whole demo case).
const PROCESSES = pl.readParquet(join(DEMO_CASE_DIR, "DeviceProcessEvents.parquet")).head(40);

async function withTenant(
  fn: (service: GraphHuntingService, env: Record<string, string>, key: string) => Promise<void>,
): Promise<void> {
  const { certificate, key, path } = await throwawayCertificate(
    "casefile xdr test app (throwaway)",
  );
  const clientId = crypto.randomUUID();
  const folder = await tempFolder({ "DeviceProcessEvents.parquet": PROCESSES.writeParquet() });
  const service = await startGraphHuntingService({
    data: folder,
    now: new Date("2026-03-16T00:00:00Z"),
    entra: { apps: [{ clientId, certificates: [certificate] }] },
  });
  try {
    await fn(service, {
      NODE_EXTRA_CA_CERTS: service.caCertificatePath,
      CASEFILE_XDR_ENDPOINT: service.endpoint,
      CASEFILE_XDR_AUTHORITY_HOST: service.endpoint,
      CASEFILE_XDR_CREDENTIAL: "client-certificate",
      AZURE_TENANT_ID: service.entra!.tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_CERTIFICATE_PATH: path,
    }, key);
    // The tenant issued app tokens for Graph, signed in with the certificate.
    assert.ok(service.entra!.issued.length > 0);
    for (const t of service.entra!.issued) {
      assert.deepEqual([t.grant, t.clientId, t.audience], [
        "client_credentials",
        clientId,
        "https://graph.microsoft.com",
      ]);
    }
    const body = JSON.stringify(service.requests);
    assert.ok(!body.includes(keyBody(key)), "the key never reaches the service");
  } finally {
    await service.close();
  }
}

/** The base64 of the key, the part that would leak. */
function keyBody(key: string): string {
  return key.split("\n").filter((l) => !l.startsWith("-----"))[1];
}

Deno.test("casefile query --provider xdr signs in with a client certificate", async () => {
  await withTenant(async (service, env, key) => {
    const run = await runCasefile(["query", "--provider", "xdr", "DeviceProcessEvents | count"], {
      env,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Count\n40\n");
    assert.ok(!(run.stdout + run.stderr).includes(keyBody(key)));
    assert.equal(service.entra!.issued.length, 1);
  });
});

Deno.test("a REPL session on xdr with a client certificate records the step, never the key", async () => {
  await withTenant(async (_service, env, key) => {
    const home = await tempFolder();
    const run = await runCasefile(
      ["repl", "--home", home, "--session", "cert", "--provider", "xdr"],
      { env, stdin: "%kql n = DeviceProcessEvents | count\n" },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\n {3}40\n/);
    // Every file the session wrote (journal, cache, history), read as text.
    let files = "";
    const walk = async (dir: string) => {
      for await (const entry of Deno.readDir(dir)) {
        const path = join(dir, entry.name);
        if (entry.isDirectory) await walk(path);
        else if (entry.isFile) files += new TextDecoder().decode(await Deno.readFile(path));
      }
    };
    await walk(home);
    assert.match(files, /"connection":\{"kind":"xdr"/, "the step was recorded");
    assert.ok(!files.includes(keyBody(key)), "the key is in no session file");
    assert.ok(!files.includes("PRIVATE KEY"));
  });
});

Deno.test("client-certificate for xdr: missing settings and a file without a key are config errors", async () => {
  const env = (values: Record<string, string>) => (name: string) => values[name];
  await assert.rejects(
    openXdrProvider({ credential: "client-certificate", env: env({}) }),
    (e: Error) =>
      e instanceof XdrConfigError &&
      e.message ===
        "The client-certificate credential needs AZURE_TENANT_ID, AZURE_CLIENT_ID, " +
          "AZURE_CLIENT_CERTIFICATE_PATH, which are not set",
  );
  const { certificate } = await throwawayCertificate("casefile xdr test app (throwaway)");
  const folder = await tempFolder({ "cert-only.pem": certificate });
  await assert.rejects(
    openXdrProvider({
      credential: "client-certificate",
      env: env({
        AZURE_TENANT_ID: "t",
        AZURE_CLIENT_ID: "c",
        AZURE_CLIENT_CERTIFICATE_PATH: `${folder}/cert-only.pem`,
      }),
    }),
    (e: Error) =>
      e instanceof XdrConfigError && /has no private key/.test(e.message) &&
      /openssl pkcs12/.test((e as XdrConfigError).hint ?? ""),
  );
});
