/**
 * Configuration of the Sentinel provider: a JSON config file (workspaces by friendly name,
 * tenant, credential kind, cloud), environment variables over it, and options over both.
 *
 * Secrets never come from here: a config file that holds one is refused, and client
 * secrets and certificate passwords are read from the environment by `_credentials.ts`
 * at the moment a credential is made. Nothing is ever written back.
 *
 * | Setting           | Option / file key | Environment                          |
 * | ----------------- | ----------------- | ------------------------------------ |
 * | config file       | `configFile`      | `CASEFILE_SENTINEL_CONFIG`           |
 * | default workspace | `workspace`       | `CASEFILE_SENTINEL_WORKSPACE`        |
 * | credential kind   | `credential`      | `CASEFILE_SENTINEL_CREDENTIAL`       |
 * | cloud             | `cloud`           | `CASEFILE_SENTINEL_CLOUD`            |
 * | query endpoint    | `endpoint`        | `CASEFILE_SENTINEL_ENDPOINT`         |
 * | authority host    | `authorityHost`   | `CASEFILE_SENTINEL_AUTHORITY_HOST`   |
 * | tenant            | `tenantId`        | `AZURE_TENANT_ID`                    |
 * | app (client) id   | `clientId`        | `AZURE_CLIENT_ID`                    |
 * | default timespan  | `defaultTimespan` | `CASEFILE_SENTINEL_DEFAULT_TIMESPAN` |
 *
 * `defaultTimespan` is the window a query gets when it gives none and does not filter
 * `TimeGenerated` itself: `24h` unless set (the Log Analytics portal's "Last 24 hours"), a
 * KQL timespan such as `7d`, or `none` for the workspace's whole retention.
 *
 * `authorityHost` replaces the cloud's Microsoft Entra ID sign-in host (a proxy, a private
 * or sovereign setup, the loopback Entra service); with it, the credentials that can skip
 * instance discovery do (`disableInstanceDiscovery`), so nothing asks
 * login.microsoftonline.com whether the host is a known authority.
 *
 * Without `configFile` or `CASEFILE_SENTINEL_CONFIG`, `$XDG_CONFIG_HOME/casefile/sentinel.json`
 * (or `~/.config/casefile/sentinel.json`) is read when it exists.
 *
 * @module
 */
import { join } from "node:path";
import { closestNames, didYouMean } from "../../errors.ts";
import { SentinelConfigError } from "./_errors.ts";
import { readKqlTimespan } from "../../kql/syntax.ts";

/** How the provider gets its Microsoft Entra ID token. */
export type CredentialKind =
  | "default"
  | "environment"
  | "azure-cli"
  | "managed-identity"
  | "device-code"
  | "interactive-browser"
  | "client-secret"
  | "client-certificate";

/** Every credential kind, in the order the docs list them. */
export const CREDENTIAL_KINDS: readonly CredentialKind[] = [
  "default",
  "environment",
  "azure-cli",
  "managed-identity",
  "device-code",
  "interactive-browser",
  "client-secret",
  "client-certificate",
];

/** The Azure clouds Log Analytics runs in. */
export type CloudName = "public" | "usgov" | "china";

/** Where a cloud signs people in and answers queries. */
export interface CloudSettings {
  /** The cloud's name. */
  readonly name: CloudName;
  /** Microsoft Entra ID authority host. */
  readonly authorityHost: string;
  /** The Log Analytics query API base, without the `/v1` version segment. */
  readonly endpoint: string;
  /** The token audience; the scope asked for is `${audience}/.default`. */
  readonly audience: string;
}

/** The clouds by name. */
export const CLOUDS: Readonly<Record<CloudName, CloudSettings>> = {
  public: {
    name: "public",
    authorityHost: "https://login.microsoftonline.com",
    endpoint: "https://api.loganalytics.io",
    audience: "https://api.loganalytics.io",
  },
  usgov: {
    name: "usgov",
    authorityHost: "https://login.microsoftonline.us",
    endpoint: "https://api.loganalytics.us",
    audience: "https://api.loganalytics.us",
  },
  china: {
    name: "china",
    authorityHost: "https://login.chinacloudapi.cn",
    endpoint: "https://api.loganalytics.azure.cn",
    audience: "https://api.loganalytics.azure.cn",
  },
};

const CLOUD_ALIASES: Record<string, CloudName> = {
  public: "public",
  azurecloud: "public",
  azurepubliccloud: "public",
  usgov: "usgov",
  azureusgovernment: "usgov",
  azureusgovernmentcloud: "usgov",
  china: "china",
  azurechinacloud: "china",
};

/** A workspace in the config file: its id, or the Azure resource it belongs to. */
export interface WorkspaceConfig {
  /** The workspace id (the GUID on the workspace's Overview page). */
  readonly id?: string;
  /** An Azure resource id, for resource-centric queries (`/subscriptions/.../...`). */
  readonly resourceId?: string;
  /** One line for people. */
  readonly description?: string;
}

/** The config file's content; the same shape is accepted as an option. */
export interface SentinelConfig {
  /** `public` (default), `usgov` or `china`. */
  readonly cloud?: CloudName;
  /** The Microsoft Entra tenant (directory) id or domain. */
  readonly tenantId?: string;
  /** The app registration's client id, for app and user-assigned identity credentials. */
  readonly clientId?: string;
  /** How to get a token (default: `default`, the @azure/identity default chain). */
  readonly credential?: CredentialKind;
  /** The default workspace: a friendly name from `workspaces`, or a workspace id. */
  readonly workspace?: string;
  /** Workspaces by friendly name: an id, or `{ id | resourceId, description }`. */
  readonly workspaces?: Readonly<Record<string, string | WorkspaceConfig>>;
  /** Another query endpoint than the cloud's (a proxy, the loopback service). */
  readonly endpoint?: string;
  /**
   * Another Microsoft Entra ID authority host than the cloud's (`https://host[/path]`,
   * without the tenant): a proxy, a private or sovereign setup, the loopback Entra service.
   */
  readonly authorityHost?: string;
  /** Tables `tables()` always lists, even without rows in the last 30 days. */
  readonly tables?: readonly string[];
  /**
   * The window of a query that gives no timespan and does not filter `TimeGenerated`: a KQL
   * timespan (default `24h`), or `none` for the workspace's whole retention.
   */
  readonly defaultTimespan?: string;
}

/** A workspace the provider can query. */
export interface ResolvedWorkspace {
  /** The friendly name (or the id, for a workspace named by id). */
  readonly name: string;
  /** The workspace id; absent for a resource-centric target. */
  readonly id?: string;
  /** The Azure resource id of a resource-centric target. */
  readonly resourceId?: string;
  /** One line for people. */
  readonly description?: string;
}

/** Reads one environment variable (undefined when unset or not permitted). */
export type EnvReader = (name: string) => string | undefined;

/** Everything the provider needs, resolved from options, environment and file. */
export interface ResolvedConfig {
  /** The cloud: its sign-in host, query endpoint and token audience. */
  readonly cloud: CloudSettings;
  /** The query API base including `/v1` (the SDK's `endpoint`). */
  readonly endpoint: string;
  /** The Microsoft Entra ID authority host credentials sign in at (no trailing slash). */
  readonly authorityHost: string;
  /** Whether `authorityHost` is not the cloud's own (then instance discovery is skipped). */
  readonly customAuthorityHost: boolean;
  /** The Microsoft Entra tenant (directory) id or domain, when set. */
  readonly tenantId?: string;
  /** The app registration's client id, when set. */
  readonly clientId?: string;
  /** How tokens are obtained. */
  readonly credential: CredentialKind;
  /** Whether `credential` was chosen explicitly (option, environment or file). */
  readonly credentialChosen: boolean;
  /** Workspaces by friendly name. */
  readonly workspaces: ReadonlyMap<string, ResolvedWorkspace>;
  /** The workspace queries go to unless told otherwise. */
  readonly defaultWorkspace: ResolvedWorkspace;
  /** Tables `tables()` always lists. */
  readonly tables: readonly string[];
  /**
   * The window, in ms, of a query that gives none and does not filter `TimeGenerated`
   * (ending now); undefined for the whole retention (`defaultTimespan: "none"`).
   */
  readonly defaultTimespanMs?: number;
  /** The config file read, if any. */
  readonly file?: string;
  /**
   * Whether {@link file} was given (the `configFile` option or `CASEFILE_SENTINEL_CONFIG`)
   * rather than found in the usual place, which any machine finds again.
   */
  readonly fileGiven: boolean;
  /** Where environment variables are read. */
  readonly env: EnvReader;
}

/** What {@link resolveConfig} reads. */
export interface ConfigSources {
  /** Settings given in code; they win over the environment and the file. */
  readonly config?: SentinelConfig;
  /** A config file path (default: `CASEFILE_SENTINEL_CONFIG`, then the user's config dir). */
  readonly configFile?: string;
  /** The environment (default: `Deno.env`). */
  readonly env?: EnvReader;
}

const FILE_KEYS = [
  "cloud",
  "tenantId",
  "clientId",
  "credential",
  "workspace",
  "workspaces",
  "endpoint",
  "authorityHost",
  "tables",
  "defaultTimespan",
  "$schema",
  "description",
];
const WORKSPACE_KEYS = ["id", "resourceId", "description"];
const SECRET_KEY = /secret|password|passphrase|token|apikey|privatekey|^key$|credentials?value/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads `Deno.env` without failing when env access is not granted. */
export function denoEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Whether `text` is a workspace id (a GUID). */
export function isWorkspaceId(text: string): boolean {
  return GUID.test(text);
}

/** Whether `text` is an Azure resource id. */
export function isResourceId(text: string): boolean {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/.+/i.test(text);
}

/**
 * Resolves the configuration: options over environment over the config file.
 *
 * @throws {SentinelConfigError} for an unreadable or invalid file, a secret in the file,
 *   an unknown cloud or credential kind, a workspace id that is not a GUID, or no workspace.
 */
export async function resolveConfig(sources: ConfigSources = {}): Promise<ResolvedConfig> {
  const env = sources.env ?? denoEnv;
  const explicit = sources.configFile ?? env("CASEFILE_SENTINEL_CONFIG");
  const path = explicit ?? defaultConfigPath(env);
  const file = path === undefined ? undefined : await readConfigFile(path, explicit !== undefined);
  const fromFile: SentinelConfig = file?.config ?? {};
  const given = sources.config ?? {};
  if (sources.config) checkConfig(sources.config, "the options");

  const pick = <K extends keyof SentinelConfig>(key: K, variable?: string) =>
    given[key] ?? (variable ? env(variable) as SentinelConfig[K] | undefined : undefined) ??
      fromFile[key];

  const cloud = cloudOf(pick("cloud", "CASEFILE_SENTINEL_CLOUD") ?? "public", file?.path);
  const credentialText = pick("credential", "CASEFILE_SENTINEL_CREDENTIAL");
  const credential = credentialOf(credentialText ?? "default", file?.path);
  const endpoint = apiBase(pick("endpoint", "CASEFILE_SENTINEL_ENDPOINT") ?? cloud.endpoint);
  const authorityText = pick("authorityHost", "CASEFILE_SENTINEL_AUTHORITY_HOST");
  const authorityHost = authorityHostOf(authorityText ?? cloud.authorityHost);
  const defaultTimespanMs = defaultTimespanOf(
    pick("defaultTimespan", "CASEFILE_SENTINEL_DEFAULT_TIMESPAN") ?? DEFAULT_TIMESPAN,
    file?.path,
  );

  const workspaces = new Map<string, ResolvedWorkspace>();
  for (const source of [fromFile.workspaces, given.workspaces]) {
    for (const [name, value] of Object.entries(source ?? {})) {
      workspaces.set(name, workspaceOf(name, value, file?.path));
    }
  }
  const wanted = pick("workspace", "CASEFILE_SENTINEL_WORKSPACE") ??
    (workspaces.size === 1 ? [...workspaces.keys()][0] : undefined);
  if (wanted === undefined) {
    throw new SentinelConfigError(
      workspaces.size === 0
        ? "No Log Analytics workspace is configured"
        : `Several workspaces are configured (${[...workspaces.keys()].join(", ")}) and none ` +
          "is the default",
      {
        file: file?.path,
        hint: workspaces.size === 0
          ? "Set CASEFILE_SENTINEL_WORKSPACE to the workspace id (the GUID on the workspace's " +
            "Overview page), or list workspaces in a config file."
          : 'Set "workspace" in the config file or CASEFILE_SENTINEL_WORKSPACE to one of them.',
      },
    );
  }
  const defaultWorkspace = lookupWorkspace(wanted, workspaces);
  return {
    cloud,
    endpoint,
    authorityHost,
    customAuthorityHost: authorityHost !== cloud.authorityHost,
    tenantId: pick("tenantId", "AZURE_TENANT_ID"),
    clientId: pick("clientId", "AZURE_CLIENT_ID"),
    credential,
    credentialChosen: credentialText !== undefined,
    workspaces,
    defaultWorkspace,
    tables: [...(fromFile.tables ?? []), ...(given.tables ?? [])],
    ...(defaultTimespanMs === undefined ? {} : { defaultTimespanMs }),
    file: file?.path,
    fileGiven: file !== undefined && explicit !== undefined,
    env,
  };
}

/** The window of a query that gives none: the Log Analytics portal's "Last 24 hours". */
export const DEFAULT_TIMESPAN = "24h";

/**
 * A `defaultTimespan` setting in ms: a positive KQL timespan, or `none` (undefined).
 *
 * @throws {SentinelConfigError} for anything else.
 */
function defaultTimespanOf(text: string, file: string | undefined): number | undefined {
  if (/^\s*none\s*$/i.test(text)) return undefined;
  const micros = readKqlTimespan(text.trim());
  if (micros === undefined || micros <= 0n) {
    throw new SentinelConfigError(
      `defaultTimespan ${JSON.stringify(text)} is not a timespan`,
      {
        file,
        hint: 'Give a KQL timespan such as "24h" or "7d", or "none" to query the whole retention.',
      },
    );
  }
  return Number(micros / 1000n);
}

/**
 * The workspace `name` names: a friendly name from the config, a workspace id, or an Azure
 * resource id.
 *
 * @throws {SentinelConfigError} when it is none of these.
 */
export function lookupWorkspace(
  name: string,
  workspaces: ReadonlyMap<string, ResolvedWorkspace>,
): ResolvedWorkspace {
  const known = workspaces.get(name) ??
    [...workspaces.values()].find((w) => w.name.toLowerCase() === name.toLowerCase());
  if (known) return known;
  if (isWorkspaceId(name)) return { name, id: name.toLowerCase() };
  if (isResourceId(name)) return { name, resourceId: name };
  const suggestion = didYouMean(name, workspaces.keys());
  throw new SentinelConfigError(
    `'${name}' is neither a configured workspace nor a workspace id${
      suggestion ? `. ${suggestion}` : ""
    }`,
    {
      hint: workspaces.size > 0
        ? `Configured workspaces: ${[...workspaces.keys()].join(", ")}. A workspace id is the ` +
          "GUID on the workspace's Overview page (not its name)."
        : "Give the workspace id: the GUID on the workspace's Overview page (not its name).",
    },
  );
}

/** `https://host[/path]` with `/v1` appended unless it is there. */
export function apiBase(endpoint: string): string {
  const base = httpsUrl(endpoint, "query endpoint", "https://api.loganalytics.io");
  return /\/v1$/i.test(base) ? base : `${base}/v1`;
}

/**
 * A Microsoft Entra ID authority host: an `https://host[/path]` URL without a trailing
 * slash, query or fragment.
 */
export function authorityHostOf(text: string): string {
  const host = httpsUrl(text, "authority host", "https://login.microsoftonline.com");
  const url = new URL(host);
  if (url.search !== "" || url.hash !== "") {
    throw new SentinelConfigError(`The authority host '${text}' has a query or fragment`, {
      hint: "Give only the scheme, host and (optional) path, such as " +
        "https://login.microsoftonline.com; the tenant is set with AZURE_TENANT_ID.",
    });
  }
  return host;
}

function httpsUrl(text: string, what: string, example: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new SentinelConfigError(`The ${what} '${text}' is not a URL`, {
      cause: error,
      hint: `Give an https URL such as ${example}.`,
    });
  }
  if (url.protocol !== "https:") {
    throw new SentinelConfigError(`The ${what} '${text}' is not https`, {
      hint: what === "query endpoint"
        ? "Log Analytics is only reachable over https; tokens are never sent in clear text."
        : "Microsoft Entra ID is only reachable over https; secrets and tokens are never " +
          "sent in clear text.",
    });
  }
  if (url.username !== "" || url.password !== "") {
    throw new SentinelConfigError(`The ${what} has a user name or password in it`, {
      hint: `Give the URL without credentials, such as ${example}.`,
    });
  }
  return url.href.replace(/\/+$/, "");
}

function defaultConfigPath(env: EnvReader): string | undefined {
  const xdg = env("XDG_CONFIG_HOME");
  const home = env("HOME") ?? env("USERPROFILE");
  if (xdg) return join(xdg, "casefile", "sentinel.json");
  if (home) return join(home, ".config", "casefile", "sentinel.json");
  return undefined;
}

async function readConfigFile(
  path: string,
  required: boolean,
): Promise<{ path: string; config: SentinelConfig } | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!required && (error instanceof Deno.errors.NotFound || isNotCapable(error))) {
      return undefined;
    }
    throw new SentinelConfigError(`Cannot read the Sentinel config file ${path}`, {
      file: path,
      cause: error,
      hint: error instanceof Deno.errors.NotFound
        ? "Create it, or point CASEFILE_SENTINEL_CONFIG at the right file."
        : "Check the file's permissions.",
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SentinelConfigError(
      `The Sentinel config file ${path} is not valid JSON (${(error as Error).message})`,
      { file: path, cause: error, hint: "Fix the JSON; the README shows an example." },
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SentinelConfigError(`The Sentinel config file ${path} must hold a JSON object`, {
      file: path,
    });
  }
  checkConfig(value as Record<string, unknown>, path);
  return { path, config: value as SentinelConfig };
}

function isNotCapable(error: unknown): boolean {
  return error instanceof Error && error.name === "NotCapable";
}

function checkConfig(config: object, where: string): void {
  const file = where === "the options" ? undefined : where;
  for (const [key, value] of Object.entries(config)) {
    rejectSecret(key, where);
    if (!FILE_KEYS.includes(key)) {
      const close = closestNames(key, FILE_KEYS.filter((k) => !k.startsWith("$")));
      throw new SentinelConfigError(
        `Unknown setting '${key}' in ${where}${
          close.length ? `. Did you mean '${close[0]}'?` : ""
        }`,
        { file, hint: `Settings: ${FILE_KEYS.filter((k) => !k.startsWith("$")).join(", ")}.` },
      );
    }
    if (key === "workspaces") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new SentinelConfigError(`'workspaces' in ${where} must map names to workspaces`, {
          file,
          hint: 'Example: "workspaces": { "prod": "8f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6" }',
        });
      }
      for (const entry of Object.values(value)) {
        if (typeof entry === "object" && entry !== null) {
          for (const inner of Object.keys(entry)) {
            rejectSecret(inner, where);
            if (!WORKSPACE_KEYS.includes(inner)) {
              throw new SentinelConfigError(`Unknown workspace setting '${inner}' in ${where}`, {
                file,
                hint: `A workspace has ${WORKSPACE_KEYS.join(", ")}.`,
              });
            }
          }
        }
      }
    }
    if (key === "tables" && (!Array.isArray(value) || value.some((t) => typeof t !== "string"))) {
      throw new SentinelConfigError(`'tables' in ${where} must be a list of table names`, { file });
    }
  }
}

function rejectSecret(key: string, where: string): void {
  if (!SECRET_KEY.test(key)) return;
  throw new SentinelConfigError(
    `'${key}' looks like a secret; casefile does not read secrets from ${where}`,
    {
      file: where === "the options" ? undefined : where,
      hint: "Remove it, and give secrets through the environment (AZURE_CLIENT_SECRET, " +
        "AZURE_CLIENT_CERTIFICATE_PATH, AZURE_CLIENT_CERTIFICATE_PASSWORD) or sign in with " +
        "`az login`.",
    },
  );
}

function cloudOf(text: string, file?: string): CloudSettings {
  const name = CLOUD_ALIASES[text.toLowerCase().replace(/[^a-z]/g, "")];
  if (name) return CLOUDS[name];
  throw new SentinelConfigError(`Unknown Azure cloud '${text}'`, {
    file,
    hint: "Clouds: public, usgov, china.",
  });
}

function credentialOf(text: string, file?: string): CredentialKind {
  const kind = text.toLowerCase() as CredentialKind;
  if (CREDENTIAL_KINDS.includes(kind)) return kind;
  const suggestion = didYouMean(text, CREDENTIAL_KINDS);
  throw new SentinelConfigError(
    `Unknown credential kind '${text}'${suggestion ? `. ${suggestion}` : ""}`,
    { file, hint: `Credential kinds: ${CREDENTIAL_KINDS.join(", ")}.` },
  );
}

function workspaceOf(
  name: string,
  value: string | WorkspaceConfig,
  file?: string,
): ResolvedWorkspace {
  const entry: WorkspaceConfig = typeof value === "string"
    ? (isResourceId(value) ? { resourceId: value } : { id: value })
    : value;
  if (entry.id !== undefined && !isWorkspaceId(entry.id)) {
    throw new SentinelConfigError(
      `Workspace '${name}' has id '${entry.id}', which is not a workspace id`,
      {
        file,
        hint: "A workspace id is the GUID on the workspace's Overview page " +
          "(like 8f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6), not the workspace's name.",
      },
    );
  }
  if (entry.resourceId !== undefined && !isResourceId(entry.resourceId)) {
    throw new SentinelConfigError(
      `Workspace '${name}' has resourceId '${entry.resourceId}', which is not an Azure ` +
        "resource id",
      { file, hint: "A resource id looks like /subscriptions/<id>/resourceGroups/<rg>/..." },
    );
  }
  if ((entry.id === undefined) === (entry.resourceId === undefined)) {
    throw new SentinelConfigError(`Workspace '${name}' needs exactly one of id and resourceId`, {
      file,
    });
  }
  return {
    name,
    id: entry.id?.toLowerCase(),
    resourceId: entry.resourceId,
    description: entry.description,
  };
}
