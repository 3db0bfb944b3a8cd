/**
 * The Azure Data Explorer (Kusto) provider: KQL queries against a cluster's database
 * through Microsoft's client `azure-kusto-data` and `@azure/identity` credentials, with
 * results typed like the local engine's (same query → same Kusto types and Polars dtypes).
 *
 * - Tables and schemas from `.show database ['db'] schema as json` (one control command).
 * - Client request properties: `servertimeout`, `truncationmaxrecords`, `query_now` (from
 *   `QueryOptions.now`), and `timespan` as `query_datetimescope_column/from/to` on
 *   `TimeGenerated` (start inclusive, end exclusive).
 * - `parameters` are sent as real Kusto query parameters (`declare query_parameters(...)`
 *   and the request's `Parameters`), never spliced into the text.
 * - Partial failures and truncation (errors in the data, `QueryCompletionInformation` or
 *   `DataSetCompletion`) keep the rows they came with and carry a `partial` or `truncated`
 *   warning; `truncation: "error"` throws instead.
 * - `progressive` (default: on when `onProgress` is given) asks for a progressive answer
 *   (`results_progressive_enabled`): the fragments are read as they stream in, reported as
 *   rows received, and merged exactly into the same frame as the whole-table answer; a
 *   connection dropped mid-fragments is an {@link AdxNetworkError}, never a partial frame.
 * - 429 is retried as `Retry-After` says, within bounds; `signal` aborts the request in
 *   flight and sends `.cancel query` with its client request id, so the cluster stops it
 *   too (where the principal may; otherwise the client-side abort stands).
 *
 * @module
 */
import type { TokenCredential } from "@azure/identity";
import { Agent } from "node:https";
import { rootCertificates } from "node:tls";
import type { Provider, QueryOptions, QueryResult, QueryWarning, TableInfo } from "../provider.ts";
import { UnknownTableError } from "../errors.ts";
import { checkOptions, defineOptions } from "../../options.ts";
import type { ColumnSchema, TableSchema } from "../../schema/types.ts";
import { kustoTypeFromName } from "../../schema/types.ts";
import { formatKqlDatetime } from "../../kql/syntax.ts";
import { KustoWire, loadKusto, type RetrySettings, type StreamProgress } from "./_client.ts";
import { readV2, ShapeError, tableToFrame, type WireTable } from "./_results.ts";
import { AdxConfigError, AdxError, AdxQueryError, AdxResponseError } from "./errors.ts";

export type { RetrySettings, TokenCredential };

/** How the provider signs in, when not given a credential object. */
export type AdxCredentialKind =
  | "default"
  | "azure-cli"
  | "environment"
  | "managed-identity"
  | "device-code";

/**
 * How a provider signs in: a credential kind, `token` (`CASEFILE_ADX_TOKEN`, through
 * {@link adxTokenCredential}) or `custom` (a credential object given in code).
 */
export type AdxSignIn = AdxCredentialKind | "token" | "custom";

const SIGN_IN_TEXT: Record<AdxSignIn, string> = {
  token: "the token in CASEFILE_ADX_TOKEN",
  custom: "a credential given in code",
  default: "the default Azure credential chain",
  "azure-cli": "the Azure CLI",
  environment: "credentials from the environment",
  "managed-identity": "a managed identity",
  "device-code": "device-code sign-in",
};

/** Reads an environment variable (default: `Deno.env`). */
export type AdxEnvReader = (name: string) => string | undefined;

/** Options of {@link openAdxProvider}. */
export interface AdxProviderOptions {
  /** The cluster URL, e.g. `https://help.kusto.windows.net` (env `CASEFILE_ADX_CLUSTER`). */
  cluster?: string;
  /** The database (env `CASEFILE_ADX_DATABASE`). */
  database?: string;
  /**
   * A credential kind (default: `CASEFILE_ADX_TOKEN` when set, else `default`), or a ready
   * `TokenCredential`.
   */
  credential?: AdxCredentialKind | TokenCredential;
  /** Another Microsoft Entra ID sign-in host (a sovereign cloud, the loopback tenant). */
  authorityHost?: string;
  /** The tenant to sign in to (default: `AZURE_TENANT_ID`, else the credential's own). */
  tenantId?: string;
  /** Extra CA certificates (PEM) to trust beside the system's (a TLS-inspecting proxy). */
  caCertificates?: readonly string[];
  /** Server timeout of each query, in seconds (default: the service's, 4 min). */
  serverTimeoutSeconds?: number;
  /** Client-side timeout of each request, in ms (default: the server timeout + 30 s). */
  timeoutMs?: number;
  /** Rows after which the service cuts a result (`truncationmaxrecords`; service default 500 000). */
  maxRecords?: number;
  /** Retries of 429 and dropped connections (default: 3 retries, 60 s of waiting). */
  retry?: Partial<RetrySettings>;
  /** Environment variables are read from here (default: `Deno.env`). */
  env?: AdxEnvReader;
  /** Shows sign-in instructions of the device-code credential (default: standard error). */
  prompt?: (message: string) => void;
}

/** A value of a Kusto query parameter. */
export type AdxParameterValue = string | number | bigint | boolean | Date;

/** Options of {@link AdxProvider.query}. */
export interface AdxQueryOptions extends QueryOptions {
  /**
   * Query parameters, sent as Kusto query parameters: the query is prefixed with
   * `declare query_parameters(name:type, ...)` and the values travel in the request's
   * `Parameters` (a `number` is `real`, or `long` when whole; a `Date` is `datetime`).
   */
  parameters?: Readonly<Record<string, AdxParameterValue>>;
  /**
   * What to do with a result the service cut at a limit: `warn` (default) returns it with a
   * `truncated` warning; `error` throws.
   */
  truncation?: "warn" | "error";
  /** Server timeout in seconds (overrides the provider's). */
  serverTimeoutSeconds?: number;
  /** Client-side timeout in ms (overrides the provider's). */
  timeoutMs?: number;
  /** `truncationmaxrecords` (overrides the provider's). */
  maxRecords?: number;
  /**
   * Ask for a progressive answer (`results_progressive_enabled`): the service streams the
   * result as fragments, read as they come and shown through `onProgress` (rows received,
   * the service's percent); the merged result is the same frame as the whole-table answer.
   * Default: on when `onProgress` is given.
   */
  progressive?: boolean;
}

const ADX_PROVIDER_OPTIONS = defineOptions<AdxProviderOptions>("openAdxProvider", {
  cluster: { kind: "string", aliases: ["url", "clusterUrl", "endpoint"] },
  database: { kind: "string", aliases: ["db"] },
  credential: { kind: ["string", "object"], secret: true, aliases: ["auth", "signIn"] },
  authorityHost: { kind: "string", aliases: ["authority"] },
  tenantId: { kind: "string", aliases: ["tenant"] },
  caCertificates: { kind: "strings", aliases: ["ca", "caCerts"] },
  serverTimeoutSeconds: { kind: "number", aliases: ["timeoutSeconds"] },
  timeoutMs: { kind: "number", aliases: ["timeout"] },
  maxRecords: { kind: "number", aliases: ["truncationMaxRecords", "maxRows"] },
  retry: "object",
  env: "function",
  prompt: "function",
});

const ADX_QUERY_OPTIONS = defineOptions<AdxQueryOptions>("provider.query", {
  timespan: { kind: "object", aliases: ["window", "range", "timeRange"] },
  signal: "object",
  now: "date",
  onProgress: "function",
  parameters: { kind: "object", aliases: ["params"] },
  truncation: { oneOf: ["warn", "error"] },
  serverTimeoutSeconds: { kind: "number", aliases: ["timeoutSeconds"] },
  timeoutMs: { kind: "number", aliases: ["timeout"] },
  maxRecords: { kind: "number", aliases: ["truncationMaxRecords", "maxRows"] },
  progressive: { kind: "boolean", aliases: ["streamed", "stream"] },
});

const denoEnv: AdxEnvReader = (name) => {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
};

/**
 * Opens a database of an Azure Data Explorer cluster as a provider. Checks the settings and
 * prepares the credential; nothing is sent until the first query.
 *
 * @param options Cluster, database, credential and limits.
 * @returns The provider; call `close()` when done with it.
 * @throws {AdxConfigError} when the cluster or database is missing, or the cluster is not an
 *   `https://` URL.
 *
 * @example Open a cluster with a token from elsewhere
 * ```ts
 * import assert from "node:assert/strict";
 * import { openAdxProvider } from "./adx_provider.ts";
 *
 * const provider = await openAdxProvider({
 *   cluster: "https://help.kusto.windows.net",
 *   database: "Samples",
 *   credential: {
 *     getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }),
 *   },
 *   env: () => undefined,
 * });
 * try {
 *   assert.equal(provider.id, "adx:https://help.kusto.windows.net/Samples");
 *   assert.match(provider.description, /^Azure Data Explorer database Samples/);
 * } finally {
 *   provider.close();
 * }
 * ```
 */
export async function openAdxProvider(options: AdxProviderOptions = {}): Promise<AdxProvider> {
  checkOptions("openAdxProvider", options, ADX_PROVIDER_OPTIONS);
  const env = options.env ?? denoEnv;
  const clusterText = options.cluster ?? env("CASEFILE_ADX_CLUSTER");
  const database = options.database ?? env("CASEFILE_ADX_DATABASE");
  if (!clusterText) {
    throw new AdxConfigError("No Azure Data Explorer cluster was given", {
      hint: "Pass cluster (https://<name>.<region>.kusto.windows.net), or set " +
        "CASEFILE_ADX_CLUSTER.",
    });
  }
  let url: URL;
  try {
    url = new URL(clusterText);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "https:" || url.pathname.replace(/\/+$/, "") !== "") {
    throw new AdxConfigError(`The cluster '${clusterText}' is not an https:// cluster URL`, {
      hint: "Give the cluster's URI as the portal shows it, e.g. " +
        "https://mycluster.westeurope.kusto.windows.net (no database in the path).",
    });
  }
  if (!database) {
    throw new AdxConfigError(`No database was given for ${url.origin}`, {
      hint: "Pass database, or set CASEFILE_ADX_DATABASE; `.show databases` lists them.",
    });
  }
  const kusto = await loadKusto();
  const { credential, signIn } = await makeCredential(options, env);
  return new AdxProvider(kusto, url.origin, database, credential, signIn, options);
}

/**
 * A credential that gives the bearer token in `CASEFILE_ADX_TOKEN` (one obtained with
 * `az account get-access-token --resource https://<cluster>`, or the loopback twin's), or
 * undefined when it is not set. The token is never printed or recorded.
 *
 * @param env Where environment variables are read (default: `Deno.env`).
 * @returns The credential, or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adxTokenCredential } from "./adx_provider.ts";
 *
 * const env = (name: string) => name === "CASEFILE_ADX_TOKEN" ? "t0k3n" : undefined;
 * assert.equal((await adxTokenCredential(env)?.getToken([]))?.token, "t0k3n");
 * assert.equal(adxTokenCredential(() => undefined), undefined);
 * ```
 */
export function adxTokenCredential(env: AdxEnvReader = denoEnv): TokenCredential | undefined {
  const token = env("CASEFILE_ADX_TOKEN");
  if (!token) return undefined;
  return {
    getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

async function makeCredential(
  options: AdxProviderOptions,
  env: AdxEnvReader,
): Promise<{ credential: TokenCredential; signIn: AdxSignIn }> {
  if (typeof options.credential === "object") {
    return { credential: options.credential, signIn: "custom" };
  }
  if (options.credential === undefined) {
    const token = adxTokenCredential(env);
    if (token) return { credential: token, signIn: "token" };
  }
  const identity = await import("@azure/identity");
  const tenantId = options.tenantId ?? env("AZURE_TENANT_ID");
  // The credential's own HTTPS calls trust caCertificates too (a TLS-inspecting proxy).
  const http = options.caCertificates?.length
    ? { agent: new Agent({ ca: [...rootCertificates, ...options.caCertificates] }) }
    : {};
  const authority = options.authorityHost
    ? { ...http, authorityHost: options.authorityHost, disableInstanceDiscovery: true }
    : http;
  const kind = options.credential ?? "default";
  switch (kind) {
    case "default":
      return {
        credential: new identity.DefaultAzureCredential({ ...authority, tenantId }),
        signIn: "default",
      };
    case "azure-cli":
      return { credential: new identity.AzureCliCredential({ tenantId }), signIn: "azure-cli" };
    case "environment":
      return {
        credential: new identity.EnvironmentCredential(authority),
        signIn: "environment",
      };
    case "managed-identity":
      return {
        credential: env("AZURE_CLIENT_ID")
          ? new identity.ManagedIdentityCredential({ ...http, clientId: env("AZURE_CLIENT_ID")! })
          : new identity.ManagedIdentityCredential(http),
        signIn: "managed-identity",
      };
    case "device-code":
      return {
        credential: new identity.DeviceCodeCredential({
          ...authority,
          tenantId,
          userPromptCallback: (info) => (options.prompt ?? console.error)(info.message),
        }),
        signIn: "device-code",
      };
    default:
      throw new AdxConfigError(`Unknown credential kind '${String(kind)}'`, {
        hint: "Use default, azure-cli, environment, managed-identity or device-code, or pass a " +
          "TokenCredential.",
      });
  }
}

/** An Azure Data Explorer database. Create with {@link openAdxProvider}. */
export class AdxProvider implements Provider {
  /** Always `adx`. */
  readonly kind = "adx" as const;
  readonly id: string;
  readonly description: string;
  readonly referenceTime?: Date = undefined;
  /** The cluster URL. */
  readonly origin: string;
  /** The cluster URL (`https://name.region.kusto.windows.net`). */
  readonly cluster: string;
  /** The database queried. */
  readonly database: string;
  /** How it signs in (never the token itself). */
  readonly signIn: AdxSignIn;
  readonly #wire: KustoWire;
  readonly #options: AdxProviderOptions;
  #tables?: Promise<TableInfo[]>;

  /** Use {@link openAdxProvider}. */
  constructor(
    kusto: Awaited<ReturnType<typeof loadKusto>>,
    cluster: string,
    database: string,
    credential: TokenCredential,
    signIn: AdxSignIn,
    options: AdxProviderOptions,
  ) {
    this.signIn = signIn;
    this.cluster = cluster;
    this.origin = cluster;
    this.database = database;
    this.#options = options;
    this.id = `adx:${cluster}/${database}`;
    this.description = `Azure Data Explorer database ${database} on ${cluster}, signed in ` +
      `with ${SIGN_IN_TEXT[signIn]}`;
    this.#wire = new KustoWire(kusto, cluster, database, credential, {
      caCertificates: options.caCertificates,
      retry: options.retry,
      hint: signIn === "token"
        ? "The token in CASEFILE_ADX_TOKEN was refused: it may have expired (about an hour) " +
          `or be for another cluster. Get a new one: az account get-access-token --resource ${cluster}`
        : "Sign in again (`az login`), or check the credential's settings " +
          "(AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET).",
    });
  }

  /** Releases pooled connections. */
  close(): void {
    this.#wire.close();
  }

  /**
   * The database's tables with their schemas (`.show database ['db'] schema as json`).
   * Cached; {@link refresh} forgets.
   */
  tables(): Promise<TableInfo[]> {
    if (!this.#tables) {
      this.#tables = this.#discover();
      this.#tables.catch(() => (this.#tables = undefined));
    }
    return this.#tables;
  }

  /** Forgets the cached table list. */
  refresh(): void {
    this.#tables = undefined;
  }

  /**
   * One table's schema.
   *
   * @throws {UnknownTableError} when the database has no such table.
   */
  async schema(table: string): Promise<TableSchema> {
    const tables = await this.tables();
    const found = tables.find((t) => t.name === table);
    if (!found) throw new UnknownTableError(table, this.description, tables.map((t) => t.name));
    return { name: found.name, columns: found.columns };
  }

  async #discover(): Promise<TableInfo[]> {
    const command = `.show database ['${this.database.replaceAll("'", "\\'")}'] schema as json`;
    const body = await this.#wire.call(command, { properties: this.#wire.properties() });
    const table = (body as { Tables?: WireTable[] })?.Tables?.[0];
    const cell = (table?.Rows?.[0] as unknown[] | undefined)?.[0];
    let schema: {
      Databases?: Record<
        string,
        {
          Tables?: Record<
            string,
            { Name: string; OrderedColumns: { Name: string; CslType: string }[] }
          >;
        }
      >;
    };
    try {
      schema = typeof cell === "string" ? JSON.parse(cell) : cell as typeof schema;
    } catch {
      schema = {};
    }
    const databases = schema?.Databases;
    if (!databases) {
      throw new AdxResponseError(
        `${this.cluster} answered the schema command in an unexpected shape`,
        {
          hint: "Is the cluster URL an Azure Data Explorer cluster?",
        },
      );
    }
    const db = Object.values(databases)[0] ?? {};
    return Object.values(db.Tables ?? {}).map((t) => ({
      name: t.Name,
      columns: t.OrderedColumns.map((c): ColumnSchema => ({
        name: c.Name,
        type: kustoTypeFromName(c.CslType) ?? "string",
      })),
      source: `${this.cluster}/${this.database}`,
    })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Runs a KQL query.
   *
   * @throws {AdxQueryError} for a query the service rejects (with line and column).
   * @throws {AdxAuthError}, {@link AdxDatabaseNotFoundError}, {@link AdxNetworkError},
   *   {@link AdxThrottledError}, {@link AdxTimeoutError}, {@link AdxResponseError}: each with
   *   a hint.
   * @throws {UnknownTableError} when the query names a table the database lacks.
   * @throws a `DOMException` named `AbortError` when `signal` aborts.
   */
  async query(query: string, options: AdxQueryOptions = {}): Promise<QueryResult> {
    checkOptions("provider.query", options, ADX_QUERY_OPTIONS);
    const started = performance.now();
    options.signal?.throwIfAborted();
    const properties = this.#wire.properties();
    const serverTimeout = options.serverTimeoutSeconds ?? this.#options.serverTimeoutSeconds;
    if (serverTimeout !== undefined) properties.setTimeout(serverTimeout * 1000);
    const clientTimeout = options.timeoutMs ?? this.#options.timeoutMs;
    if (clientTimeout !== undefined) properties.setClientTimeout(clientTimeout);
    const maxRecords = options.maxRecords ?? this.#options.maxRecords;
    if (maxRecords !== undefined) properties.setOption("truncationmaxrecords", maxRecords);
    if (options.now) properties.setOption("query_now", options.now.toISOString());
    if (options.timespan) {
      properties.setOption("query_datetimescope_column", "TimeGenerated");
      properties.setOption("query_datetimescope_from", options.timespan.start.toISOString());
      properties.setOption("query_datetimescope_to", options.timespan.end.toISOString());
    }
    const progressive = options.progressive ?? options.onProgress !== undefined;
    if (progressive) properties.setOption("results_progressive_enabled", true);
    let csl = query;
    const parameters = Object.entries(options.parameters ?? {});
    if (parameters.length > 0) {
      const declared = parameters.map(([name, value]) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          throw new AdxConfigError(`'${name}' is not a valid query parameter name`, {
            hint: "Parameter names are letters, digits and underscores, not starting with a digit.",
          });
        }
        const { type, text } = parameterOf(value);
        properties.setParameter(name, text);
        return `${name}:${type}`;
      });
      csl = `declare query_parameters(${declared.join(", ")});\n${query}`;
    }
    const warnings: QueryWarning[] = [];
    let body: unknown;
    try {
      body = await this.#wire.call(csl, {
        properties,
        signal: options.signal,
        onRetry: (reason, waitMs, attempt) => {
          options.onProgress?.({
            elapsedMs: performance.now() - started,
            retry: { reason, waitMs, attempt },
            message: `${reason}, retrying in ${Math.ceil(waitMs / 1000)} s`,
          });
        },
        ...(progressive
          ? {
            onFrames: ({ rows, percent }: StreamProgress) =>
              options.onProgress?.({
                elapsedMs: performance.now() - started,
                rows,
                message: `${rows.toLocaleString("en-US")} rows received` +
                  (percent !== undefined ? ` (${percent}%)` : ""),
              }),
          }
          : {}),
      });
    } catch (error) {
      throw await this.#unknownTable(error) ?? error;
    }
    let answer;
    let typed;
    try {
      answer = readV2(body);
      if (!answer.primary) throw new ShapeError("the answer has no PrimaryResult table");
      typed = tableToFrame(answer.primary);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      throw new AdxResponseError(
        `${this.cluster} answered in an unexpected shape: ${error.message}`,
        {
          hint: "A proxy may have cut or changed the answer; try again. Is the cluster URL an " +
            "Azure Data Explorer cluster?",
        },
      );
    }
    if (!answer.complete) {
      warnings.push({
        kind: "partial",
        message: "The answer ended without its completion frame: rows may be missing.",
      });
    }
    if (answer.errors.length > 0) {
      const what = answer.errors.join("; ");
      if (answer.truncated) {
        if (options.truncation === "error") {
          throw new AdxError(`The result was cut at the service's limit: ${what}`, {
            code: "E_QUERY_RESULT_SET_TOO_LARGE",
            hint: "Narrow the query (a shorter time window, `summarize`, `take`, fewer columns), " +
              "or raise maxRecords (truncationmaxrecords) if the cluster allows it.",
          });
        }
        warnings.push({
          kind: "truncated",
          message:
            `Only ${typed.frame.height} rows came back: the service cut the result (${what}). ` +
            "Narrow the query or raise maxRecords.",
        });
      } else {
        warnings.push({
          kind: "partial",
          message: `The service answered with part of the result and an error: ${what}. ` +
            "The rows may be incomplete; run the query again, or narrow it.",
        });
      }
    }
    warnings.push(...typed.warnings);
    return {
      frame: typed.frame,
      schema: { name: "PrimaryResult", columns: typed.schema.columns },
      provider: this.id,
      query,
      ...(options.timespan ? { timespan: options.timespan } : {}),
      rowCount: typed.frame.height,
      durationMs: performance.now() - started,
      warnings,
      ...(answer.render ? { render: answer.render } : {}),
    };
  }

  /** An unknown-table rejection as {@link UnknownTableError}, with the database's tables. */
  async #unknownTable(error: unknown): Promise<Error | undefined> {
    if (!(error instanceof AdxQueryError)) return undefined;
    const named =
      /Failed to resolve table or column expression named '([^']+)'/.exec(error.message) ??
        /Failed to resolve table expression named '([^']+)'/.exec(error.message);
    if (!named) return undefined;
    const known: string[] = await this.tables().then((t) => t.map((x) => x.name), () => []);
    if (known.includes(named[1])) return undefined;
    return new UnknownTableError(named[1], this.description, known);
  }
}

/** Kusto's literal of a non-finite real: `real(+inf)`, `real(-inf)`, `real(nan)`. */
function realSpecial(value: number): string {
  return Number.isNaN(value) ? "real(nan)" : value > 0 ? "real(+inf)" : "real(-inf)";
}

/** The Kusto type and the literal text of a parameter value. */
function parameterOf(value: AdxParameterValue): { type: string; text: string } {
  if (typeof value === "string") return { type: "string", text: value };
  if (typeof value === "boolean") return { type: "bool", text: String(value) };
  if (typeof value === "bigint") return { type: "long", text: String(value) };
  if (value instanceof Date) {
    return {
      type: "datetime",
      text: `datetime(${formatKqlDatetime(BigInt(value.getTime()) * 1000n)})`,
    };
  }
  if (typeof value === "number") {
    return Number.isSafeInteger(value)
      ? { type: "long", text: String(value) }
      : { type: "real", text: Number.isFinite(value) ? String(value) : realSpecial(value) };
  }
  throw new AdxConfigError(`A query parameter of type ${typeof value} cannot be sent`, {
    hint: "Parameters are strings, numbers, bigints, booleans or Dates.",
  });
}
