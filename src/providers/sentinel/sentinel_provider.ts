/**
 * The Sentinel / Log Analytics provider: KQL queries against Log Analytics workspaces
 * through `@azure/monitor-query-logs` and `@azure/identity`, with results typed like the
 * local engine's (same query → same dtypes and values on both providers).
 *
 * - Workspaces by friendly name (config file and environment, see `_config.ts`),
 *   resource-centric queries, several workspaces in one query, batches.
 * - Never a silently cut result: a result cut at the service's row or size limit is run
 *   again as time windows (halved recursively, at most 4 queries at once, joined in time
 *   order) when the query allows it, and carries a `split` warning; otherwise it carries
 *   a `truncated` warning. Partial failures keep their rows and carry a `partial` warning.
 * - 429 and 503 are retried as `Retry-After` says, within bounds; every request has a
 *   client-side timeout; `signal` aborts the HTTP request in flight, which is never sent
 *   again (see `_agent.ts`); `onProgress` reports elapsed time, retries with their wait,
 *   windows done and rows so far.
 *
 * `now()` and `ago()` are evaluated by the service; `QueryOptions.now` is not used.
 *
 * A config file (`~/.config/casefile/sentinel.json`, or `CASEFILE_SENTINEL_CONFIG`) names
 * workspaces; secrets never go in it (client secrets and certificate passwords come from
 * the environment, or sign in with `az login`):
 *
 * ```json
 * {
 *   "tenantId": "contoso.onmicrosoft.com",
 *   "credential": "azure-cli",
 *   "cloud": "public",
 *   "workspace": "prod",
 *   "workspaces": {
 *     "prod": "8f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6",
 *     "web-vm": { "resourceId": "/subscriptions/.../virtualMachines/web01" }
 *   }
 * }
 * ```
 *
 * TLS: the system's CAs are trusted; add others with `caCertificates` (or
 * `NODE_EXTRA_CA_CERTS`, which Deno reads once, before the process's first TLS connection).
 *
 * @module
 */
import type { DataFrame } from "../../polars.ts";
import { pl } from "../../polars.ts";
import { tokenizeKql } from "../../kql/syntax.ts";
import { SENTINEL_SCHEMAS } from "../../schema/sentinel.ts";
import { type ColumnSchema, kustoTypeFromName, type TableSchema } from "../../schema/types.ts";
import type {
  Provider,
  QueryOptions,
  QueryProgress,
  QueryResult,
  QueryWarning,
  TableInfo,
  TimeRange,
} from "../provider.ts";
import { UnknownTableError } from "../errors.ts";
import {
  type CloudName,
  CLOUDS,
  CREDENTIAL_KINDS,
  type CredentialKind,
  denoEnv,
  type EnvReader,
  isResourceId,
  isWorkspaceId,
  lookupWorkspace,
  resolveConfig,
  type ResolvedConfig,
  type ResolvedWorkspace,
  type SentinelConfig,
} from "./_config.ts";
import {
  createCredential,
  describeCredential,
  type SignInKind,
  type TokenCredential,
} from "./_credentials.ts";
import { loadAzureSdk } from "./_sdk.ts";
import { checkOptions, defineOptions, OptionError } from "../../options.ts";
import { formatDuration } from "../../duration.ts";
import {
  abortError,
  type CallRequest,
  deepestMessage,
  LogsTransport,
  type RetryEvent,
  type RetrySettings,
  type Target,
  type Timespan,
} from "./_client.ts";
import {
  concatFrames,
  readWireDatetime,
  renderSpecOf,
  tableToFrame,
  type TypedFrame,
  type WireResult,
  WireShapeError,
} from "./_results.ts";
import {
  explicitWindows,
  filtersTimeGenerated,
  halves,
  isTruncation,
  type Piece,
  runWindows,
  Semaphore,
  type SplitPlan,
  splitPlan,
} from "./_split.ts";
import {
  SentinelError,
  SentinelQueryError,
  ServerTimeoutError,
  ServiceBusyError,
  TruncatedResultError,
} from "./_errors.ts";

export type {
  CloudName,
  CredentialKind,
  QueryProgress,
  SentinelConfig,
  SignInKind,
  TokenCredential,
};
export type { WorkspaceConfig } from "./_config.ts";
export {
  ClientTimeoutError,
  MalformedResponseError,
  SentinelAuthError,
  SentinelConfigError,
  SentinelError,
  SentinelNetworkError,
  SentinelQueryError,
  ServerTimeoutError,
  ServiceBusyError,
  TruncatedResultError,
  WorkspaceNotFoundError,
} from "./_errors.ts";
export type { SentinelErrorOptions } from "./_errors.ts";

/** Log Analytics runs at most 5 queries per user at once; casefile keeps one spare. */
export const MAX_CONCURRENCY = 4;
/** Queries per `$batch` request. */
const BATCH_SIZE = 10;
/** The service's default server timeout, in seconds. */
const SERVICE_TIMEOUT_SECONDS = 180;

/** Options of {@link openSentinelProvider}. */
export interface SentinelProviderOptions {
  /** A config file (default: `CASEFILE_SENTINEL_CONFIG`, then `~/.config/casefile/sentinel.json`). */
  configFile?: string;
  /** Settings given in code; they win over the environment and the config file. */
  config?: SentinelConfig;
  /** The default workspace: a friendly name from the config, or a workspace id. */
  workspace?: string;
  /**
   * How to sign in: a credential kind (default: the config's, else `default`), or a
   * ready `TokenCredential` (an app's own, or a stub in tests).
   */
  credential?: CredentialKind | TokenCredential;
  /** `public` (default), `usgov` or `china`. */
  cloud?: CloudName;
  /** Another query endpoint than the cloud's (a proxy, the loopback service). */
  endpoint?: string;
  /**
   * Another Microsoft Entra ID sign-in host than the cloud's (a proxy, a private or sovereign
   * setup, the loopback Entra service); instance discovery is then skipped.
   */
  authorityHost?: string;
  /**
   * Extra CA certificates (PEM) to trust beside the system's (a TLS-inspecting proxy), for
   * the queries and the credential's own token requests.
   */
  caCertificates?: readonly string[];
  /** Environment variables are read from here (default: `Deno.env`). */
  env?: EnvReader;
  /** Queries run at once, 1 to 4 (default 4; Log Analytics allows 5 per user). */
  concurrency?: number;
  /** Client-side timeout of each request in ms (default: the server timeout + 30 s). */
  timeoutMs?: number;
  /** `Prefer: wait=N` for every query, in seconds (the service's default is 180, max 600). */
  serverTimeoutSeconds?: number;
  /** Retries of 429/503 and dropped connections (default: 3 retries, 60 s of waiting). */
  retry?: Partial<RetrySettings>;
  /** Shows sign-in instructions of the device-code credential (default: standard error). */
  prompt?: (message: string) => void;
}

// `credential` may be mistaken for a secret (a client secret or a token pasted there):
// `secret` keeps its value out of every error.
const SENTINEL_QUERY_OPTIONS = defineOptions<SentinelQueryOptions>("provider.query", {
  timespan: { kind: "object", aliases: ["window", "range", "timeRange"] },
  signal: "object",
  now: "date",
  onProgress: "function",
  workspace: { kind: "string", aliases: ["workspaceId"] },
  resourceId: "string",
  additionalWorkspaces: { kind: "strings", aliases: ["workspaces"] },
  split: { kind: ["string", "number"] },
  truncation: { oneOf: ["split", "warn", "error"] },
  serverTimeoutSeconds: { kind: "number", aliases: ["timeoutSeconds"] },
  timeoutMs: { kind: "number", aliases: ["timeout"] },
  statistics: "boolean",
});
const BATCH_OPTIONS = defineOptions<SentinelBatchOptions>("provider.queryBatch", {
  signal: "object",
  timeoutMs: { kind: "number", aliases: ["timeout"] },
  onProgress: "function",
});
// Each query of a batch is checked too: a mistyped `workspace` would run on the default one.
const BATCH_QUERY_OPTIONS = defineOptions<SentinelBatchQuery>("provider.queryBatch query", {
  query: { kind: "string", aliases: ["kql", "text"] },
  workspace: { kind: "string", aliases: ["workspaceId"] },
  timespan: { kind: "object", aliases: ["window", "range", "timeRange"] },
  additionalWorkspaces: { kind: "strings", aliases: ["workspaces"] },
  serverTimeoutSeconds: { kind: "number", aliases: ["timeoutSeconds"] },
});
const SENTINEL_PROVIDER_OPTIONS = defineOptions<SentinelProviderOptions>(
  "openSentinelProvider",
  {
    configFile: { kind: "string", aliases: ["config_file", "file"] },
    config: "object",
    workspace: { kind: "string", aliases: ["workspaceId", "workspaceName"] },
    credential: { kind: ["string", "object"], secret: true, aliases: ["auth", "signIn"] },
    cloud: "string",
    endpoint: { kind: "string", aliases: ["url"] },
    authorityHost: { kind: "string", aliases: ["authority"] },
    caCertificates: { kind: "strings", aliases: ["ca", "caCerts"] },
    env: "function",
    concurrency: "number",
    timeoutMs: { kind: "number", aliases: ["timeout"] },
    serverTimeoutSeconds: "number",
    retry: "object",
    prompt: "function",
  },
);

/** Options of {@link SentinelProvider.query}. */
export interface SentinelQueryOptions extends QueryOptions {
  /** The workspace: a friendly name from the config or a workspace id (default: the default). */
  workspace?: string;
  /** Query in the context of an Azure resource instead of a workspace. */
  resourceId?: string;
  /** More workspaces the query spans: friendly names, workspace ids, or resource ids. */
  additionalWorkspaces?: readonly string[];
  /**
   * Run as time windows: a KQL timespan (`"1d"`, `"6h"`) or a number of equal windows.
   * Needs `timespan`, or tables with `TimeGenerated` to find the data's time range.
   */
  split?: string | number;
  /**
   * What to do with a result cut at the service's limit: `split` (default) runs it as time
   * windows when the query allows it and warns otherwise; `warn` returns the cut result
   * with a `truncated` warning; `error` throws {@link TruncatedResultError}.
   */
  truncation?: "split" | "warn" | "error";
  /** `Prefer: wait=N`, in seconds (overrides the provider's). */
  serverTimeoutSeconds?: number;
  /** Client-side timeout of each request, in ms (overrides the provider's). */
  timeoutMs?: number;
  /** Ask the service for query statistics (on the result's `statistics`). */
  statistics?: boolean;
}

/** A query result of the Sentinel provider. */
export interface SentinelQueryResult extends QueryResult {
  /** The workspace or resource queried. */
  readonly target: string;
  /** The service's statistics, per window, when asked for. */
  readonly statistics?: readonly Readonly<Record<string, unknown>>[];
}

/** One query of a batch. */
export interface SentinelBatchQuery {
  /** The KQL query. */
  readonly query: string;
  /** A friendly name or workspace id (default: the provider's default workspace). */
  readonly workspace?: string;
  /** Only rows whose `TimeGenerated` falls in this window. */
  readonly timespan?: TimeRange;
  /** More workspaces the query spans. */
  readonly additionalWorkspaces?: readonly string[];
  /** `Prefer: wait=N`, in seconds. */
  readonly serverTimeoutSeconds?: number;
}

/** A batch query's outcome: its result, or its own error (the others still count). */
export type SentinelBatchResult =
  | { readonly ok: true; readonly result: SentinelQueryResult }
  | { readonly ok: false; readonly error: Error };

/** Options of {@link SentinelProvider.queryBatch}. */
export interface SentinelBatchOptions {
  /** Cancels the batch. */
  readonly signal?: AbortSignal;
  /** Client-side timeout of the request, in ms. */
  readonly timeoutMs?: number;
  /** Called as the batch runs. */
  readonly onProgress?: (progress: QueryProgress) => void;
}

/**
 * Opens a Log Analytics workspace as a provider. Reads the config file and environment
 * and prepares the credential; nothing is sent until the first query.
 *
 * @param options Workspace, credential, cloud, endpoint and limits; all optional when the
 *   config file or environment names a workspace.
 * @returns The provider; call `close()` when done with it.
 * @throws {SentinelConfigError} when the configuration is incomplete or wrong (no
 *   workspace, a workspace id that is not a GUID, a credential kind missing its settings).
 *
 * @example Open a workspace with a token from elsewhere
 * ```ts
 * import assert from "node:assert/strict";
 * import { openSentinelProvider } from "./sentinel_provider.ts";
 *
 * const provider = await openSentinelProvider({
 *   workspace: "c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77",
 *   credential: {
 *     getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }),
 *   },
 *   env: () => undefined,
 * });
 * try {
 *   assert.match(provider.description, /^Log Analytics workspace c3a1e7f4-.*, public cloud/);
 * } finally {
 *   provider.close();
 * }
 * ```
 */
export async function openSentinelProvider(
  options: SentinelProviderOptions = {},
): Promise<SentinelProvider> {
  checkOptions("openSentinelProvider", options, SENTINEL_PROVIDER_OPTIONS);
  const kind = typeof options.credential === "string" ? options.credential : undefined;
  const given = options.credential as unknown;
  const notKind = kind !== undefined &&
    !CREDENTIAL_KINDS.includes(kind.toLowerCase() as CredentialKind);
  const notCredential = typeof given === "object" && given !== null &&
    typeof (given as { getToken?: unknown }).getToken !== "function";
  if (notKind || notCredential) {
    // Not echoed: a client secret or a token pasted here must not reach a message.
    throw new OptionError(
      `openSentinelProvider: option \`credential\` is not ${
        notKind ? "a credential kind" : "a TokenCredential (it has no getToken)"
      }.`,
      {
        fn: "openSentinelProvider",
        option: "credential",
        hint: `Give one of ${CREDENTIAL_KINDS.join(", ")}, or a TokenCredential; secrets ` +
          "come from the environment (AZURE_CLIENT_SECRET), never from code or a config file.",
      },
    );
  }
  await loadAzureSdk();
  const config = await resolveConfig({
    configFile: options.configFile,
    env: options.env,
    config: {
      ...options.config,
      ...(options.workspace !== undefined ? { workspace: options.workspace } : {}),
      ...(kind !== undefined ? { credential: kind } : {}),
      ...(options.cloud !== undefined ? { cloud: options.cloud } : {}),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.authorityHost !== undefined ? { authorityHost: options.authorityHost } : {}),
    },
  });
  const custom = typeof options.credential === "object" ? options.credential : undefined;
  const credential = custom ??
    createCredential(config, { prompt: options.prompt, caCertificates: options.caCertificates });
  const signIn = !custom ? config.credential : ENV_TOKENS.has(custom) ? "token" : "custom";
  return new SentinelProvider(config, credential, signIn, options);
}

/** The credentials {@link envTokenCredential} made: they are told apart in messages. */
const ENV_TOKENS = new WeakSet<TokenCredential>();

/**
 * A credential that gives the bearer token in `CASEFILE_SENTINEL_TOKEN` (one obtained
 * elsewhere, or the loopback service's), or undefined when it is not set. The REPL and a
 * replay sign in with it; the token is never printed or recorded.
 *
 * Part of casefile's own REPL and replay, exported for them: a program of your own passes
 * `credential` to {@link openSentinelProvider} instead.
 *
 * @param env Where environment variables are read (default: `Deno.env`).
 * @returns The credential, or undefined when `CASEFILE_SENTINEL_TOKEN` is not set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { envTokenCredential } from "./sentinel_provider.ts";
 *
 * const env = (name: string) => name === "CASEFILE_SENTINEL_TOKEN" ? "t0k3n" : undefined;
 * assert.equal((await envTokenCredential(env)?.getToken([]))?.token, "t0k3n");
 * assert.equal(envTokenCredential(() => undefined), undefined);
 * ```
 */
export function envTokenCredential(env: EnvReader = denoEnv): TokenCredential | undefined {
  const token = env("CASEFILE_SENTINEL_TOKEN");
  if (!token) return undefined;
  const credential: TokenCredential = {
    getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  ENV_TOKENS.add(credential);
  return credential;
}

/** The window a query that gives none is run over, and the warning that says so. */
interface DefaultWindow {
  /** By the local clock: for splitting, and the result's `timespan`. */
  readonly range: TimeRange;
  /** What the service is sent (ISO 8601, ending at the service's now). */
  readonly duration: string;
  readonly warning: QueryWarning;
}

/** `ms` as an ISO 8601 duration in its largest whole unit (`P1D`, `PT6H`, `PT90S`). */
function isoDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `P${ms / 86_400_000}D`;
  if (ms % 3_600_000 === 0) return `PT${ms / 3_600_000}H`;
  if (ms % 60_000 === 0) return `PT${ms / 60_000}M`;
  return `PT${ms / 1000}S`;
}

/** A Log Analytics workspace (Microsoft Sentinel's data). Create with {@link openSentinelProvider}. */
export class SentinelProvider implements Provider {
  /** Always `sentinel`. */
  readonly kind = "sentinel" as const;
  readonly id: string;
  readonly description: string;
  readonly referenceTime?: Date = undefined;
  /** The query endpoint (`https://api.loganalytics.io/v1`, or the one configured). */
  readonly origin: string;
  /**
   * How it signs in: a credential kind, `token` (`CASEFILE_SENTINEL_TOKEN`, through
   * {@link envTokenCredential}) or `custom` (a credential object given in code).
   */
  readonly signIn: SignInKind;
  /** The resolved configuration (no secrets: those stay in the environment). */
  readonly config: ResolvedConfig;
  readonly #transport: LogsTransport;
  readonly #slots: Semaphore;
  readonly #options: SentinelProviderOptions;
  #tables?: Promise<TableInfo[]>;

  /** Use {@link openSentinelProvider}, which resolves the configuration and credential. */
  constructor(
    config: ResolvedConfig,
    credential: TokenCredential,
    credentialKind: SignInKind,
    options: SentinelProviderOptions = {},
  ) {
    this.config = config;
    this.origin = config.endpoint;
    this.signIn = credentialKind;
    this.#options = options;
    const workspace = config.defaultWorkspace;
    this.id = `sentinel:${workspace.id ?? workspace.resourceId}`;
    const named = workspace.name !== (workspace.id ?? workspace.resourceId)
      ? `${workspace.name} (${workspace.id ?? workspace.resourceId})`
      : `${workspace.id ?? workspace.resourceId}`;
    const custom = config.endpoint !== `${CLOUDS[config.cloud.name].endpoint}/v1`;
    this.description = `Log Analytics workspace ${named}, ${config.cloud.name} cloud` +
      `${custom ? ` at ${config.endpoint}` : ""}, signed in with ${
        describeCredential(credentialKind)
      }`;
    const concurrency = Math.trunc(options.concurrency ?? MAX_CONCURRENCY);
    this.#slots = new Semaphore(Math.max(1, Math.min(MAX_CONCURRENCY, concurrency)));
    this.#transport = new LogsTransport({
      provider: this.id,
      endpoint: config.endpoint,
      audience: config.cloud.audience,
      credential,
      credentialKind,
      tenantId: config.tenantId,
      authorityHost: config.authorityHost,
      customAuthorityHost: config.customAuthorityHost,
      caCertificates: options.caCertificates,
    });
  }

  /** Releases pooled connections. */
  close(): void {
    this.#transport.close();
  }

  /**
   * The workspace's tables and their schemas. Names come from
   * `union withsource=TableName * | summarize by TableName` over the last 30 days where the
   * service allows it, plus the config's `tables` and Sentinel's well-known tables; schemas
   * from one `getschema` per table, in one query (`union isfuzzy=true` skips tables the
   * workspace lacks). Cached; {@link refresh} forgets.
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
   * One table's schema (`T | getschema`).
   *
   * @throws {UnknownTableError} when the workspace has no such table.
   */
  async schema(table: string): Promise<TableSchema> {
    const cached = this.#tables ? (await this.#tables).find((t) => t.name === table) : undefined;
    if (cached) return { name: cached.name, columns: cached.columns };
    let result: SentinelQueryResult;
    try {
      result = await this.#query(
        `${quoteName(table)} | getschema | project ColumnName, ColumnType`,
        {},
        false,
      );
    } catch (error) {
      if (!(error instanceof SentinelQueryError)) throw error;
      const known = (await this.tables()).map((t) => t.name);
      throw new UnknownTableError(table, labelOf(this.config.defaultWorkspace), known);
    }
    return { name: table, columns: schemaRows(result.frame) };
  }

  /**
   * Runs a KQL query (see {@link SentinelQueryOptions} for splitting, timeouts, progress).
   *
   * @throws {SentinelQueryError} for a query the service rejects (with line and column).
   * @throws {SentinelAuthError}, {@link WorkspaceNotFoundError}, {@link SentinelNetworkError},
   *   {@link MalformedResponseError}, {@link ServiceBusyError}, {@link ServerTimeoutError},
   *   {@link ClientTimeoutError}, {@link TruncatedResultError}: each with a hint.
   * @throws a `DOMException` named `AbortError` when `signal` aborts.
   */
  query(query: string, options: SentinelQueryOptions = {}): Promise<SentinelQueryResult> {
    try {
      checkOptions("provider.query", options, SENTINEL_QUERY_OPTIONS);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#query(query, options, true);
  }

  // `defaulting`: a query without a window gets the default one (not casefile's own
  // schema queries, which read no rows).
  async #query(
    query: string,
    given: SentinelQueryOptions,
    defaulting: boolean,
  ): Promise<SentinelQueryResult> {
    const started = performance.now();
    if (given.signal?.aborted) throw abortError(given.signal.reason);
    const defaulted = defaulting ? this.#defaultWindow(query, given.timespan) : undefined;
    const options = defaulted ? { ...given, timespan: defaulted.range } : given;
    const target = this.#target(options);
    const progress = new Progress(started, options.onProgress);
    try {
      const request = {
        target,
        query,
        additionalWorkspaces: options.additionalWorkspaces?.map((w) => this.#other(w)),
        serverTimeoutSeconds: options.serverTimeoutSeconds ?? this.#options.serverTimeoutSeconds,
        statistics: options.statistics,
      };
      // The default window goes out as a duration, so the service's clock ends it (as it
      // does `ago()` in the same query); split windows are instants of this one's.
      const wire = (timespan: Timespan) =>
        defaulted && timespan === defaulted.range ? { duration: defaulted.duration } : timespan;
      const run = (timespan: Timespan, signal?: AbortSignal) =>
        this.#run(
          { ...request, timespan: wire(timespan) },
          { ...options, signal: signal ?? options.signal },
          progress,
        );
      const plan = splitPlan(query);
      const { pieces, warnings } = await this.#solve(query, plan, options, run, progress);
      const all = defaulted ? [defaulted.warning, ...warnings] : warnings;
      return this.#assemble(query, target, options, pieces, all, started, plan);
    } finally {
      progress.stop();
    }
  }

  /**
   * Runs several queries in `$batch` requests of up to 10. Each query has its own outcome;
   * one that fails does not fail the others. Results cut at a limit, throttled or timed
   * out are run again on their own through {@link query} (splitting, retrying).
   */
  async queryBatch(
    queries: readonly SentinelBatchQuery[],
    options: SentinelBatchOptions = {},
  ): Promise<SentinelBatchResult[]> {
    checkOptions("provider.queryBatch", options, BATCH_OPTIONS);
    for (const item of queries) {
      checkOptions("provider.queryBatch query", item, BATCH_QUERY_OPTIONS);
    }
    const started = performance.now();
    const progress = new Progress(started, options.onProgress);
    const outcomes: SentinelBatchResult[] = new Array(queries.length);
    const pending: Array<
      {
        index: number;
        request: CallRequest & { target: { workspaceId: string } };
        defaulted?: DefaultWindow;
      }
    > = [];
    try {
      for (const [index, item] of queries.entries()) {
        try {
          const target = this.#target({ workspace: item.workspace });
          const defaulted = this.#defaultWindow(item.query, item.timespan);
          const request = {
            target,
            query: item.query,
            timespan: item.timespan ??
              (defaulted ? { duration: defaulted.duration } : undefined),
            additionalWorkspaces: item.additionalWorkspaces?.map((w) => this.#other(w)),
            serverTimeoutSeconds: item.serverTimeoutSeconds ?? this.#options.serverTimeoutSeconds,
          };
          if ("workspaceId" in target) {
            pending.push({
              index,
              request: { ...request, target },
              defaulted,
            });
          } else {
            outcomes[index] = await this.#settle(
              this.query(item.query, { ...batchItemOptions(item), ...options }),
            );
          }
        } catch (error) {
          if (error instanceof DOMException) throw error;
          outcomes[index] = { ok: false, error: error as Error };
        }
      }
      for (let at = 0; at < pending.length; at += BATCH_SIZE) {
        const chunk = pending.slice(at, at + BATCH_SIZE);
        const answers = await this.#slots.run(
          () =>
            this.#transport.batch(chunk.map((c) => c.request), {
              signal: options.signal,
              timeoutMs: this.#timeout(options),
              retry: this.#retry(),
              onRetry: (e) => progress.retry(e),
            }),
          options.signal,
        );
        for (const [i, answer] of answers.entries()) {
          const { index, request, defaulted } = chunk[i];
          const item = queries[index];
          const again = answer instanceof ServiceBusyError ||
            answer instanceof ServerTimeoutError ||
            (!(answer instanceof Error) && isTruncation(answer.error));
          if (again) {
            outcomes[index] = await this.#settle(this.query(item.query, {
              ...batchItemOptions(item),
              signal: options.signal,
              timeoutMs: options.timeoutMs,
            }));
          } else if (answer instanceof Error) {
            outcomes[index] = { ok: false, error: answer };
          } else {
            const warnings = partialWarnings([{ result: answer }], "warn");
            if (defaulted) warnings.unshift(defaulted.warning);
            outcomes[index] = {
              ok: true,
              result: this.#assemble(
                item.query,
                request.target,
                { timespan: item.timespan ?? defaulted?.range },
                [{
                  result: answer,
                }],
                warnings,
                started,
              ),
            };
          }
        }
        const answered = Math.min(at + BATCH_SIZE, pending.length);
        progress.note(`${answered} of ${pending.length} batched queries answered`);
      }
      return outcomes;
    } finally {
      progress.stop();
    }
  }

  async #settle(promise: Promise<SentinelQueryResult>): Promise<SentinelBatchResult> {
    try {
      return { ok: true, result: await promise };
    } catch (error) {
      if (error instanceof DOMException) throw error;
      return { ok: false, error: error as Error };
    }
  }

  // The window a query gets when it gives none and does not filter TimeGenerated itself
  // (the portal's "Last 24 hours"), with the warning that says so and how to change it.
  #defaultWindow(
    query: string,
    timespan: TimeRange | undefined,
  ): DefaultWindow | undefined {
    const ms = this.config.defaultTimespanMs;
    if (timespan || ms === undefined || filtersTimeGenerated(query)) return undefined;
    const end = new Date();
    return {
      range: { start: new Date(end.getTime() - ms), end },
      duration: isoDuration(ms),
      warning: {
        kind: "window",
        message: `No time range given: the last ${formatDuration(ms)}. For another window, ` +
          "filter TimeGenerated in the query (| where TimeGenerated > ago(7d)), give a " +
          "timespan, or set defaultTimespan (CASEFILE_SENTINEL_DEFAULT_TIMESPAN=7d; none " +
          "for the whole retention).",
      },
    };
  }

  // Runs the query whole, or split, and says what happened.
  async #solve(
    query: string,
    plan: SplitPlan,
    options: SentinelQueryOptions,
    run: (timespan: Timespan, signal?: AbortSignal) => Promise<WireResult>,
    progress: Progress,
  ): Promise<{ pieces: Piece[]; warnings: QueryWarning[] }> {
    const mode = options.truncation ?? "split";
    const split = (windows: TimeRange[]) =>
      runWindows(windows, (range, signal) => run(range, signal), {
        autoSplit: mode === "split" && plan.safe,
        signal: options.signal,
        onWindow: (done, total, rows) => progress.windows(done, total, rows),
      });

    if (options.split !== undefined) {
      const range = options.timespan ?? await this.#bounds(query, options);
      if (!range) {
        throw new SentinelError(
          "Cannot split the query: it has no timespan and casefile cannot tell the time range " +
            "of its tables",
          this.id,
          { hint: "Give a timespan with the split option." },
        );
      }
      const windows = explicitWindows(range, options.split);
      if (typeof windows === "string") {
        throw new SentinelError(
          `Cannot split by ${JSON.stringify(options.split)}: ${windows}`,
          this.id,
          {
            hint: 'Give a timespan such as "1d" or "6h", or a number of windows.',
          },
        );
      }
      progress.note(
        `running as ${windows.length} time windows (split: ${JSON.stringify(options.split)})`,
      );
      const { pieces } = await split(windows);
      const note = plan.safe
        ? ""
        : ` The query ${plan.reason}: each window's rows are what the query gives for that ` +
          "window alone (a count or summarize gives one row per window).";
      return {
        pieces,
        warnings: [{
          kind: "split",
          message: `Ran as ${pieces.length} time windows (split: ${
            JSON.stringify(options.split)
          }), joined in time order.${note}`,
        }],
      };
    }

    let whole: WireResult | undefined;
    let timedOut: ServerTimeoutError | undefined;
    let reason: string;
    try {
      whole = await run(options.timespan);
      if (!isTruncation(whole.error) || mode !== "split") {
        return { pieces: [{ result: whole }], warnings: [] };
      }
      reason = `it was cut at the service's limit: ${deepestMessage(whole.error)}`;
    } catch (error) {
      if (!(error instanceof ServerTimeoutError) || mode !== "split" || !plan.safe) throw error;
      timedOut = error;
      reason = "the service timed out on it";
    }
    const range = plan.safe ? options.timespan ?? await this.#bounds(query, options) : undefined;
    const parts = range ? halves(range) : undefined;
    if (!parts) {
      if (!whole) throw timedOut;
      return { pieces: [{ result: whole }], warnings: [noSplitWarning(plan, range)] };
    }
    progress.note(`splitting: ${reason}`);
    const { pieces } = await split(parts);
    const span = range!.end.getTime() - range!.start.getTime();
    return {
      pieces,
      warnings: [{
        kind: "split",
        message: `The whole query could not be answered at once (${reason}), so casefile ran it ` +
          `as ${pieces.length} time windows over ${
            formatDuration(span)
          } and joined them in time order.`,
      }],
    };
  }

  #assemble(
    query: string,
    target: Target,
    options: SentinelQueryOptions,
    pieces: Piece[],
    warnings: QueryWarning[],
    started: number,
    plan?: SplitPlan,
  ): SentinelQueryResult {
    const mode = options.truncation ?? "split";
    const all = [...warnings, ...partialWarnings(pieces, mode)];
    const truncated = all.find((w) => w.kind === "truncated");
    if (truncated && mode === "error") {
      throw new TruncatedResultError(truncated.message, this.id, {
        hint: "Narrow the timespan, project fewer columns, or summarize; or allow splitting.",
      });
    }
    const ordered = plan?.safe && plan.order === "desc" && pieces.length > 1
      ? [...pieces].reverse()
      : pieces;
    let frames: TypedFrame[];
    try {
      frames = ordered.map((piece) => firstTable(piece.result));
    } catch (error) {
      if (!(error instanceof WireShapeError)) throw error;
      throw this.#transport.malformed(target.label, error.message, error);
    }
    const joined = concatFrames(frames);
    if (typeof joined === "string") {
      throw new SentinelError(`Cannot join the time windows of the query: ${joined}`, this.id, {
        hint: "Run the query without splitting over a shorter timespan.",
      });
    }
    const statistics = pieces.map((p) => p.result.statistics).filter((s) => s !== undefined);
    return {
      frame: joined.frame,
      schema: { name: joined.schema.name, columns: joined.schema.columns },
      provider: this.id,
      query,
      timespan: options.timespan,
      rowCount: joined.frame.height,
      durationMs: performance.now() - started,
      warnings: all,
      render: renderSpecOf(pieces[0]?.result.render),
      target: target.label,
      ...(statistics.length > 0 ? { statistics } : {}),
    };
  }

  #run(
    request: CallRequest,
    options: SentinelQueryOptions,
    progress: Progress,
  ): Promise<WireResult> {
    return this.#slots.run(
      () =>
        this.#transport.query(request, {
          signal: options.signal,
          timeoutMs: this.#timeout(options),
          retry: this.#retry(),
          onRetry: (e) => progress.retry(e),
        }),
      options.signal,
    );
  }

  #timeout(options: { timeoutMs?: number; serverTimeoutSeconds?: number }): number {
    const server = options.serverTimeoutSeconds ?? this.#options.serverTimeoutSeconds ??
      SERVICE_TIMEOUT_SECONDS;
    return options.timeoutMs ?? this.#options.timeoutMs ?? (server + 30) * 1000;
  }

  #retry(): RetrySettings {
    return {
      maxRetries: this.#options.retry?.maxRetries ?? 3,
      maxWaitMs: this.#options.retry?.maxWaitMs ?? 60_000,
    };
  }

  #target(options: { workspace?: string; resourceId?: string }): Target {
    if (options.resourceId !== undefined) {
      const workspace = lookupWorkspace(options.resourceId, this.config.workspaces);
      return targetOf(workspace);
    }
    const workspace = options.workspace === undefined
      ? this.config.defaultWorkspace
      : lookupWorkspace(options.workspace, this.config.workspaces);
    return targetOf(workspace);
  }

  // Another workspace of a cross-workspace query: configured names become ids; ids,
  // resource ids and qualified names go as they are.
  #other(name: string): string {
    if (isWorkspaceId(name) || isResourceId(name)) return name;
    const known = this.config.workspaces.get(name);
    return known ? (known.id ?? known.resourceId!) : name;
  }

  // The time range of the data a query reads: min and max TimeGenerated of its tables.
  async #bounds(query: string, options: SentinelQueryOptions): Promise<TimeRange | undefined> {
    const known = new Set((await this.tables()).map((t) => t.name));
    const names = new Set<string>();
    for (const token of tokenizeKql(query)) {
      if (token.kind === "ident" && known.has(token.text)) names.add(token.text);
    }
    if (names.size === 0) return undefined;
    const probe = `union isfuzzy=true ${[...names].map(quoteName).join(", ")}` +
      " | summarize Start = min(TimeGenerated), End = max(TimeGenerated)";
    const target = this.#target(options);
    const result = await this.#run(
      { target, query: probe },
      { signal: options.signal, timeoutMs: options.timeoutMs },
      new Progress(performance.now()),
    );
    const row = result.tables[0]?.rows[0];
    const start = readWireDatetime(row?.[0]);
    const end = readWireDatetime(row?.[1]);
    if (start === undefined || end === undefined) return undefined;
    return { start: new Date(Math.floor(start / 1000)), end: new Date(Math.floor(end / 1000) + 1) };
  }

  /**
   * The schemas of `names` that exist, by one getschema query. A result the service cut at
   * its record limit (one row per column: a few wide tables reach it) is asked again in
   * halves, so no table goes missing from the list.
   */
  async #schemas(names: string[]): Promise<TableInfo[]> {
    const query = `union isfuzzy=true ${
      names.map((name) =>
        `(${quoteName(name)} | getschema | extend TableName = ${JSON.stringify(name)})`
      ).join(", ")
    } | project TableName, ColumnName, ColumnType, ColumnOrdinal`;
    const result = await this.#query(query, { truncation: "warn" }, false);
    const cut = result.warnings.some((w) => w.kind === "truncated");
    if (cut && names.length > 1) {
      const half = Math.ceil(names.length / 2);
      return [
        ...await this.#schemas(names.slice(0, half)),
        ...await this.#schemas(names.slice(half)),
      ];
    }
    const frame = result.frame;
    const columns = new Map<string, Array<{ ordinal: number; column: ColumnSchema }>>();
    const tableNames = frame.getColumn("TableName").toArray() as string[];
    const columnNames = frame.getColumn("ColumnName").toArray() as string[];
    const types = frame.getColumn("ColumnType").toArray() as string[];
    const ordinals = frame.getColumn("ColumnOrdinal").toArray() as number[];
    for (let i = 0; i < tableNames.length; i++) {
      const list = columns.get(tableNames[i]) ?? [];
      list.push({
        ordinal: Number(ordinals[i]),
        column: { name: columnNames[i], type: kustoTypeFromName(types[i]) ?? "string" },
      });
      columns.set(tableNames[i], list);
    }
    const tables: TableInfo[] = [];
    for (const name of names) {
      const list = columns.get(name);
      if (!list) continue;
      tables.push({
        name,
        columns: list.sort((a, b) => a.ordinal - b.ordinal).map((c) => c.column),
        source: `workspace ${this.config.defaultWorkspace.name}`,
      });
    }
    return tables;
  }

  async #discover(): Promise<TableInfo[]> {
    const names = new Set<string>([...this.config.tables, ...Object.keys(SENTINEL_SCHEMAS)]);
    try {
      const listed = await this.#run(
        {
          target: this.#target({}),
          query: "union withsource=TableName * | summarize by TableName",
          timespan: { duration: "P30D" },
        },
        {},
        new Progress(performance.now()),
      );
      for (const row of listed.tables[0]?.rows ?? []) {
        if (typeof row[0] === "string" && row[0] !== "") names.add(row[0]);
      }
    } catch (error) {
      // A service that cannot run `union *` (the loopback service) still answers getschema.
      if (!(error instanceof SentinelQueryError)) throw error;
    }
    const sorted = [...names].sort((a, b) => a.localeCompare(b));
    const tables: TableInfo[] = [];
    for (let at = 0; at < sorted.length; at += 100) {
      tables.push(...await this.#schemas(sorted.slice(at, at + 100)));
    }
    return tables;
  }
}

function targetOf(workspace: ResolvedWorkspace): Target {
  return workspace.id !== undefined
    ? { workspaceId: workspace.id, label: labelOf(workspace) }
    : { resourceId: workspace.resourceId!, label: labelOf(workspace) };
}

function labelOf(workspace: ResolvedWorkspace): string {
  const id = workspace.id ?? workspace.resourceId!;
  return workspace.name === id ? `workspace ${id}` : `workspace ${workspace.name} (${id})`;
}

function firstTable(result: WireResult): TypedFrame {
  const table = result.tables[0];
  if (!table) return { frame: pl.DataFrame([]), schema: { name: "PrimaryResult", columns: [] } };
  return tableToFrame(table);
}

function partialWarnings(
  pieces: readonly Piece[],
  mode: "split" | "warn" | "error",
): QueryWarning[] {
  const warnings: QueryWarning[] = [];
  for (const piece of pieces) {
    const error = piece.result.error;
    if (!error) continue;
    const where = piece.range && pieces.length > 1
      ? ` in the window ${piece.range.start.toISOString()} to ${piece.range.end.toISOString()}`
      : "";
    const rows = piece.result.tables[0]?.rows.length ?? 0;
    if (isTruncation(error)) {
      warnings.push({
        kind: "truncated",
        message: `Log Analytics cut the result at its limit${where} (${deepestMessage(error)}): ` +
          `only the first ${rows} rows are here${
            mode === "split" ? "" : "; splitting was not allowed"
          }.`,
      });
    } else {
      warnings.push({
        kind: "partial",
        message: `Log Analytics returned part of the result${where} with an error ` +
          `(${error.code ?? "PartialError"}: ${deepestMessage(error)}): the ${rows} rows here ` +
          "may be incomplete.",
      });
    }
  }
  return warnings;
}

function noSplitWarning(plan: SplitPlan, range: TimeRange | undefined): QueryWarning {
  const why = !plan.safe
    ? `the query ${plan.reason}, so splitting it by time would change its answer`
    : range
    ? "its time window cannot be split further"
    : "casefile cannot tell the time range of its tables";
  return {
    kind: "truncated",
    message: `The result is incomplete and was not split: ${why}. Narrow the timespan, ` +
      "project fewer columns, or summarize.",
  };
}

function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name.replace(/['\\]/g, "\\$&")}']`;
}

function schemaRows(frame: DataFrame): ColumnSchema[] {
  const names = frame.getColumn("ColumnName").toArray() as string[];
  const types = frame.getColumn("ColumnType").toArray() as string[];
  return names.map((name, i) => ({ name, type: kustoTypeFromName(types[i]) ?? "string" }));
}

// Reports progress about once a second while a query runs, and on events: a retry and its
// wait, a window done (with the rows so far), a note ("splitting: ...").
class Progress {
  readonly #started: number;
  readonly #report?: (progress: QueryProgress) => void;
  #window?: { index: number; count: number };
  #rows?: number;
  #timer?: ReturnType<typeof setInterval>;

  constructor(started: number, report?: (progress: QueryProgress) => void) {
    this.#started = started;
    this.#report = report;
    if (report) this.#timer = setInterval(() => this.#emit(), 1000);
  }

  windows(index: number, count: number, rows: number): void {
    this.#window = { index, count };
    this.#rows = (this.#rows ?? 0) + rows;
    this.#emit();
  }

  retry(event: RetryEvent): void {
    const retry = { reason: event.reason, waitMs: event.waitMs, attempt: event.attempt };
    this.#emit(`${event.reason}, retrying in ${formatDuration(event.waitMs)}`, retry);
  }

  note(message: string): void {
    this.#emit(message);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #emit(message?: string, retry?: QueryProgress["retry"]): void {
    if (!this.#report) return;
    try {
      this.#report({
        elapsedMs: performance.now() - this.#started,
        ...(this.#window ? { window: this.#window } : {}),
        ...(this.#rows !== undefined ? { rows: this.#rows } : {}),
        ...(retry ? { retry } : {}),
        ...(message ? { message } : {}),
      });
    } catch {
      // A failing progress display must not fail the query.
    }
  }
}

/** A batch item's query options: all of it but the query text (an option `query` is unknown). */
function batchItemOptions(item: SentinelBatchQuery): Omit<SentinelBatchQuery, "query"> {
  const { query: _query, ...options } = item;
  return options;
}
