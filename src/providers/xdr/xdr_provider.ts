/**
 * The Microsoft Defender XDR advanced hunting provider: KQL queries through Microsoft Graph
 * `POST /v1.0/security/runHuntingQuery`, signed in with `@azure/identity` (scope
 * `https://graph.microsoft.com/.default`), with results typed like the local engine's.
 *
 * Why `@azure/identity` + `fetch` rather than `@microsoft/microsoft-graph-client`: the one
 * call is a JSON POST, and what matters around it (Retry-After of a 429 turned into a status
 * for the person waiting, a CPU-quota 429 told apart from call throttling and not retried,
 * Ctrl-C and a client-side timeout cancelling the request in flight, the exact error body
 * kept) is exactly what the Graph client's middleware would do its own way and hide. It
 * would also be one more dependency for one endpoint; `@azure/identity` is already here.
 *
 * Advanced hunting's limits, surfaced rather than met by surprise:
 * - 30 days of data: a window (or an `ago(...)` of any timespan literal: `31d`, `800h`,
 *   `timespan(31d)`) reaching further back gets a `window` warning (Defender keeps 30 days;
 *   older rows are not there).
 * - 100,000 rows per result: a result of exactly that many rows gets a `truncated` warning
 *   (Graph cuts silently; casefile never does).
 * - 10 minutes per query: the service's timeout, and a client-side one of 10½ minutes, are
 *   an {@link XdrTimeoutError} with what to narrow.
 * - Quotas: 429 "too many calls" is retried as `Retry-After` says (reported on `onProgress`);
 *   a 429 for the tenant's CPU allocation is an {@link XdrQuotaError} that says so.
 *
 * @module
 */
import { SENTINEL_SCHEMAS } from "../../schema/sentinel.ts";
import { type KustoType, kustoTypeFromName, type TableSchema } from "../../schema/types.ts";
import { formatDuration } from "../../duration.ts";
import { closestNames } from "../../errors.ts";
import type {
  Provider,
  QueryOptions,
  QueryResult,
  QueryWarning,
  TableInfo,
  TimeRange,
} from "../provider.ts";
import { UnknownTableError } from "../errors.ts";
import { checkOptions, defineOptions } from "../../options.ts";
import {
  authHint,
  createCredential,
  isCredentialKind,
  type TokenCredential,
  XDR_CLOUDS,
  type XdrCloud,
  type XdrCredentialKind,
  type XdrEnvReader,
} from "./_credentials.ts";
import { huntingFrame, HuntingShapeError, readHuntingBody } from "./_results.ts";
import { parseExact } from "../_exact_json.ts";
import { readKqlTimespan } from "../../kql/syntax.ts";
import {
  XdrAuthError,
  XdrConfigError,
  XdrError,
  XdrNetworkError,
  XdrQueryError,
  XdrQuotaError,
  XdrResponseError,
  XdrThrottledError,
  XdrTimeoutError,
} from "./errors.ts";

export type { TokenCredential, XdrCloud, XdrCredentialKind, XdrEnvReader };

/** Advanced hunting returns at most this many rows. */
export const XDR_MAX_ROWS = 100_000;
/** Advanced hunting's data retention, in days. */
export const XDR_RETENTION_DAYS = 30;
/** Advanced hunting's limit on one query's running time (10 minutes), in ms. */
export const XDR_QUERY_LIMIT_MS = 600_000;

const DAY_MS = 86_400_000;

/** The advanced hunting tables casefile knows the schemas of (from `SENTINEL_SCHEMAS`). */
export const XDR_TABLES: readonly TableSchema[] = Object.values(SENTINEL_SCHEMAS)
  .filter((t) => /^(Device|Identity|Email|CloudApp|Alert|Url)/.test(t.name));

/** Retries of throttled calls (429 with Retry-After) and dropped connections. */
export interface XdrRetrySettings {
  /** Retries at most (default 3). */
  maxRetries: number;
  /** Total waiting at most, in ms (default 60 s): a longer Retry-After is an error at once. */
  maxWaitMs: number;
}

/** Options of {@link openXdrProvider}. */
export interface XdrProviderOptions {
  /**
   * How to sign in: a credential kind (default: `CASEFILE_XDR_CREDENTIAL`, else `default`),
   * or a ready `TokenCredential`. With neither given and `CASEFILE_XDR_TOKEN` set, that
   * bearer token is used (never printed or recorded).
   */
  credential?: XdrCredentialKind | TokenCredential;
  /** `public` (default), `usgov` or `dod` (default: `CASEFILE_XDR_CLOUD`). */
  cloud?: XdrCloud;
  /**
   * Another Graph endpoint than the cloud's (a proxy, the loopback twin); the API lives
   * under `/v1.0` of it. Default: `CASEFILE_XDR_ENDPOINT`, else the cloud's.
   */
  endpoint?: string;
  /** Another Entra ID sign-in host than the cloud's (default: `CASEFILE_XDR_AUTHORITY_HOST`). */
  authorityHost?: string;
  /** The tenant to sign in to (default: `AZURE_TENANT_ID`). */
  tenantId?: string;
  /** An app registration or user-assigned identity (default: `AZURE_CLIENT_ID`). */
  clientId?: string;
  /**
   * Extra CA certificates (PEM) to trust beside the system's, for queries and sign-in.
   * (`NODE_EXTRA_CA_CERTS`, which Deno reads at start for `fetch` and `node:https` alike,
   * needs no option.)
   */
  caCertificates?: readonly string[];
  /** Environment variables are read from here (default: `Deno.env`). */
  env?: XdrEnvReader;
  /** Client-side timeout of each request in ms (default: 10 minutes + 30 s). */
  timeoutMs?: number;
  /** Retries of 429 and dropped connections. */
  retry?: Partial<XdrRetrySettings>;
  /** The row limit a result is cut at (default {@link XDR_MAX_ROWS}). */
  maxRows?: number;
  /** The clock the 30-day window is measured against (default: the system's). */
  clock?: () => Date;
  /** Shows sign-in instructions of the device-code credential (default: standard error). */
  prompt?: (message: string) => void;
}

const XDR_QUERY_OPTIONS = defineOptions<QueryOptions>("provider.query", {
  timespan: { kind: "object", aliases: ["window", "range", "timeRange"] },
  signal: "object",
  now: "date",
  onProgress: "function",
});
const XDR_PROVIDER_OPTIONS = defineOptions<XdrProviderOptions>("openXdrProvider", {
  credential: { kind: ["string", "object"], secret: true, aliases: ["auth", "signIn"] },
  cloud: "string",
  endpoint: { kind: "string", aliases: ["url"] },
  authorityHost: { kind: "string", aliases: ["authority"] },
  tenantId: { kind: "string", aliases: ["tenant"] },
  clientId: { kind: "string", aliases: ["client", "appId"] },
  caCertificates: { kind: "strings", aliases: ["ca", "caCerts"] },
  env: "function",
  timeoutMs: { kind: "number", aliases: ["timeout"] },
  retry: "object",
  maxRows: { kind: "number", aliases: ["maxRecords", "limit"] },
  clock: "function",
  prompt: "function",
});

/**
 * Opens Defender XDR advanced hunting as a provider. Makes the credential; nothing is sent
 * until the first query.
 *
 * @param options Credential, cloud, endpoint and limits; all optional.
 * @returns The provider; call `close()` when done with it.
 * @throws {XdrConfigError} for an unknown cloud or credential kind, or a credential kind
 *   missing its settings, before any network call.
 *
 * @example Open with a token from elsewhere
 * ```ts
 * import assert from "node:assert/strict";
 * import { openXdrProvider } from "./xdr_provider.ts";
 *
 * const provider = await openXdrProvider({
 *   credential: {
 *     getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }),
 *   },
 *   env: () => undefined,
 * });
 * try {
 *   assert.equal(provider.kind, "xdr");
 *   assert.equal(provider.endpoint, "https://graph.microsoft.com");
 *   assert.ok((await provider.tables()).some((t) => t.name === "DeviceProcessEvents"));
 * } finally {
 *   provider.close();
 * }
 * ```
 */
export async function openXdrProvider(options: XdrProviderOptions = {}): Promise<XdrProvider> {
  checkOptions("openXdrProvider", options, XDR_PROVIDER_OPTIONS);
  const env = options.env ?? denoEnv;
  const cloudName = options.cloud ?? env("CASEFILE_XDR_CLOUD") ?? "public";
  if (!(cloudName in XDR_CLOUDS)) {
    throw new XdrConfigError(`Unknown cloud '${cloudName}' for Defender XDR`, {
      hint: "Use public, usgov (US Government L4) or dod (US Government L5); advanced " +
        "hunting through Graph is not served in China.",
    });
  }
  const cloud = XDR_CLOUDS[cloudName as XdrCloud];
  const endpoint = trimUrl(options.endpoint ?? env("CASEFILE_XDR_ENDPOINT") ?? cloud.graph);
  const custom = options.authorityHost ?? env("CASEFILE_XDR_AUTHORITY_HOST");
  const authorityHost = trimUrl(custom ?? cloud.authorityHost);
  for (const [name, url] of [["endpoint", endpoint], ["authorityHost", authorityHost]]) {
    if (!/^https:\/\/[^/]/.test(url)) {
      throw new XdrConfigError(`The ${name} '${url}' is not an https URL`, {
        hint: `Give the ${name} as https://host[:port].`,
      });
    }
  }
  const caCertificates = options.caCertificates;
  const tenantId = options.tenantId ?? env("AZURE_TENANT_ID");
  const clientId = options.clientId ?? env("AZURE_CLIENT_ID");
  let credential: TokenCredential;
  let signIn: XdrCredentialKind | "token" | "custom";
  const token = env("CASEFILE_XDR_TOKEN");
  if (typeof options.credential === "object") {
    credential = options.credential;
    signIn = "custom";
  } else if (options.credential === undefined && token) {
    credential = staticToken(token);
    signIn = "token";
  } else {
    const kind = options.credential ?? env("CASEFILE_XDR_CREDENTIAL") ?? "default";
    if (!isCredentialKind(kind)) {
      throw new XdrConfigError(`Unknown credential kind '${kind}'`, {
        hint: "Use default, azure-cli, environment, managed-identity, device-code, " +
          "interactive-browser or client-secret.",
      });
    }
    credential = await createCredential({
      kind,
      authorityHost,
      customAuthorityHost: custom !== undefined,
      tenantId,
      clientId,
      env,
      caCertificates,
      prompt: options.prompt ?? ((message) => console.error(message)),
    });
    signIn = kind;
  }
  return new XdrProvider({
    cloud: cloud.name,
    endpoint,
    authorityHost,
    customAuthorityHost: custom !== undefined,
    tenantId,
    credential,
    signIn,
    caCertificates,
    timeoutMs: options.timeoutMs ?? XDR_QUERY_LIMIT_MS + 30_000,
    retry: { maxRetries: 3, maxWaitMs: 60_000, ...options.retry },
    maxRows: options.maxRows ?? XDR_MAX_ROWS,
    clock: options.clock ?? (() => new Date()),
  });
}

interface Settings {
  readonly cloud: XdrCloud;
  readonly endpoint: string;
  readonly authorityHost: string;
  readonly customAuthorityHost: boolean;
  readonly tenantId?: string;
  readonly credential: TokenCredential;
  readonly signIn: XdrCredentialKind | "token" | "custom";
  readonly caCertificates?: readonly string[];
  readonly timeoutMs: number;
  readonly retry: XdrRetrySettings;
  readonly maxRows: number;
  readonly clock: () => Date;
}

/** Defender XDR advanced hunting as a provider; made by {@link openXdrProvider}. */
export class XdrProvider implements Provider {
  /** Always `xdr`. */
  readonly kind = "xdr" as const;
  /** `xdr:<tenant id>` (or `xdr:<cloud>` when the tenant is the credential's own). */
  readonly id: string;
  /** What this provider is connected to, for people. */
  readonly description: string;
  /** The Graph endpoint queried (caches key results on it too). */
  readonly origin: string;
  /** The Graph endpoint queried (without `/v1.0`). */
  readonly endpoint: string;
  /** The cloud. */
  readonly cloud: XdrCloud;
  /** Whether `endpoint` is not the cloud's own (a proxy, the twin). */
  readonly customEndpoint: boolean;
  /** The Entra ID sign-in host, when it is not the cloud's (a proxy, the twin). */
  readonly authorityHost?: string;
  /** The Entra ID sign-in host the credential asks for tokens (the cloud's, or `authorityHost`). */
  readonly signInHost: string;
  /** How the provider signs in (`token` for `CASEFILE_XDR_TOKEN`; never the token). */
  readonly signIn: XdrCredentialKind | "token" | "custom";
  readonly #settings: Settings;
  readonly #client?: Deno.HttpClient;
  readonly #schemas = new Map<string, TableSchema>();

  /** Use {@link openXdrProvider}. */
  constructor(settings: Settings) {
    this.#settings = settings;
    this.cloud = settings.cloud;
    this.endpoint = settings.endpoint;
    this.origin = settings.endpoint;
    this.signIn = settings.signIn;
    this.customEndpoint = settings.endpoint !== XDR_CLOUDS[settings.cloud].graph;
    this.authorityHost = settings.customAuthorityHost ? settings.authorityHost : undefined;
    this.signInHost = settings.authorityHost;
    this.id = `xdr:${settings.tenantId ?? settings.cloud}`;
    this.description = `Defender XDR advanced hunting (${new URL(settings.endpoint).host}` +
      `${settings.tenantId ? `, tenant ${settings.tenantId}` : ""})`;
    this.#client = settings.caCertificates?.length
      ? Deno.createHttpClient({ caCerts: [...settings.caCertificates] })
      : undefined;
    for (const table of XDR_TABLES) this.#schemas.set(table.name, table);
  }

  /**
   * The tables: advanced hunting has no schema API for all tables, so these are the
   * Device*, Identity*, Email*, CloudApp* and Alert* tables casefile knows, plus those
   * whose schema was asked for.
   */
  tables(): Promise<TableInfo[]> {
    return Promise.resolve(
      [...this.#schemas.values()].map((t) => ({ ...t, source: "Defender XDR advanced hunting" })),
    );
  }

  /**
   * One table's schema: a known one, else `T | getschema` sent to advanced hunting.
   *
   * @throws {UnknownTableError} when advanced hunting has no such table.
   */
  async schema(table: string): Promise<TableSchema> {
    const known = this.#schemas.get(table);
    if (known) return { name: known.name, columns: known.columns };
    const result = await this.query(
      `${quoteName(table)} | getschema | project ColumnName, ColumnType`,
    );
    const names = result.frame.getColumn("ColumnName").toArray() as string[];
    const types = result.frame.getColumn("ColumnType").toArray() as string[];
    const schema = {
      name: table,
      columns: names.map((name, i) => ({
        name,
        type: kustoTypeFromName(types[i]) ?? ("string" as KustoType),
      })),
    };
    this.#schemas.set(table, schema);
    return schema;
  }

  /**
   * Runs a KQL query as advanced hunting. `timespan` is sent as Graph's `Timespan`
   * (`start/end`); without it, advanced hunting looks at its last 30 days.
   *
   * @throws {XdrQueryError} for a query advanced hunting rejects, {@link UnknownTableError}
   *   for a table it does not have; {@link XdrAuthError}, {@link XdrThrottledError},
   *   {@link XdrQuotaError}, {@link XdrTimeoutError}, {@link XdrNetworkError},
   *   {@link XdrResponseError}: each with a hint.
   * @throws a `DOMException` named `AbortError` when `signal` aborts.
   */
  async query(query: string, options: QueryOptions = {}): Promise<QueryResult> {
    checkOptions("provider.query", options, XDR_QUERY_OPTIONS);
    options.signal?.throwIfAborted();
    const started = performance.now();
    const warnings = windowWarnings(query, options.timespan, this.#settings.clock());
    const body = {
      Query: query,
      ...(options.timespan
        ? {
          Timespan: `${options.timespan.start.toISOString()}/${options.timespan.end.toISOString()}`,
        }
        : {}),
    };
    const answer = await this.#post(body, options, started);
    let typed;
    try {
      typed = huntingFrame(readHuntingBody(answer));
    } catch (error) {
      if (!(error instanceof HuntingShapeError)) throw error;
      throw new XdrResponseError(
        `Graph's answer is not a hunting result: ${error.message}`,
        this.id,
        {
          status: 200,
          hint: "Check that the endpoint is Microsoft Graph (or a proxy passing it through).",
        },
      );
    }
    const rowCount = typed.frame.height;
    if (rowCount >= this.#settings.maxRows) {
      warnings.push({
        kind: "truncated",
        message:
          `Advanced hunting returns at most ${this.#settings.maxRows.toLocaleString("en-US")} ` +
          "rows and this result has that many: it is probably cut. Narrow the query (a shorter " +
          "window, a where, a summarize) to see all of it.",
      });
    }
    return {
      frame: typed.frame,
      schema: typed.schema,
      provider: this.id,
      query,
      ...(options.timespan ? { timespan: options.timespan } : {}),
      rowCount,
      durationMs: performance.now() - started,
      warnings,
    };
  }

  /** Releases the HTTP client. */
  close(): void {
    this.#client?.close();
  }

  async #post(
    body: { Query: string; Timespan?: string },
    options: QueryOptions,
    started: number,
  ): Promise<unknown> {
    const { retry, timeoutMs, credential } = this.#settings;
    const url = `${this.endpoint}/v1.0/security/runHuntingQuery`;
    const scope = `${new URL(XDR_CLOUDS[this.cloud].graph).origin}/.default`;
    let waited = 0;
    for (let attempt = 0;; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const token = await this.#token(credential, scope, signal, options, timeout);
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json; charset=utf-8",
          },
          body: JSON.stringify(body),
          signal,
          // Never followed: the bearer token is for Graph, not wherever an answer points.
          redirect: "manual",
          ...(this.#client ? { client: this.#client } : {}),
        });
        text = await response.text();
      } catch (error) {
        if (options.signal?.aborted) throw abortError();
        if (timeout.aborted) throw XdrTimeoutError.client(timeoutMs, this.id);
        if (attempt < retry.maxRetries) {
          options.onProgress?.({
            elapsedMs: performance.now() - started,
            retry: { reason: "connection dropped", waitMs: 0, attempt: attempt + 1 },
            message: "connection dropped, sending the query again",
          });
          continue;
        }
        throw new XdrNetworkError(
          `Could not reach Defender XDR advanced hunting at ${new URL(url).host}: ${
            (error as Error).message
          }`,
          this.id,
          {
            cause: error,
            hint: "Check the network (a proxy needs HTTPS_PROXY, a TLS-inspecting one " +
              "NODE_EXTRA_CA_CERTS), then run the query again.",
          },
        );
      }
      if (response.ok) {
        try {
          return parseExact(text); // longs beyond 2^53 keep every digit
        } catch {
          throw new XdrResponseError("Graph's answer is not JSON", this.id, {
            status: response.status,
            hint: "Check that the endpoint is Microsoft Graph (or a proxy passing it through).",
          });
        }
      }
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get("location");
        throw new XdrResponseError(
          `Graph answered with a redirect (HTTP ${response.status}${
            location ? ` to ${safeOrigin(location, url)}` : ""
          }), which is not followed: the token is sent to the Graph endpoint only`,
          this.id,
          {
            status: response.status,
            hint: "Check the endpoint (CASEFILE_XDR_ENDPOINT) and any proxy in between; " +
              "advanced hunting never redirects.",
          },
        );
      }
      const failure = graphError(text);
      if (response.status === 429 || response.status === 503) {
        const waitMs = retryAfterMs(response.headers.get("retry-after")) ??
          Math.min(2 ** attempt * 1000, 30_000);
        if (response.status === 429 && isCpuQuota(failure.message)) {
          throw new XdrQuotaError(
            `Advanced hunting refused the query: the tenant has used its CPU allocation ` +
              `(Graph: ${failure.message || failure.code})`,
            this.id,
            {
              status: 429,
              code: failure.code,
              retryAfterMs: waitMs,
              hint: "Queries are blocked until the next 15-minute cycle. Meanwhile make the " +
                "query cheaper: filter on Timestamp and device first, project fewer columns, " +
                "avoid contains over large tables.",
            },
          );
        }
        if (attempt < retry.maxRetries && waited + waitMs <= retry.maxWaitMs) {
          const reason = response.status === 429 ? "throttled (429)" : "unavailable (503)";
          options.onProgress?.({
            elapsedMs: performance.now() - started,
            retry: { reason, waitMs, attempt: attempt + 1 },
            message: `${reason}, retrying in ${formatDuration(waitMs)}`,
          });
          await sleep(waitMs, options.signal);
          waited += waitMs;
          continue;
        }
        throw new XdrThrottledError(
          `Advanced hunting is throttling this tenant's calls (${response.status}` +
            `${failure.message ? `: ${failure.message}` : ""})`,
          this.id,
          {
            status: response.status,
            code: failure.code,
            retryAfterMs: waitMs,
            hint: `Graph asks to wait ${formatDuration(waitMs)}; advanced hunting allows about ` +
              "45 calls a minute per tenant. Run it again then, or raise retry.maxWaitMs.",
          },
        );
      }
      throw await this.#failure(response.status, failure, body.Query);
    }
  }

  async #token(
    credential: TokenCredential,
    scope: string,
    signal: AbortSignal,
    options: QueryOptions,
    timeout: AbortSignal,
  ): Promise<string> {
    try {
      const token = await credential.getToken(scope, { abortSignal: signal });
      if (!token) throw new Error("the credential gave no token");
      return token.token;
    } catch (error) {
      if (options.signal?.aborted) throw abortError();
      if (timeout.aborted) throw XdrTimeoutError.client(this.#settings.timeoutMs, this.id);
      if (error instanceof XdrError) throw error;
      throw new XdrAuthError(
        `Could not sign in to Microsoft Graph: ${(error as Error).message?.split("\n")[0]}`,
        this.id,
        { cause: error, hint: authHint(401, this.signIn) },
      );
    }
  }

  async #failure(status: number, failure: GraphFailure, query: string): Promise<Error> {
    const said = failure.message || failure.code || `HTTP ${status}`;
    const options = { status, code: failure.code };
    if (status === 401 || status === 403) {
      const what = status === 401
        ? "Microsoft Graph refused the sign-in token"
        : "This identity may not run advanced hunting";
      return new XdrAuthError(`${what} (${status} ${failure.code ?? ""}: ${said})`, this.id, {
        ...options,
        hint: authHint(status, this.signIn),
      });
    }
    // Names quoted in the message ("named 'timeout'") are the query's words, not the service's.
    const unquoted = said.replace(/'[^']*'|"[^"]*"/g, "''");
    if (status === 408 || status === 504 || /execution time|timed? ?out|timeout/i.test(unquoted)) {
      return new XdrTimeoutError(
        `Advanced hunting stopped the query: it ran past its limit of ` +
          `${formatDuration(XDR_QUERY_LIMIT_MS)} (Graph: ${said})`,
        this.id,
        options,
      );
    }
    if (status === 400) {
      const table = /Failed to resolve table or column expression named '([^']+)'/i.exec(said)?.[1];
      if (table !== undefined && new RegExp(`(^|[^\\w])${escapeRegExp(table)}\\b`).test(query)) {
        const known = (await this.tables()).map((t) => t.name);
        const error = new UnknownTableError(table, this.description, known);
        // In the local engine's words, so every provider says the same of the same mistake.
        const close = closestNames(table, known).map((name) => `'${name}'`);
        error.message = `Unknown table '${table}' in ${this.description}.` +
          (close.length > 0 ? ` Did you mean ${close.join(" or ")}?` : "");
        return error;
      }
      return new XdrQueryError(`Advanced hunting rejected the query: ${said}`, this.id, {
        ...options,
        hint: "Fix the query; advanced hunting speaks KQL over the Defender tables " +
          "(Device*, Identity*, Email*, CloudApp*, Alert*), whose time column is Timestamp.",
      });
    }
    return new XdrError(`Advanced hunting failed (${status}): ${said}`, this.id, {
      ...options,
      hint: "Run the query again in a minute; if it keeps failing, check the service health " +
        "of Microsoft Defender XDR.",
    });
  }
}

interface GraphFailure {
  readonly code?: string;
  readonly message: string;
}

/** Graph's error body `{"error":{"code","message"}}` (anything else as text). */
function graphError(text: string): GraphFailure {
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    return {
      code: typeof error?.code === "string" ? error.code : undefined,
      message: typeof error?.message === "string" ? error.message : "",
    };
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/** Whether a 429's message is about the tenant's CPU allocation rather than call rate. */
function isCpuQuota(message: string): boolean {
  return /cpu|resources? (allocation|quota)|allocated resources|execution time quota/i.test(
    message,
  );
}

/** Milliseconds of a `Retry-After` (seconds, or an HTTP date), if it is one. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The `window` warnings of a query whose window reaches past the 30 days Defender keeps. */
function windowWarnings(query: string, timespan: TimeRange | undefined, now: Date): QueryWarning[] {
  const oldest = now.getTime() - XDR_RETENTION_DAYS * DAY_MS;
  const reaches = (timespan !== undefined && timespan.start.getTime() < oldest) ||
    agoSpans(query).some((micros) => micros > BigInt(XDR_RETENTION_DAYS * DAY_MS) * 1000n);
  if (!reaches) return [];
  return [{
    kind: "window",
    message: `Defender XDR advanced hunting keeps ${XDR_RETENTION_DAYS} days of data: the part ` +
      `of this query's window before ${new Date(oldest).toISOString().slice(0, 10)} has no rows. ` +
      "For older data query the Sentinel workspace (--provider sentinel) or its archive.",
  }];
}

/**
 * The microseconds of each `ago(<timespan literal>)` in a query: `ago(31d)`, `ago(720h)`,
 * `ago(4000000s)`, `ago(timespan(31d))`, `ago(time(31.00:00:00))`, read by the KQL engine's own
 * timespan reader (an argument that is not a literal is skipped).
 */
function agoSpans(query: string): bigint[] {
  const spans: bigint[] = [];
  for (const m of query.matchAll(/\bago\s*\(\s*((?:timespan|time)\s*\([^()]*\)|[^()]*?)\s*\)/gi)) {
    const typed = /^(?:timespan|time)\s*\(([^()]*)\)$/i.exec(m[1]);
    const micros = readKqlTimespan(typed ? typed[1] : m[1]);
    if (micros !== undefined) spans.push(micros);
  }
  return spans;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortError(): DOMException {
  return new DOMException("The query was cancelled", "AbortError");
}

function staticToken(token: string): TokenCredential {
  return {
    getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

function denoEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: as if unset
  }
}

function trimUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

function quoteName(name: string): string {
  return /^[A-Za-z_][\w]*$/.test(name) ? name : `['${name.replaceAll("'", "\\'")}']`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The origin a redirect points to (its path and query may carry tokens: left out). */
function safeOrigin(location: string, base: string): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return "an address that is not a URL";
  }
}
