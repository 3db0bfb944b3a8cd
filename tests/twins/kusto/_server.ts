/**
 * The loopback Kusto service itself: HTTPS on 127.0.0.1, bearer-token check, the v2 query
 * and v1 management endpoints, faults, and answers in the real frame shapes.
 *
 * @module
 */
import {
  DEMO_CASE_DIR,
  type LocalProvider,
  openLocalProvider,
  UnknownTableError,
} from "../../../src/providers/mod.ts";
import { KqlSemanticError, KqlSyntaxError } from "../../../src/kql/mod.ts";
import type { TableSchema } from "../../../src/schema/mod.ts";
import type { DataFrame } from "../../../src/polars.ts";
import { EntraService } from "../log_analytics/_entra.ts";
import { redactedHeaders, serveLoopback } from "../log_analytics/_loopback.ts";
import { encodeRows, rowsText } from "../log_analytics/_wire.ts";
import type {
  KustoFault,
  KustoRecordedRequest,
  KustoService,
  KustoServiceOptions,
} from "./_types.ts";

/** The resource id Kusto clusters give tokens for (the public cloud's). */
export const KUSTO_RESOURCE = "https://kusto.kusto.windows.net";
/** The service's default `truncationmaxrecords`. */
export const MAX_RECORDS = 500_000;

const JSON_TYPE = "application/json; charset=utf-8";

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
  /** Send only this many bytes, then drop the connection. */
  readonly dropAfter?: number;
  /** Progressive answers: the body as its frames, one line each, sent one by one. */
  readonly lines?: readonly string[];
  /** With `lines`: send only this many lines, then drop the connection. */
  readonly dropAfterLines?: number;
  /** With `dropAfterLines`: wait for this before dropping (a query held on the cluster). */
  readonly hold?: Promise<void>;
}

/** Starts the service (see mod.ts for the contract). */
export async function startService(options: KustoServiceOptions): Promise<KustoService> {
  const folders = options.databases ?? { demo: options.data ?? DEMO_CASE_DIR };
  const databases = new Map<string, LocalProvider>();
  for (const [name, folder] of Object.entries(folders)) {
    databases.set(name, await openLocalProvider(folder));
  }
  const entra = options.entra
    ? await EntraService.create({
      resources: [KUSTO_RESOURCE],
      ...(options.entra === true ? {} : options.entra),
    })
    : undefined;
  const state = new State(
    databases,
    options.token ?? `loopback-${crypto.randomUUID()}`,
    entra,
    options.now ?? [...databases.values()][0]?.referenceTime ?? new Date(),
    Math.max(1, options.fragmentRows ?? 500),
  );
  const server = await serveLoopback({
    caPrefix: "casefile-kusto-ca-",
    port: options.port,
    entra,
    handler: (request) => state.handle(request),
    onClose: () => state.closing.abort(),
  });
  return {
    ...server,
    token: state.token,
    databases: [...databases.keys()],
    inject: (fault, match) =>
      state.faults.push({ fault, match: match?.queryIncludes, left: fault.times ?? 1 }),
    clearFaults: () => void state.faults.splice(0),
    requests: state.requests,
  };
}

class State {
  readonly faults: { fault: KustoFault; match?: string; left: number }[] = [];
  readonly requests: KustoRecordedRequest[] = [];
  readonly closing = new AbortController();
  /** Held (`hang`) queries by their client request id, until `.cancel query` stops one. */
  readonly held = new Map<string, () => void>();

  constructor(
    readonly databases: Map<string, LocalProvider>,
    readonly token: string,
    readonly entra: EntraService | undefined,
    readonly now: Date,
    readonly fragmentRows: number,
  ) {}

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = request.method === "POST" ? await request.text() : "";
    if (this.entra?.owns(url.pathname)) {
      this.requests.push({
        method: request.method,
        path: url.pathname,
        headers: redactedHeaders(request.headers),
        status: 0,
      });
      return await this.entra.handle(request, url, text);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const record: KustoRecordedRequest = {
      method: request.method,
      path: url.pathname,
      headers: redactedHeaders(request.headers),
      body,
      status: 0,
    };
    this.requests.push(record);
    let answer: Answer;
    try {
      answer = await this.#answer(request, url, body);
    } catch (error) {
      answer = errorAnswer(
        500,
        "InternalServiceError",
        "Kusto.Data.Exceptions.KustoServiceException",
        String(error),
      );
    }
    record.status = answer.status;
    const headers = { "content-type": JSON_TYPE, ...answer.headers };
    if (answer.dropAfter !== undefined) return dropped(answer.body, answer.dropAfter, headers);
    if (answer.lines) {
      return streamed(answer.lines, answer.dropAfterLines, headers, answer.hold);
    }
    return new Response(answer.body, { status: answer.status, headers });
  }

  async #answer(request: Request, url: URL, body: unknown): Promise<Answer> {
    if (url.pathname === "/v1/rest/auth/metadata" && request.method === "GET") {
      return {
        status: 200,
        body: JSON.stringify({
          AzureAD: {
            LoginEndpoint: this.entra?.authorityHost ?? "https://login.microsoftonline.com",
            LoginMfaRequired: false,
            KustoClientAppId: "db662dc1-0cfe-4e1c-a843-19a68e65be58",
            KustoClientRedirectUri: "https://microsoft/kustoclient",
            KustoServiceResourceId: KUSTO_RESOURCE,
            FirstPartyAuthorityUrl:
              "https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a",
          },
          dSTS: {},
        }),
      };
    }
    const kind = url.pathname === "/v2/rest/query"
      ? "query"
      : url.pathname === "/v1/rest/mgmt"
      ? "mgmt"
      : undefined;
    if (!kind) return { status: 404, body: "" };
    if (request.method !== "POST") return { status: 405, body: "" };
    const denied = await this.#authenticate(request.headers.get("authorization"));
    if (denied) return denied;
    const { db, csl, properties } = (body ?? {}) as {
      db?: string;
      csl?: string;
      properties?: { Options?: Record<string, unknown>; Parameters?: Record<string, string> };
    };
    if (typeof csl !== "string" || typeof db !== "string") {
      return errorAnswer(
        400,
        "General_BadRequest",
        "Kusto.Data.Exceptions.BadRequestException",
        "The request must have 'db' and 'csl'",
      );
    }
    const fault = this.#takeFault(csl);
    // Deno warns about a read request.signal once answered: only a hang reads it.
    const early = await this.#fault(
      fault,
      () => request.signal,
      request.headers.get("x-ms-client-request-id"),
    );
    if (early) return early;
    const provider = this.databases.get(db);
    if (!provider) {
      return errorAnswer(
        400,
        "General_BadRequest",
        "Kusto.Data.Exceptions.EntityNotFoundException",
        `Entity ID '${db}' of kind 'Database' was not found.`,
      );
    }
    if (kind === "mgmt") return await this.#mgmt(db, provider, csl);
    const answer = await this.#query(provider, csl, properties ?? {}, fault);
    if (fault?.kind === "stall" && answer.lines) {
      // Part of the answer streams, then the query stays running until `.cancel query`.
      const requestId = request.headers.get("x-ms-client-request-id");
      const hold = new Promise<void>((resolve) => {
        this.closing.signal.addEventListener("abort", () => resolve(), { once: true });
        if (requestId) this.held.set(requestId, resolve);
      });
      return { ...answer, hold };
    }
    return answer;
  }

  #takeFault(csl: string): KustoFault | undefined {
    const at = this.faults.findIndex((f) => f.match === undefined || csl.includes(f.match));
    if (at < 0) return undefined;
    const queued = this.faults[at];
    if (--queued.left === 0) this.faults.splice(at, 1);
    return queued.fault;
  }

  async #fault(
    fault: KustoFault | undefined,
    signalOf: () => AbortSignal,
    requestId: string | null,
  ): Promise<Answer | undefined> {
    switch (fault?.kind) {
      case undefined:
      case "partial":
      case "drop":
        return undefined;
      case "throttle":
        return {
          ...errorAnswer(
            429,
            "LimitsExceeded",
            "Kusto.DataNode.Exceptions.KustoRequestThrottledException",
            "The request was denied due to exceeding quota limitations. Resource: " +
              "'RequestRateLimitPolicy'. Retry after " + fault.retryAfterSeconds + " seconds.",
          ),
          headers: { "retry-after": String(fault.retryAfterSeconds) },
        };
      case "unauthorized":
        return unauthorized("The access token is invalid or has expired");
      case "forbidden":
        return errorAnswer(
          403,
          "Forbidden",
          "Kusto.DataNode.Exceptions.UnauthorizedDatabaseAccessException",
          "Principal 'aadapp=casefile-loopback' is not authorized to read database 'demo'.",
        );
      case "hang":
        await new Promise<void>((resolve) => {
          const done = () => resolve();
          const signal = signalOf();
          signal.addEventListener("abort", done, { once: true });
          this.closing.signal.addEventListener("abort", done, { once: true });
          // The query keeps running on the cluster when its client goes, until cancelled.
          if (requestId) this.held.set(requestId, done);
        });
        return { status: 499, body: "{}" };
    }
  }

  async #authenticate(header: string | null): Promise<Answer | undefined> {
    const token = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (!token) return unauthorized("No authorization header was given");
    if (token === this.token) return undefined;
    const check = await this.entra?.checkAccessToken(token) ?? "invalid";
    if (check === "valid") return undefined;
    return unauthorized(
      check === "expired"
        ? "IDX10223: Lifetime validation failed. The token is expired."
        : "IDX10511: Signature validation failed.",
    );
  }

  async #mgmt(db: string, provider: LocalProvider, csl: string): Promise<Answer> {
    const command = csl.trim();
    const cancel = /^\.cancel\s+query\s+"([^"]+)"/i.exec(command);
    if (cancel) {
      // Kusto stops the running query the id names, or says it has none.
      const stop = this.held.get(cancel[1]);
      if (!stop) {
        return errorAnswer(
          400,
          "General_BadRequest",
          "Kusto.Data.Exceptions.EntityNotFoundException",
          `No running query with ClientRequestId '${cancel[1]}' was found.`,
        );
      }
      stop();
      this.held.delete(cancel[1]);
      return v1(
        [{ name: "ClientRequestId", type: "string" }, { name: "ReasonPhrase", type: "string" }],
        [[cancel[1], "Cancelled by the user"]],
      );
    }
    if (/^\.show\s+database\s+(\[\s*'[^']*'\s*\]|\S+)?\s*schema\s+as\s+json$/i.test(command)) {
      const tables: Record<string, unknown> = {};
      for (const table of await provider.tables()) {
        tables[table.name] = {
          Name: table.name,
          OrderedColumns: table.columns.map((c) => ({
            Name: c.name,
            Type: DOTNET[c.type] ?? "System.String",
            CslType: c.type,
          })),
        };
      }
      const schema = { Databases: { [db]: { Name: db, Tables: tables, MajorVersion: 1 } } };
      return v1([{ name: "DatabaseSchema", type: "string" }], [[JSON.stringify(schema)]]);
    }
    if (/^\.show\s+tables$/i.test(command)) {
      const names = (await provider.tables()).map((t) => [t.name, db, "", ""]);
      return v1(
        ["TableName", "DatabaseName", "Folder", "DocString"].map((name) => ({
          name,
          type: "string",
        })),
        names,
      );
    }
    return errorAnswer(
      400,
      "General_BadRequest",
      "Kusto.Data.Exceptions.SyntaxException",
      `Syntax error: SYN0002: A recognition error occurred. [line:position=1:0]`,
      { "@errorCode": "SYN0002" },
    );
  }

  async #query(
    provider: LocalProvider,
    csl: string,
    properties: { Options?: Record<string, unknown>; Parameters?: Record<string, string> },
    fault: KustoFault | undefined,
  ): Promise<Answer> {
    const options = properties.Options ?? {};
    const now = typeof options.query_now === "string" ? new Date(options.query_now) : this.now;
    const column = options.query_datetimescope_column;
    const timespan = column === "TimeGenerated" && options.query_datetimescope_from &&
        options.query_datetimescope_to
      ? {
        start: new Date(String(options.query_datetimescope_from)),
        end: new Date(String(options.query_datetimescope_to)),
      }
      : undefined;
    let query: string;
    try {
      query = bindParameters(csl, properties.Parameters ?? {});
    } catch (error) {
      return syntaxError(1, 0, (error as Error).message);
    }
    let result;
    try {
      result = await provider.query(query, { now, timespan });
    } catch (error) {
      return engineError(error, csl, query);
    }
    const limit = Number(options.truncationmaxrecords ?? MAX_RECORDS);
    let rows = rowsJson(result.frame, result.schema);
    const errors: Record<string, unknown>[] = [];
    if (fault?.kind === "partial") {
      rows = rows.slice(0, Math.floor(rows.length / 2));
      errors.push(oneApiError(
        "Internal_PartialQueryFailure",
        "Kusto.Data.Exceptions.KustoServicePartialQueryFailureException",
        "Query execution lacks memory resources to complete (80DA0007): Partial query failure: " +
          "Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation')",
      ));
    }
    if (rows.length > limit) {
      rows = rows.slice(0, limit);
      errors.push(oneApiError(
        "LimitsExceeded",
        "Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException",
        `Query execution has exceeded the allowed limits (80DA0003): The results of this query ` +
          `exceed the set limit of ${limit} records, so not all records were returned ` +
          "(E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003). See https://aka.ms/kustoquerylimits for " +
          "more information and possible solutions.",
      ));
    }
    if (options.results_progressive_enabled === true) {
      const lines = progressiveFrames(
        result.schema,
        rows,
        errors,
        result.render,
        this.fragmentRows,
      );
      // A drop right after the second fragment: whole frames so far, the rest never comes.
      const at = lines.findIndex((l) => l.includes('"TableFragment"'));
      return {
        status: 200,
        body: lines.join(""),
        lines,
        ...(fault?.kind === "drop" || fault?.kind === "stall"
          ? { dropAfterLines: at < 0 ? 1 : at + 2 }
          : {}),
      };
    }
    const text = v2Frames(result.schema, rows, errors, result.render);
    if (fault?.kind === "drop") {
      return { status: 200, body: text, dropAfter: Math.floor(text.length / 2) };
    }
    return { status: 200, body: text };
  }
}

const DOTNET: Record<string, string> = {
  bool: "System.SByte",
  datetime: "System.DateTime",
  dynamic: "System.Object",
  guid: "System.Guid",
  int: "System.Int32",
  long: "System.Int64",
  real: "System.Double",
  decimal: "System.Data.SqlTypes.SqlDecimal",
  string: "System.String",
  timespan: "System.TimeSpan",
};

/**
 * `declare query_parameters(a:type, ...);` bound to the request's `Parameters`: each becomes a
 * `let` of the value's literal (strings quoted), as the service binds them.
 */
function bindParameters(csl: string, parameters: Record<string, string>): string {
  const match = /^\s*declare\s+query_parameters\s*\(([^)]*)\)\s*;/i.exec(csl);
  if (!match) return csl;
  const lets = match[1].split(",").map((part) => part.trim()).filter(Boolean).map((part) => {
    const [name, rest] = part.split(":").map((s) => s.trim());
    const [type, fallback] = rest.split("=").map((s) => s.trim());
    const value = parameters[name];
    if (value === undefined) {
      if (fallback === undefined) throw new Error(`Query parameter '${name}' was not given`);
      return `let ${name} = ${fallback};`;
    }
    return `let ${name} = ${
      type === "string" ? JSON.stringify(value) : `${type}(${unwrap(value)})`
    };`;
  });
  return lets.join("\n") + "\n" + csl.slice(match[0].length);
}

/** `datetime(x)` → `x`; other literals as they are. */
function unwrap(value: string): string {
  return /^\w+\((.*)\)$/s.exec(value)?.[1] ?? value;
}

/** Rows as JSON texts of arrays, `dynamic` as JSON values and `decimal` as text (v2's way). */
function rowsJson(frame: DataFrame, schema: TableSchema): string[] {
  if (frame.height === 0) return [];
  const encoded = rowsText(encodeRows(frame, schema));
  const rows = JSON.parse(encoded, exact) as unknown[][];
  const dynamic = schema.columns.flatMap((c, i) => (c.type === "dynamic" ? [i] : []));
  const decimal = schema.columns.flatMap((c, i) => (c.type === "decimal" ? [i] : []));
  return rows.map((row) => {
    for (const i of dynamic) {
      if (typeof row[i] === "string") row[i] = JSON.parse(row[i] as string, exact);
    }
    for (const i of decimal) if (typeof row[i] === "number") row[i] = String(row[i]);
    return JSON.stringify(row);
  });
}

function exact(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (
    typeof value === "number" && !Number.isSafeInteger(value) &&
    /^-?\d+$/.test(context?.source ?? "")
  ) {
    return (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(context!.source!);
  }
  return value;
}

const COMPLETION_COLUMNS = [
  ["Timestamp", "datetime"],
  ["ClientRequestId", "string"],
  ["ActivityId", "guid"],
  ["SubActivityId", "guid"],
  ["ParentActivityId", "guid"],
  ["Level", "int"],
  ["LevelName", "string"],
  ["StatusCode", "int"],
  ["StatusCodeName", "string"],
  ["EventType", "int"],
  ["EventTypeName", "string"],
  ["Payload", "string"],
].map(([ColumnName, ColumnType]) => ({ ColumnName, ColumnType }));

/** The v2 answer: DataSetHeader, QueryProperties, PrimaryResult, QueryCompletionInformation, DataSetCompletion. */
function v2Frames(
  schema: TableSchema,
  rows: string[],
  errors: Record<string, unknown>[],
  render: { visualization: string; properties: Readonly<Record<string, unknown>> } | undefined,
): string {
  const header = {
    FrameType: "DataSetHeader",
    IsProgressive: false,
    Version: "v2.0",
    IsFragmented: false,
    ErrorReportingPlacement: "EndOfTable",
  };
  const visualization: Record<string, unknown> = { Visualization: render?.visualization ?? null };
  for (const [k, v] of Object.entries(render?.properties ?? {})) {
    visualization[k.charAt(0).toUpperCase() + k.slice(1)] = v;
  }
  const properties = {
    FrameType: "DataTable",
    TableId: 0,
    TableKind: "QueryProperties",
    TableName: "@ExtendedProperties",
    Columns: [
      { ColumnName: "TableId", ColumnType: "int" },
      { ColumnName: "Key", ColumnType: "string" },
      { ColumnName: "Value", ColumnType: "dynamic" },
    ],
    Rows: [[1, "Visualization", JSON.stringify(visualization)]],
  };
  const columns = JSON.stringify(
    schema.columns.map((c) => ({ ColumnName: c.name, ColumnType: c.type })),
  );
  const primary = `{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult",` +
    `"TableName":"PrimaryResult","Columns":${columns},"Rows":[${rows.join(",")}]}`;
  const [completion, done] = closingFrames(errors);
  return `[${JSON.stringify(header)},${JSON.stringify(properties)},${primary},` +
    `${JSON.stringify(completion)},${JSON.stringify(done)}]`;
}

/**
 * The progressive v2 answer (`results_progressive_enabled`), one frame per line:
 * DataSetHeader (IsProgressive), QueryProperties, then the primary table as TableHeader,
 * TableFragment (DataAppend, `fragmentRows` rows each) with a TableProgress after each, and
 * TableCompletion (RowCount), then QueryCompletionInformation and DataSetCompletion.
 */
function progressiveFrames(
  schema: TableSchema,
  rows: string[],
  errors: Record<string, unknown>[],
  render: { visualization: string; properties: Readonly<Record<string, unknown>> } | undefined,
  fragmentRows: number,
): string[] {
  const whole = v2Frames(schema, [], errors, render);
  const frames = JSON.parse(whole) as Record<string, unknown>[];
  const [header, properties, primary] = frames;
  const out: string[] = [
    JSON.stringify({ ...header, IsProgressive: true }),
    JSON.stringify(properties),
    JSON.stringify({
      FrameType: "TableHeader",
      TableId: 1,
      TableKind: "PrimaryResult",
      TableName: "PrimaryResult",
      Columns: primary.Columns,
    }),
  ];
  for (let i = 0; i < rows.length; i += fragmentRows) {
    const part = rows.slice(i, i + fragmentRows);
    out.push(
      `{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,` +
        `"Rows":[${part.join(",")}]}`,
    );
    const percent = Math.round(((i + part.length) / rows.length) * 1000) / 10;
    out.push(JSON.stringify({ FrameType: "TableProgress", TableId: 1, TableProgress: percent }));
  }
  out.push(JSON.stringify({ FrameType: "TableCompletion", TableId: 1, RowCount: rows.length }));
  out.push(JSON.stringify(frames[3]), JSON.stringify(frames[4]));
  return out.map((frame, i) =>
    (i === 0 ? "[" : ",") + frame + (i === out.length - 1 ? "]" : "") + "\r\n"
  );
}

/** The QueryCompletionInformation table and the DataSetCompletion frame. */
function closingFrames(errors: Record<string, unknown>[]): Record<string, unknown>[] {
  const id = crypto.randomUUID();
  const stamp = new Date().toISOString();
  const info = [
    [
      stamp,
      "KNC.execute",
      id,
      id,
      id,
      4,
      "Info",
      0,
      "S_OK (0)",
      4,
      "QueryInfo",
      '{"Count":1,"Text":"Query completed successfully"}',
    ],
    ...errors.map((
      e,
    ) => [
      stamp,
      "KNC.execute",
      id,
      id,
      id,
      2,
      "Error",
      -2133196797,
      "E_QUERY_RESULT_SET_TOO_LARGE",
      5,
      "WorkloadGroupError",
      JSON.stringify(e),
    ]),
  ];
  const completion = {
    FrameType: "DataTable",
    TableId: 2,
    TableKind: "QueryCompletionInformation",
    TableName: "QueryCompletionInformation",
    Columns: COMPLETION_COLUMNS,
    Rows: info,
  };
  const done = {
    FrameType: "DataSetCompletion",
    HasErrors: errors.length > 0,
    Cancelled: false,
    ...(errors.length > 0 ? { OneApiErrors: errors } : {}),
  };
  return [completion, done];
}

function oneApiError(code: string, type: string, message: string): Record<string, unknown> {
  return {
    error: {
      code,
      message: "Query execution has resulted in error (0x80DA0003): Partial query failure.",
      "@type": type,
      "@message": message,
      "@context": { timestamp: new Date().toISOString(), serviceAlias: "LOOPBACK" },
      "@permanent": false,
    },
  };
}

/** A v1 answer of one table. */
function v1(columns: { name: string; type: string }[], rows: unknown[][]): Answer {
  return {
    status: 200,
    body: JSON.stringify({
      Tables: [{
        TableName: "Table_0",
        Columns: columns.map((c) => ({
          ColumnName: c.name,
          DataType: c.type === "string" ? "String" : c.type,
          ColumnType: c.type,
        })),
        Rows: rows,
      }],
    }),
  };
}

function errorAnswer(
  status: number,
  code: string,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
): Answer {
  return {
    status,
    body: JSON.stringify({
      error: {
        code,
        message: status === 403
          ? "Caller is not authorized to perform this action"
          : "Request is invalid and cannot be executed.",
        "@type": type,
        "@message": message,
        "@context": {
          timestamp: new Date().toISOString(),
          serviceAlias: "LOOPBACK",
          clientRequestId: "KNC.execute",
          activityId: crypto.randomUUID(),
        },
        "@permanent": status < 500 && status !== 429,
        ...extra,
      },
    }),
  };
}

function unauthorized(message: string): Answer {
  return {
    ...errorAnswer(
      401,
      "Unauthorized",
      "Kusto.Common.Svc.Exceptions.UnauthorizedOperationException",
      message,
    ),
    headers: {
      "www-authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common"',
    },
  };
}

function syntaxError(line: number, pos: number, detail: string): Answer {
  return errorAnswer(
    400,
    "General_BadRequest",
    "Kusto.Data.Exceptions.SyntaxException",
    `Syntax error: SYN0002: A recognition error occurred. [line:position=${line}:${pos}]`,
    {
      "@errorCode": "SYN0002",
      "@errorMessage": detail,
      "@line": String(line),
      "@pos": String(pos),
    },
  );
}

function engineError(error: unknown, csl: string, query: string): Answer {
  // Lines the parameter binding added before the caller's text do not count.
  const shift = query.split("\n").length - csl.split("\n").length;
  if (error instanceof KqlSyntaxError) {
    return syntaxError(error.line - shift, error.column - 1, error.message);
  }
  const unknown = error instanceof UnknownTableError
    ? error.table
    : /^Unknown table '([^']+)'/.exec((error as Error)?.message ?? "")?.[1];
  if (unknown !== undefined) {
    return errorAnswer(
      400,
      "General_BadRequest",
      "Kusto.Data.Exceptions.SemanticException",
      `Semantic error: SEM0100: 'table' operator: Failed to resolve table or column expression ` +
        `named '${unknown}'`,
      { "@errorCode": "SEM0100" },
    );
  }
  if (error instanceof KqlSemanticError) {
    return errorAnswer(
      400,
      "General_BadRequest",
      "Kusto.Data.Exceptions.SemanticException",
      `Semantic error: SEM0100: ${error.message.split("\n")[0]}`,
      { "@errorCode": "SEM0100" },
    );
  }
  throw error;
}

// A progressive answer sent frame by frame as the service streams it; with `dropAfter`, the
// connection drops after that many frames (a proxy cutting a long answer mid-fragments).
function streamed(
  lines: readonly string[],
  dropAfter: number | undefined,
  headers: Record<string, string>,
  hold?: Promise<void>,
): Response {
  const encoder = new TextEncoder();
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (dropAfter !== undefined && next >= dropAfter) {
        if (hold) await hold;
        // Let the frames sent so far reach the client before the connection goes.
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.error(new Error("connection dropped mid-fragments (fault)"));
        return;
      }
      if (next >= lines.length) return controller.close();
      controller.enqueue(encoder.encode(lines[next++]));
      // One frame per turn of the event loop, as a service producing them would send them.
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  });
  return new Response(stream, { status: 200, headers });
}

// The status, headers and a full Content-Length, then part of the body and a dropped
// connection: a proxy or load balancer cutting a response mid-frames.
function dropped(text: string, bytes: number, headers: Record<string, string>): Response {
  const body = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body.subarray(0, bytes));
      setTimeout(() => controller.error(new Error("connection dropped (fault)")), 10);
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { ...headers, "content-length": String(body.length) },
  });
}
