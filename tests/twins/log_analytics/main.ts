/**
 * Starts the loopback Log Analytics service for a person: `deno task loganalytics`
 * (`--port N`, `--data DIR`, `--token T`, `--max-rows N`, `--entra`), prints the endpoint, the
 * workspace id, the token, the CA file and how to point casefile at it, then serves until
 * Ctrl-C.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DEMO_WORKSPACE_ID, type EntraTenant, startLogAnalyticsService } from "./mod.ts";

/** The port used when none is given, so the printed settings stay valid between runs. */
export const DEFAULT_PORT = 8443;

/** The public client app the `--entra` tenant knows (for device-code sign-in). */
export const DEMO_CLIENT_ID = "6e1d4c2b-8a3f-4b7e-9c5d-2f0a1b3c4d5e";

const USAGE =
  `Usage: deno task loganalytics [--port N] [--data DIR] [--token TOKEN] [--max-rows N] [--entra]

A loopback Azure Monitor Log Analytics query API (HTTPS on 127.0.0.1) over the demo case
or a folder of exports, answered by casefile's local KQL engine.

  --port N       port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 = any free port)
  --data DIR     the folder served as the workspace (default: the bundled demo case)
  --token TOKEN  the bearer token accepted (default: a random one, printed)
  --max-rows N   the row limit of one result (default 500000, as Log Analytics)
  --entra        also serve a loopback Microsoft Entra ID tenant (device-code sign-in)
  --help         this text`;

async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: "string" },
        data: { type: "string" },
        token: { type: "string" },
        "max-rows": { type: "string" },
        entra: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  const maxRows = values["max-rows"] === undefined ? undefined : Number(values["max-rows"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port must be a port number, got '${values.port}'`);
    return 2;
  }
  if (maxRows !== undefined && (!Number.isInteger(maxRows) || maxRows < 1)) {
    console.error(`error: --max-rows must be a positive integer, got '${values["max-rows"]}'`);
    return 2;
  }
  let service;
  try {
    service = await startLogAnalyticsService({
      port,
      data: values.data,
      token: values.token,
      maxRows,
      ...(values.entra
        ? { entra: { apps: [{ clientId: DEMO_CLIENT_ID, publicClient: true }] } }
        : {}),
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      console.error(`error: port ${port} is in use; choose another with --port N (0 = any)`);
    } else {
      console.error(`error: ${(error as Error).message}`);
    }
    return 1;
  }
  const workspace = service.workspaceIds[0];
  console.log(`Loopback Log Analytics service
  endpoint   ${service.endpoint}   (API under ${service.endpoint}/v1)
  workspace  ${workspace}${workspace === DEMO_WORKSPACE_ID ? "   (the demo case)" : ""}
  data       ${values.data ?? "the bundled demo case"}
  token      ${service.token}
  CA file    ${service.caCertificatePath}

Point casefile at it (in the shell that runs casefile; Node's TLS reads the CA file at start):
  export NODE_EXTRA_CA_CERTS=${service.caCertificatePath}
  export CASEFILE_SENTINEL_ENDPOINT=${service.endpoint}
  export CASEFILE_SENTINEL_WORKSPACE=${workspace}
  and a credential that yields the token above: the service accepts no other (from code:
  a TokenCredential whose getToken() returns it).

Try it with curl:
  curl --cacert ${service.caCertificatePath} -H "Authorization: Bearer ${service.token}" \\
    -H "Content-Type: application/json" -d '{"query":"SecurityAlert | count"}' \\
    ${service.endpoint}/v1/workspaces/${workspace}/query

${service.entra ? entraText(service.entra, service.caCertificatePath) : ""}Serving until Ctrl-C.`);
  const stopped = Promise.withResolvers<void>();
  const stop = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  await stopped.promise;
  Deno.removeSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGTERM", stop);
  await service.close();
  console.log("Stopped; the CA file was removed.");
  return 0;
}

function entraText(entra: EntraTenant, caFile: string): string {
  return `Loopback Microsoft Entra ID tenant (same port)
  authority  ${entra.authorityHost}
  tenant     ${entra.tenantId}
  client id  ${DEMO_CLIENT_ID}   (a public client: device-code sign-in)

Sign in with the device code (casefile prints the code to enter):
  export CASEFILE_SENTINEL_CREDENTIAL=device-code
  export CASEFILE_SENTINEL_AUTHORITY_HOST=${entra.authorityHost}
  export AZURE_TENANT_ID=${entra.tenantId}
  export AZURE_CLIENT_ID=${DEMO_CLIENT_ID}
  then approve the code as the person signing in:
  curl --cacert ${caFile} -d otc=CODE ${entra.authorityHost}/devicelogin

`;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
