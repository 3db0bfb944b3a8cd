/**
 * The loopback Graph advanced hunting service itself: HTTPS on 127.0.0.1, bearer-token
 * check, `runHuntingQuery` on the local engine, faults, answers in Graph's shapes. The TLS
 * material, the Entra ID tenant, the fault queue, the timespan reader and the engine
 * wrapper are the Log Analytics twin's own (white-box imports: one copy of each).
 *
 * @module
 */
import { DEMO_CASE_DIR, UnknownTableError } from "../../../src/providers/mod.ts";
import { KqlSemanticError, KqlSyntaxError } from "../../../src/kql/mod.ts";
import type { KustoType, TableSchema } from "../../../src/schema/mod.ts";
import type { DataFrame } from "../../../src/polars.ts";
import { parseExact } from "../../../src/providers/_exact_json.ts";
import { EntraService } from "../log_analytics/_entra.ts";
import { redactedHeaders, serveLoopback } from "../log_analytics/_loopback.ts";
import { FaultQueue } from "../log_analytics/_faults.ts";
import { parseTimespan, Workspaces } from "../log_analytics/_query.ts";
import { encodeRows, rowsText } from "../log_analytics/_wire.ts";
import type { RecordedRequest } from "../log_analytics/mod.ts";
import type { GraphFault, GraphHuntingOptions, GraphHuntingService } from "./_types.ts";

/** Advanced hunting's row limit. */
export const MAX_ROWS = 100_000;
/** The resource Graph tokens are for. */
export const GRAPH_RESOURCE = "https://graph.microsoft.com";

const TENANT = "tenant";
const JSON_TYPE = "application/json; charset=utf-8";
const ROUTE = /^\/(v1\.0|beta)\/security\/(microsoft\.graph\.security\.)?runHuntingQuery$/i;

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
  /** Send only this many bytes of the body, then drop the connection. */
  readonly dropAfter?: number;
}

/** Starts the service (see mod.ts for the contract). */
export async function startService(options: GraphHuntingOptions): Promise<GraphHuntingService> {
  const workspaces = await Workspaces.open({ [TENANT]: options.data ?? DEMO_CASE_DIR });
  const entraOptions = options.entra === true ? {} : options.entra;
  const entra = entraOptions
    ? await EntraService.create({ resources: [GRAPH_RESOURCE], ...entraOptions })
    : undefined;
  const service = new Service(
    workspaces,
    options.token ?? `loopback-${crypto.randomUUID()}`,
    options.maxRows ?? MAX_ROWS,
    options.now ?? workspaces.referenceTime ?? new Date(),
    entra,
  );
  const server = await serveLoopback({
    caPrefix: "casefile-graph-ca-",
    port: options.port,
    entra,
    handler: (request) => service.handle(request),
    onClose: () => service.closing.abort(),
  });
  return {
    ...server,
    token: service.token,
    inject: (fault, match) => service.faults.add(fault as never, match),
    clearFaults: () => service.faults.clear(),
    requests: service.requests,
  };
}

class Service {
  // The Log Analytics twin's queue, holding this service's own fault kinds.
  readonly faults = new FaultQueue();
  readonly requests: RecordedRequest[] = [];
  readonly closing = new AbortController();

  constructor(
    readonly workspaces: Workspaces,
    readonly token: string,
    readonly maxRows: number,
    readonly now: Date,
    readonly entra: EntraService | undefined,
  ) {}

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = request.method === "GET" ? "" : await request.text();
    const entra = this.entra?.owns(url.pathname) ? this.entra : undefined;
    const record = {
      method: request.method,
      path: url.pathname + url.search,
      headers: redactedHeaders(request.headers),
      body: entra ? entra.recordedBody(text) : parseJson(text) ?? text,
      status: 0,
    };
    this.requests.push(record);
    if (entra) {
      const response = await entra.handle(request, url, text);
      record.status = response.status;
      return response;
    }
    let answer: Answer;
    try {
      answer = await this.#answer(request, url, text);
    } catch (error) {
      answer = graphError(500, "UnknownError", String((error as Error)?.message ?? error));
    }
    record.status = answer.status;
    if (answer.dropAfter !== undefined) return droppedResponse(answer, answer.dropAfter);
    return new Response(answer.body, {
      status: answer.status,
      headers: { "content-type": JSON_TYPE, ...answer.headers },
    });
  }

  async #answer(request: Request, url: URL, text: string): Promise<Answer> {
    if (!ROUTE.test(url.pathname)) {
      return graphError(
        400,
        "BadRequest",
        `Resource not found for the segment '${url.pathname.split("/").at(-1)}'.`,
      );
    }
    if (request.method !== "POST") {
      return graphError(405, "Request_BadRequest", "The HTTP method is not allowed.");
    }
    const denied = await this.#authenticate(request.headers.get("authorization"));
    if (denied) return denied;
    const body = parseJson(text) as { Query?: unknown; Timespan?: unknown } | undefined;
    if (typeof body?.Query !== "string" || body.Query.trim() === "") {
      return graphError(400, "BadRequest", "Query is required.");
    }
    const query = body.Query;
    const timespanText = typeof body.Timespan === "string" ? body.Timespan : "P30D";
    const timespan = parseTimespan(timespanText, this.now);
    if (!timespan) {
      return graphError(400, "BadRequest", `Invalid Timespan '${timespanText}'.`);
    }
    const fault = this.faults.take(query) as GraphFault | undefined;
    const early = await this.#fault(fault, request);
    if (early) return early;
    let frame: DataFrame, schema: TableSchema;
    try {
      ({ frame, schema } = await this.workspaces.run(TENANT, [], query, timespan, this.now));
    } catch (error) {
      return engineError(error);
    }
    // Advanced hunting cuts a result at its row limit, and says nothing.
    const rows = frame.height > this.maxRows ? frame.head(this.maxRows) : frame;
    const answer = resultText(rows, schema);
    if (fault?.kind === "drop") {
      return { status: 200, body: answer, dropAfter: Math.floor(answer.length / 2) };
    }
    return { status: 200, body: answer };
  }

  async #authenticate(header: string | null): Promise<Answer | undefined> {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return graphError(401, "InvalidAuthenticationToken", "Access token is empty.");
    const check = match[1] === this.token
      ? "valid"
      : await this.entra?.checkAccessToken(match[1]) ?? "invalid";
    if (check === "expired") {
      return graphError(
        401,
        "InvalidAuthenticationToken",
        "Lifetime validation failed, the token is expired.",
      );
    }
    if (check !== "valid") {
      return graphError(401, "InvalidAuthenticationToken", "Access token validation failure.");
    }
    return undefined;
  }

  async #fault(fault: GraphFault | undefined, request: Request): Promise<Answer | undefined> {
    if (!fault) return undefined;
    switch (fault.kind) {
      case "throttle":
        return {
          ...graphError(
            429,
            "TooManyRequests",
            "Too many requests. The number of API calls per minute for this tenant was " +
              "exceeded; try again later.",
          ),
          headers: { "retry-after": String(fault.retryAfterSeconds) },
        };
      case "cpu-quota":
        return {
          ...graphError(
            429,
            "TooManyRequests",
            "Query execution has exceeded the allowed limits: the tenant has reached 100% " +
              "of its allocated CPU resources for advanced hunting. Queries are blocked until " +
              "the next 15-minute cycle.",
          ),
          headers: { "retry-after": "900" },
        };
      case "timeout":
        return graphError(
          400,
          "BadRequest",
          "Query execution has exceeded the allowed execution time of 10 minutes. Optimize " +
            "your query and try again.",
        );
      case "unauthorized":
        return graphError(401, "InvalidAuthenticationToken", "Access token validation failure.");
      case "forbidden":
        return graphError(
          403,
          "Forbidden",
          "Missing role permissions on the request. API requires one of " +
            "'ThreatHunting.Read.All'. Roles on the request ''.",
        );
      case "hang":
        await waitFor([request.signal, this.closing.signal]);
        return { status: 499, body: "{}" };
      case "drop":
        return undefined; // the result is sent half, below
    }
  }
}

const GRAPH_TYPE_NAMES: Record<KustoType, string> = {
  string: "String",
  datetime: "DateTime",
  long: "Int64",
  int: "Int32",
  real: "Double",
  decimal: "Decimal",
  bool: "Boolean",
  dynamic: "Object",
  guid: "Guid",
  timespan: "TimeSpan",
};

/**
 * The body of a hunting result: Graph's `schema` with .NET type names, and one object per
 * row: datetimes and timespans as text, numbers as numbers, `dynamic` as nested JSON.
 */
function resultText(frame: DataFrame, schema: TableSchema): string {
  // Longs beyond 2^53 keep their digits, as Graph writes them.
  const arrays = parseExact(rowsText(encodeRows(frame, schema))) as unknown[][];
  const dynamic = schema.columns.map((c) => c.type === "dynamic");
  const results = arrays.map((row) => {
    const object: Record<string, unknown> = {};
    schema.columns.forEach((column, i) => {
      const cell = row[i];
      object[column.name] = dynamic[i] && typeof cell === "string" ? JSON.parse(cell) : cell;
    });
    return object;
  });
  return JSON.stringify({
    "@odata.context":
      "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
    schema: schema.columns.map((c) => ({ name: c.name, type: GRAPH_TYPE_NAMES[c.type] })),
    results,
  });
}

function engineError(error: unknown): Answer {
  const table = error instanceof UnknownTableError
    ? error.table
    : error instanceof KqlSemanticError
    ? /^Unknown table '([^']+)'/.exec(error.message)?.[1]
    : undefined;
  if (table !== undefined) {
    return graphError(
      400,
      "BadRequest",
      `'${table}' operator: Failed to resolve table or column expression named '${table}'`,
    );
  }
  if (error instanceof KqlSyntaxError) {
    return graphError(
      400,
      "BadRequest",
      `Query could not be parsed at line ${error.line}, column ${error.column}: ${error.message}`,
    );
  }
  if (error instanceof KqlSemanticError) return graphError(400, "BadRequest", error.message);
  throw error;
}

/** Graph's error body: `{"error":{"code","message","innerError":{date,request-id,...}}}`. */
function graphError(status: number, code: string, message: string): Answer {
  const id = crypto.randomUUID();
  return {
    status,
    body: JSON.stringify({
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": id,
          "client-request-id": id,
        },
      },
    }),
  };
}

function parseJson(text: string): unknown {
  try {
    return text.trim() === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function waitFor(signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve();
    for (const s of signals) s.addEventListener("abort", () => resolve(), { once: true });
  });
}

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
    headers: { "content-type": JSON_TYPE, "content-length": String(body.length) },
  });
}
