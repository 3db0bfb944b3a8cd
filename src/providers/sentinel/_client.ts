/**
 * The transport: `LogsQueryClient` from `@azure/monitor-query-logs` with the credential,
 * endpoint, audience and TLS trust of the configuration, plus what every call needs around
 * it: a client-side timeout, cancellation that aborts the HTTP request, bounded retries of
 * 429/503 honouring `Retry-After`, and one clear error per failure.
 *
 * Results are read from the response body by a pipeline policy rather than from the
 * SDK's converted tables, for two reasons: the SDK turns datetimes into JavaScript `Date`s
 * (milliseconds; the service sends 100 ns ticks and the local engine keeps microseconds)
 * and copies every row, which alone costs twice the `JSON.parse` of the body. The policy
 * parses the body once, hands the SDK the same body without rows (so its status handling,
 * partial-failure detection and errors work as usual), and keeps the rows for
 * `_results.ts`, keyed by the request's `x-ms-client-request-id`.
 *
 * The policy also drops a placeholder timespan: the SDK insists on one, the API does not
 * (without a timespan a query sees all data, as on the local provider).
 *
 * @module
 */
import type { Agent } from "node:https";
import { rootCertificates } from "node:tls";
import type { LogsQueryClient, QueryTimeInterval } from "@azure/monitor-query-logs";
import type { TokenCredential } from "@azure/identity";
import type { TimeRange } from "../provider.ts";
import { credentialHint, type SignInKind } from "./_credentials.ts";
import { azureSdk } from "./_sdk.ts";
import { formatDuration } from "../../duration.ts";
import { queryAgent } from "./_agent.ts";
import { diagnoseEndpoints } from "./_diagnose.ts";
import { readWireResult, type WireError, type WireResult, WireShapeError } from "./_results.ts";
import { parseExact } from "../_exact_json.ts";
import {
  ClientTimeoutError,
  MalformedResponseError,
  SentinelAuthError,
  SentinelError,
  SentinelNetworkError,
  SentinelQueryError,
  ServerTimeoutError,
  ServiceBusyError,
  WorkspaceNotFoundError,
} from "./_errors.ts";

/** What a transport is set up with. */
export interface TransportSettings {
  /** The provider's id, named in errors. */
  readonly provider: string;
  /** The query API base, with `/v1`. */
  readonly endpoint: string;
  /** The token audience (the scope is `${audience}/.default`). */
  readonly audience: string;
  readonly credential: TokenCredential;
  readonly credentialKind: SignInKind;
  readonly tenantId?: string;
  /** Where the credential signs in (told in sign-in errors). */
  readonly authorityHost?: string;
  /** Whether `authorityHost` is not the cloud's own. */
  readonly customAuthorityHost?: boolean;
  /** Extra CA certificates (PEM) to trust beside the system's. */
  readonly caCertificates?: readonly string[];
}

/** What a query runs against: a workspace, or an Azure resource. */
export type Target =
  | { readonly workspaceId: string; readonly label: string }
  | { readonly resourceId: string; readonly label: string };

/** A window (`start/end`), an ISO 8601 duration ending now at the service, or none. */
export type Timespan = TimeRange | { readonly duration: string } | undefined;

/** One query request. */
export interface CallRequest {
  readonly target: Target;
  readonly query: string;
  readonly timespan?: Timespan;
  /** Other workspaces the query spans (ids, qualified names or resource ids). */
  readonly additionalWorkspaces?: readonly string[];
  /** `Prefer: wait=N`: how long the service may work on the query. */
  readonly serverTimeoutSeconds?: number;
  /** `Prefer: include-statistics=true`. */
  readonly statistics?: boolean;
}

/** Bounds of retrying 429 and 503 answers and dropped connections. */
export interface RetrySettings {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Total time spent waiting between attempts. */
  readonly maxWaitMs: number;
}

/** A retry about to happen. */
export interface RetryEvent {
  /** 1 for the first retry. */
  readonly attempt: number;
  /** How long it waits first (`Retry-After`, else a backoff). */
  readonly waitMs: number;
  /** Why, for people: `throttled (429)`, `service unavailable (503)`, `connection dropped`. */
  readonly reason: string;
}

/** Options of one call. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** The client-side timeout of each attempt. */
  readonly timeoutMs: number;
  readonly retry: RetrySettings;
  readonly onRetry?: (event: RetryEvent) => void;
}

// What the policy saw of a response.
interface Capture {
  readonly status: number;
  readonly retryAfterMs?: number;
  /** The parsed JSON body (undefined when it was not JSON). */
  readonly body?: unknown;
  /** Why a 200 body is not a result. */
  readonly malformed?: string;
}

const NO_TIMESPAN = "casefile-no-timespan";
const REQUEST_ID = "x-ms-client-request-id";
const TIMEOUT = Symbol("client timeout");
const TRANSIENT = /^(ECONNRESET|EPIPE|ETIMEDOUT|ESOCKETTIMEDOUT|EAI_AGAIN)$/;

/** `LogsQueryClient` with timeouts, cancellation, retries and errors people can act on. */
export class LogsTransport {
  readonly #settings: TransportSettings;
  readonly #client: LogsQueryClient;
  readonly #agent: Agent;
  readonly #captures = new Map<string, Capture>();
  readonly #signals = new Map<string, AbortSignal>();

  constructor(settings: TransportSettings) {
    this.#settings = settings;
    // casefile's own agent always: it never re-sends a cancelled query (see _agent.ts).
    this.#agent = queryAgent(
      settings.caCertificates?.length
        ? { ca: [...rootCertificates, ...settings.caCertificates] }
        : {},
    );
    const { LogsQueryClient } = azureSdk().monitor;
    this.#client = new LogsQueryClient(settings.credential, {
      endpoint: settings.endpoint,
      // @azure/monitor-query-logs 1.0.0 documents `audience` but builds the scope from
      // `credentials.scopes` only: both are given.
      audience: settings.audience,
      credentials: { scopes: [`${settings.audience}/.default`] },
      // casefile retries itself, with bounds on attempts and on the total wait.
      retryOptions: { maxRetries: 0 },
      userAgentOptions: { userAgentPrefix: "casefile" },
      agent: this.#agent,
    });
    this.#client.pipeline.addPolicy({
      name: "casefileResults",
      sendRequest: async (request, next) => {
        if (typeof request.body === "string") request.body = dropPlaceholder(request.body);
        const id = request.headers.get(REQUEST_ID);
        // LogsQueryClient 1.0.0 drops `abortSignal` for single queries: the call's signal is
        // put on the request here, so that aborting really aborts the HTTP request.
        const signal = id ? this.#signals.get(id) : undefined;
        if (signal) {
          request.abortSignal = request.abortSignal
            ? AbortSignal.any([request.abortSignal as AbortSignal, signal])
            : signal;
        }
        const response = await next(request);
        if (id && this.#signals.has(id)) {
          const capture = captureOf(
            response.status,
            response.bodyAsText,
            (name) => response.headers.get(name),
          );
          this.#captures.set(id, capture);
          if (capture.status === 200 && !capture.malformed) {
            response.bodyAsText = JSON.stringify(withoutRows(capture.body));
          }
        }
        return response;
      },
    }, { afterPhase: "Sign" });
  }

  /** Releases pooled connections. */
  close(): void {
    this.#agent.destroy();
  }

  /**
   * Runs one query.
   *
   * @returns The response body (with `error` set when the result is partial).
   * @throws {SentinelError} one subclass per kind of failure; `DOMException` `AbortError`
   *   when `signal` aborts.
   */
  query(request: CallRequest, options: CallOptions): Promise<WireResult> {
    const { target } = request;
    const timespan = sdkTimespan(request.timespan);
    const sdkOptions = {
      additionalWorkspaces: request.additionalWorkspaces
        ? [...request.additionalWorkspaces]
        : undefined,
      serverTimeoutInSeconds: request.serverTimeoutSeconds,
      includeQueryStatistics: request.statistics,
      includeVisualization: true,
    };
    return this.#withRetries(target, options, async (signal, id) => {
      const requestOptions = { headers: { [REQUEST_ID]: id } };
      const call = "workspaceId" in target
        ? this.#client.queryWorkspace(target.workspaceId, request.query, timespan, {
          ...sdkOptions,
          abortSignal: signal,
          requestOptions,
        })
        // The SDK's path template adds its own slash: `/subscriptions/...` would become
        // `/v1//subscriptions/...`.
        : this.#client.queryResource(
          target.resourceId.replace(/^\/+/, ""),
          request.query,
          timespan,
          {
            ...sdkOptions,
            abortSignal: signal,
            requestOptions,
          },
        );
      const outcome = await settle(call);
      const capture = this.#take(id);
      if (outcome.ok && capture?.status === 200 && !capture.malformed) {
        return { ok: true, value: readWireResult(capture.body) };
      }
      return { ok: false, error: outcome.ok ? undefined : outcome.error, capture };
    });
  }

  /**
   * Runs queries against workspaces in one `$batch` request; each answer stands alone.
   *
   * @returns Per request, in order: its body, or the error it failed with.
   * @throws {SentinelError} when the batch request as a whole fails.
   */
  batch(
    requests: readonly (CallRequest & { target: { workspaceId: string } })[],
    options: CallOptions,
  ): Promise<Array<WireResult | SentinelError>> {
    const queries = requests.map((r) => ({
      workspaceId: r.target.workspaceId,
      query: r.query,
      timespan: sdkTimespan(r.timespan),
      additionalWorkspaces: r.additionalWorkspaces ? [...r.additionalWorkspaces] : undefined,
      serverTimeoutInSeconds: r.serverTimeoutSeconds,
      includeQueryStatistics: r.statistics,
      includeVisualization: true,
    }));
    return this.#withRetries("a batch", options, async (signal, id) => {
      const outcome = await settle(this.#client.queryBatch(queries, {
        abortSignal: signal,
        requestOptions: { headers: { [REQUEST_ID]: id } },
      }));
      const capture = this.#take(id);
      if (!outcome.ok || capture?.status !== 200 || capture.malformed) {
        return { ok: false, error: outcome.ok ? undefined : outcome.error, capture };
      }
      // A list: captureOf calls anything else malformed.
      const responses = (capture.body as { responses: Array<{ id?: unknown } | null> }).responses;
      return {
        ok: true,
        value: requests.map((request, i) => {
          const answer = responses.find((r) => r?.id === `query-${i}`) as
            | { status?: unknown; body?: unknown; headers?: Record<string, string> }
            | undefined;
          if (!answer) {
            return new MalformedResponseError(
              `Log Analytics answered the batch without query ${i + 1}`,
              this.#settings.provider,
              { hint: "Run the query on its own, or retry." },
            );
          }
          const status = Number(answer.status);
          const label = request.target.label;
          const subject = request.target;
          if (status === 200) {
            try {
              return readWireResult(answer.body);
            } catch (error) {
              return this.malformed(label, (error as Error).message, error);
            }
          }
          const header = (name: string) =>
            Object.entries(answer.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ??
              null;
          return this.#failure(subject, {
            status,
            body: answer.body,
            retryAfterMs: retryAfter(header),
          });
        }),
      };
    });
  }

  #take(id: string): Capture | undefined {
    const capture = this.#captures.get(id);
    this.#captures.delete(id);
    return capture;
  }

  async #withRetries<T>(
    subject: Target | string,
    options: CallOptions,
    attempt: (
      signal: AbortSignal,
      id: string,
    ) => Promise<{ ok: true; value: T } | { ok: false; error?: unknown; capture?: Capture }>,
  ): Promise<T> {
    let waited = 0;
    for (let retry = 0;; retry++) {
      if (options.signal?.aborted) throw abortError(options.signal.reason);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(TIMEOUT), options.timeoutMs);
      const forward = () => controller.abort(options.signal?.reason);
      options.signal?.addEventListener("abort", forward, { once: true });
      const id = crypto.randomUUID();
      this.#signals.set(id, controller.signal);
      let outcome: Awaited<ReturnType<typeof attempt>>;
      try {
        // Whatever the SDK does with the signal, the caller stops waiting when it aborts.
        outcome = await Promise.race([attempt(controller.signal, id), aborted(controller.signal)]);
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", forward);
        this.#signals.delete(id);
        this.#captures.delete(id);
      }
      if (outcome.ok) return outcome.value;
      if (options.signal?.aborted) throw abortError(options.signal.reason);
      if (controller.signal.aborted && controller.signal.reason === TIMEOUT) {
        throw new ClientTimeoutError(options.timeoutMs, this.#settings.provider, {
          cause: redact(outcome.error),
        });
      }
      const { error, capture } = outcome;
      const status = capture?.status;
      const busy = status === 429 || status === 503;
      const dropped = !capture && droppedConnection(error);
      if ((busy || dropped) && retry < options.retry.maxRetries) {
        const waitMs = capture?.retryAfterMs ?? Math.min(1000 * 2 ** retry, 30_000);
        if (waited + waitMs <= options.retry.maxWaitMs) {
          options.onRetry?.({
            attempt: retry + 1,
            waitMs,
            reason: status === 429
              ? "throttled (429)"
              : status === 503
              ? "service unavailable (503)"
              : "connection dropped",
          });
          await delay(waitMs, options.signal);
          waited += waitMs;
          continue;
        }
      }
      throw await this.#translate(subject, error, capture, waited);
    }
  }

  async #translate(
    subject: Target | string,
    error: unknown,
    capture: Capture | undefined,
    waited: number,
  ): Promise<SentinelError> {
    const provider = this.#settings.provider;
    const label = labelOf(subject);
    const cause = redact(error);
    if (capture) {
      if (capture.status === 200) {
        return this.malformed(label, capture.malformed ?? describeSdkFailure(error), cause);
      }
      return this.#failure(subject, capture, cause, waited);
    }
    if (error instanceof WireShapeError) return this.malformed(label, error.message, error);
    const name = (error as Error)?.name ?? "";
    if (/CredentialUnavailableError|AuthenticationError|AuthenticationRequiredError/.test(name)) {
      const failure = signInFailure(error);
      // MSAL's name for "the tenant's metadata could not be read": find out why.
      const found = /endpoints_resolution_error/.test(failure) && this.#settings.authorityHost
        ? await diagnoseEndpoints({
          ...this.#settings,
          authorityHost: this.#settings.authorityHost,
        })
        : undefined;
      return new SentinelAuthError(
        `Cannot get a token for Log Analytics: ${found?.message ?? failure}`,
        provider,
        { cause, hint: found?.hint ?? this.#credentialHint() },
      );
    }
    const code = String(errorCode(error) ?? "");
    const message = firstLine(error);
    if (/certificate|self[- ]signed|SSL|TLS|CERT_/i.test(`${code} ${message}`)) {
      return new SentinelNetworkError(
        `Cannot reach Log Analytics at ${this.#settings.endpoint}: the TLS certificate is not ` +
          `trusted (${message})`,
        provider,
        {
          cause,
          code,
          hint: "Behind a TLS-inspecting proxy, give its CA certificate (caCertificates, or " +
            "NODE_EXTRA_CA_CERTS set before casefile starts).",
        },
      );
    }
    if (/^E[A-Z]+$/.test(code) || /REQUEST_SEND_ERROR/.test(code) || error instanceof TypeError) {
      return new SentinelNetworkError(
        `Cannot reach Log Analytics at ${this.#settings.endpoint}: ${message}`,
        provider,
        {
          cause,
          code,
          hint: code === "ENOTFOUND" || code === "EAI_AGAIN"
            ? "Check the network and DNS (and HTTPS_PROXY if you use a proxy)."
            : "Check the network connection and the endpoint, then try again.",
        },
      );
    }
    return new SentinelError(`The query against ${label} failed: ${message}`, provider, {
      cause,
      hint: "Try again; if it keeps failing, run with --debug to see the underlying error.",
    });
  }

  #credentialHint(): string {
    const { credentialKind, tenantId, audience } = this.#settings;
    return credentialHint(credentialKind, tenantId, audience);
  }

  /** The error for an answer to a query against `label` that is not a query result. */
  malformed(label: string, reason: string, cause: unknown): MalformedResponseError {
    return new MalformedResponseError(
      `Log Analytics answered the query against ${label} with something that is not a ` +
        `query result (${reason})`,
      this.#settings.provider,
      {
        cause: redact(cause),
        hint: "Try again; if it persists, a proxy between you and Log Analytics may be " +
          "rewriting answers.",
      },
    );
  }

  #failure(
    subject: Target | string,
    failure: { status: number; body?: unknown; retryAfterMs?: number },
    cause?: unknown,
    waited = 0,
  ): SentinelError {
    const provider = this.#settings.provider;
    const label = labelOf(subject);
    const { status } = failure;
    const error = errorObject(failure.body);
    const code = error?.code;
    const detail = deepestMessage(error) ?? `HTTP ${status}`;
    const options = { cause: cause ?? failure.body, status, code };
    if (status === 401) {
      const refused = this.#settings.credentialKind === "token"
        ? "the token in CASEFILE_SENTINEL_TOKEN"
        : "the credentials";
      return new SentinelAuthError(
        `Log Analytics refused ${refused} (401 ${code ?? "Unauthorized"}: ${detail})`,
        provider,
        {
          ...options,
          hint: this.#credentialHint(),
        },
      );
    }
    if (status === 403) {
      return new SentinelAuthError(
        `The signed-in identity may not query ${label} (403 ${code ?? "Forbidden"}: ${detail})`,
        provider,
        {
          ...options,
          hint: "Ask for the Log Analytics Reader (or Microsoft Sentinel Reader) role on the " +
            "workspace, or sign in as someone who has it (set AZURE_TENANT_ID for another tenant).",
        },
      );
    }
    if (status === 404 || /NotFound/i.test(code ?? "")) {
      const id = typeof subject === "string"
        ? subject
        : "workspaceId" in subject
        ? subject.workspaceId
        : subject.resourceId;
      return new WorkspaceNotFoundError(id, provider, {
        ...options,
        label,
        hint: "Check the workspace id: the GUID on the workspace's Overview page in the Azure " +
          "portal (not its name), and that this identity can see it.",
      });
    }
    if (status === 429 || status === 503) {
      const wait = failure.retryAfterMs;
      return new ServiceBusyError(
        `Log Analytics is ${status === 429 ? "throttling queries" : "unavailable"} (${status}${
          code ? ` ${code}` : ""
        }${waited > 0 ? `; still so after waiting ${formatDuration(waited)}` : ""})`,
        provider,
        {
          ...options,
          retryAfterMs: wait,
          hint:
            `Wait${
              wait !== undefined ? ` ${formatDuration(wait)}` : " a minute"
            } and run it again; ` +
            "run fewer queries at once (the limit is 5 concurrent queries per user).",
        },
      );
    }
    if (status === 504 || /GatewayTimeout|Timeout/i.test(code ?? "")) {
      return new ServerTimeoutError(
        `Log Analytics gave up on the query against ${label}: it ran past the server timeout`,
        provider,
        {
          ...options,
          hint: 'Narrow the timespan, split the query (split: "1d"), or raise ' +
            "serverTimeoutSeconds (at most 600).",
        },
      );
    }
    if (status === 400) {
      const where = location(error);
      return new SentinelQueryError(
        `Log Analytics rejected the query: ${queryMessage(error, detail)}${
          where && !/\(line \d+, column \d+\)/.test(detail)
            ? ` (line ${where.line}, column ${where.column})`
            : ""
        }`,
        provider,
        {
          ...options,
          line: where?.line,
          column: where?.column,
          hint: where
            ? `Fix the query at line ${where.line}, column ${where.column}.`
            : "Fix the query and run it again.",
        },
      );
    }
    return new SentinelError(
      `Log Analytics failed to run the query against ${label} (${status}${
        code ? ` ${code}` : ""
      }: ${detail})`,
      provider,
      {
        ...options,
        hint: "Try again in a moment; if it keeps failing, check the Azure status page.",
      },
    );
  }
}

/** How messages name what a call was about: a target's label, or the text given. */
function labelOf(subject: Target | string): string {
  return typeof subject === "string" ? subject : subject.label;
}

/** The placeholder the SDK gets when a query has no timespan. */
function sdkTimespan(timespan: Timespan): QueryTimeInterval {
  if (timespan === undefined) return { duration: NO_TIMESPAN };
  if ("duration" in timespan) return { duration: timespan.duration };
  return { startTime: timespan.start, endTime: timespan.end };
}

function dropPlaceholder(body: string): string {
  if (!body.includes(NO_TIMESPAN)) return body;
  const value = JSON.parse(body) as {
    timespan?: string;
    requests?: Array<{ body?: { timespan?: string } }>;
  };
  if (value.timespan === NO_TIMESPAN) delete value.timespan;
  for (const request of value.requests ?? []) {
    if (request.body?.timespan === NO_TIMESPAN) delete request.body.timespan;
  }
  return JSON.stringify(value);
}

/**
 * The body as JSON, longs past 2^53 with every digit (raw JSON, as ADX's and XDR's answers
 * are read). The exact reader is ~10x slower, so it reads only a body holding a JSON number
 * of 16 digits or more (after `[`, `,` or `:`); hex names and hashes in text rarely do.
 */
function parseBody(text: string): unknown {
  return /[[,:]\s*-?[0-9]{16}/.test(text) ? parseExact(text) : JSON.parse(text);
}

function captureOf(
  status: number,
  text: string | null | undefined,
  header: (name: string) => string | undefined | null,
): Capture {
  let body: unknown;
  let malformed: string | undefined;
  try {
    body = text ? parseBody(text) : undefined;
  } catch (error) {
    malformed = `the body is not JSON: ${(error as Error).message}`;
  }
  // A 200 that is not JSON (a proxy's or gateway's page): the SDK would not parse it, and
  // then fail on it with a TypeError that says nothing of why.
  const type = header("content-type") ?? "";
  if (status === 200 && !malformed && body !== undefined && !/json/i.test(type)) {
    malformed = `its content type is ${type === "" ? "missing" : `'${type}'`}, not JSON`;
  }
  if (status === 200 && !malformed) {
    if (body === undefined) malformed = "the body is empty";
    else if (!isBatch(body)) {
      try {
        readWireResult(body);
      } catch (error) {
        malformed = (error as Error).message;
      }
    } else if (!Array.isArray((body as { responses: unknown }).responses)) {
      // Before the SDK sees it: stripping its rows would fail on it with a TypeError.
      malformed = '"responses" is not a list';
    }
  }
  return { status, body, malformed, retryAfterMs: retryAfter(header) };
}

function isBatch(body: unknown): boolean {
  return typeof body === "object" && body !== null && "responses" in body;
}

// The same body without rows: what the SDK gets to convert.
function withoutRows(body: unknown): unknown {
  const strip = (result: Record<string, unknown>) => ({
    ...result,
    tables: (result.tables as Array<Record<string, unknown>> | undefined)?.map((t) => ({
      ...t,
      rows: [],
    })),
  });
  if (isBatch(body)) {
    const batch = body as { responses: unknown[] };
    return {
      ...batch,
      responses: batch.responses.map((r) => {
        const answer = r as { body?: unknown };
        const inner = answer?.body as Record<string, unknown> | undefined;
        return inner && Array.isArray(inner.tables) ? { ...answer, body: strip(inner) } : r;
      }),
    };
  }
  return strip(body as Record<string, unknown>);
}

/** Milliseconds a `Retry-After` (seconds or HTTP date) or `retry-after-ms` header asks for. */
function retryAfter(header: (name: string) => string | undefined | null): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number(header(name));
    if (header(name) && Number.isFinite(value) && value >= 0) return value;
  }
  const text = header("retry-after");
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function errorObject(body: unknown): WireError | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === "object" && error !== null ? error as WireError : undefined;
}

/** Every error object in a tree: the error, its details and inner errors, depth first. */
export function errorTree(error: WireError | undefined): WireError[] {
  if (!error) return [];
  return [
    error,
    ...(Array.isArray(error.details) ? error.details.flatMap(errorTree) : []),
    ...errorTree(typeof error.innererror === "object" ? error.innererror : undefined),
  ];
}

/** The most specific message of an error tree. */
export function deepestMessage(error: WireError | undefined): string | undefined {
  const messages = errorTree(error).map((e) => e.message).filter((m): m is string =>
    typeof m === "string" && m.length > 0
  );
  return messages.at(-1);
}

function queryMessage(error: WireError | undefined, fallback: string): string {
  const syntax = errorTree(error).find((e) => /^SYN/.test(String(e.code)));
  if (syntax) {
    const token = typeof syntax.token === "string" ? syntax.token : undefined;
    return token ? `it could not be parsed at '${token}'` : "it could not be parsed";
  }
  return fallback;
}

function location(error: WireError | undefined): { line: number; column: number } | undefined {
  for (const e of errorTree(error).reverse()) {
    if (typeof e.line === "number" && typeof e.pos === "number") {
      return { line: e.line, column: e.pos + 1 };
    }
    const bracket = typeof e.message === "string"
      ? /on line \[(\d+),(\d+)\]/.exec(e.message)
      : null;
    if (bracket) return { line: Number(bracket[1]), column: Number(bracket[2]) + 1 };
  }
  return undefined;
}

/**
 * Whether `error` is a connection lost before the whole answer arrived: reset or closed
 * before the response, or mid-body (the SDK then reports the body as unreadable). A query
 * only reads, so sending it again is safe.
 */
function droppedConnection(error: unknown): boolean {
  if (TRANSIENT.test(String(errorCode(error)))) return true;
  return errorCode(error) === "PARSE_ERROR" &&
    /^Error reading response as text: (aborted|terminated|socket hang up|read ECONNRESET)/
      .test((error as Error)?.message ?? "");
}

function errorCode(error: unknown): unknown {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return e?.code ?? e?.cause?.code;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0];
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

/**
 * Why a sign-in failed, in one line: Microsoft Entra ID's own `AADSTSnnnn: ...` sentence when
 * one is anywhere in the error or its causes (credentials wrap each other's errors), else
 * the device-code outcomes MSAL reports by code, else the error's first line. The
 * descriptions never hold the secret or assertion that was sent.
 */
function signInFailure(error: unknown): string {
  const texts: string[] = [];
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === "object" && !seen.has(e); e = (e as Error).cause) {
    seen.add(e);
    const item = e as Error & {
      errorResponse?: { errorDescription?: string };
      errorMessage?: string;
      errorCode?: string;
    };
    texts.push(
      item.errorResponse?.errorDescription ?? "",
      item.errorMessage ?? "",
      item.errorCode ?? "",
      item.message ?? "",
    );
  }
  const all = texts.join("\n");
  const aadsts = /AADSTS\d+:[^\r\n]*/.exec(all)?.[0];
  if (aadsts) return aadsts.length > 400 ? `${aadsts.slice(0, 400)}...` : aadsts;
  if (/authorization_declined/.test(all)) return "the sign-in was declined";
  if (/device_code_expired|expired_token/.test(all)) {
    return "nobody signed in with the device code before it expired";
  }
  return firstLine(error);
}

function describeSdkFailure(error: unknown): string {
  return error === undefined ? "it could not be read" : `it could not be read: ${firstLine(error)}`;
}

/** The error with any Authorization header of its request replaced, recursively. */
function redact(error: unknown): unknown {
  const seen = new Set<unknown>();
  const visit = (value: unknown) => {
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    const v = value as {
      request?: {
        headers?: { set?: (n: string, v: string) => void; has?: (n: string) => boolean };
      };
      response?: { request?: unknown };
      cause?: unknown;
    };
    for (const request of [v.request, v.response?.request] as Array<typeof v.request>) {
      if (request?.headers?.has?.("authorization")) {
        request.headers.set?.("authorization", "REDACTED");
      }
    }
    visit(v.cause);
  };
  visit(error);
  return error;
}

/** A `DOMException` named `AbortError` carrying the signal's reason. */
export function abortError(reason: unknown): DOMException {
  if (reason instanceof DOMException && reason.name === "AbortError") return reason;
  const error = new DOMException(
    reason instanceof Error ? `Query cancelled: ${reason.message}` : "Query cancelled",
    "AbortError",
  );
  return error;
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Waits `ms`, or rejects with an AbortError when `signal` aborts first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
