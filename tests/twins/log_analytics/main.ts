/**
 * Starts the loopback Log Analytics service for a person: `deno task loganalytics`
 * (`--port N`, `--data DIR`, `--token T`, `--max-rows N`, `--now T`, `--fault SPEC`,
 * `--entra`, `--app SPEC`, `--managed-identity H`, `--token-lifetime S`; `--help` lists them),
 * prints the endpoint, the workspace id, the token, the CA file and how to point casefile at
 * it, then serves until Ctrl-C.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  DEMO_WORKSPACE_ID,
  type EntraApp,
  type EntraOptions,
  type EntraTenant,
  type Fault,
  startLogAnalyticsService,
} from "./mod.ts";

/** The port used when none is given, so the printed settings stay valid between runs. */
export const DEFAULT_PORT = 8443;

/** The public client app the `--entra` tenant knows (for device-code sign-in). */
export const DEMO_CLIENT_ID = "6e1d4c2b-8a3f-4b7e-9c5d-2f0a1b3c4d5e";

const USAGE = `Usage: deno task loganalytics [--port N] [--data DIR] [--token TOKEN] [--max-rows N]
         [--now TIME] [--fault SPEC]... [--entra] [--app SPEC]... [--managed-identity HEADER]
         [--token-lifetime SECONDS]

A loopback Azure Monitor Log Analytics query API (HTTPS on 127.0.0.1) over the demo case
or a folder of exports, answered by casefile's local KQL engine.

  --port N       port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 = any free port)
  --data DIR     the folder served as the workspace (default: the bundled demo case)
  --token TOKEN  the bearer token accepted (default: a random one, printed)
  --max-rows N   the row limit of one result (default 500000, as Log Analytics)
  --now TIME     the instant now() and ago() mean, ISO 8601 (default: the data's reference time)
  --fault SPEC   inject a fault, repeatable, in order: KIND[=VALUE][,times=N][,match=TEXT]
                   throttle=SECONDS     429 with Retry-After (default 8)
                   unavailable[=SECONDS] 503, with Retry-After when given
                   slow=MS              answer after MS milliseconds
                   timeout              504 GatewayTimeout (the service's own timeout)
                   hang                 no answer until the client gives up
                   malformed            200 with a body of the wrong shape
                   partial              200 with half the rows and a PartialError
                 times: how many queries it hits (default 1); match: only queries whose
                 text includes TEXT. E.g. --fault throttle=2,times=3 --fault partial,match=Signin
  --entra        also serve a loopback Microsoft Entra ID tenant (device-code sign-in)
  --app SPEC     register an app in the tenant, repeatable (implies --entra):
                 CLIENT_ID[,secret=VALUE][,cert=PEM_FILE][,public][,name=TEXT]
  --managed-identity HEADER
                 also answer as an App Service managed identity at /msi/token for callers
                 sending X-IDENTITY-HEADER: HEADER (implies --entra)
  --token-lifetime SECONDS
                 lifetime of the tenant's access tokens (default 3599; implies --entra)
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
        now: { type: "string" },
        fault: { type: "string", multiple: true },
        entra: { type: "boolean" },
        app: { type: "string", multiple: true },
        "managed-identity": { type: "string" },
        "token-lifetime": { type: "string" },
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
  let settings: Settings;
  try {
    settings = await readSettings(values);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let service;
  try {
    service = await startLogAnalyticsService({
      port,
      data: values.data,
      token: values.token,
      maxRows,
      ...(settings.now ? { now: settings.now } : {}),
      ...(settings.entra ? { entra: settings.entra } : {}),
    });
    for (const { fault, match } of settings.faults) service.inject(fault, match);
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

${service.entra ? entraText(service.entra, service.caCertificatePath, settings) : ""}${
    faultText(settings.faults)
  }Serving until Ctrl-C.`);
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

function entraText(entra: EntraTenant, caFile: string, settings: Settings): string {
  const apps = settings.apps.map((app) =>
    `  app        ${app.clientId}${app.secrets?.length ? "   (client secret)" : ""}${
      app.certificates?.length ? "   (certificate)" : ""
    }${app.publicClient ? "   (public client)" : ""}\n`
  ).join("");
  const options: EntraOptions = settings.entra ?? {};
  const identity = options.managedIdentity
    ? `  managed identity  IDENTITY_ENDPOINT=${entra.authorityHost}/msi/token IDENTITY_HEADER=${options.managedIdentity.identityHeader}\n`
    : "";
  const lifetime = options.tokenLifetimeSeconds !== undefined
    ? `  tokens     last ${options.tokenLifetimeSeconds} s\n`
    : "";
  return `Loopback Microsoft Entra ID tenant (same port)
  authority  ${entra.authorityHost}
  tenant     ${entra.tenantId}
  client id  ${DEMO_CLIENT_ID}   (a public client: device-code sign-in)
${apps}${identity}${lifetime}
Sign in with the device code (casefile prints the code to enter):
  export CASEFILE_SENTINEL_CREDENTIAL=device-code
  export CASEFILE_SENTINEL_AUTHORITY_HOST=${entra.authorityHost}
  export AZURE_TENANT_ID=${entra.tenantId}
  export AZURE_CLIENT_ID=${DEMO_CLIENT_ID}
  then approve the code as the person signing in:
  curl --cacert ${caFile} -d otc=CODE ${entra.authorityHost}/devicelogin

`;
}

/** What the flags beyond the port, data, token and row limit ask for. */
interface Settings {
  readonly now?: Date;
  readonly faults: { fault: Fault; match?: { queryIncludes: string } }[];
  readonly apps: EntraApp[];
  readonly entra?: EntraOptions;
}

/**
 * Reads `--now`, `--fault`, `--app`, `--managed-identity`, `--token-lifetime` and `--entra`.
 *
 * @throws {Error} naming the flag and what it takes.
 */
async function readSettings(values: {
  now?: string;
  fault?: string[];
  entra?: boolean;
  app?: string[];
  "managed-identity"?: string;
  "token-lifetime"?: string;
}): Promise<Settings> {
  let now: Date | undefined;
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (Number.isNaN(now.getTime())) {
      throw new Error(`--now must be an ISO 8601 time, got '${values.now}'`);
    }
  }
  const faults = (values.fault ?? []).map(readFault);
  const apps: EntraApp[] = [];
  for (const spec of values.app ?? []) apps.push(await readApp(spec));
  const identity = values["managed-identity"];
  const lifetimeText = values["token-lifetime"];
  const lifetime = lifetimeText === undefined ? undefined : Number(lifetimeText);
  if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 1)) {
    throw new Error(
      `--token-lifetime must be a positive whole number of seconds, got '${lifetimeText}'`,
    );
  }
  const wanted = values.entra || apps.length > 0 || identity !== undefined ||
    lifetime !== undefined;
  if (!wanted) return { now, faults, apps };
  const entra: EntraOptions = {
    apps: [{ clientId: DEMO_CLIENT_ID, publicClient: true }, ...apps],
    ...(identity !== undefined ? { managedIdentity: { identityHeader: identity } } : {}),
    ...(lifetime !== undefined ? { tokenLifetimeSeconds: lifetime } : {}),
  };
  return { now, faults, apps, entra };
}

const FAULT_KINDS = ["throttle", "unavailable", "slow", "timeout", "hang", "malformed", "partial"];

/** `KIND[=VALUE][,times=N][,match=TEXT]` as a fault. */
function readFault(spec: string): { fault: Fault; match?: { queryIncludes: string } } {
  const bad = (why: string) => new Error(`--fault ${spec}: ${why}`);
  const [head, ...rest] = spec.split(",");
  const [kind, value] = head.split("=", 2) as [string, string | undefined];
  if (!FAULT_KINDS.includes(kind)) throw bad(`no fault '${kind}' (${FAULT_KINDS.join(", ")})`);
  let times: number | undefined;
  let match: { queryIncludes: string } | undefined;
  for (const [i, part] of rest.entries()) {
    const [key, v] = part.split("=", 2);
    if (key === "times" && v !== undefined) {
      times = Number(v);
      if (!Number.isInteger(times) || times < 1) throw bad("times takes a positive whole number");
    } else if (key === "match" && v !== undefined) {
      // The text may hold commas: everything after match= is the text.
      match = { queryIncludes: [part.slice("match=".length), ...rest.slice(i + 1)].join(",") };
      break;
    } else throw bad(`'${part}' is not times=N or match=TEXT`);
  }
  const number = (what: string, fallback?: number) => {
    if (value === undefined) {
      if (fallback === undefined) throw bad(`${kind} takes =${what}`);
      return fallback;
    }
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw bad(`${what} must be a number, got '${value}'`);
    return n;
  };
  const noValue = () => {
    if (value !== undefined) throw bad(`${kind} takes no value`);
  };
  let fault: Fault;
  switch (kind) {
    case "throttle":
      fault = { kind, retryAfterSeconds: number("SECONDS", 8), times };
      break;
    case "unavailable":
      fault = value === undefined
        ? { kind, times }
        : { kind, retryAfterSeconds: number("SECONDS"), times };
      break;
    case "slow":
      fault = { kind, delayMs: number("MS"), times };
      break;
    case "timeout":
    case "hang":
    case "partial":
      noValue();
      fault = { kind, times };
      break;
    case "malformed":
      fault = value === undefined ? { kind, times } : { kind, body: value, times };
      break;
    default:
      throw bad(`no fault '${kind}'`);
  }
  return match ? { fault, match } : { fault };
}

/** `CLIENT_ID[,secret=VALUE][,cert=PEM_FILE][,public][,name=TEXT]` as an app registration. */
async function readApp(spec: string): Promise<EntraApp> {
  const bad = (why: string) =>
    new Error(`--app ${spec.replace(/secret=[^,]*/, "secret=…")}: ${why}`);
  const [clientId, ...rest] = spec.split(",");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)) {
    throw bad("the client id must be a GUID");
  }
  const secrets: string[] = [];
  const certificates: string[] = [];
  let publicClient = false;
  let displayName: string | undefined;
  for (const part of rest) {
    const [key, value] = part.split("=", 2);
    if (key === "secret" && value) secrets.push(value);
    else if (key === "cert" && value) {
      try {
        certificates.push(await Deno.readTextFile(value));
      } catch (error) {
        throw bad(`cannot read the certificate ${value} (${(error as Error).message})`);
      }
    } else if (key === "public" && value === undefined) publicClient = true;
    else if (key === "name" && value) displayName = value;
    else throw bad(`'${key}' is not secret=, cert=, public or name=`);
  }
  return {
    clientId,
    ...(displayName ? { displayName } : {}),
    ...(secrets.length ? { secrets } : {}),
    ...(certificates.length ? { certificates } : {}),
    ...(publicClient ? { publicClient } : {}),
  };
}

function faultText(faults: Settings["faults"]): string {
  if (!faults.length) return "";
  const lines = faults.map(({ fault, match }) =>
    `  ${fault.kind}${
      Object.entries(fault).filter(([k, v]) => k !== "kind" && k !== "times" && v !== undefined)
        .map(([k, v]) => ` ${k}=${v}`).join("")
    } for ${fault.times ?? 1} ${(fault.times ?? 1) === 1 ? "query" : "queries"}${
      match ? ` including ${JSON.stringify(match.queryIncludes)}` : ""
    }`
  );
  return `Faults queued (in order):\n${lines.join("\n")}\n\n`;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
