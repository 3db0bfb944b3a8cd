/**
 * The loopback service itself: HTTPS on 127.0.0.1, bearer-token check, routing, faults,
 * and answers in the real API's shapes.
 *
 * @module
 */
import { DEMO_CASE_DIR } from "../../../src/providers/mod.ts";
import { KqlSemanticError, KqlSyntaxError } from "../../../src/kql/mod.ts";
import type { Fault, LogAnalyticsService, RecordedRequest, ServiceOptions } from "./_types.ts";
import { EntraService } from "./_entra.ts";
import { redactedHeaders, serveLoopback } from "./_loopback.ts";
import { FaultQueue } from "./_faults.ts";
import { type Route, routeOf } from "./_routes.ts";
import { parseTimespan, type QueryOutcome, Workspaces } from "./_query.ts";
import {
  encodeRows,
  errorBody,
  type ErrorInfo,
  renderObject,
  rowsText,
  rowsWithin,
  statisticsObject,
  tableText,
} from "./_wire.ts";

/** Log Analytics' row limit for one result. */
export const MAX_ROWS = 500_000;
/** Log Analytics' size limit for one result (64 MiB). */
export const MAX_BYTES = 64 * 1024 * 1024;

/** One HTTP answer (or one sub-answer of a batch). */
interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** JSON text. */
  readonly body: string;
  /** Send only this many bytes of the body, then drop the connection (fault `drop`). */
  readonly dropAfter?: number;
}

interface QueryRequest {
  readonly body: unknown;
  readonly prefer: string | null;
  /** Signals that end a wait: the client going away, the service closing. */
  readonly signal: () => AbortSignal[];
}

interface Prefer {
  readonly wait?: number;
  readonly statistics: boolean;
  readonly render: boolean;
  readonly applied: string[];
}

const JSON_TYPE = "application/json; charset=utf-8";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Starts the service (see mod.ts for the contract). */
export async function startService(
  options: ServiceOptions,
  defaultWorkspace: string,
): Promise<LogAnalyticsService> {
  const folders = options.workspaces ?? { [defaultWorkspace]: options.data ?? DEMO_CASE_DIR };
  if (Object.keys(folders).length === 0) throw new RangeError("No workspace to serve");
  const workspaces = await Workspaces.open(
    folders,
    options.workspaceNames,
    options.resources,
  );
  const entra = options.entra
    ? await EntraService.create(options.entra === true ? {} : options.entra)
    : undefined;
  const service = new Service({
    entra,
    workspaces,
    token: options.token ?? `loopback-${crypto.randomUUID()}`,
    resources: options.resources ?? {},
    maxRows: options.maxRows ?? MAX_ROWS,
    maxBytes: options.maxBytes ?? MAX_BYTES,
    now: options.now ?? workspaces.referenceTime ?? new Date(),
  });
  const server = await serveLoopback({
    caPrefix: "casefile-loganalytics-ca-",
    port: options.port,
    entra,
    handler: (request) => service.handle(request),
    onClose: () => service.closing.abort(),
  });
  return {
    ...server,
    token: service.token,
    workspaceIds: workspaces.ids,
    inject: (fault, match) => service.faults.add(fault, match),
    clearFaults: () => service.faults.clear(),
    requests: service.requests,
  };
}

interface ServiceState {
  readonly entra?: EntraService;
  readonly workspaces: Workspaces;
  readonly token: string;
  readonly resources: Readonly<Record<string, string>>;
  readonly maxRows: number;
  readonly maxBytes: number;
  readonly now: Date;
}

class Service {
  readonly faults = new FaultQueue();
  readonly requests: RecordedRequest[] = [];
  readonly closing = new AbortController();
  readonly token: string;
  readonly #state: ServiceState;

  constructor(state: ServiceState) {
    this.#state = state;
    this.token = state.token;
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    const entra = this.#state.entra?.owns(url.pathname) ? this.#state.entra : undefined;
    const record = {
      method: request.method,
      path: url.pathname + url.search,
      headers: redactedHeaders(request.headers),
      body: entra ? entra.recordedBody(text) : parseJson(text) ?? (text === "" ? undefined : text),
      status: 0,
    };
    this.requests.push(record);
    if (entra) {
      const response = await entra.handle(request, url, text).catch((error) =>
        new Response(internalError(error).body, { status: 500 })
      );
      record.status = response.status;
      return response;
    }
    let answer: Answer;
    try {
      answer = await this.#answer(request, url, text);
    } catch (error) {
      answer = { ...internalError(error), headers: {} };
    }
    record.status = answer.status;
    if (answer.dropAfter !== undefined) return droppedResponse(answer, answer.dropAfter);
    return new Response(answer.body, {
      status: answer.status,
      headers: { "content-type": JSON_TYPE, ...answer.headers },
    });
  }

  async #answer(request: Request, url: URL, text: string): Promise<Answer> {
    const denied = await this.#authenticate(request.headers.get("authorization"));
    if (denied) return denied;
    const route: Route = routeOf(url.pathname);
    // Deno aborts request.signal after every answer too, and warns then if it was read:
    // only a hang, which needs to see the client leave, reads it.
    const signal = () => [request.signal, this.closing.signal];
    const prefer = request.headers.get("prefer");
    if (route.kind === "unknown") return pathNotFound();
    if (request.method === "GET" && route.kind !== "batch") {
      const body = {
        query: url.searchParams.get("query") ?? undefined,
        timespan: url.searchParams.get("timespan") ?? undefined,
      };
      return await this.#query(this.#workspaceOf(route), { body, prefer, signal });
    }
    if (request.method !== "POST") {
      return {
        status: 405,
        headers: { allow: route.kind === "batch" ? "POST" : "GET, POST" },
        body: errorBody({ code: "MethodNotAllowed", message: "The HTTP method is not allowed" }),
      };
    }
    const body = parseJson(text);
    if (body === undefined) return badRequest("The request body is not valid JSON");
    if (route.kind === "batch") return await this.#batch(body, signal);
    return await this.#query(this.#workspaceOf(route), { body, prefer, signal });
  }

  #workspaceOf(route: Route & { kind: "workspace" | "resource" }): string {
    if (route.kind === "workspace") return route.workspace;
    const key = Object.keys(this.#state.resources)
      .find((r) => r.toLowerCase() === route.resourceId.toLowerCase());
    return key ? this.#state.resources[key] : this.#state.workspaces.ids[0];
  }

  async #authenticate(header: string | null): Promise<Answer | undefined> {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      return {
        status: 401,
        headers: { "www-authenticate": 'Bearer realm="api.loganalytics.io"' },
        body: errorBody({
          code: "AuthorizationRequiredError",
          message: "Valid authentication was not provided",
        }),
      };
    }
    const check = match[1] === this.#state.token
      ? "valid"
      : await this.#state.entra?.checkAccessToken(match[1]) ?? "invalid";
    if (check === "expired") {
      return {
        status: 401,
        headers: {
          "www-authenticate": 'Bearer realm="api.loganalytics.io", error="invalid_token", ' +
            'error_description="The access token expired"',
        },
        body: errorBody({
          code: "InvalidTokenError",
          message: "The provided authentication is not valid for this resource",
          innererror: { code: "TokenExpired", message: "The access token has expired" },
        }),
      };
    }
    if (check !== "valid") {
      return {
        status: 401,
        headers: {
          "www-authenticate": 'Bearer realm="api.loganalytics.io", error="invalid_token"',
        },
        body: errorBody({
          code: "InvalidTokenError",
          message: "The provided authentication is not valid for this resource",
          innererror: {
            code: "SignatureVerificationFailed",
            message: "Signature validation failed",
          },
        }),
      };
    }
    return undefined;
  }

  async #batch(body: unknown, signal: () => AbortSignal[]): Promise<Answer> {
    const requests = (body as { requests?: unknown })?.requests;
    if (!Array.isArray(requests)) {
      return badRequest("The batch request must have a 'requests' array");
    }
    const whole = await this.#fault(this.faults.take("", true), parsePrefer(null), signal);
    if (whole) return whole;
    const parts = await Promise.all(requests.map(async (raw, i) => {
      const sub = (raw ?? {}) as {
        id?: unknown;
        workspace?: unknown;
        body?: unknown;
        headers?: Record<string, unknown>;
        path?: unknown;
        method?: unknown;
      };
      const id = typeof sub.id === "string" ? sub.id : String(i);
      const prefer = Object.entries(sub.headers ?? {})
        .find(([k]) => k.toLowerCase() === "prefer")?.[1];
      let answer: Answer;
      if (typeof sub.workspace !== "string") {
        answer = badRequest("Each batch request needs a 'workspace'");
      } else if (
        (sub.path !== undefined && String(sub.path).toLowerCase() !== "/query") ||
        (sub.method !== undefined && String(sub.method).toUpperCase() !== "POST")
      ) {
        answer = pathNotFound();
      } else {
        answer = await this.#query(sub.workspace, {
          body: sub.body,
          prefer: typeof prefer === "string" ? prefer : null,
          signal,
        });
      }
      const headers = JSON.stringify(answer.headers);
      return `{"id":${JSON.stringify(id)},"status":${answer.status},"headers":${headers},` +
        `"body":${answer.body}}`;
    }));
    return { status: 200, headers: {}, body: `{"responses":[${parts.join(",")}]}` };
  }

  async #query(workspaceId: string, request: QueryRequest): Promise<Answer> {
    const started = performance.now();
    const body = request.body as { query?: unknown; timespan?: unknown; workspaces?: unknown };
    const workspace = this.#state.workspaces.find(workspaceId);
    if (!workspace) return workspaceNotFound(workspaceId);
    if (typeof body?.query !== "string" || body.query.trim() === "") {
      return badRequest("The query parameter is missing or empty", "QueryValidationError");
    }
    const query = body.query;
    const others: string[] = [];
    if (body.workspaces !== undefined && body.workspaces !== null) {
      if (!Array.isArray(body.workspaces)) {
        return badRequest("'workspaces' must be an array of workspace ids");
      }
      for (const other of body.workspaces) {
        const found = this.#state.workspaces.find(String(other)) ??
          this.#resourceWorkspace(String(other));
        if (!found) return workspaceNotFound(String(other));
        others.push(found);
      }
    }
    let timespan;
    if (body.timespan !== undefined && body.timespan !== null) {
      timespan = parseTimespan(String(body.timespan), this.#state.now);
      if (!timespan) {
        return badRequest(
          `Failed parsing the query timespan '${String(body.timespan)}': ` +
            "expected an ISO 8601 duration or interval",
          "QueryValidationError",
        );
      }
    }
    const prefer = parsePrefer(request.prefer);
    const headers: Record<string, string> = prefer.applied.length > 0
      ? { "preference-applied": prefer.applied.join(",") }
      : {};

    const fault = this.faults.take(query);
    const early = await this.#fault(fault, prefer, request.signal);
    if (early) return { ...early, headers: { ...headers, ...early.headers } };

    let outcome: QueryOutcome;
    try {
      outcome = await this.#state.workspaces.run(
        workspace,
        others,
        query,
        timespan,
        this.#state.now,
      );
    } catch (error) {
      return { ...engineError(error, query), headers };
    }
    const seconds = (performance.now() - started) / 1000;
    if (prefer.wait !== undefined && seconds > prefer.wait) return { ...gatewayTimeout(), headers };
    const answer = this.#result(outcome, prefer, seconds, fault);
    if (fault?.kind === "drop") {
      return { status: 200, headers, body: answer, dropAfter: Math.floor(answer.length / 2) };
    }
    return { status: 200, headers, body: answer };
  }

  #resourceWorkspace(resourceId: string): string | undefined {
    if (!resourceId.startsWith("/")) return undefined;
    return this.#workspaceOf({ kind: "resource", resourceId });
  }

  /** The answer a fault gives instead of the result, if it does; `slow` only delays. */
  async #fault(
    fault: Fault | undefined,
    prefer: Prefer,
    signal: () => AbortSignal[],
  ): Promise<Answer | undefined> {
    if (!fault) return undefined;
    switch (fault.kind) {
      case "throttle":
        return {
          status: 429,
          headers: {
            "retry-after": String(fault.retryAfterSeconds),
            ...retryAfterMs(fault.retryAfterMs),
          },
          body: errorBody({
            code: "ThrottledError",
            message: "Your request was throttled: too many requests. " +
              `Retry after ${fault.retryAfterSeconds} second(s).`,
          }),
        };
      case "unavailable":
        return {
          status: 503,
          headers: {
            ...fault.retryAfterSeconds === undefined
              ? {}
              : { "retry-after": String(fault.retryAfterSeconds) },
            ...retryAfterMs(fault.retryAfterMs),
          },
          body: errorBody({
            code: "ServiceUnavailableError",
            message: "The service is temporarily unavailable. Try again later.",
          }),
        };
      case "timeout":
        return gatewayTimeout();
      case "hang":
        await sleep(Infinity, signal());
        if (signal()[0].aborted) {
          // Nobody hears this; 499 (nginx's "client closed request") tells the records so.
          return { status: 499, headers: {}, body: "{}" };
        }
        return {
          status: 503,
          headers: {},
          body: errorBody({ code: "ServiceUnavailableError", message: "The service stopped" }),
        };
      case "slow": {
        const limit = prefer.wait === undefined ? Infinity : prefer.wait * 1000;
        // Not the request's signal: merely reading it makes Deno warn once it is answered.
        await sleep(Math.min(fault.delayMs, limit), [this.closing.signal]);
        return fault.delayMs > limit ? gatewayTimeout() : undefined;
      }
      case "malformed":
        return {
          status: 200,
          headers: fault.headers ?? {},
          body: fault.body ?? '{"unexpected":"shape"}',
        };
      case "partial":
      case "drop":
        return undefined;
    }
  }

  /** The body of a successful (or partial) answer. */
  #result(outcome: QueryOutcome, prefer: Prefer, seconds: number, fault?: Fault): string {
    const rows = encodeRows(outcome.frame, outcome.schema);
    let count = rows.height;
    let error: ErrorInfo | undefined;
    if (fault?.kind === "partial") {
      count = Math.floor(count / 2);
      error = partialError(
        "-2133196793",
        "Query execution lacks memory resources to complete (80DA0007): Partial query " +
          "failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation')",
      );
    }
    if (count > this.#state.maxRows) {
      count = this.#state.maxRows;
      error = partialError(
        "-2133196797",
        `Query result set has exceeded the internal record count limit ${this.#state.maxRows} ` +
          "(E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)",
      );
    }
    const max = this.#state.maxBytes;
    let text = rowsText(rows, count);
    if (!fits(text, max)) {
      // Cut at the limit in characters, then tighten for text that is not ASCII.
      count = Math.min(count, rowsWithin(rows, max - 2));
      text = rowsText(rows, count);
      while (!fits(text, max) && count > 0) {
        count = Math.floor(count * (max / utf8Length(text)) * 0.99);
        text = rowsText(rows, count);
      }
      error = partialError(
        "-2133196797",
        `Query result set has exceeded the internal data size limit ${max} ` +
          "(E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)",
      );
    }
    let body = `{"tables":[${tableText("PrimaryResult", outcome.schema, text)}]`;
    if (prefer.statistics) {
      const statistics = statisticsObject(seconds, outcome.rowsScanned, count, text.length);
      body += `,"statistics":${JSON.stringify(statistics)}`;
    }
    if (prefer.render && outcome.render) {
      body += `,"render":${JSON.stringify(renderObject(outcome.render))}`;
    }
    if (error) {
      body += `,"error":${JSON.stringify({ correlationId: crypto.randomUUID(), ...error })}`;
    }
    return body + "}";
  }
}

/** The `retry-after-ms` header of a fault that gives one. */
function retryAfterMs(ms: number | undefined): Record<string, string> {
  return ms === undefined ? {} : { "retry-after-ms": String(ms) };
}

function parsePrefer(header: string | null): Prefer {
  let wait: number | undefined;
  let statistics = false;
  let render = false;
  const applied: string[] = [];
  for (const part of (header ?? "").split(/[,;]/)) {
    const [key, value = ""] = part.trim().split("=").map((s) => s.trim());
    const name = key.toLowerCase();
    if (name === "wait" && /^\d+(\.\d+)?$/.test(value)) {
      wait = Number(value);
      applied.push(`wait=${value}`);
    } else if (name === "include-statistics" && value.toLowerCase() === "true") {
      statistics = true;
      applied.push("include-statistics=true");
    } else if (name === "include-render" && value.toLowerCase() === "true") {
      render = true;
      applied.push("include-render=true");
    }
  }
  return { wait, statistics, render, applied };
}

function engineError(error: unknown, query: string): Omit<Answer, "headers"> {
  if (error instanceof KqlSyntaxError) {
    const lines = query.split("\n");
    const line = lines[error.line - 1] ?? "";
    const pos = error.column - 1;
    const width = Math.max(1, error.span.end - error.span.start);
    const token = line.slice(pos, pos + width).split("\n")[0] || line.charAt(pos) || "<EOF>";
    return {
      status: 400,
      body: errorBody({
        code: "BadArgumentError",
        message: "The request had some invalid properties",
        innererror: {
          code: "SyntaxError",
          message: "A recognition error occurred in the query.",
          innererror: {
            code: "SYN0002",
            message: `Query could not be parsed at '${token}' on line [${error.line},${pos}]`,
            line: error.line,
            pos,
            token,
            // Not in the real shape: the local engine's own words, for people reading it.
            detail: error.message,
          },
        },
      }),
    };
  }
  if (error instanceof KqlSemanticError) {
    return {
      status: 400,
      body: errorBody({
        code: "BadArgumentError",
        message: "The request had some invalid properties",
        innererror: {
          code: "SemanticError",
          message: "A semantic error occurred.",
          innererror: { code: "SEM0100", message: error.message },
        },
      }),
    };
  }
  return internalError(error);
}

function internalError(error: unknown): Omit<Answer, "headers"> {
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    body: errorBody({
      code: "InternalServerError",
      message: "An unexpected error occurred while processing the query",
      innererror: { code: "LoopbackServiceError", message },
    }),
  };
}

function partialError(code: string, message: string): ErrorInfo {
  return {
    code: "PartialError",
    message: "There were some errors when processing your query.",
    details: [{
      code: "EngineError",
      message: "Something went wrong processing your query on the server.",
      innererror: { code, message, severity: 2, severityName: "Error" },
    }],
  };
}

function gatewayTimeout(): Answer {
  return {
    status: 504,
    headers: {},
    body: errorBody({
      code: "GatewayTimeout",
      message: "Gateway timeout",
      innererror: {
        code: "GatewayTimeout",
        message: "Connection error",
        statusDetails: { code: "ESOCKETTIMEDOUT", connect: false },
      },
    }),
  };
}

function workspaceNotFound(id: string): Answer {
  if (!GUID.test(id)) return pathNotFound();
  return {
    status: 404,
    headers: {},
    body: errorBody({
      code: "WorkspaceNotFoundError",
      message: `The workspace could not be found`,
      innererror: { code: "WorkspaceNotFoundError", message: `Workspace '${id}' not found` },
    }),
  };
}

function pathNotFound(): Answer {
  return {
    status: 404,
    headers: {},
    body: errorBody({ code: "PathNotFoundError", message: "The requested path does not exist" }),
  };
}

function badRequest(message: string, inner = "InvalidRequest"): Answer {
  return {
    status: 400,
    headers: {},
    body: errorBody({
      code: "BadArgumentError",
      message: "The request had some invalid properties",
      innererror: { code: inner, message },
    }),
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether `text` is at most `max` bytes in UTF-8. */
function fits(text: string, max: number): boolean {
  if (text.length > max) return false;
  return text.length * 3 <= max || utf8Length(text) <= max;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Waits `ms` (Infinity: forever) or until one of `signals` aborts. */
function sleep(ms: number, signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve();
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    for (const s of signals) s.addEventListener("abort", done);
  });
}

// The status, headers and a full Content-Length, then part of the body and a dropped
// connection: what a proxy or a load balancer cutting a response mid-body looks like.
function droppedResponse(answer: Answer, bytes: number): Response {
  const body = new TextEncoder().encode(answer.body);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body.subarray(0, bytes));
      setTimeout(() => controller.error(new Error("connection dropped (fault)")), 10);
    },
  });
  return new Response(stream, {
    status: answer.status,
    headers: {
      "content-type": JSON_TYPE,
      "content-length": String(body.length),
      ...answer.headers,
    },
  });
}
